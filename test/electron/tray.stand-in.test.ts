// The tray, the OS notifications, closing to the tray, the desktop settings over IPC and the login items,
// wired into the main process, with a STAND-IN for the `electron` module and a fake core (the decisions
// have their own unit tests; tray-gateway.stand-in.test.ts runs the same wiring against a real gateway).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SettingResult, SettingsView } from "../../src/ipc/ipc-contract.std.ts";
import { createAppController } from "../../src/main/app-controller.node.ts";
import { createSettingsPort } from "../../src/main/desktop-settings.std.ts";
import { openedAtLogin, osLoginItem } from "../../src/main/login-item.main.ts";
import { startMainProcess } from "../../src/main/main-process.main.ts";
import { openSettingsFile } from "../../src/main/settings-file.node.ts";
import { repoRoot } from "../harness/gateway.ts";
import { electronStandIn as electron, FakeBrowserWindow, FakeNotification, FakeTray } from "./electron-stand-in.ts";
import { fakeCore, type FakeCore } from "./fake-core.ts";
import { event, INDEX_URL, refusal, resetStandIn } from "./stand-in-helpers.ts";

vi.mock("electron", async () => (await import("./electron-stand-in.ts")).electronStandIn);

const ICONS = join(repoRoot, "dist/main/tray");
const GATEWAY = { url: "ws://127.0.0.1:18789", host: "127.0.0.1:18789", insecure: true, fingerprint: null };
const connected = { state: "PAIRED_CONNECTED" as const, activity: "connected" as const, gateway: GATEWAY };
const DEVICE_EVENT = "plugin.ocmap-pairing.device-event";

let dir: string;
const argv = process.argv;
beforeEach(() => {
  resetStandIn();
  dir = mkdtempSync(join(tmpdir(), "ocmap-tray-"));
});
afterEach(() => {
  process.argv = argv;
  electron.app.emit("will-quit");
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: { core?: FakeCore; hidden?: boolean } = {}) {
  if (options.hidden) process.argv = [...argv, "--hidden"];
  const core = options.core ?? fakeCore(connected);
  const file = join(dir, "settings.json");
  const settings = openSettingsFile(file, { log: () => undefined });
  let loginItem = false;
  const port = createSettingsPort(settings, { get: () => loginItem, set: (on) => void (loginItem = on) });
  const controller = createAppController({ core, settings: port });
  startMainProcess({ appDir: join(repoRoot, "dist/main"), settings, createController: () => controller });
  await vi.waitFor(() => expect(FakeTray.all).toHaveLength(1));
  const tray = FakeTray.all[0]!;
  const menuItem = (label: string) => tray.menu!.template.find((entry: any) => entry.label === label);
  const labels = () => tray.menu!.template.map((entry: any) => entry.label ?? "---");
  const notices = () => FakeNotification.shown.map((shown) => shown.options);
  return { core, controller, tray, menuItem, labels, notices, file, settings };
}

describe("the tray icon and menu (electron stand-in)", () => {
  it("shows the state in its icon and menu, and follows every change", async () => {
    const { core, tray, labels } = await start();
    expect(electron.nativeImage.createFromPath).toHaveBeenCalledWith(
      join(ICONS, process.platform === "darwin" ? "connectedTemplate.png" : "connected.png"),
    );
    expect(tray.tooltip).toBe("OCMAP: 127.0.0.1:18789: Connected");
    expect(labels()).toEqual([
      "Open OCMAP",
      "---",
      "127.0.0.1:18789: Connected",
      "---",
      "Add a gateway…",
      "Forget 127.0.0.1:18789…",
      "---",
      "Quit OCMAP",
    ]);
    core.set({ state: "PAIRED_DISCONNECTED", activity: "waiting" });
    expect(tray.image.path).toMatch(/disconnected(Template)?\.png$/);
    expect(labels()[2]).toBe("127.0.0.1:18789: Not connected");
    const lastError = { code: "GATEWAY_IDENTITY_CHANGED" as const, message: "changed", retryable: false };
    core.set({ lastError });
    expect(tray.image.path).toMatch(/identity-changed(Template)?\.png$/);
    core.set({ state: "REVOKED", activity: "idle", lastError: null });
    expect(tray.image.path).toMatch(/revoked(Template)?\.png$/);
    expect(tray.setContextMenu.mock.calls.length).toBe(4);
    core.set({ reason: { code: "X", message: "a sentence the tray does not show" } });
    expect(tray.setContextMenu.mock.calls.length, "the same menu is not rebuilt").toBe(4);
  });

  it("menu: Open shows the window, Forget asks first, Quit really quits", async () => {
    const { core, menuItem } = await start();
    const win = FakeBrowserWindow.all[0]!;
    menuItem("Open OCMAP").click();
    expect(win.focus).toHaveBeenCalled();
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false }); // Cancel
    menuItem("Forget 127.0.0.1:18789…").click();
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalledTimes(1));
    expect(electron.dialog.showMessageBox.mock.calls[0]![1]).toMatchObject({
      message: "Forget this device on 127.0.0.1:18789?",
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(core.forget).not.toHaveBeenCalled();
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false }); // Forget
    menuItem("Forget 127.0.0.1:18789…").click();
    await vi.waitFor(() => expect(core.forget).toHaveBeenCalledTimes(1));
    expect(electron.app.quit).not.toHaveBeenCalled();
    menuItem("Quit OCMAP").click();
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
  });

  it("with nothing paired offers to pair, which opens the window", async () => {
    const { labels, menuItem } = await start({ core: fakeCore(), hidden: true });
    expect(FakeBrowserWindow.all).toHaveLength(0);
    expect(labels()).toContain("Pair with a gateway…");
    expect(labels().some((label: string) => label.startsWith("Forget"))).toBe(false);
    menuItem("Pair with a gateway…").click();
    expect(FakeBrowserWindow.all).toHaveLength(1);
  });
});

