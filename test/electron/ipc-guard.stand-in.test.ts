// The IPC handle() wrapper and the preload, with a STAND-IN for the `electron` module (importing
// the real one in plain Node throws). The sender check compares the app's exact origin and document.
import { pathToFileURL } from "node:url";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { REQUEST_CHANNELS, STATE_EVENT, type AppView } from "../../src/ipc/ipc-contract.std.ts";
import { createAppController } from "../../src/main/app-controller.node.ts";
import { appSenderCheck, handle, registerIpcHandlers } from "../../src/main/ipc-main.main.ts";
import { repoRoot } from "../harness/gateway.ts";
import { electronStandIn as electron, FakeBrowserWindow } from "./electron-stand-in.ts";
import { fakeCore } from "./fake-core.ts";
import { appWindow, event, INDEX_URL, refusal, resetStandIn } from "./stand-in-helpers.ts";

vi.mock("electron", async () => (await import("./electron-stand-in.ts")).electronStandIn);

beforeEach(resetStandIn);

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
      "the old file:// page of the same renderer",
      (w: FakeBrowserWindow) => event(w, { url: pathToFileURL(`${repoRoot}/dist/renderer/index.html`).href }),
    ],
    ["the wrong URL (query added)", (w: FakeBrowserWindow) => event(w, { url: `${INDEX_URL}?x=1` })],
    ["another path of the app's origin", (w: FakeBrowserWindow) => event(w, { url: "app://ocmap/assets/x.js" })],
    ["the origin without the document", (w: FakeBrowserWindow) => event(w, { url: "app://ocmap/" })],
    ["another host on the app scheme", (w: FakeBrowserWindow) => event(w, { url: "app://evil/index.html" })],
    ["a port on the app origin", (w: FakeBrowserWindow) => event(w, { url: "app://ocmap:1/index.html" })],
    ["user info on the app origin", (w: FakeBrowserWindow) => event(w, { url: "app://x@ocmap/index.html" })],
    ["the app host in another case", (w: FakeBrowserWindow) => event(w, { url: "app://OCMAP/index.html" })],
    ["a look-alike https origin", (w: FakeBrowserWindow) => event(w, { url: "https://ocmap/index.html" })],
    ["about:blank", (w: FakeBrowserWindow) => event(w, { url: "about:blank" })],
    ["another webContents", (w: FakeBrowserWindow) => event(w, {}, w.webContents.id + 1000)],
    ["a frame that is gone", (w: FakeBrowserWindow) => event(w, null)],
  ])("refuses %s with IPC_FORBIDDEN", async (_name, make) => {
    const { win, handler, invoke } = setup();
    const refused = await refusal(invoke(make(win), { gatewayUrl: "wss://gw.example.com", code: "SECRET-CODE-VALUE" }));
    expect(refused.code).toBe("IPC_FORBIDDEN");
    expect(refused.message).not.toContain("SECRET-CODE-VALUE");
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
    ["a too long code", [{ gatewayUrl: "wss://gw.example.com", code: SECRET.repeat(200) }]],
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
    const refused = await refusal(invoke(event(win), ...args));
    expect(refused.code).toBe("IPC_INVALID_ARGS");
    expect(refused.message).not.toContain(SECRET);
    expect(refused.message).not.toContain("ABCD");
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
    for (const channel of ["ocmap:select-gateway", "ocmap:forget-gateway"]) {
      expect((await refusal(call(channel, { id: "" }))).code).toBe("IPC_INVALID_ARGS");
      expect((await refusal(call(channel, { id: "x".repeat(65) }))).code).toBe("IPC_INVALID_ARGS");
      expect((await refusal(call(channel, { id: 7 }))).code).toBe("IPC_INVALID_ARGS");
      await call(channel, { id: "k0123456789abcdef" });
    }
    expect((await refusal(call("ocmap:add-gateway", { open: 1 }))).code).toBe("IPC_INVALID_ARGS");
    await call("ocmap:add-gateway", { open: true });
    expect((await refusal(call("ocmap:rename-gateway", { id: "k0123456789abcdef" }))).code).toBe("IPC_INVALID_ARGS");
    expect((await refusal(call("ocmap:rename-gateway", { id: "k0123456789abcdef", name: "x".repeat(257) }))).code).toBe(
      "IPC_INVALID_ARGS",
    );
    expect(await call("ocmap:rename-gateway", { id: "k0123456789abcdef", name: "Home" })).toEqual({ ok: true });
    // Without desktop settings (this controller has none) they read as null and a change says it did not happen.
    expect(await call("ocmap:get-settings")).toBeNull();
    expect((await refusal(call("ocmap:get-settings", {}))).code).toBe("IPC_INVALID_ARGS");
    expect((await refusal(call("ocmap:set-setting", { key: "toString", value: true }))).code).toBe("IPC_INVALID_ARGS");
    expect(await call("ocmap:set-setting", { key: "notifyRevoked", value: false })).toMatchObject({ ok: false });
  });
});

describe("preload (electron stand-in)", () => {
  it("exposes one frozen object of named functions over ipcRenderer, and no Electron object", async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ revision: 2, from: "early answer" });
    await import("../../src/preload/preload.preload.ts");
    // It asks for the state at once, listening from the same moment (before the page's scripts load).
    expect(electron.ipcRenderer.invoke.mock.calls[0]).toEqual(["ocmap:get-state"]);
    expect(electron.rendererListeners.get(STATE_EVENT)!.size).toBe(1);
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [name, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0]! as [
      string,
      Record<string, (...a: unknown[]) => any>,
    ];
    expect(name).toBe("ocmap");
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual([
      "addGateway",
      "cancelPairing",
      "confirmLink",
      "forgetDevice",
      "forgetGateway",
      "getSettings",
      "getState",
      "onState",
      "renameGateway",
      "retryNow",
      "selectGateway",
      "setSetting",
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
    await api.renameGateway!("k0123456789abcdef", "Home");
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith("ocmap:rename-gateway", {
      id: "k0123456789abcdef",
      name: "Home",
    });

    // Listeners get the view only, never the IpcRendererEvent; unsubscribing removes them.
    const emit = (view: unknown) => {
      for (const listener of [...electron.rendererListeners.get(STATE_EVENT)!])
        listener({ sender: "ipcRenderer", ports: [] }, view);
    };
    const seen: unknown[] = [];
    const off = api.onState!((...args: unknown[]) => seen.push(args));
    emit({ revision: 5, from: "event" });
    expect(seen).toEqual([[{ revision: 5, from: "event" }]]);
    off();
    expect(electron.rendererListeners.get(STATE_EVENT)!.size, "only the API's own listener is left").toBe(1);

    // getState() answers the newest view it knows: here the event is newer than the early answer.
    expect(await api.getState!()).toEqual({ revision: 5, from: "event" });
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ revision: 7, from: "second answer" });
    expect(await api.getState!()).toEqual({ revision: 7, from: "second answer" });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith("ocmap:get-state");

    electron.ipcRenderer.invoke.mockRejectedValueOnce(
      new Error(
        "Error invoking remote method 'ocmap:get-state': " +
          "IpcError: IPC_FORBIDDEN: ocmap:get-state is only answered for the OCMAP window.",
      ),
    );
    await expect(api.getState!()).rejects.toThrow(/^IPC_FORBIDDEN/);
  });
});
