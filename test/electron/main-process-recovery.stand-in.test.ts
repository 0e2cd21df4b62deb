// The main process where a person or a launcher meets it at the edges, with a STAND-IN for the `electron` module
// that behaves as Electron 45 where these tests rely on it (electron-stand-in.ts): a page that does not load, a
// second launch while the window is minimized or hidden, a link before the app is ready, the menu's Forget, the
// smoke-test mode the hosted workflow launches the packaged app in, and where ocmap:// is registered.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAppController } from "../../src/main/app-controller.node.ts";
import { registerIpcHandlers } from "../../src/main/ipc-main.main.ts";
import { appPaths, startMainProcess } from "../../src/main/main-process.main.ts";
import { appMenuTemplate } from "../../src/main/menu.main.ts";
import { SMOKE_TEST_FLAG } from "../../src/main/smoke-test.main.ts";
import { createAppWindow } from "../../src/main/window.main.ts";
import { repoRoot } from "../harness/gateway.ts";
import { electronStandIn as electron, FakeBrowserWindow } from "./electron-stand-in.ts";
import { fakeCore } from "./fake-core.ts";
import { event, INDEX_URL, resetStandIn } from "./stand-in-helpers.ts";

vi.mock("electron", async () => (await import("./electron-stand-in.ts")).electronStandIn);

const argv = process.argv;
const platform = process.platform;
const defaultApp = process.defaultApp;
/** process.defaultApp is Electron's (true under `electron .`); typed read-only. */
const setDefaultApp = (value: boolean | undefined) =>
  Object.defineProperty(process, "defaultApp", { value, configurable: true });
let logged: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  resetStandIn();
  logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => {
  process.argv = argv;
  Object.defineProperty(process, "platform", { value: platform });
  setDefaultApp(defaultApp);
  logged.mockRestore();
});

function start(options: { args?: string[]; loadNativeModules?: () => Promise<unknown>; timeoutMs?: number } = {}) {
  process.argv = [...argv, ...(options.args ?? [])];
  const core = fakeCore();
  const controller = createAppController({ core });
  startMainProcess({
    appDir: join(repoRoot, "dist/main"),
    createController: () => controller,
    loadNativeModules: options.loadNativeModules,
    smokeTestTimeoutMs: options.timeoutMs,
  });
  return { core, controller };
}
const windowOpened = async () => {
  await vi.waitFor(() => expect(FakeBrowserWindow.all).toHaveLength(1));
  return FakeBrowserWindow.all[0]!;
};
const failLoad = (win: FakeBrowserWindow, code: number, description: string, isMainFrame = true) =>
  win.webContents.emit("did-fail-load", {}, code, description, INDEX_URL, isMainFrame);

describe("a page that does not load never leaves a blank window (electron stand-in)", () => {
  const newWindow = () => createAppWindow(appPaths(join(repoRoot, "dist/main"))) as unknown as FakeBrowserWindow;

  it("shows the window, logs the failure and asks; Try again loads the page again", async () => {
    const win = newWindow();
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false }); // Try again
    failLoad(win, -6, "ERR_FILE_NOT_FOUND");
    expect(win.show).toHaveBeenCalled();
    expect(logged).toHaveBeenCalledWith(`OCMAP: the window could not load ${INDEX_URL}: ERR_FILE_NOT_FOUND (-6)`);
    expect(electron.dialog.showMessageBox.mock.calls[0]![1]).toMatchObject({
      type: "error",
      message: "OCMAP could not load its window.",
      detail: expect.stringContaining(`ERR_FILE_NOT_FOUND (-6) loading ${INDEX_URL}`),
      buttons: ["Try again", "Quit"],
    });
    await vi.waitFor(() => expect(win.loadURL).toHaveBeenCalledTimes(2));
    expect(win.loadURL).toHaveBeenLastCalledWith(INDEX_URL);
  });

  it("asks once when did-fail-load and loadURL's rejection report the same failure; Quit quits", async () => {
    let rejectLoad!: (err: unknown) => void;
    FakeBrowserWindow.loadOutcome.mockImplementationOnce(
      () => new Promise((_resolve, reject) => (rejectLoad = reject)),
    );
    const appWin = newWindow();
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false }); // Quit
    failLoad(appWin, -2, "ERR_FAILED");
    rejectLoad(
      Object.assign(new Error("ERR_FAILED (-2) loading 'app://ocmap/index.html'"), { code: "ERR_FAILED", errno: -2 }),
    );
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    expect(electron.dialog.showMessageBox).toHaveBeenCalledTimes(1);
  });

  it("reports a rejected loadURL on its own, and ignores aborted loads and subframes", async () => {
    const win = newWindow();
    failLoad(win, -3, "ERR_ABORTED"); // a newer load replaced it
    failLoad(win, -105, "ERR_NAME_NOT_RESOLVED", false); // not the main frame
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
    FakeBrowserWindow.loadOutcome.mockRejectedValueOnce(
      Object.assign(new Error("boom"), { code: "ERR_UNEXPECTED", errno: -9 }),
    );
    const second = newWindow();
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalledTimes(1));
    expect(electron.dialog.showMessageBox.mock.calls[0]![0]).toBe(second);
    expect(logged).toHaveBeenCalledWith(`OCMAP: the window could not load ${INDEX_URL}: ERR_UNEXPECTED (-9)`);
  });
});

