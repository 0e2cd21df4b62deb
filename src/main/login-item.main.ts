// "Open at login" with each OS's own mechanism: macOS and Windows through Electron (a login item, a
// Run key), Linux through an XDG autostart entry (autostart-linux.node.ts), which Electron does not do.
// Started at login, OCMAP opens in the tray only (`--hidden`).
import { app } from "electron";
import { resolve } from "node:path";
import { linuxLoginItem } from "./autostart-linux.node.ts";
import { HIDDEN_FLAG } from "./background.std.ts";
import type { LoginItem } from "./desktop-settings.std.ts";

export function osLoginItem(platform: NodeJS.Platform = process.platform): LoginItem {
  if (platform === "darwin")
    return {
      get: () => app.getLoginItemSettings().openAtLogin,
      set(enabled) {
        app.setLoginItemSettings({ openAtLogin: enabled });
        if (enabled && app.getLoginItemSettings().status === "requires-approval")
          throw new Error("macOS asks you to allow OCMAP in System Settings → General → Login Items.");
      },
    };
  if (platform === "win32") {
    // Windows matches the entry by its arguments: get and set pass the same ones.
    const args = [...devAppArgs(), HIDDEN_FLAG];
    return {
      get: () => app.getLoginItemSettings({ args }).openAtLogin,
      set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args }),
    };
  }
  // An AppImage runs from a temporary mount: the session must start the AppImage file itself.
  const program = process.env.APPIMAGE || process.execPath;
  return linuxLoginItem({ command: [program, ...devAppArgs(), HIDDEN_FLAG] });
}

/** Unpackaged (`electron .`), Electron needs the app's folder in front of our own arguments. */
function devAppArgs(): string[] {
  return process.defaultApp && process.argv[1] ? [resolve(process.argv[1])] : [];
}

/** Whether this launch came from the login item (then the window stays closed). */
export function openedAtLogin(argv: readonly string[]): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  return process.platform === "darwin" && app.getLoginItemSettings().wasOpenedAtLogin;
}