describe("closing the window (electron stand-in)", () => {
  const close = (win: FakeBrowserWindow) => {
    win.emit("closed");
    electron.app.emit("window-all-closed");
  };

  it("keeps the app and its core running, says where it went once, remembered in the settings file", async () => {
    const { core, notices, file } = await start();
    close(FakeBrowserWindow.all[0]!);
    expect(electron.app.quit).not.toHaveBeenCalled();
    expect(core.stop).not.toHaveBeenCalled();
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.title).toBe("OCMAP is still running");
    expect(notices()[0]!.body).toMatch(/Open it from there, or start OCMAP again/);
    await vi.waitFor(() => expect(JSON.parse(readFileSync(file, "utf8")).closeHintShown).toBe(true));

    // Reopened from the tray and closed again: no second hint.
    FakeTray.all[0]!.menu!.template.find((entry: any) => entry.label === "Open OCMAP").click();
    expect(FakeBrowserWindow.all).toHaveLength(2);
    close(FakeBrowserWindow.all[1]!);
    expect(notices()).toHaveLength(1);
  });

  it("closing the window to quit shows no hint", async () => {
    FakeNotification.supported = false;
    await start();
    electron.app.emit("before-quit");
    close(FakeBrowserWindow.all[0]!);
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it("shows the message box when notifications are not supported", async () => {
    FakeNotification.supported = false;
    await start();
    close(FakeBrowserWindow.all[0]!);
    expect(electron.dialog.showMessageBox).toHaveBeenCalledWith(
      expect.objectContaining({ message: "OCMAP is still running" }),
    );
  });

  it("without a tray (the OS refused one) the window opens even at login, and closing it quits", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    electron.nativeImage.createFromPath.mockImplementationOnce(() => {
      throw new Error("no status area");
    });
    process.argv = [...argv, "--hidden"];
    startMainProcess({
      appDir: join(repoRoot, "dist/main"),
      createController: () => createAppController({ core: fakeCore() }),
    });
    await vi.waitFor(() => expect(FakeBrowserWindow.all).toHaveLength(1));
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("no tray icon (no status area)"));
    close(FakeBrowserWindow.all[0]!);
    expect(electron.app.quit).toHaveBeenCalled();
    logged.mockRestore();
  });

  it("started at login (--hidden) it opens no window, only the tray", async () => {
    await start({ hidden: true });
    expect(FakeBrowserWindow.all).toHaveLength(0);
    expect(FakeTray.all).toHaveLength(1);
    expect(openedAtLogin(["ocmap", "--hidden"])).toBe(true);
  });
});

