// The pre-rendered first screen in Debian's Chromium: index.html served by the app's handler with
// the main process's pre-render (firstScreenOf), the renderer built from the current sources.
// The screen is in the HTML before any script runs; the renderer then hydrates it in place (the
// pre-rendered nodes stay), and the form works end to end against the real AppController and
// keychain. Other states are rendered from a STAND-IN core (fake-core.ts) to reach every screen.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreView } from "../../src/core/core-view.std.ts";
import { Keystore } from "../../src/core/keystore.node.ts";
import { createAppController, type AppController } from "../../src/main/app-controller.node.ts";
import { firstScreenOf } from "../../src/main/first-screen.std.ts";
import { launchChromium } from "../harness/chromium.ts";
import { wipeAllGateways } from "../harness/gateway-keys.ts";
import { newKeychainService } from "../harness/cli.ts";
import { repoRoot } from "../harness/gateway.ts";
import { fakeCore, type FakeCore } from "./fake-core.ts";
import { openRenderer, type RendererSession } from "./renderer-in-chromium.ts";
import { serveDirectory, type StaticServer } from "./static-server.ts";

// Counts the pre-rendered shell (.app) leaving the DOM (a client render replacing it), and errors.
const WATCH = `(() => {
  window.__shellRemoved = 0;
  window.__errors = [];
  new MutationObserver((records) => {
    for (const record of records)
      for (const node of record.removedNodes) if (node.nodeType === 1 && node.matches(".app")) window.__shellRemoved++;
  }).observe(document, { subtree: true, childList: true });
  addEventListener("error", (event) => window.__errors.push(String(event.message)));
})();`;

const keystore = new Keystore({ service: newKeychainService() });
let outDir: string;
let server: StaticServer;
let renderer: RendererSession;
let current: AppController;
/** Runs after each pre-render: lets a test change the view between serving and get-state. */
let afterServing = () => {};
const consoleErrors: string[] = [];
// index.html's CSP <meta> (for static hosting) names frame-ancestors, which only the header can carry.
const META_CSP_NOTE = /frame-ancestors' is ignored when delivered via a <meta> element/;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "ocmap-first-screen-"));
  await viteBuild({
    configFile: join(repoRoot, "src/renderer/vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true },
  });
  current = createAppController({ keystore });
  current.start();
  await current.waitFor((view) => view.core.activity === "idle");
  const firstScreen = async () => {
    const html = await firstScreenOf(current)();
    afterServing();
    return html;
  };
  server = await serveDirectory(outDir, { firstScreen });
  renderer = await openRenderer(`${server.origin}/index.html`, current);
  renderer.page.on("console", (message) => {
    if (message.type() === "error" && !META_CSP_NOTE.test(message.text())) consoleErrors.push(message.text());
  });
  renderer.page.on("pageerror", (error) => void consoleErrors.push(error.message));
  await renderer.page.addInitScript({ content: WATCH });
});

