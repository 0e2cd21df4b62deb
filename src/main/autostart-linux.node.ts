// "Open at login" on Linux: an XDG autostart entry (Desktop Application Autostart Specification),
// $XDG_CONFIG_HOME/autostart/ocmap.desktop, or ~/.config/autostart when XDG_CONFIG_HOME is unset or
// not absolute. Electron's setLoginItemSettings does nothing on Linux, so OCMAP writes the entry itself.
import { existsSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { LoginItem } from "./desktop-settings.std.ts";
import { writeFileAtomically } from "./settings-file.node.ts";

export const AUTOSTART_FILE_NAME = "ocmap.desktop";

export interface AutostartOptions {
  /** The program and its arguments, as the session should start it at login. */
  command: string[];
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export function autostartDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const configHome = env.XDG_CONFIG_HOME;
  return join(configHome && isAbsolute(configHome) ? configHome : join(home, ".config"), "autostart");
}

// Characters that make the Desktop Entry spec's Exec key quote an argument.
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/** One argument of an Exec line: quoted when it must be, `%` doubled (field codes), then string-escaped. */
export function execArgument(argument: string): string {
  if (/[\n\r\0]/.test(argument)) throw new Error("a path with a line break cannot be started at login");
  const fieldSafe = argument.replace(/%/g, "%%");
  const quoted =
    RESERVED.test(argument) || argument === "" ? `"${fieldSafe.replace(/(["`$\\])/g, "\\$1")}"` : fieldSafe;
  // The string-value escape applies before the quoting rule is read: every backslash is written twice.
  return quoted.replace(/\\/g, "\\\\");
}

export function autostartEntry(command: string[]): string {
  return [
    "[Desktop Entry]",
    "Type=Application",
    "Version=1.0",
    "Name=OCMAP",
    "Comment=Keeps this computer connected to your OpenClaw gateways",
    `Exec=${command.map(execArgument).join(" ")}`,
    "Terminal=false",
    "NoDisplay=true",
    "X-GNOME-Autostart-enabled=true",
    "",
  ].join("\n");
}

export function linuxLoginItem(options: AutostartOptions): LoginItem {
  const file = () => join(autostartDir(options.env, options.home), AUTOSTART_FILE_NAME);
  return {
    get: () => existsSync(file()),
    set(enabled) {
      try {
        if (enabled) writeFileAtomically(file(), autostartEntry(options.command));
        else rmSync(file(), { force: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(`${file()} cannot be ${enabled ? "written" : "removed"}${code ? ` (${code})` : ""}.`, {
          cause: err,
        });
      }
    },
  };
}