describe("second launches, early links and the menu's Forget (electron stand-in)", () => {
  it("a second launch restores a minimized window and shows a hidden one, not only focuses it", async () => {
    start();
    const win = await windowOpened();
    win.isMinimized.mockReturnValue(true);
    electron.app.emit("second-instance", {}, ["/opt/OCMAP/ocmap"], "/");
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(win.show.mock.invocationCallOrder[0]).toBeLessThan(win.focus.mock.invocationCallOrder[0]!);
  });

  it("keeps a link that arrives before the app is ready (macOS open-url) for the window that opens", async () => {
    const { controller } = start();
    const openUrl = { preventDefault: vi.fn() };
    electron.app.emit("open-url", openUrl, "ocmap://pair?gateway=wss%3A%2F%2Fgw.example.com&code=2345-6789");
    expect(electron.app.isReady()).toBe(false);
    expect(FakeBrowserWindow.all).toHaveLength(0); // no window before ready
    expect(controller.view().pendingLink).toMatchObject({ host: "gw.example.com" });
    await windowOpened();
    expect(controller.view().pendingLink).toMatchObject({ host: "gw.example.com" });
  });

  it("offers Forget this device… only while the gateway shown is paired", async () => {
    const { core } = start();
    await windowOpened();
    const forget = electron.Menu.getApplicationMenu()!.getMenuItemById("forget-device")!;
    expect(forget.enabled).toBe(false); // nothing paired
    forget.click(); // even when clicked (an accelerator): no dialog, nothing forgotten
    await new Promise((resolve) => setImmediate(resolve));
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
    core.set({ state: "PAIRED_CONNECTED", activity: "connected" });
    expect(forget.enabled).toBe(true);
    core.set({ state: "PAIRED_DISCONNECTED", activity: "waiting" });
    expect(forget.enabled).toBe(true);
    core.set({ state: "PAIRED_DISCONNECTED", activity: "forgetting" });
    expect(forget.enabled).toBe(false);
    core.set({ state: "REVOKED", activity: "idle" });
    expect(forget.enabled).toBe(false);
  });
});

