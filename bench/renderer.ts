// The renderer: its bundle size (gzip) and the time to its first meaningful screen in Debian's
// Chromium (navigation start → the first screen other than "starting" laid out), with
// `window.ocmap` bound to a real AppController over a fresh keychain service (so: the pairing
// form). The floor is a page of the same shape (HTML + one module script that puts one element
// on screen) from the same server, measured the same way.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { Keystore } from "../src/core/keystore.node.ts";
import { createOcmapApi } from "../src/ipc/ipc-contract.std.ts";
import { createAppController } from "../src/main/app-controller.node.ts";
import { launchChromium } from "../test/harness/chromium.ts";
import { newKeychainService } from "../test/harness/cli.ts";
import { repoRoot } from "../test/harness/gateway.ts";
import type { Row } from "./lib/row.ts";
import { fmt, summarize } from "./lib/stats.ts";

const RENDERER = join(repoRoot, "dist/renderer");
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};
const FLOOR_HTML =
  `<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head>` +
  `<body><div id="root"></div><script type="module" src="./floor.js"></script></body></html>`;
const FLOOR_JS =
  `const el = document.createElement("main"); el.dataset.screen = "floor"; el.textContent = "Floor"; ` +
  `document.getElementById("root").append(el);`;

/** Marks, in page time (ms since navigation start), the first frame with a meaningful screen on it. */
const FIRST_SCREEN = `(() => {
  const seen = () => {
    const el = document.querySelector('[data-screen]:not([data-screen="starting"])');
    return !!el && el.getBoundingClientRect().height > 0;
  };
  const observer = new MutationObserver(() => {
    if (window.__firstScreenAt !== undefined || !seen()) return;
    window.__firstScreenAt = null;
    observer.disconnect();
    requestAnimationFrame(() => { window.__firstScreenAt = performance.now(); });
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
})();`;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const filePath = join(dir, name);
    return statSync(filePath).isDirectory() ? files(filePath) : [filePath];
  });
}

function bundleRow(): Row {
  const how = "every .js and .css under dist/renderer, each gzipped (zlib level 9) and summed";
  if (!existsSync(RENDERER)) return { measure: "Renderer bundle (gzip)", value: "n/a (dist/renderer not built)", how };
  const assets = files(RENDERER).filter((f) => /\.(js|css)$/.test(f));
  const raw = assets.reduce((n, f) => n + statSync(f).size, 0);
  const gz = assets.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  return {
    measure: "Renderer bundle (gzip)",
    value: `${(gz / 1024).toFixed(1)} KiB gzip (${(raw / 1024).toFixed(1)} KiB raw, ${assets.length} files)`,
    how,
  };
}

async function serve() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    if (path === "/floor.html" || path === "/floor.js") {
      res
        .writeHead(200, { "content-type": TYPES[extname(path)]!, "cache-control": "no-store" })
        .end(path === "/floor.html" ? FLOOR_HTML : FLOOR_JS);
      return;
    }
    const file = join(RENDERER, path);
    if (!file.startsWith(RENDERER + sep)) return void res.writeHead(403).end();
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      return void res.writeHead(404).end();
    }
    res
      .writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      })
      .end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function firstScreen(browser: Browser, url: string, withApp: boolean): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
  const controller = withApp
    ? createAppController({ keystore: new Keystore({ service: newKeychainService() }) })
    : null;
  try {
    const page = await context.newPage();
    if (controller) {
      controller.start();
      await controller.waitFor((v) => v.core.activity === "idle");
      await page.exposeBinding("__ocmapInvoke", async (_source, channel: string, args: unknown[]) =>
        (controller.handlers as any)[channel](...args),
      );
      await page.addInitScript({
        content: `(() => {
  const listeners = new Set();
  Object.defineProperty(window, "__ocmapPush", { value: (view) => { for (const l of [...listeners]) l(view); } });
  const __name = (f) => f; // tsx (esbuild keepNames) wraps named functions in __name(): give the injected source one
  const createOcmapApi = (${createOcmapApi.toString()});
  const api = createOcmapApi({
    invoke: (c, a) => window.__ocmapInvoke(c, a),
    listen: (l) => (listeners.add(l), () => listeners.delete(l)),
  });
  Object.defineProperty(window, "ocmap", { value: api });
})();`,
      });
    }
    await page.addInitScript({ content: FIRST_SCREEN });
    await page.goto(url);
    await page.waitForFunction(() => typeof (window as any).__firstScreenAt === "number", undefined, {
      timeout: 15_000,
    });
    return await page.evaluate(() => (window as any).__firstScreenAt as number);
  } finally {
    controller?.stop();
    await context.close();
  }
}

export async function benchRenderer(runs = 10): Promise<Row[]> {
  const bundle = bundleRow();
  const how =
    "Chromium (playwright-core, /usr/bin/chromium, headless), a fresh context per run: performance.now() " +
    "at the first animation frame after a screen other than 'starting' is in the DOM with a layout box";
  if (!existsSync(join(RENDERER, "index.html")))
    return [bundle, { measure: "Renderer: time to first screen", value: "n/a (dist/renderer not built)", how }];
  const server = await serve();
  const browser = await launchChromium();
  const app: number[] = [];
  const floor: number[] = [];
  try {
    await firstScreen(browser, `${server.origin}/index.html`, true); // warm-up
    await firstScreen(browser, `${server.origin}/floor.html`, false);
    for (let i = 0; i < runs; i++) {
      app.push(await firstScreen(browser, `${server.origin}/index.html`, true));
      floor.push(await firstScreen(browser, `${server.origin}/floor.html`, false));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const appStats = summarize(app);
  const floorStats = summarize(floor);
  return [
    bundle,
    {
      measure: "Renderer: navigation start → first screen (pairing form)",
      value: fmt(appStats, "ms"),
      reference: `one-module floor page ${fmt(floorStats, "ms")}`,
      ratio: appStats.median / floorStats.median,
      goal: "≤ 2× floor",
      met: appStats.median / floorStats.median <= 2,
      how,
    },
  ];
}
