// The app:// handler's pre-render in plain Node: index.html (and only it) is served with the first
// screen inside its root element, rendered by React from the view, escaped, under the same CSP and
// path rules; a failing render serves the page as built. firstScreenOf: which view it renders.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AppView } from "../../src/ipc/ipc-contract.std.ts";
import { createAppController } from "../../src/main/app-controller.node.ts";
import { APP_INDEX_URL } from "../../src/main/app-origin.std.ts";
import { createAppProtocolHandler, insertFirstScreen } from "../../src/main/app-protocol.node.ts";
import { CONTENT_SECURITY_POLICY } from "../../src/main/content-security-policy.std.ts";
import { firstScreenOf } from "../../src/main/first-screen.std.ts";
import { renderFirstScreen } from "../../src/renderer/first-screen.std.tsx";
import { coreViewOf, fakeCore } from "./fake-core.ts";

const PAGE =
  `<!doctype html><html><head><title>OCMAP</title><script type="module" src="./assets/index.js"></script>` +
  `</head><body><div id="root"></div><noscript>OCMAP needs JavaScript to run.</noscript></body></html>`;
const OTHER_PAGE = `<!doctype html><title>other</title><div id="root"></div>`;
const HOSTILE = `<script>alert(1)</script><img src=x onerror=alert(2)>$'$&"`;

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "ocmap-first-screen-"));
  mkdirSync(join(base, "renderer/assets"), { recursive: true });
  writeFileSync(join(base, "renderer/index.html"), PAGE);
  writeFileSync(join(base, "renderer/assets/other.html"), OTHER_PAGE);
  writeFileSync(join(base, "renderer/assets/index.js"), "export {};");
  writeFileSync(join(base, "secret.html"), "SECRET-OUTSIDE");
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const raw = (url: string, method = "GET") => ({ url, method }) as Request;
const view = (core: Parameters<typeof coreViewOf>[0] = {}, extra: Partial<AppView> = {}): AppView => ({
  core: coreViewOf(core),
  gateways: [],
  pendingLink: null,
  linkError: null,
  settingsRequest: 0,
  revision: 1,
  ...extra,
});
/** The markup between the root element's tags. */
const rootOf = (html: string) => /<div id="root">([\s\S]*)<\/div><noscript>/.exec(html)?.[1] ?? null;

describe("app:// handler: index.html with the first screen in it (unit, plain Node)", () => {
  it("puts the rendered screen inside #root of index.html, under the CSP header, for / and index.html", async () => {
    const firstScreen = vi.fn(() => renderFirstScreen(view()));
    const serve = createAppProtocolHandler(join(base, "renderer"), { firstScreen });
    for (const url of ["app://ocmap/", APP_INDEX_URL, `${APP_INDEX_URL}?x=1#settings`]) {
      const res = await serve(new Request(url));
      expect(res.status, url).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
      const html = await res.text();
      expect(rootOf(html), url).toBe(renderFirstScreen(view()));
      expect(html).toContain('data-screen="form"');
      expect(html.replace(rootOf(html)!, ""), "the rest of the page as built").toBe(PAGE);
    }
    expect(firstScreen).toHaveBeenCalledTimes(3);
  });

  it("leaves every other file as it is, HEAD without a body, and does not render for them", async () => {
    const firstScreen = vi.fn(() => "<p>pre-rendered</p>");
    const serve = createAppProtocolHandler(join(base, "renderer"), { firstScreen });
    expect(await (await serve(new Request("app://ocmap/assets/other.html"))).text()).toBe(OTHER_PAGE);
    expect(await (await serve(new Request("app://ocmap/assets/index.js"))).text()).toBe("export {};");
    expect(await (await serve(new Request(APP_INDEX_URL, { method: "HEAD" }))).text()).toBe("");
    expect(firstScreen).not.toHaveBeenCalled();
  });

  it("escapes what the view says: a hostile gateway name or link host is text, never markup", async () => {
    const gateway = { url: "wss://x.example", host: HOSTILE, insecure: false, fingerprint: null };
    const views = [
      view({ state: "PAIRED_DISCONNECTED", activity: "waiting", gateway, reconnect: { attempt: 2, nextRetryAt: 1 } }),
      view({ state: "PAIRED_CONNECTED", activity: "connected", gateway }),
      view({}, { pendingLink: { host: HOSTILE, gatewayUrl: "wss://x.example", code: "ABCD-EFGH", insecure: false } }),
      view({}, { linkError: HOSTILE }),
    ];
    for (const shown of views) {
      const serve = createAppProtocolHandler(join(base, "renderer"), { firstScreen: () => renderFirstScreen(shown) });
      const html = await (await serve(new Request(APP_INDEX_URL))).text();
      const root = rootOf(html)!;
      expect(root).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;$&#x27;$&amp;");
      expect(root).not.toMatch(/<script|<img|onerror=alert\(2\)>/);
      // One script in the whole page: the module the page was built with.
      expect(html.match(/<script/g)).toHaveLength(1);
    }
  });

  it("inserts the markup literally (no replacement patterns) and only into an empty #root", () => {
    expect(insertFirstScreen(PAGE, "$'$&$`")).toContain(`<div id="root">$'$&$\`</div><noscript>`);
    expect(insertFirstScreen("<div id='root'></div>", "<p>x</p>")).toBe("<div id='root'></div>");
  });

  it("serves the page as built when rendering fails, so the renderer draws the screen itself", async () => {
    const serve = createAppProtocolHandler(join(base, "renderer"), {
      firstScreen: () => Promise.reject(new Error("render failed")),
    });
    const res = await serve(new Request(APP_INDEX_URL));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(PAGE);
  });

  it.each([
    "app://ocmap/../secret.html",
    "app://ocmap/%2e%2e/secret.html",
    "app://ocmap/assets/..%2f..%2fsecret.html",
    "app://ocmap/./index.html",
    "app://ocmap/index.html%00.html",
    "app://evil/index.html",
  ])("still refuses %s, and renders nothing for it", async (url) => {
    const firstScreen = vi.fn(() => "<p>pre-rendered</p>");
    const serve = createAppProtocolHandler(join(base, "renderer"), { firstScreen });
    const res = await serve(raw(url));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).not.toMatch(/SECRET-OUTSIDE|pre-rendered/);
    expect(firstScreen).not.toHaveBeenCalled();
  });
});

describe("firstScreenOf: the controller's view at serving time (unit, fake core)", () => {
  it("renders the screen that follows 'starting' when it comes within the wait", async () => {
    const core = fakeCore({ activity: "starting", reason: { code: "STARTING", message: "Reading the keychain." } });
    const controller = createAppController({ core });
    const rendering = firstScreenOf(controller, 2_000)();
    setTimeout(() => core.set({ activity: "idle" }), 20);
    expect(await rendering).toContain('data-screen="form"');
  });

  it("renders 'starting' when the core is still starting after the wait", async () => {
    const core = fakeCore({ activity: "starting", reason: { code: "STARTING", message: "Reading the keychain." } });
    const html = await firstScreenOf(createAppController({ core }), 30)();
    expect(html).toContain('data-screen="starting"');
    expect(html).toContain("Reading the keychain.");
  });
});
