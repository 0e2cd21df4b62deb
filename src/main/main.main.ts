// Entry point of the Electron main process (built to dist/main/main.cjs).
import { app } from "electron";
import { Keystore } from "../core/keystore.node.ts";
import { createAppController } from "./app-controller.node.ts";
import { startMainProcess } from "./main-process.main.ts";

// OCMAP_KEYCHAIN_SERVICE lets tests and development (`npm start`) use their own keychain entries;
// an installed (packaged) app always uses the real one.
const keychainService = (!app.isPackaged && process.env.OCMAP_KEYCHAIN_SERVICE) || "ocmap";

startMainProcess({
  appDir: __dirname,
  createController: () => createAppController({ keystore: new Keystore({ service: keychainService }) }),
  loadNativeModules: () => import("keytar"),
});
