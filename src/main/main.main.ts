// Entry point of the Electron main process (built to dist/main/main.cjs).
import { Keystore } from "../core/keystore.node.ts";
import { createAppController } from "./app-controller.node.ts";
import { startMainProcess } from "./main-process.main.ts";

startMainProcess({
  appDir: __dirname,
  createController: () =>
    createAppController({ keystore: new Keystore({ service: process.env.OCMAP_KEYCHAIN_SERVICE || "ocmap" }) }),
});