afterAll(async () => {
  current?.stop();
  await renderer?.close();
  await server?.close();
  await wipeAllGateways(keystore.service).catch(() => undefined);
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Reloads, waits until React owns the page, and says whether it hydrated the served nodes as they were. */
async function loadAndHydrate() {
  consoleErrors.length = 0;
  await renderer.page.reload();
  await renderer.page.locator("#root[data-interactive]").waitFor();
  return renderer.page.evaluate(() => ({
    recovered: document.getElementById("root")!.dataset.recovered ?? null,
    shellRemoved: (globalThis as any).__shellRemoved as number,
    errors: (globalThis as any).__errors as string[],
    shells: document.querySelectorAll(".app").length,
  }));
}

const HYDRATED_AS_IS = { recovered: null, shellRemoved: 0, errors: [], shells: 1 };

describe("the first screen pre-rendered by the main process, in Chromium", () => {
  it("is in the HTML response and on screen with JavaScript turned off", async () => {
    const html = await (await fetch(`${server.origin}/index.html`)).text();
    expect(html).toMatch(/<div id="root"><div class="app">.*data-screen="form"/s);
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${server.origin}/index.html`);
      await page.getByRole("heading", { level: 1, name: "Pair with your gateway" }).waitFor();
      expect(await page.getByLabel("Gateway address").isVisible()).toBe(true);
      expect(await page.getByLabel("Pairing code").isVisible()).toBe(true);
      expect(await page.locator("#root[data-interactive]").count(), "no script ran").toBe(0);
    } finally {
      await browser.close();
    }
  });

  it("hydrates the served form in place, then the form reaches the real controller", async () => {
    expect(await loadAndHydrate()).toEqual(HYDRATED_AS_IS);
    expect(consoleErrors).toEqual([]);
    const page = renderer.page;
    expect(await page.evaluate(() => document.activeElement?.id), "focus after hydration").toBe("gateway-url");
    await page.getByLabel("Gateway address").fill("ws://127.0.0.1:1");
    await page.getByLabel("Pairing code").pressSequentially("abcdefgg");
    expect(await page.getByLabel("Pairing code").inputValue()).toBe("ABCD-EFGG");
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    await page.getByRole("alert").first().waitFor();
    expect(renderer.crossings).toContainEqual({
      kind: "request",
      channel: "ocmap:submit-code",
      args: [{ gatewayUrl: "ws://127.0.0.1:1", code: "ABCD-EFGG" }],
    });
    expect(current.view().core.lastError, "the real core tried and failed").not.toBeNull();
    expect(consoleErrors).toEqual([]);
  });

  it("keeps what was typed before React took over, and sends it", async () => {
    const page = renderer.page;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/assets/*.js", async (route) => (await released, route.continue()));
    try {
      await page.reload({ waitUntil: "commit" });
      await page.getByLabel("Gateway address").fill("ws://127.0.0.1:3");
      expect(await page.locator("#root[data-interactive]").count(), "typed before hydration").toBe(0);
    } finally {
      release();
    }
    await page.locator("#root[data-interactive]").waitFor();
    await page.unroute("**/assets/*.js");
    await page.getByLabel("Pairing code").pressSequentially("abcdefgg");
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    await expect
      .poll(() => renderer.crossings.filter((c) => c.kind === "request" && c.channel === "ocmap:submit-code").at(-1))
      .toEqual({
        kind: "request",
        channel: "ocmap:submit-code",
        args: [{ gatewayUrl: "ws://127.0.0.1:3", code: "ABCD-EFGG" }],
      });
  });

  it("fills the remembered gateway address after hydrating, without a mismatch", async () => {
    await renderer.page.evaluate(() => localStorage.setItem("ocmap.gatewayUrl", "ws://127.0.0.1:2"));
    expect(await loadAndHydrate()).toEqual(HYDRATED_AS_IS);
    expect(await renderer.page.getByLabel("Gateway address").inputValue()).toBe("ws://127.0.0.1:2");
    expect(await renderer.page.evaluate(() => document.activeElement?.id)).toBe("pairing-code");
    await renderer.page.evaluate(() => localStorage.clear());
  });
});

describe("other states pre-render their own screen and hydrate it (stand-in core)", () => {
  const gateway = { url: "wss://gw.example", host: "gw.example", insecure: false, fingerprint: null };
  const device = { id: "device-1", name: "Desk", fingerprint: "AB:CD" };
  const states: [string, Partial<CoreView>][] = [
    ["connected", { state: "PAIRED_CONNECTED", activity: "connected", gateway, device, connectedSince: 1e12 }],
    [
      "disconnected",
      { state: "PAIRED_DISCONNECTED", activity: "waiting", gateway, reconnect: { attempt: 2, nextRetryAt: null } },
    ],
    ["revoked", { state: "REVOKED", gateway }],
    ["pairing", { state: "PAIRING_IN_PROGRESS", activity: "pairing", gateway, pairingStep: "connecting" }],
  ];
  let core: FakeCore;
  const use = (view: Partial<CoreView>) => {
    core = fakeCore(view);
    current.stop();
    current = createAppController({ core });
    renderer.attach(current);
  };

  it.each(states)("%s", async (screen, view) => {
    use(view);
    const html = await (await fetch(`${server.origin}/index.html`)).text();
    expect(html).toContain(`data-screen="${screen}"`);
    expect(await loadAndHydrate()).toEqual(HYDRATED_AS_IS);
    expect(await renderer.page.locator("[data-screen]").getAttribute("data-screen")).toBe(screen);
    expect(consoleErrors).toEqual([]);
  });

  it("a view that changed between serving and get-state: React draws the new screen, quietly", async () => {
    use({ state: "PAIRED_CONNECTED", activity: "connected", gateway, device, connectedSince: 1e12 });
    afterServing = () => core.set({ state: "REVOKED", activity: "idle", connectedSince: null });
    try {
      const result = await loadAndHydrate();
      expect(result).toEqual({ ...HYDRATED_AS_IS, recovered: "client-render", shellRemoved: 1 });
    } finally {
      afterServing = () => {};
    }
    expect(await renderer.page.locator("[data-screen]").getAttribute("data-screen")).toBe("revoked");
    expect(consoleErrors, "no hydration error in the console").toEqual([]);
  });
});
