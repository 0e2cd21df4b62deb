// The main process's logic without Electron: AppView, pending links and the request handlers.
import { describe, expect, it } from "vitest";
import type { AppView } from "../../src/ipc/ipc-contract.std.ts";
import { createAppController } from "../../src/main/app-controller.node.ts";
import { fakeCore } from "./fake-core.ts";

const LINK = `ocmap://pair?gateway=${encodeURIComponent("wss://gw.example.com")}&code=ABCD-EFGG`;

function setup(initial = {}) {
  const core = fakeCore(initial);
  const controller = createAppController({ core });
  const seen: AppView[] = [];
  controller.subscribe((v) => seen.push(v));
  return { core, controller, seen };
}

describe("AppController", () => {
  it("publishes exactly AppView, with a revision that grows with every update", () => {
    const { core, controller, seen } = setup();
    expect(Object.keys(controller.view()).sort()).toEqual([
      "core",
      "gateways",
      "linkError",
      "pendingLink",
      "revision",
      "settingsRequest",
    ]);
    core.set({ activity: "starting" });
    controller.requestSettings();
    expect(seen.map((v) => v.revision)).toEqual([1, 2]);
    expect(seen[1]!.settingsRequest).toBe(1);
    expect(controller.handlers["ocmap:get-state"]()).toBe(seen[1]);
  });

  it("a valid link becomes a pending link and pairs only after the user accepts", async () => {
    const { core, controller } = setup();
    controller.openLink(LINK);
    expect(controller.view().pendingLink).toEqual({
      host: "gw.example.com",
      gatewayUrl: "wss://gw.example.com",
      code: "ABCD-EFGG",
      insecure: false,
    });
    expect(core.pair).not.toHaveBeenCalled();
    await controller.handlers["ocmap:confirm-link"]({ accept: false });
    expect(controller.view().pendingLink).toBeNull();
    expect(core.pair).not.toHaveBeenCalled();
    controller.openLink(LINK);
    await controller.handlers["ocmap:confirm-link"]({ accept: true });
    expect(core.pair).toHaveBeenCalledWith("wss://gw.example.com", "ABCD-EFGG");
    expect(controller.view().pendingLink).toBeNull();
  });

  it("refuses a malformed link with a sentence for the user", () => {
    const { controller } = setup();
    controller.openLink("ocmap://pair?gateway=wss%3A%2F%2Fgw.example.com&code=ABCD-EFG2"); // wrong check symbol
    expect(controller.view().pendingLink).toBeNull();
    expect(controller.view().linkError).toMatch(/pairing link's code is not valid/);
    controller.openLink(42);
    expect(controller.view().linkError).toMatch(/not an OCMAP pairing link/);
  });

  it("refuses a link while paired, and drops a link that arrived before the core found its trust", () => {
    const paired = setup({
      state: "PAIRED_CONNECTED",
      activity: "connected",
      gateway: { url: "wss://home.example", host: "home.example", insecure: false, fingerprint: null },
    });
    paired.controller.openLink(LINK);
    expect(paired.controller.view().pendingLink).toBeNull();
    expect(paired.controller.view().linkError).toMatch(/already paired with home\.example/);

    const starting = setup({ activity: "starting" });
    starting.controller.openLink(LINK);
    expect(starting.controller.view().pendingLink).not.toBeNull();
    starting.core.set({
      state: "PAIRED_DISCONNECTED",
      activity: "connecting",
      gateway: { url: "wss://home.example", host: "home.example", insecure: false, fingerprint: null },
    });
    expect(starting.controller.view().pendingLink).toBeNull();
    expect(starting.controller.view().linkError).toMatch(/already paired/);
  });

  it("does not pair from a link while the core cannot pair yet", async () => {
    const { core, controller } = setup({ activity: "starting" });
    controller.openLink(LINK);
    await controller.handlers["ocmap:confirm-link"]({ accept: true });
    expect(core.pair).not.toHaveBeenCalled();
    expect(controller.view().pendingLink).not.toBeNull();
  });

  it("passes submit, retry and forget to the core; submitting clears a link and its error", async () => {
    const { core, controller } = setup();
    controller.openLink("ocmap:nonsense");
    await controller.handlers["ocmap:submit-code"]({ gatewayUrl: "ws://127.0.0.1:1", code: "ABCD-EFGG" });
    expect(core.pair).toHaveBeenCalledWith("ws://127.0.0.1:1", "ABCD-EFGG");
    expect(controller.view().linkError).toBeNull();
    await controller.handlers["ocmap:retry-now"]();
    await controller.handlers["ocmap:forget-device"]();
    expect(core.retryNow).toHaveBeenCalledTimes(1);
    expect(core.forget).toHaveBeenCalledTimes(1);
  });

  it("waitFor resolves on the first matching view; stop() unsubscribes from the core", async () => {
    const { core, controller } = setup();
    const connected = controller.waitFor((v) => v.core.state === "PAIRED_CONNECTED", 1000);
    core.set({ state: "PAIRED_CONNECTED", activity: "connected" });
    expect((await connected).core.state).toBe("PAIRED_CONNECTED");
    controller.stop();
    expect(core.stop).toHaveBeenCalled();
    const revision = controller.view().revision;
    core.set({ state: "REVOKED", activity: "idle" });
    expect(controller.view().revision).toBe(revision);
  });
});
