// The Electron glue (window, session, navigation, the app:// origin, crash recovery, start-up,
// ocmap:// links, menu) with a STAND-IN for the `electron` module: importing the real one throws.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { STATE_EVENT, type AppView } from "../../src/ipc/ipc-contract.std.ts";
import { createAppController } from "../../src/main/app-controller.node.ts";
import { insertFirstScreen } from "../../src/main/app-protocol.node.ts";
import { CONTENT_SECURITY_POLICY } from "../../src/main/content-security-policy.std.ts";
import { appPaths, startMainProcess } from "../../src/main/main-process.main.ts";
import {
  appWindowOptions,
  createAppWindow,
  hardenWebContents,
  installSessionPolicy,
} from "../../src/main/window.main.ts";
import { renderFirstScreen } from "../../src/renderer/first-screen.std.tsx";
import { repoRoot } from "../harness/gateway.ts";
import { electronStandIn as electron, FakeBrowserWindow, FakeWebContents } from "./electron-stand-in.ts";
import { fakeCore } from "./fake-core.ts";
import { event, INDEX_URL, refusal, resetStandIn } from "./stand-in-helpers.ts";

vi.mock("electron", async () => (await import("./electron-stand-in.ts")).electronStandIn);

const RENDERER_DIR = join(repoRoot, "dist/renderer");

beforeEach(resetStandIn);

