// The Electron glue (IPC handle() wrapper, window, session, navigation, protocol, menu, preload)
// with a STAND-IN for the `electron` module: importing the real one in plain Node throws.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { REQUEST_CHANNELS, STATE_EVENT, type AppView } from "../../src/ipc/ipc-contract.std.ts";
import { createAppController } from "../../src/main/app-controller.node.ts";
import { CONTENT_SECURITY_POLICY } from "../../src/main/content-security-policy.std.ts";
import { appSenderCheck, handle, registerIpcHandlers } from "../../src/main/ipc-main.main.ts";
import { appPaths, startMainProcess } from "../../src/main/main-process.main.ts";
import {
  appWindowOptions,
  createAppWindow,
  hardenWebContents,
  installSessionPolicy,
} from "../../src/main/window.main.ts";
import { repoRoot } from "../harness/gateway.ts";
import {
  electronStandIn as electron,
  FakeBrowserWindow,
  FakeWebContents,
  type FakeFrame,
} from "./electron-stand-in.ts";
import { fakeCore } from "./fake-core.ts";

vi.mock("electron", async () => (await import("./electron-stand-in.ts")).electronStandIn);

const INDEX_PATH = join(repoRoot, "dist/renderer/index.html");
const INDEX_URL = pathToFileURL(INDEX_PATH).href;

beforeEach(() => {
  vi.clearAllMocks();
  electron.ipcHandlers.clear();
  electron.app.removeAllListeners();
  FakeBrowserWindow.all.length = 0;
});

/** A window whose main frame shows the app's index page. */
function appWindow() {
  const win = new FakeBrowserWindow({});
  win.webContents.mainFrame.url = INDEX_URL;
  return win;
}

function event(win: FakeBrowserWindow, frame: Partial<FakeFrame> | null = {}, senderId = win.webContents.id) {
  return { sender: { id: senderId }, senderFrame: frame === null ? null : { ...win.webContents.mainFrame, ...frame } };
}

async function refusal(p: unknown): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error("the request was not refused");
}

