// Entry point of the Electron main process (built to dist/main/main.cjs).
import { app } from "electron";
import { join } from "node:path";
import { Keystore } from "../core/keystore.node.ts";
import { createAppController } from "./app-controller.node.ts";
import { createSettingsPort } from "./desktop-settings.std.ts";
import { osLoginItem } from "./login-item.main.ts";
import { startMainProcess } from "./main-process.main.ts";
import { openSettingsFile, SETTINGS_FILE_NAME } from "./settings-file.node.ts";

// OCMAP_KEYCHAIN_SERVICE lets tests and development (`npm start`) use their own keychain entries;
// an installed (packaged) app always uses the real one.
const keychainService = (!app.isPackaged && process.env.OCMAP_KEYCHAIN_SERVICE) || "ocmap";
const settings = openSettingsFile(join(app.getPath("userData"), SETTINGS_FILE_NAME));

startMainProcess({
  appDir: __dirname,
  settings,
  createController: () =>
    createAppController({
      keystore: new Keystore({ service: keychainService }),
      settings: createSettingsPort(settings, osLoginItem()),
    }),
  loadNativeModules: () => import("keytar"),
});