describe("OS notifications and their switches in Settings (electron stand-in)", () => {
  it("revoked, identity changed and a new device each name the gateway; a click opens the window", async () => {
    const { core, notices } = await start();
    core.emit(DEVICE_EVENT, { kind: "paired", deviceId: "other", displayName: "Ada's phone", atMs: 1 });
    expect(notices().at(-1)!.title).toBe("New device on 127.0.0.1:18789: Ada's phone");
    core.set({
      state: "PAIRED_DISCONNECTED",
      activity: "waiting",
      lastError: { code: "GATEWAY_IDENTITY_CHANGED", message: "x", retryable: false },
    });
    expect(notices().at(-1)!.title).toBe("127.0.0.1:18789's identity changed");
    core.set({ state: "REVOKED", activity: "idle", lastError: null });
    expect(notices().at(-1)!.title).toBe("Removed from 127.0.0.1:18789");
    expect(notices()).toHaveLength(3);
    const win = FakeBrowserWindow.all[0]!;
    win.focus.mockClear();
    FakeNotification.shown.at(-1)!.emit("click");
    expect(win.focus).toHaveBeenCalled();
  });

  it("the Settings switches go through the guarded IPC handlers, are saved, and silence their kind", async () => {
    const { core, notices, file } = await start();
    const win = FakeBrowserWindow.all[0]!;
    win.webContents.mainFrame.url = INDEX_URL;
    const get = electron.ipcHandlers.get("ocmap:get-settings")!;
    const set = electron.ipcHandlers.get("ocmap:set-setting")!;
    expect(await get(event(win))).toEqual({
      openAtLogin: false,
      notifyRevoked: true,
      notifyIdentityChanged: true,
      notifyLongDisconnect: true,
      notifyNewDevice: true,
    } satisfies SettingsView);
    expect((await refusal(get(event(win, {}, 999)))).code).toBe("IPC_FORBIDDEN");
    expect(
      (await refusal(set(event(win, { url: "https://evil.example/" }), { key: "notifyNewDevice", value: false }))).code,
    ).toBe("IPC_FORBIDDEN");
    for (const bad of [
      [{ key: "notifyNewDevice", value: "no" }],
      [{ key: "closeHintShown", value: true }],
      [{ key: "notifyNewDevice", value: false, extra: 1 }],
      [{ key: "notifyNewDevice" }],
      [],
    ])
      expect((await refusal(set(event(win), ...bad))).code).toBe("IPC_INVALID_ARGS");

    const result = (await set(event(win), { key: "notifyNewDevice", value: false })) as SettingResult;
    expect(result).toMatchObject({ ok: true, settings: { notifyNewDevice: false } });
    expect(JSON.parse(readFileSync(file, "utf8")).notifyNewDevice).toBe(false);
    core.emit(DEVICE_EVENT, { kind: "paired", deviceId: "other", displayName: "Bob", atMs: 1 });
    expect(notices()).toEqual([]);

    await set(event(win), { key: "notifyRevoked", value: false });
    core.set({ state: "REVOKED", activity: "idle" });
    expect(notices()).toEqual([]);

    expect(await set(event(win), { key: "openAtLogin", value: true })).toMatchObject({
      settings: { openAtLogin: true },
    });
  });
});

describe("open at login on macOS and Windows (electron stand-in)", () => {
  it("Windows: a Run entry with --hidden, read back with the same arguments", () => {
    const item = osLoginItem("win32");
    expect(item.get()).toBe(false);
    item.set(true);
    expect(electron.app.setLoginItemSettings).toHaveBeenLastCalledWith({
      openAtLogin: true,
      args: expect.arrayContaining(["--hidden"]),
    });
    expect(item.get()).toBe(true);
    expect(electron.app.getLoginItemSettings).toHaveBeenLastCalledWith({ args: expect.arrayContaining(["--hidden"]) });
  });

  it("macOS: a login item; Linux does not use Electron's (it writes an autostart entry)", () => {
    const mac = osLoginItem("darwin");
    mac.set(true);
    expect(electron.app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true });
    expect(mac.get()).toBe(true);
    mac.set(false);
    expect(mac.get()).toBe(false);
    // macOS 13+ may hold the login item until the user allows it: said, not reported as done.
    electron.app.getLoginItemSettings.mockReturnValueOnce({ openAtLogin: false, status: "requires-approval" } as any);
    expect(() => mac.set(true)).toThrow("macOS asks you to allow OCMAP in System Settings → General → Login Items.");
    vi.clearAllMocks();
    const linux = osLoginItem("linux");
    expect(typeof linux.get()).toBe("boolean");
    expect(electron.app.getLoginItemSettings).not.toHaveBeenCalled();
  });
});