describe("window, session and navigation rules (electron stand-in)", () => {
  it("creates the window sandboxed and isolated, with the built preload, and loads the app's own origin", () => {
    const paths = appPaths(join(repoRoot, "dist/main"));
    expect(paths).toEqual({ preload: join(repoRoot, "dist/preload/preload.cjs"), rendererDir: RENDERER_DIR });
    const win = createAppWindow(paths) as unknown as FakeBrowserWindow;
    expect(win.options.webPreferences).toMatchObject({
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
    expect(win.loadURL).toHaveBeenCalledWith("app://ocmap/index.html");
    expect(appWindowOptions("p").show).toBe(false);
  });

  it("puts the CSP on every response, the same CSP as index.html's meta", () => {
    installSessionPolicy(electron.session.defaultSession as any);
    const listener = electron.session.defaultSession.webRequest.onHeadersReceived.mock.calls[0]![0] as (
      d: unknown,
      cb: (r: unknown) => void,
    ) => void;
    const callback = vi.fn();
    listener({ responseHeaders: { "X-Other": ["kept"] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { "X-Other": ["kept"], "Content-Security-Policy": [CONTENT_SECURITY_POLICY] },
    });
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; " +
        "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const html = readFileSync(join(repoRoot, "src/renderer/index.html"), "utf8");
    expect(html, "one policy, in the header: no <meta> copy to drift").not.toMatch(/http-equiv/i);
  });

  it("denies every permission request and check", () => {
    installSessionPolicy(electron.session.defaultSession as any);
    const request = electron.session.defaultSession.setPermissionRequestHandler.mock.calls[0]![0] as (
      ...a: unknown[]
    ) => void;
    const check = electron.session.defaultSession.setPermissionCheckHandler.mock.calls[0]![0] as (
      ...a: unknown[]
    ) => boolean;
    for (const permission of [
      "media",
      "notifications",
      "geolocation",
      "openExternal",
      "clipboard-read",
      "fullscreen",
    ]) {
      const callback = vi.fn();
      request({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(check({}, permission, "file:///", {})).toBe(false);
    }
  });

  it("denies navigation, redirects, new windows and webviews; opens only allow-listed https links outside", () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as any);
    const fire = (name: string, url: string) => {
      const navigationEvent = { url, preventDefault: vi.fn() };
      contents.emit(name, navigationEvent, url);
      return navigationEvent.preventDefault;
    };
    expect(fire("will-navigate", "https://evil.example/")).toHaveBeenCalled();
    expect(fire("will-navigate", "file:///etc/passwd")).toHaveBeenCalled();
    expect(fire("will-redirect", "https://evil.example/")).toHaveBeenCalled();
    expect(fire("will-attach-webview", "")).toHaveBeenCalled();
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
    expect(fire("will-navigate", "https://docs.openclaw.ai/pairing")).toHaveBeenCalled();
    expect(electron.shell.openExternal).toHaveBeenLastCalledWith("https://docs.openclaw.ai/pairing");

    vi.clearAllMocks();
    for (const url of [
      "https://evil.example/",
      "http://docs.openclaw.ai/",
      "https://docs.openclaw.ai.evil.example/",
      "https://user@docs.openclaw.ai/",
      "https://docs.openclaw.ai:8443/",
      "javascript:alert(1)",
      "ocmap://pair?x",
    ]) {
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: "deny" });
    }
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
    expect(contents.windowOpenHandler!({ url: "https://docs.openclaw.ai/" })).toEqual({ action: "deny" });
    expect(electron.shell.openExternal).toHaveBeenCalledWith("https://docs.openclaw.ai/");
  });
});

describe("main process start-up, ocmap:// links and the menu (electron stand-in)", () => {
  const argv = process.argv;
  afterEach(() => {
    process.argv = argv;
  });

  async function start(argvLink?: string) {
    if (argvLink) process.argv = [...argv, argvLink];
    const core = fakeCore();
    const controller = createAppController({ core });
    startMainProcess({ appDir: join(repoRoot, "dist/main"), createController: () => controller });
    await vi.waitFor(() => expect(FakeBrowserWindow.all).toHaveLength(1));
    const win = FakeBrowserWindow.all[0]!;
    win.webContents.mainFrame.url = INDEX_URL;
    const menu = electron.Menu.getApplicationMenu()!;
    const item = (label: string) => menu.items.flatMap((m) => m.submenu?.items ?? []).find((i) => i.label === label)!;
    return { core, controller, win, item };
  }

  it("quits at once when another instance holds the lock", () => {
    electron.app.requestSingleInstanceLock.mockReturnValueOnce(false);
    const createController = vi.fn();
    startMainProcess({ appDir: "/x", createController });
    expect(electron.app.quit).toHaveBeenCalled();
    expect(createController).not.toHaveBeenCalled();
    expect(electron.ipcMain.handle).not.toHaveBeenCalled();
  });

  it("registers app:// as privileged before ready, serves only the renderer folder on it, index.html pre-rendered", async () => {
    let readyCalledAt = -1;
    electron.app.whenReady.mockImplementationOnce(() => {
      readyCalledAt = electron.protocol.registerSchemesAsPrivileged.mock.calls.length;
      return Promise.resolve();
    });
    const { controller } = await start();
    expect(readyCalledAt, "registered before whenReady()").toBe(1);
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: "app", privileges: { standard: true, secure: true, codeCache: true } },
    ]);
    const [scheme, handler] = electron.session.defaultSession.protocol.handle.mock.calls[0]! as [
      string,
      (r: Request) => Promise<Response>,
    ];
    expect(scheme).toBe("app");
    const index = await handler(new Request(INDEX_URL));
    expect(index.status).toBe(200);
    expect(index.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    // The first screen of the controller's current view (the fake core: unpaired, idle) is in the page.
    const page = readFileSync(join(RENDERER_DIR, "index.html"), "utf8");
    expect(await index.text()).toBe(insertFirstScreen(page, renderFirstScreen(controller.view())));
    expect(await (await handler(new Request(INDEX_URL))).text()).toContain('data-screen="form"');
    expect((await handler({ method: "GET", url: "app://ocmap/../main/main.cjs" } as Request)).status).toBe(404);
  });

  it("registers ocmap://, hardens every web contents, installs the session policy and starts the core", async () => {
    const { core, win } = await start();
    expect(electron.app.setAsDefaultProtocolClient).toHaveBeenCalledWith("ocmap");
    expect(electron.session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled();
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalled();
    expect(core.start).toHaveBeenCalled();
    expect(win.loadURL).toHaveBeenCalledWith(INDEX_URL);
    expect(win.options.webPreferences.preload).toBe(join(repoRoot, "dist/preload/preload.cjs"));
    const contents = new FakeWebContents();
    electron.app.emit("web-contents-created", {}, contents);
    expect(contents.windowOpenHandler!({ url: "https://evil.example/" })).toEqual({ action: "deny" });
    // The IPC guard trusts exactly this window's main frame.
    const getState = electron.ipcHandlers.get("ocmap:get-state")!;
    expect(((await getState(event(win))) as AppView).core.state).toBe("UNPAIRED");
    expect((await refusal(getState(event(win, {}, 999)))).code).toBe("IPC_FORBIDDEN");
  });

  it("turns a link from either instance's argv or macOS open-url into a pending link, never a pairing", async () => {
    const gw = encodeURIComponent("ws://127.0.0.1:18789");
    const { core, controller, win } = await start(`ocmap://pair?gateway=${gw}&code=ABCD-EFGG`);
    expect(controller.view().pendingLink).toEqual({
      host: "127.0.0.1:18789",
      gatewayUrl: "ws://127.0.0.1:18789",
      code: "ABCD-EFGG",
      insecure: true,
    });

    electron.app.emit(
      "second-instance",
      {},
      [
        "/opt/OCMAP/ocmap",
        "--flag",
        `ocmap://pair?gateway=${encodeURIComponent("wss://gw.example.com")}&code=2345-6789`,
      ],
      "/",
    );
    expect(controller.view().pendingLink).toMatchObject({ host: "gw.example.com", insecure: false });
    expect(win.focus).toHaveBeenCalled();

    const openUrl = { preventDefault: vi.fn() };
    electron.app.emit("open-url", openUrl, "ocmap://pair?gateway=ws%3A%2F%2Fevil.example.com&code=2345-6789");
    expect(openUrl.preventDefault).toHaveBeenCalled();
    expect(controller.view().pendingLink).toBeNull();
    expect(controller.view().linkError).toMatch(/pairing link/);
    expect(core.pair).not.toHaveBeenCalled();
    // Every change reached the window as a state event.
    const sent = win.webContents.send.mock.calls.filter((c) => c[0] === STATE_EVENT).map((c) => c[1] as AppView);
    expect(sent.at(-1)).toEqual(controller.view());
  });

  it("menu: Settings tells the renderer; Forget this device… asks natively first", async () => {
    const { core, controller, win, item } = await start();
    core.set({ state: "PAIRED_CONNECTED", activity: "connected" });
    item("Settings…").click();
    expect(controller.view().settingsRequest).toBe(1);
    expect(win.webContents.send).toHaveBeenLastCalledWith(STATE_EVENT, controller.view());

    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false }); // Cancel
    item("Forget this device…").click();
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalledTimes(1));
    expect(electron.dialog.showMessageBox.mock.calls[0]![1]).toMatchObject({
      message: "Forget this device?",
      cancelId: 1,
      defaultId: 1,
    });
    await new Promise((r) => setImmediate(r));
    expect(core.forget).not.toHaveBeenCalled();

    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false }); // Forget
    item("Forget this device…").click();
    await vi.waitFor(() => expect(core.forget).toHaveBeenCalledTimes(1));
  });
});

