// A pairing that cannot reach its gateway, in Debian's Chromium through the app's own handler, bound to the real
// main-process handlers, core and keychain: the error names the host and port, tells a failed name lookup from a
// refused connection, sits at the address field (not a promise that OCMAP keeps trying: nothing retries a pairing),
// and a gateway that never answers can be left with Cancel at once.
import { createServer, type Server, type Socket } from "node:net";
import { codeFromRandom, formatCode } from "@ocmap/protocol/pairing-code";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keystore } from "../../src/core/keystore.node.ts";
import { createAppController, type AppController } from "../../src/main/app-controller.node.ts";
import { firstScreenOf } from "../../src/main/first-screen.std.ts";
import { newKeychainService } from "../harness/cli.ts";
import { wipeAllGateways } from "../harness/gateway-keys.ts";
import { openRenderer, type RendererSession } from "./renderer-in-chromium.ts";
import { buildRenderer, DEFAULT_VIEWPORT } from "./screens-harness.ts";
import { serveDirectory, type StaticServer } from "./static-server.ts";
import { rmSync } from "node:fs";

const CODE = formatCode(codeFromRandom(new Uint8Array([3, 1, 4, 1, 5])));
const service = newKeychainService();
let outDir: string;
let server: StaticServer;
let renderer: RendererSession;
let page: Page;
let controller: AppController;
/** Accepts connections and never answers: a hung gateway. */
let silent: Server;
const held: Socket[] = [];

const listen = (srv: Server) =>
  new Promise<number>((resolve) => srv.listen(0, "127.0.0.1", () => resolve((srv.address() as { port: number }).port)));

async function closedPort(): Promise<number> {
  const srv = createServer();
  const port = await listen(srv);
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function pair(gatewayAddress: string) {
  await page.getByLabel("Gateway address").fill(gatewayAddress);
  await page.getByLabel("Pairing code").fill(CODE);
  await page.getByRole("button", { name: "Pair", exact: true }).click();
}

const activeId = () => page.evaluate(() => (globalThis as any).document.activeElement?.id);

beforeAll(async () => {
  outDir = await buildRenderer();
  controller = createAppController({ keystore: new Keystore({ service }) });
  controller.start();
  server = await serveDirectory(outDir, { firstScreen: () => firstScreenOf(controller)() });
  renderer = await openRenderer(`${server.origin}/index.html`, controller);
  page = renderer.page;
  await page.setViewportSize(DEFAULT_VIEWPORT);
  silent = createServer((socket) => held.push(socket));
}, 120_000);

afterAll(async () => {
  controller?.stop();
  await renderer?.close();
  await server?.close();
  for (const socket of held) socket.destroy();
  silent?.close();
  await wipeAllGateways(service).catch(() => undefined);
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("pairing with a gateway that cannot be reached (Chromium, real handlers, core and keychain)", () => {
  it("a refused connection: names host and port, says refused, at the address field, which gets focus", async () => {
    await page.getByRole("heading", { level: 1, name: "Pair with your gateway" }).waitFor();
    const port = await closedPort();
    await pair(`127.0.0.1:${port}`);
    const error = page.locator("#gateway-error");
    await error.waitFor({ timeout: 30_000 });
    const text = (await error.textContent())!;
    expect(text).toContain(`127.0.0.1:${port}`);
    expect(text).toMatch(/refused/);
    expect(text).not.toMatch(/keeps trying/);
    expect(await error.getAttribute("role")).toBe("alert");
    expect(await page.getByLabel("Gateway address").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Gateway address").getAttribute("aria-describedby")).toBe("gateway-error");
    await expect.poll(activeId).toBe("gateway-url");
    expect(controller.view().core.lastError?.reach).toEqual({ kind: "refused", host: "127.0.0.1", port });
  });

  it("a name that does not resolve: names host and port and says the lookup failed, not refused", async () => {
    await pair("no-such-gateway.local:18789");
    const error = page.locator("#gateway-error", { hasText: "no-such-gateway.local:18789" });
    await error.waitFor({ timeout: 30_000 });
    const text = (await error.textContent())!;
    expect(text).toMatch(/DNS|no such host/);
    expect(text).not.toMatch(/refused|keeps trying/);
    expect(controller.view().core.lastError?.reach?.kind).toBe("dns");
  });

  it("a gateway that never answers: Cancel pairing ends the attempt at once, nothing stored", async () => {
    const port = await listen(silent);
    await pair(`127.0.0.1:${port}`);
    await page.getByRole("heading", { level: 1, name: "Pairing…" }).waitFor();
    const started = Date.now();
    await page.getByRole("button", { name: "Cancel pairing" }).click();
    await page.getByRole("heading", { level: 1, name: "Pair with your gateway" }).waitFor();
    expect(Date.now() - started, "well before the 15 s step timeout").toBeLessThan(5_000);
    expect(controller.view().core.reason.code).toBe("CANCELLED");
    expect(controller.view().gateways).toEqual([]);
  });
});
