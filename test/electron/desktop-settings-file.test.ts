// The desktop settings file on a real file system (no Electron): defaults, atomic writes, a damaged file
// (defaults, one clear log line, the damaged file kept aside), a bad field (only it falls back), and the
// Settings port (open at login is what the OS holds; a change that fails says so and changes nothing).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSettingsPort, DEFAULT_SETTINGS, parseSettings } from "../../src/main/desktop-settings.std.ts";
import { openSettingsFile } from "../../src/main/settings-file.node.ts";

let dir: string;
let file: string;
let logged: string[];
const open = () => openSettingsFile(file, { log: (line) => logged.push(line) });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ocmap-settings-"));
  file = join(dir, "userData", "settings.json");
  logged = [];
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the settings file", () => {
  it("starts from the defaults without a file, and writes only on a change", async () => {
    const store = open();
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS).toMatchObject({ openAtLogin: false, notifyRevoked: true, closeHintShown: false });
    expect(existsSync(file)).toBe(false);
    await store.update({ notifyLongDisconnect: false });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ ...DEFAULT_SETTINGS, notifyLongDisconnect: false });
    expect(open().get().notifyLongDisconnect).toBe(false);
    expect(logged).toEqual([]);
  });

  it("writes atomically: concurrent changes all land, no temporary file is left, the file is private", async () => {
    const store = open();
    await Promise.all([
      store.update({ notifyRevoked: false }),
      store.update({ closeHintShown: true }),
      store.update({ notifyNewDevice: false }),
    ]);
    expect(open().get()).toEqual({
      ...DEFAULT_SETTINGS,
      notifyRevoked: false,
      closeHintShown: true,
      notifyNewDevice: false,
    });
    expect(readdirSync(join(dir, "userData"))).toEqual(["settings.json"]);
    if (process.platform !== "win32") expect(statSync(file).mode & 0o077, "only the user reads it").toBe(0);
  });

  it("a damaged file gives the defaults, one clear log line, and is kept aside, not overwritten", async () => {
    const damaged = '{"notifyRevoked": false, "openAtLo';
    await open().update({}); // creates the folder
    writeFileSync(file, damaged);
    const store = open();
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(logged).toEqual([
      `OCMAP: the settings file ${file} is damaged (it is not valid JSON); using the defaults. ` +
        `The damaged file is kept as ${file}.damaged.`,
    ]);
    expect(readFileSync(`${file}.damaged`, "utf8")).toBe(damaged);
    await store.update({ notifyRevoked: false });
    expect(readFileSync(`${file}.damaged`, "utf8")).toBe(damaged);
  });

  it("a bad field falls back alone; the other fields are kept", () => {
    expect(parseSettings('{"notifyRevoked": false, "openAtLogin": "yes", "unknown": 1}')).toEqual({
      settings: { ...DEFAULT_SETTINGS, notifyRevoked: false },
      problem: "openAtLogin is not true/false",
    });
    expect(parseSettings("[]").problem).toBe("it does not hold a JSON object");
    expect(parseSettings("null").problem).toBe("it does not hold a JSON object");
    expect(parseSettings(null)).toEqual({ settings: DEFAULT_SETTINGS, problem: null });
  });

  it("logs a bad field by name and keeps the file", async () => {
    await open().update({});
    writeFileSync(file, '{"notifyRevoked": false, "closeHintShown": 3}');
    expect(open().get()).toEqual({ ...DEFAULT_SETTINGS, notifyRevoked: false });
    expect(logged).toEqual([
      `OCMAP: in the settings file ${file}, closeHintShown is not true/false; using the default for it.`,
    ]);
    expect(existsSync(`${file}.damaged`)).toBe(false);
  });

  it("a file that cannot be written rejects and keeps the old settings", async () => {
    const store = open();
    await store.update({ notifyRevoked: false });
    rmSync(join(dir, "userData"), { recursive: true });
    writeFileSync(join(dir, "userData"), "a file where the folder should be"); // fails for root too, unlike a chmod
    await expect(store.update({ notifyRevoked: true })).rejects.toThrow();
    expect(store.get().notifyRevoked).toBe(false);
  });
});

describe("the Settings port", () => {
  it("reads open-at-login from the OS, and a login item that cannot be set is reported and not saved", async () => {
    const store = open();
    let enabled = false;
    let refuse = false;
    const port = createSettingsPort(store, {
      get: () => enabled,
      set(value) {
        if (refuse) throw new Error("/home/x/.config/autostart/ocmap.desktop cannot be written (EACCES).");
        enabled = value;
      },
    });
    expect(await port.set("openAtLogin", true)).toEqual({ ok: true, settings: { ...port.view(), openAtLogin: true } });
    expect(store.get().openAtLogin).toBe(true);
    enabled = false; // someone removed the entry by hand
    expect(port.view().openAtLogin).toBe(false);
    refuse = true;
    const refused = await port.set("openAtLogin", true);
    expect(refused).toEqual({
      ok: false,
      message:
        "OCMAP could not change “Open at login”: /home/x/.config/autostart/ocmap.desktop cannot be written (EACCES).",
      settings: expect.objectContaining({ openAtLogin: false }),
    });
    expect(await port.set("notifyNewDevice", false)).toMatchObject({ ok: true, settings: { notifyNewDevice: false } });
    expect(open().get().notifyNewDevice).toBe(false);
  });
});