describe("--smoke-test: the packaged app checks that it starts, then exits (electron stand-in)", () => {
  const pass = async (win: FakeBrowserWindow) => {
    win.webContents.mainFrame.url = INDEX_URL;
    win.webContents.emit("did-finish-load");
    await electron.ipcHandlers.get("ocmap:get-state")!(event(win)); // the renderer asks, past the guard
  };

  it("exits 0 once the page loaded from app:// and the renderer asked, with keytar loaded; starts nothing", async () => {
    const loadNativeModules = vi.fn(async () => ({}));
    const said = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const { core } = start({ args: [SMOKE_TEST_FLAG], loadNativeModules });
    const win = await windowOpened();
    win.webContents.mainFrame.url = INDEX_URL;
    win.webContents.emit("did-finish-load");
    expect(electron.app.exit).not.toHaveBeenCalled(); // the renderer has not asked yet
    await pass(win);
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(0));
    expect(loadNativeModules).toHaveBeenCalled();
    expect(said).toHaveBeenCalledWith(expect.stringMatching(/^OCMAP smoke test: passed: /));
    expect(core.start).not.toHaveBeenCalled();
    expect(electron.app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
    said.mockRestore();
  });

  it("exits 1 when another OCMAP holds the lock: waking the running one is no pass", () => {
    electron.app.requestSingleInstanceLock.mockReturnValueOnce(false);
    start({ args: [SMOKE_TEST_FLAG] });
    expect(electron.app.exit).toHaveBeenCalledWith(1);
    expect(electron.app.quit).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^OCMAP smoke test: failed: another OCMAP is running/));
    expect(FakeBrowserWindow.all).toHaveLength(0);
  });

  it("exits 1 when the page does not load, without a dialog", async () => {
    start({ args: [SMOKE_TEST_FLAG] });
    const win = await windowOpened();
    failLoad(win, -6, "ERR_FILE_NOT_FOUND");
    expect(electron.app.exit).toHaveBeenCalledWith(1);
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^OCMAP smoke test: failed: ERR_FILE_NOT_FOUND \(-6\)/));
  });

  it("exits 1 when keytar does not load, when the page is not the app's, and at the time limit", async () => {
    start({ args: [SMOKE_TEST_FLAG], loadNativeModules: async () => Promise.reject(new Error("no keytar.node")) });
    let win = await windowOpened();
    await pass(win);
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(1));
    expect(logged).toHaveBeenCalledWith("OCMAP smoke test: failed: keytar did not load: no keytar.node");

    resetStandIn();
    start({ args: [SMOKE_TEST_FLAG], timeoutMs: 50 });
    win = await windowOpened();
    win.webContents.mainFrame.url = "about:blank";
    win.webContents.emit("did-finish-load");
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(1));
    expect(logged).toHaveBeenLastCalledWith(
      `OCMAP smoke test: failed after 50 ms: ${INDEX_URL} did not finish loading; the renderer never asked`,
    );
  });
});

describe("where ocmap:// is registered at start (electron stand-in)", () => {
  it("not by an installed Windows app: its installer registers it and the uninstaller removes it", async () => {
    Object.defineProperty(process, "platform", { value: "win32" });
    setDefaultApp(undefined);
    start();
    await windowOpened();
    expect(electron.app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
  });

  it("by `electron .` on Windows (the app path in front of the link), and at every start elsewhere", async () => {
    Object.defineProperty(process, "platform", { value: "win32" });
    setDefaultApp(true);
    start();
    expect(electron.app.setAsDefaultProtocolClient).toHaveBeenCalledWith("ocmap", process.execPath, [
      expect.any(String),
    ]);
    await windowOpened();
    resetStandIn();
    Object.defineProperty(process, "platform", { value: "linux" });
    setDefaultApp(undefined);
    start();
    expect(electron.app.setAsDefaultProtocolClient).toHaveBeenCalledWith("ocmap");
    await windowOpened();
  });
});

describe("the stand-in behaves as Electron 45 where these tests rely on it", () => {
  it("refuses a second ipcMain.handle for a channel, with Electron's message", () => {
    const controller = createAppController({ core: fakeCore() });
    registerIpcHandlers(controller.handlers, () => true);
    expect(() => registerIpcHandlers(controller.handlers, () => true)).toThrow(
      "Attempted to register a second handler for 'ocmap:get-state'",
    );
  });

  it("checks menu templates and roles: the app's menus build on every OS, a misspelt role does not", () => {
    const actions = { showSettings: vi.fn(), forgetDevice: vi.fn(), openDocs: vi.fn() };
    for (const os of ["darwin", "linux", "win32"] as const)
      expect(() => electron.Menu.buildFromTemplate(appMenuTemplate(actions, os, true))).not.toThrow();
    expect(() => electron.Menu.buildFromTemplate([{ role: "hideOther" }])).toThrow(/Unknown menu item role: hideOther/);
    expect(() => electron.Menu.buildFromTemplate([{ click: vi.fn() }])).toThrow(
      "Invalid template for MenuItem: must have at least one of label, role or type",
    );
    expect(() => electron.Menu.buildFromTemplate([{ label: "x", type: "submenu" }])).toThrow("Invalid submenu");
  });

  it("becomes ready on a later turn, not while the main script runs", async () => {
    expect(electron.app.isReady()).toBe(false);
    let ready = false;
    void electron.app.whenReady().then(() => (ready = true));
    await Promise.resolve();
    expect(ready).toBe(false);
    await electron.app.whenReady();
    expect(electron.app.isReady()).toBe(true);
  });
});