describe("IPC handle() wrapper (electron stand-in)", () => {
  function setup() {
    const win = appWindow();
    const handler = vi.fn((_req: { gatewayUrl: string; code: string }) => undefined);
    handle(
      "ocmap:submit-code",
      appSenderCheck(() => win as any, INDEX_URL),
      handler,
    );
    const invoke = (e: unknown, ...args: unknown[]) => electron.ipcHandlers.get("ocmap:submit-code")!(e, ...args);
    return { win, handler, invoke };
  }

  it("runs the handler for the app window's own top frame at the app's URL", async () => {
    const { win, handler, invoke } = setup();
    await invoke(event(win), { gatewayUrl: "wss://gw.example.com", code: "ABCD-EFGH" });
    expect(handler).toHaveBeenCalledWith({ gatewayUrl: "wss://gw.example.com", code: "ABCD-EFGH" });
    // A fragment is the renderer's own business.
    await invoke(event(win, { url: `${INDEX_URL}#settings` }), {
      gatewayUrl: "wss://gw.example.com",
      code: "ABCD-EFGH",
    });
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it.each([
    ["a subframe", (w: FakeBrowserWindow) => event(w, { parent: w.webContents.mainFrame, routingId: 99 })],
    ["a subframe that claims no parent", (w: FakeBrowserWindow) => event(w, { routingId: 99 })],
    ["a frame in another process", (w: FakeBrowserWindow) => event(w, { processId: 12 })],
    ["the wrong URL (web page)", (w: FakeBrowserWindow) => event(w, { url: "https://evil.example/index.html" })],
    [
      "the wrong URL (another local file)",
      (w: FakeBrowserWindow) => event(w, { url: pathToFileURL("/tmp/index.html").href }),
    ],
    ["the wrong URL (query added)", (w: FakeBrowserWindow) => event(w, { url: `${INDEX_URL}?x=1` })],
    ["another webContents", (w: FakeBrowserWindow) => event(w, {}, w.webContents.id + 1000)],
    ["a frame that is gone", (w: FakeBrowserWindow) => event(w, null)],
  ])("refuses %s with IPC_FORBIDDEN", async (_name, make) => {
    const { win, handler, invoke } = setup();
    const r = await refusal(invoke(make(win), { gatewayUrl: "wss://gw.example.com", code: "SECRET-CODE-VALUE" }));
    expect(r.code).toBe("IPC_FORBIDDEN");
    expect(r.message).not.toContain("SECRET-CODE-VALUE");
    expect(handler).not.toHaveBeenCalled();
  });

  it("refuses everything once the window is destroyed", async () => {
    const { win, handler, invoke } = setup();
    win.destroyed = true;
    expect((await refusal(invoke(event(win), { gatewayUrl: "wss://gw.example.com", code: "ABCD-EFGH" }))).code).toBe(
      "IPC_FORBIDDEN",
    );
    expect(handler).not.toHaveBeenCalled();
  });

  const SECRET = "SECRET-VALUE-0123456789";
  it.each([
    ["an extra key", [{ gatewayUrl: "wss://gw.example.com", code: "ABCD-EFGH", token: SECRET }]],
    ["a missing key", [{ gatewayUrl: SECRET }]],
    ["a wrong type", [{ gatewayUrl: "wss://gw.example.com", code: 12345678, note: SECRET }]],
    ["a too long gateway URL", [{ gatewayUrl: `wss://${SECRET}${"a".repeat(2100)}`, code: "ABCD-EFGH" }]],
    ["a too long code", [{ gatewayUrl: "wss://gw.example.com", code: SECRET.repeat(4) }]],
    ["an empty code", [{ gatewayUrl: "wss://gw.example.com", code: "" }]],
    ["an extra argument", [{ gatewayUrl: "wss://gw.example.com", code: "ABCD-EFGH" }, SECRET]],
    ["no argument", []],
    ["an array", [[SECRET, "ABCD-EFGH"]]],
    ["null", [null]],
    [
      "an object with a prototype",
      [Object.assign(Object.create({ inherited: SECRET }), { gatewayUrl: "wss://gw.example.com", code: "ABCD-EFGH" })],
    ],
    ["a symbol key", [{ gatewayUrl: "wss://gw.example.com", code: "ABCD-EFGH", [Symbol(SECRET)]: 1 }]],
  ])("refuses %s with IPC_INVALID_ARGS, without echoing the arguments", async (_name, args) => {
    const { win, handler, invoke } = setup();
    const r = await refusal(invoke(event(win), ...args));
    expect(r.code).toBe("IPC_INVALID_ARGS");
    expect(r.message).not.toContain(SECRET);
    expect(r.message).not.toContain("ABCD");
    expect(handler).not.toHaveBeenCalled();
  });

  it("validates every channel: no-argument channels take none, confirm-link takes {accept: boolean}", async () => {
    const win = appWindow();
    const controller = createAppController({ core: fakeCore() });
    registerIpcHandlers(
      controller.handlers,
      appSenderCheck(() => win as any, INDEX_URL),
    );
    expect([...electron.ipcHandlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
    const call = (channel: string, ...args: unknown[]) => electron.ipcHandlers.get(channel)!(event(win), ...args);
    expect(((await call("ocmap:get-state")) as AppView).core.state).toBe("UNPAIRED");
    expect((await refusal(call("ocmap:get-state", { sneaky: true }))).code).toBe("IPC_INVALID_ARGS");
    expect((await refusal(call("ocmap:retry-now", 1))).code).toBe("IPC_INVALID_ARGS");
    expect((await refusal(call("ocmap:forget-device", {}))).code).toBe("IPC_INVALID_ARGS");
    expect((await refusal(call("ocmap:confirm-link", { accept: "yes" }))).code).toBe("IPC_INVALID_ARGS");
    expect((await refusal(call("ocmap:confirm-link", { accept: true, also: 1 }))).code).toBe("IPC_INVALID_ARGS");
    await call("ocmap:confirm-link", { accept: false });
  });
});

describe("window, session and navigation rules (electron stand-in)", () => {
  it("creates the window sandboxed and isolated, with the built preload, and loads index.html from a file", () => {
    const paths = appPaths(join(repoRoot, "dist/main"));
    expect(paths).toEqual({ preload: join(repoRoot, "dist/preload/preload.cjs"), indexHtml: INDEX_PATH });
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
    });
    expect(win.loadFile).toHaveBeenCalledWith(INDEX_PATH);
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
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const html = readFileSync(join(repoRoot, "src/renderer/index.html"), "utf8");
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
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
      const e = { url, preventDefault: vi.fn() };
      contents.emit(name, e, url);
      return e.preventDefault;
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
    const template = electron.Menu.buildFromTemplate.mock.calls[0]![0] as any[];
    const item = (label: string) =>
      template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : [])).find((i: any) => i.label === label);
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

  it("registers ocmap://, hardens every web contents, installs the session policy and starts the core", async () => {
    const { core, win } = await start();
    expect(electron.app.setAsDefaultProtocolClient).toHaveBeenCalledWith("ocmap");
    expect(electron.session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled();
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalled();
    expect(core.start).toHaveBeenCalled();
    expect(win.loadFile).toHaveBeenCalledWith(INDEX_PATH);
    expect(win.options.webPreferences.preload).toBe(join(repoRoot, "dist/preload/preload.cjs"));
    const contents = new FakeWebContents();
    electron.app.emit("web-contents-created", {}, contents);
    expect(contents.windowOpenHandler!({ url: "https://evil.example/" })).toEqual({ action: "deny" });
    // The IPC guard trusts exactly this window's main frame.
    const getState = electron.ipcHandlers.get("ocmap:get-state")!;
    expect(((await getState(event(win))) as AppView).core.state).toBe("UNPAIRED");
    expect((await refusal(getState(event(win, {}, 999)))).code).toBe("IPC_FORBIDDEN");
  });

  it("turns a link from the first instance's argv, a second instance's argv and macOS open-url into a pending link, never a pairing", async () => {
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

describe("preload (electron stand-in)", () => {
  it("exposes one frozen object of named functions over ipcRenderer, and no Electron object", async () => {
    await import("../../src/preload/preload.preload.ts");
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [name, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0]! as [
      string,
      Record<string, (...a: unknown[]) => any>,
    ];
    expect(name).toBe("ocmap");
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual([
      "confirmLink",
      "forgetDevice",
      "getState",
      "onState",
      "retryNow",
      "submitCode",
    ]);
    for (const value of Object.values(api)) expect(typeof value).toBe("function");

    await api.submitCode!("wss://gw.example.com", "ABCD-EFGH");
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith("ocmap:submit-code", {
      gatewayUrl: "wss://gw.example.com",
      code: "ABCD-EFGH",
    });
    await api.confirmLink!(true);
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith("ocmap:confirm-link", { accept: true });
    await api.retryNow!();
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith("ocmap:retry-now");

    // Listeners get the view only, never the IpcRendererEvent; unsubscribing removes them.
    const seen: unknown[] = [];
    const off = api.onState!((...args: unknown[]) => seen.push(args));
    const [listener] = [...electron.rendererListeners.get(STATE_EVENT)!];
    listener!({ sender: "ipcRenderer", ports: [] }, { revision: 1 });
    expect(seen).toEqual([[{ revision: 1 }]]);
    off();
    expect(electron.rendererListeners.get(STATE_EVENT)!.size).toBe(0);

    electron.ipcRenderer.invoke.mockRejectedValueOnce(
      new Error(
        "Error invoking remote method 'ocmap:get-state': IpcError: IPC_FORBIDDEN: ocmap:get-state is only answered for the OCMAP window.",
      ),
    );
    await expect(api.getState!()).rejects.toThrow(/^IPC_FORBIDDEN/);
  });
});
