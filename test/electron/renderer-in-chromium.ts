// Loads the built renderer in Debian's Chromium with `window.ocmap` bound to the real main-process
// handlers (AppController) in this Node process: the same frozen API object the preload builds
// (createOcmapApi's own source is injected), the same guard (checkedCall), and every message that
// crosses recorded for the secret scan. Only Electron's IPC transport itself is not exercised.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { createOcmapApi, IpcError, isRequestChannel, type AppView } from "../../src/ipc/ipc-contract.std.ts";
import type { AppController } from "../../src/main/app-controller.node.ts";
import { checkedCall, isAppDocumentUrl } from "../../src/main/ipc-guard.std.ts";
import { launchPersistentChromium } from "../harness/chromium.ts";

export type Crossing =
  | { kind: "request"; channel: string; args: unknown }
  | { kind: "result"; channel: string; value: unknown }
  | { kind: "error"; channel: string; message: string }
  | { kind: "event"; view: AppView };

export interface RendererSession {
  context: BrowserContext;
  page: Page;
  indexUrl: string;
  /** Every argument, return value and event payload that crossed the binding, in order. */
  crossings: Crossing[];
  /** Points the binding and the state events at another controller (a restarted main process). */
  attach(controller: AppController): void;
  close(): Promise<void>;
}

function initScript(): string {
  return `(() => {
  const listeners = new Set();
  Object.defineProperty(window, "__ocmapPush", { value: (view) => { for (const l of [...listeners]) l(view); } });
  const __name = (f) => f; // tsx (esbuild keepNames) wraps named functions in __name(): the injected source needs one
  const createOcmapApi = (${createOcmapApi.toString()});
  const api = createOcmapApi({
    invoke: (channel, args) => window.__ocmapInvoke(channel, args),
    listen: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
  });
  Object.defineProperty(window, "ocmap", { value: api, enumerable: true });
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
})();`;
}

export async function openRenderer(indexUrl: string, controller: AppController): Promise<RendererSession> {
  const userDataDir = mkdtempSync(join(tmpdir(), "ocmap-chromium-"));
  const context = await launchPersistentChromium(userDataDir, {
    viewport: { width: 900, height: 760 },
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const crossings: Crossing[] = [];
  let current = controller;
  let offState = () => {};

  await page.exposeBinding("__ocmapInvoke", async (source, channel: unknown, args: unknown) => {
    const name = String(channel);
    crossings.push({ kind: "request", channel: name, args });
    // The Electron handler trusts only the app window's top frame at the app's URL; so does this.
    const trusted =
      source.page === page && source.frame === page.mainFrame() && isAppDocumentUrl(source.frame.url(), indexUrl);
    try {
      if (!isRequestChannel(name) || !Array.isArray(args)) throw new IpcError("IPC_INVALID_ARGS", name);
      const value = await checkedCall(name, trusted, args, current.handlers[name] as (...a: unknown[]) => unknown);
      crossings.push({ kind: "result", channel: name, value });
      return value;
    } catch (err) {
      crossings.push({ kind: "error", channel: name, message: String((err as Error).message) });
      throw err;
    }
  });
  await page.addInitScript({ content: initScript() });

  const attach = (next: AppController) => {
    offState();
    current = next;
    offState = next.subscribe((view) => {
      crossings.push({ kind: "event", view });
      // The page may be reloading.
      page.evaluate((v) => (globalThis as any).__ocmapPush?.(v), view).catch(() => undefined);
    });
  };
  attach(controller);
  await page.goto(indexUrl);
  // A pre-rendered screen is visible before React owns it: interact only once it does.
  await page.locator("#root[data-interactive]").waitFor();

  return {
    context,
    page,
    indexUrl,
    crossings,
    attach,
    async close() {
      offState();
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
