// The app:// origin against Debian's Chromium. Chromium cannot register a custom scheme the way
// Electron does (protocol.registerSchemesAsPrivileged has no command-line twin), so:
// 1. the built renderer is served by the app's own handler over loopback HTTP (static-server.ts):
//    the MIME types, the CSP header and the bytes are the handler's, the origin is http://127.0.0.1;
// 2. the sender check is run on the URLs Chromium itself produces: its canonical form of every
//    spelling of app://ocmap/… (Electron registers `app` as a standard scheme, which Chromium
//    canonicalises like https: so the https-spelled twin is parsed and the scheme put back), its
//    form for an unregistered `app:` scheme, and the frame URLs it reports after in-page navigation.
// What it does not prove: that Electron's WebFrameMain.url is byte for byte that canonical form
// (the Electron end-to-end test, electron-app.e2e.test.ts, checks that where a binary exists).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_INDEX_URL } from "../../src/main/app-origin.std.ts";
import { createAppController } from "../../src/main/app-controller.node.ts";
import { CONTENT_SECURITY_POLICY } from "../../src/main/content-security-policy.std.ts";
import { isAppDocumentUrl } from "../../src/main/ipc-guard.std.ts";
import { launchChromium } from "../harness/chromium.ts";
import { repoRoot } from "../harness/gateway.ts";
import { fakeCore } from "./fake-core.ts";
import { openRenderer, type RendererSession } from "./renderer-in-chromium.ts";
import { serveDirectory, type StaticServer } from "./static-server.ts";

const RENDERER = join(repoRoot, "dist/renderer");
let server: StaticServer;
let renderer: RendererSession;
const controller = createAppController({ core: fakeCore() });

beforeAll(async () => {
  server = await serveDirectory(RENDERER);
  renderer = await openRenderer(`${server.origin}/index.html`, controller);
});

afterAll(async () => {
  await renderer?.close();
  await server?.close();
});

describe("the renderer as the app:// handler serves it, in Chromium", () => {
  it("loads with the handler's MIME types and CSP header, renders the form, and violates nothing", async () => {
    const responses: { url: string; status: number; type: string; csp: string }[] = [];
    renderer.page.on("response", (res) =>
      responses.push({
        url: res.url(),
        status: res.status(),
        type: res.headers()["content-type"] ?? "",
        csp: res.headers()["content-security-policy"] ?? "",
      }),
    );
    await renderer.page.reload();
    await renderer.page.locator('[data-screen="form"]').waitFor();
    expect(responses.length).toBeGreaterThanOrEqual(2);
    for (const res of responses) {
      expect(res.status, res.url).toBe(200);
      expect(res.csp, res.url).toBe(CONTENT_SECURITY_POLICY);
      const ext = /\.(\w+)(?:$|\?)/.exec(res.url)?.[1];
      const want = { html: "text/html", js: "text/javascript", css: "text/css" }[ext ?? "html"];
      expect(res.type.startsWith(want ?? "?"), `${res.url}: ${res.type}`).toBe(true);
    }
    expect(await renderer.page.evaluate(() => (globalThis as any).__cspViolations)).toEqual([]);
  });

  it("enforces the CSP from the response header alone (a page without the meta tag)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ocmap-csp-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(
      join(dir, "index.html"),
      `<!doctype html><title>t</title><script>window.inline = 1</script>` +
        `<script type="module" src="./assets/ok.js"></script>`,
    );
    writeFileSync(join(dir, "assets/ok.js"), `document.title = "module ran";`);
    const bare = await serveDirectory(dir);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${bare.origin}/index.html`);
      await page.waitForFunction(() => (globalThis as any).document.title === "module ran");
      expect(await page.evaluate(() => (globalThis as any).inline), "inline script blocked").toBeUndefined();
      const status = (await page.goto(`${bare.origin}/..%2f..%2fetc%2fpasswd`))?.status();
      expect(status).toBe(404);
    } finally {
      await browser.close();
      await bare.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** [spelling, is it the app's document as Electron's standard `app` scheme would canonicalise it]. */
const SPELLINGS: [string, boolean][] = [
  [APP_INDEX_URL, true],
  ["APP://OCMAP/index.html", true],
  ["app://ocmap/./index.html", true],
  ["app://ocmap/assets/../index.html", true],
  ["app://ocmap/%2e/index.html", true],
  ["app://ocmap/%2E%2E/index.html", true],
  ["app://ocmap\\index.html", true],
  ["app://ocmap/index.html#settings", true],
  ["app://ocmap/index.html?x=1", false],
  ["app://ocmap/index.html/", false],
  ["app://ocmap/INDEX.html", false],
  ["app://ocmap/%69ndex.html", false],
  ["app://ocmap/", false],
  ["app://ocmap:8443/index.html", false], // not 443: https's default port would vanish in the twin
  ["app://user@ocmap/index.html", false],
  ["app://ocmap.evil/index.html", false],
  ["app://evil/index.html", false],
  ["app://xn--ocmap-/index.html", false],
  ["file:///index.html", false],
];

describe("the IPC sender check on the URLs Chromium reports", () => {
  it("accepts Chromium's canonical form of the app's document and refuses every other URL", async () => {
    const parsed = await renderer.page.evaluate(
      (spellings) => {
        const href = (url: string) => {
          try {
            return new URL(url).href;
          } catch {
            return null;
          }
        };
        return spellings.map((spelling) => {
          const twin = /^app:/i.test(spelling) ? href(spelling.replace(/^app:/i, "https:")) : href(spelling);
          return {
            spelling,
            standard: twin && /^https:/.test(twin) ? `app:${twin.slice("https:".length)}` : twin,
            unregistered: href(spelling),
          };
        });
      },
      SPELLINGS.map(([s]) => s),
    );
    for (const [index, { spelling, standard, unregistered }] of parsed.entries()) {
      const want = SPELLINGS[index]![1];
      expect(standard !== null && isAppDocumentUrl(standard, APP_INDEX_URL), `${spelling} → ${standard}`).toBe(want);
      // Were the scheme ever not standard, the check would only get stricter, never looser.
      if (unregistered !== null && isAppDocumentUrl(unregistered, APP_INDEX_URL)) expect(want, spelling).toBe(true);
    }
  });

  it("follows the frame URL Chromium reports: a fragment keeps IPC, another path or a query loses it", async () => {
    const invoke = () =>
      renderer.page.evaluate(() =>
        (globalThis as any).ocmap.getState().then(
          () => "answered",
          (e: Error) => e.message,
        ),
      );
    await renderer.page.reload();
    await renderer.page.locator('[data-screen="form"]').waitFor();
    expect(await invoke()).toBe("answered");
    await renderer.page.evaluate(() => ((globalThis as any).location.hash = "settings"));
    expect(renderer.page.mainFrame().url()).toBe(`${renderer.indexUrl}#settings`);
    expect(await invoke()).toBe("answered");
    await renderer.page.evaluate(() => (globalThis as any).history.replaceState(null, "", "index.html?x=1"));
    expect(await invoke()).toMatch(/^IPC_FORBIDDEN/);
    await renderer.page.evaluate(() => (globalThis as any).history.replaceState(null, "", "/elsewhere.html"));
    expect(renderer.page.mainFrame().url()).toBe(`${server.origin}/elsewhere.html`);
    expect(await invoke()).toMatch(/^IPC_FORBIDDEN/);
  });
});
