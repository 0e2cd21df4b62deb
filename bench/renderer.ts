// The renderer: its bundle size (gzip), and in Debian's Chromium the time to its first meaningful
// screen (navigation start → the first screen other than "starting" laid out) and to the moment
// React owns it (hydrated: the pairing form answers input), with `window.ocmap` bound to a real
// AppController over a fresh keychain service (so: the pairing form). index.html is served by the
// app's own handler with the main process's pre-render of that controller's view, as the app does.
// The floor is a page of the same shape (HTML + one module script that puts one element on
// screen) from the same server, measured the same way.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { Keystore } from "../src/core/keystore.node.ts";
import { createOcmapApi } from "../src/ipc/ipc-contract.std.ts";
import { createAppController, type AppController } from "../src/main/app-controller.node.ts";
import { APP_ORIGIN } from "../src/main/app-origin.std.ts";
import { createAppProtocolHandler } from "../src/main/app-protocol.node.ts";
import { firstScreenOf } from "../src/main/first-screen.std.ts";
import { INTERACTIVE_MARK } from "../src/renderer/interactive-mark.std.ts";
import { launchChromium } from "../test/harness/chromium.ts";
import { newKeychainService } from "../test/harness/cli.ts";
import { repoRoot } from "../test/harness/gateway.ts";
import type { Row } from "./lib/row.ts";
import { fmt, summarize } from "./lib/stats.ts";

const RENDERER = join(repoRoot, "dist/renderer");
const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript" };
const FLOOR_HTML =
  `<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head>` +
  `<body><div id="root"></div><script type="module" src="./floor.js"></script></body></html>`;
const FLOOR_JS =
  `const el = document.createElement("main"); el.dataset.screen = "floor"; el.textContent = "Floor"; ` +
  `document.getElementById("root").append(el);`;

/**
 * Marks, in page time (ms since navigation start), the first frame with a meaningful screen on it:
 * the time an animation frame starts once such a screen is in the DOM, if it has a layout box then.
 * Layout is read only inside frames, which lay the page out anyway: reading it from the mutation
 * callback would force an extra layout mid-parse (before the stylesheet) that the app never does.
 */
const FIRST_SCREEN = `(() => {
  const find = () => document.querySelector('[data-screen]:not([data-screen="starting"])');
  const check = () => {
    const frameAt = performance.now();
    if (find().getBoundingClientRect().height > 0) window.__firstScreenAt = frameAt;
    else requestAnimationFrame(check);
  };
  const observer = new MutationObserver(() => {
    if (window.__firstScreenAt !== undefined || !find()) return;
    window.__firstScreenAt = null;
    observer.disconnect();
    requestAnimationFrame(check);
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

/** The floor page, and everything else through the app's own app:// handler, pre-render included. */
async function serve(currentController: () => AppController | null) {
  const handle = createAppProtocolHandler(RENDERER, {
    firstScreen: () => {
      const controller = currentController();
      if (!controller) throw new Error("no controller: serve the page without a first screen");
      return firstScreenOf(controller)();
    },
  });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/floor.html" || path === "/floor.js") {
      res
        .writeHead(200, { "content-type": TYPES[extname(path)]!, "cache-control": "no-store" })
        .end(path === "/floor.html" ? FLOOR_HTML : FLOOR_JS);
      return;
    }
    handle({ method: req.method ?? "GET", url: `${APP_ORIGIN}${req.url ?? "/"}` } as Request).then(
      async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface Timings {
  firstScreen: number;
  /** When React has hydrated the page (the app only). */
  interactive: number | null;
}

async function measure(
  browser: Browser,
  url: string,
  app: { use(controller: AppController | null): void } | null,
): Promise<Timings> {
  const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
  const controller = app ? createAppController({ keystore: new Keystore({ service: newKeychainService() }) }) : null;
  try {
    const page = await context.newPage();
    if (controller) {
      controller.start();
      await controller.waitFor((v) => v.core.activity === "idle");
      app!.use(controller);
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
    const firstScreen = await page.evaluate(() => (window as any).__firstScreenAt as number);
    if (!controller) return { firstScreen, interactive: null };
    const interactive = await page.waitForFunction(
      (mark) => performance.getEntriesByName(mark, "mark")[0]?.startTime,
      INTERACTIVE_MARK,
      { timeout: 15_000 },
    );
    const recovered = await page.evaluate(() => document.getElementById("root")?.dataset.recovered);
    if (recovered) throw new Error(`the pre-rendered page did not hydrate as is (${recovered})`);
    return { firstScreen, interactive: (await interactive.jsonValue()) as number };
  } finally {
    app?.use(null);
    controller?.stop();
    await context.close();
  }
}

export async function benchRenderer(runs = 10): Promise<Row[]> {
  const bundle = bundleRow();
  const how =
    "Chromium (playwright-core, /usr/bin/chromium, headless), a fresh context per run, index.html served by the " +
    "app's handler with the main process's pre-render: performance.now() at the start of the first animation " +
    "frame in which a screen other than 'starting' is in the DOM with a layout box";
  const hydratedHow =
    "the same runs: the startTime of the performance mark the renderer sets in an effect once React has hydrated " +
    "the pre-rendered page (main.dom.tsx); the floor page is interactive at its first screen";
  if (!existsSync(join(RENDERER, "index.html")))
    return [bundle, { measure: "Renderer: time to first screen", value: "n/a (dist/renderer not built)", how }];
  let current: AppController | null = null;
  const app = { use: (controller: AppController | null) => void (current = controller) };
  const server = await serve(() => current);
  const browser = await launchChromium();
  const appRuns: Timings[] = [];
  const floorRuns: Timings[] = [];
  try {
    await measure(browser, `${server.origin}/index.html`, app); // warm-up
    await measure(browser, `${server.origin}/floor.html`, null);
    for (let i = 0; i < runs; i++) {
      appRuns.push(await measure(browser, `${server.origin}/index.html`, app));
      floorRuns.push(await measure(browser, `${server.origin}/floor.html`, null));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const firstStats = summarize(appRuns.map((run) => run.firstScreen));
  const hydratedStats = summarize(appRuns.map((run) => run.interactive!));
  const floorStats = summarize(floorRuns.map((run) => run.firstScreen));
  const reference = `one-module floor page ${fmt(floorStats, "ms")}`;
  return [
    bundle,
    {
      measure: "Renderer: navigation start → first screen (pairing form)",
      value: fmt(firstStats, "ms"),
      reference,
      ratio: firstStats.median / floorStats.median,
      goal: "≤ 2× floor",
      met: firstStats.median / floorStats.median <= 2,
      how,
    },
    {
      measure: "Renderer: navigation start → interactive (hydrated)",
      value: fmt(hydratedStats, "ms"),
      reference,
      ratio: hydratedStats.median / floorStats.median,
      goal: "≤ 2.5× floor",
      met: hydratedStats.median / floorStats.median <= 2.5,
      how: hydratedHow,
    },
  ];
}