describe("a crashed renderer or a failed preload never leaves a blank window (electron stand-in)", () => {
  const gone = (win: FakeBrowserWindow, reason: string) => win.webContents.emit("render-process-gone", {}, { reason });

  it("reloads a crashed renderer, and after three crashes within a minute asks the user", async () => {
    const win = createAppWindow(appPaths(join(repoRoot, "dist/main"))) as unknown as FakeBrowserWindow;
    gone(win, "clean-exit");
    expect(win.webContents.reload).not.toHaveBeenCalled();
    for (const reason of ["crashed", "oom", "killed"]) gone(win, reason);
    expect(win.webContents.reload).toHaveBeenCalledTimes(3);
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false }); // Reload
    gone(win, "crashed");
    await vi.waitFor(() => expect(win.webContents.reload).toHaveBeenCalledTimes(4));
    expect(electron.dialog.showMessageBox.mock.calls[0]![1]).toMatchObject({
      type: "error",
      message: "OCMAP's window stopped working.",
    });
    expect(win.show).toHaveBeenCalled();
  });

  it("tells the user when the preload failed, and quits when asked", async () => {
    const win = createAppWindow(appPaths(join(repoRoot, "dist/main"))) as unknown as FakeBrowserWindow;
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false }); // Quit
    win.webContents.emit("preload-error", {}, "/app/dist/preload/preload.cjs", new Error("boom"));
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    expect(electron.dialog.showMessageBox.mock.calls[0]![1]).toMatchObject({
      message: "OCMAP could not start its window.",
    });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("boom"));
    logged.mockRestore();
  });
});
