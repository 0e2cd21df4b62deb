// "Open at login" on Linux, for real (no Electron): the XDG autostart entry is written into a temporary
// $XDG_CONFIG_HOME/autostart, read back, and started with GLib's own desktop-entry launcher (`gio launch`),
// which must run our program with exactly our arguments (paths with spaces, quotes, $ and %). Then removed.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  autostartDir,
  autostartEntry,
  AUTOSTART_FILE_NAME,
  execArgument,
  linuxLoginItem,
} from "../../src/main/autostart-linux.node.ts";
import { waitFor } from "../harness/wait.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ocmap autostart $x "));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const hasGio = spawnSync("gio", ["--version"]).status === 0;

describe("the XDG autostart entry", () => {
  it("goes to $XDG_CONFIG_HOME/autostart, or ~/.config/autostart when it is unset or relative", () => {
    expect(autostartDir({ XDG_CONFIG_HOME: "/x/conf" }, "/home/ada")).toBe("/x/conf/autostart");
    expect(autostartDir({}, "/home/ada")).toBe("/home/ada/.config/autostart");
    expect(autostartDir({ XDG_CONFIG_HOME: "" }, "/home/ada")).toBe("/home/ada/.config/autostart");
    expect(autostartDir({ XDG_CONFIG_HOME: "relative/conf" }, "/home/ada")).toBe("/home/ada/.config/autostart");
  });

  it("quotes each Exec argument as the Desktop Entry spec asks", () => {
    expect(execArgument("/opt/OCMAP/ocmap")).toBe("/opt/OCMAP/ocmap");
    expect(execArgument("--hidden")).toBe("--hidden");
    expect(execArgument("/home/ada/My Apps/OCMAP.AppImage")).toBe('"/home/ada/My Apps/OCMAP.AppImage"');
    expect(execArgument('a"b$c`d\\e')).toBe('"a\\\\"b\\\\$c\\\\`d\\\\\\\\e"');
    expect(execArgument("100%")).toBe("100%%");
    expect(() => execArgument("a\nb")).toThrow(/line break/);
    expect(autostartEntry(["/opt/OCMAP/ocmap", "--hidden"])).toBe(
      [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        "Name=OCMAP",
        "Comment=Keeps this computer connected to your OpenClaw gateways",
        "Exec=/opt/OCMAP/ocmap --hidden",
        "Terminal=false",
        "NoDisplay=true",
        "X-GNOME-Autostart-enabled=true",
        "",
      ].join("\n"),
    );
  });

  it.skipIf(!hasGio)("is written, read back, started by gio with our exact arguments, and removed", async () => {
    const program = join(dir, "bin dir", "ocmap's app");
    const out = join(dir, "launched.txt");
    mkdirSync(join(dir, "bin dir"));
    writeFileSync(
      program,
      `#!/bin/sh\nfor a in "$@"; do printf '[%s]\\n' "$a"; done > '${out}.tmp' && mv '${out}.tmp' '${out}'\n`,
    );
    chmodSync(program, 0o755);
    const env = { XDG_CONFIG_HOME: join(dir, "config") };
    const odd = 'odd "arg" $HOME `x` 100% \\ end';
    const item = linuxLoginItem({ command: [program, "--hidden", odd], env, home: "/nonexistent" });
    const file = join(dir, "config", "autostart", AUTOSTART_FILE_NAME);

    expect(item.get()).toBe(false);
    await item.set(true);
    expect(item.get()).toBe(true);
    expect(readFileSync(file, "utf8")).toBe(autostartEntry([program, "--hidden", odd]));

    const launched = spawnSync("gio", ["launch", file], { encoding: "utf8", timeout: 20_000 });
    expect(launched.status, launched.stderr).toBe(0);
    await waitFor(() => existsSync(out), "the autostart entry's program to run", 20_000);
    expect(readFileSync(out, "utf8")).toBe(`[--hidden]\n[${odd}]\n`);

    await item.set(false);
    expect(existsSync(file)).toBe(false);
    expect(item.get()).toBe(false);
    await item.set(false); // already gone: fine
  });

  it("a folder it cannot write says which file, and changes nothing", async () => {
    const config = join(dir, "config");
    writeFileSync(config, "a file where the config folder should be"); // fails for root too, unlike a chmod
    const item = linuxLoginItem({ command: ["/opt/OCMAP/ocmap", "--hidden"], env: { XDG_CONFIG_HOME: config } });
    expect(() => item.set(true)).toThrow(
      `${join(config, "autostart", AUTOSTART_FILE_NAME)} cannot be written (ENOTDIR).`,
    );
    expect(item.get()).toBe(false);
  });
});
