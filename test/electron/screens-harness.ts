// The renderer's screens in Debian's Chromium, served by the app's own app:// handler (static-server.ts) with the
// first screen pre-rendered, bound to the real main-process handlers over a recording core stand-in (fake-core.ts):
// the screens are the thing under test here, so any state can be shown at will. Window sizes are the app's own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { build as viteBuild } from "vite";
import type { CoreView } from "../../src/core/core-view.std.ts";
import { createAppController, type AppController } from "../../src/main/app-controller.node.ts";
import { firstScreenOf } from "../../src/main/first-screen.std.ts";
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE } from "../../src/main/window-size.std.ts";
import { repoRoot } from "../harness/gateway.ts";
import { coreViewOf, fakeCore, type FakeCore } from "./fake-core.ts";
import { openRenderer, type RendererSession } from "./renderer-in-chromium.ts";
import { serveDirectory, type StaticServer } from "./static-server.ts";

/** The window's frame and in-window menu bar (Windows, Linux) take this much of its outer size. */
const FRAME = { width: 16, height: 80 };
export const DEFAULT_VIEWPORT = {
  width: DEFAULT_WINDOW_SIZE.width - FRAME.width,
  height: DEFAULT_WINDOW_SIZE.height - FRAME.height,
};
export const MIN_VIEWPORT = {
  width: MIN_WINDOW_SIZE.width - FRAME.width,
  height: MIN_WINDOW_SIZE.height - FRAME.height,
};
export const SHOTS = join(repoRoot, "docs/screenshots");

/** Builds the renderer from the current sources; returns the folder (the caller removes it). */
export async function buildRenderer(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "ocmap-renderer-"));
  await viteBuild({
    configFile: join(repoRoot, "src/renderer/vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export interface ScreensSession {
  page: Page;
  core: FakeCore;
  controller: AppController;
  renderer: RendererSession;
  /** Replaces the whole core view (fields not given take their resting values). */
  show(view: Partial<CoreView>): Promise<void>;
  close(): Promise<void>;
}

/** A paired gateway on the local network, as the core shows it once connected. */
export const LAN_GATEWAY: Partial<CoreView> = {
  gateway: {
    url: "ws://192.168.1.10:18789",
    host: "192.168.1.10:18789",
    insecure: true,
    fingerprint: "3F2A 9C41 D0B7 66E1",
  },
  device: { id: "a1b2c3d4e5f6".padEnd(64, "0"), name: "ocmap-desktop (linux)", fingerprint: "A1B2 C3D4 E5F6" },
  scopes: ["operator.read", "operator.write"],
  access: { role: "operator", scopes: ["operator.read", "operator.write"] },
  gatewayVersion: "2026.5.3",
  health: { status: "ok", uptimeMs: 3 * 3600_000 + 25 * 60_000 },
  controlUiUrl: "http://192.168.1.10:18789/",
  pairedAtMs: Date.UTC(2026, 11, 7, 6, 0),
};

export const CONNECTED: Partial<CoreView> = {
  ...LAN_GATEWAY,
  state: "PAIRED_CONNECTED",
  activity: "connected",
  reason: { code: "PAIRED", message: "Connected." },
  connectedSince: Date.UTC(2026, 11, 7, 6, 1),
};

export async function openScreens(): Promise<ScreensSession> {
  const outDir = await buildRenderer();
  const core = fakeCore();
  const controller = createAppController({ core });
  const server: StaticServer = await serveDirectory(outDir, { firstScreen: () => firstScreenOf(controller)() });
  const renderer = await openRenderer(`${server.origin}/index.html`, controller);
  await renderer.page.setViewportSize(DEFAULT_VIEWPORT);
  return {
    page: renderer.page,
    core,
    controller,
    renderer,
    async show(view) {
      // Settings is a panel over whatever state: closed first.
      const settings = renderer.page.getByRole("heading", { level: 1, name: "Settings" });
      if (await settings.count()) await renderer.page.getByRole("button", { name: "Done" }).click();
      if (controller.view().pendingLink || controller.view().linkError)
        await controller.handlers["ocmap:confirm-link"]({ accept: false });
      const before = controller.view().revision;
      core.set(coreViewOf(view));
      await controller.waitFor((v) => v.revision > before);
    },
    async close() {
      controller.stop();
      await renderer.close();
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Where `name`'s button (or button-like link) is, and whether all of it is inside the viewport, unscrolled. */
export async function inViewWithoutScrolling(page: Page, name: string | RegExp): Promise<boolean> {
  await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
  const target = page
    .getByRole("button", { name, exact: typeof name === "string" })
    .or(page.getByRole("link", { name, exact: typeof name === "string" }));
  const box = await target.first().boundingBox();
  const viewport = page.viewportSize()!;
  if (!box) return false;
  const inside =
    box.y >= 0 && box.x >= 0 && box.y + box.height <= viewport.height && box.x + box.width <= viewport.width;
  // And nothing covers its middle.
  const onTop = await target.first().evaluate((el: any) => {
    const rect = el.getBoundingClientRect();
    const hit = el.ownerDocument.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2);
    return hit === el || el.contains(hit);
  });
  return inside && onTop;
}

/** WCAG 2 contrast ratio of two CSS rgb()/rgba() colours (alpha ignored: the colours compared are opaque). */
export function contrastRatio(first: string, second: string): number {
  const luminance = (css: string) => {
    const [red, green, blue] = css
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((n) => Number(n) / 255);
    const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(red!) + 0.7152 * lin(green!) + 0.0722 * lin(blue!);
  };
  const [hi, lo] = [luminance(first), luminance(second)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
