// Against a real gateway + plugin and keychain, in Debian's Chromium through the app's own handler and the real
// main-process handlers and fleet: a wrong code is reported at the code field (marked invalid, announced, focused);
// once connected, the screen says what the access allows, the gateway's version and health, opens the Control UI
// through the main process's external-link rules and copies the device fingerprint. Screenshots of the gateway
// list go to docs/screenshots/app-gateway-list-<size>-<theme>.png.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { codeFromRandom, formatCode } from "@ocmap/protocol/pairing-code";
import { fingerprint } from "@ocmap/protocol/pairing-protocol";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keystore } from "../../src/core/keystore.node.ts";
import { createAppController, type AppController } from "../../src/main/app-controller.node.ts";
import { allowedExternalUrl, controlUiUrlsOf } from "../../src/main/external-links.std.ts";
import { firstScreenOf } from "../../src/main/first-screen.std.ts";
import { newKeychainService } from "../harness/cli.ts";
import { gatewayKeysFor, wipeAllGateways } from "../harness/gateway-keys.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { openRenderer, type RendererSession } from "./renderer-in-chromium.ts";
import { buildRenderer, DEFAULT_VIEWPORT, MIN_VIEWPORT, SHOTS } from "./screens-harness.ts";
import { serveDirectory, type StaticServer } from "./static-server.ts";

const service = newKeychainService();
let gateway: Gateway;
let outDir: string;
let server: StaticServer;
let renderer: RendererSession;
let page: Page;
let controller: AppController;
const heading = (name: string) => page.getByRole("heading", { level: 1, name, exact: true });

beforeAll(async () => {
  outDir = await buildRenderer();
  [gateway, server] = await Promise.all([
    startGateway(),
    serveDirectory(outDir, { firstScreen: () => firstScreenOf(controller)() }),
  ]);
  controller = createAppController({ keystore: new Keystore({ service }) });
  controller.start();
  renderer = await openRenderer(`${server.origin}/index.html`, controller);
  page = renderer.page;
  await page.setViewportSize(DEFAULT_VIEWPORT);
  await renderer.context.grantPermissions(["clipboard-read", "clipboard-write"]);
}, 300_000);

afterAll(async () => {
  controller?.stop();
  await renderer?.close();
  await server?.close();
  await gateway?.dispose();
  await wipeAllGateways(service).catch(() => undefined);
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("a real gateway's answers on the desktop screens (Chromium, real handlers, fleet, gateway, keychain)", () => {
  it("a wrong code: the error is at the code field, which is marked invalid, announces it and gets focus", async () => {
    await heading("Pair with your gateway").waitFor();
    await page.getByLabel("Gateway address").fill(gateway.url);
    // Well formed (its check symbol is right) but never issued by this gateway.
    await page.getByLabel("Pairing code").fill(formatCode(codeFromRandom(new Uint8Array([7, 7, 7, 7, 7]))));
    await page.getByLabel("Gateway address").focus(); // so that focus has to move
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    const error = page.locator("#code-error");
    await error.waitFor({ timeout: 60_000 });
    expect(await error.getAttribute("role")).toBe("alert");
    expect(await error.textContent()).toMatch(/did not accept that code/);
    const field = page.getByLabel("Pairing code");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect(await field.getAttribute("aria-describedby")).toBe("code-error");
    await expect.poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe("pairing-code");
    // At the field, not at the top of the card.
    expect(await page.locator(".card > .alert, .card > .screen > .alert").count()).toBe(0);
    const [fieldBox, errorBox] = [(await field.boundingBox())!, (await error.boundingBox())!];
    expect(errorBox.y - (fieldBox.y + fieldBox.height)).toBeLessThan(24);
  });

  it("connected: access and what it allows, version and health, Open Control UI, a copyable fingerprint", async () => {
    const { code } = await gateway.call("pairing.createCode", { access: "standard" });
    await page.getByLabel("Pairing code").fill(code);
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    await heading("Connected").waitFor({ timeout: 60_000 });
    const core = controller.view().core;
    expect(core.access).toEqual({
      role: "operator",
      scopes: expect.arrayContaining(["operator.read", "operator.write"]),
    });
    expect(core.gatewayVersion).toMatch(/^\d/);

    const facts = page.locator(".facts");
    await facts.getByText("Standard access").waitFor();
    await facts.getByText(/send it commands and messages/).waitFor();
    await facts.getByText(`OpenClaw ${core.gatewayVersion}`).waitFor();
    expect(await facts.locator(".field", { hasText: "Health" }).textContent()).toMatch(/Healthy|Answering/);

    const link = page.getByRole("link", { name: "Open Control UI" });
    const href = (await link.getAttribute("href"))!;
    expect(href).toBe(`http://127.0.0.1:${gateway.port}/`);
    expect(await link.getAttribute("target")).toBe("_blank");
    // The main process opens it in the browser only because it is this paired gateway's own origin.
    const allowed = controlUiUrlsOf(controller.view());
    expect(allowedExternalUrl(href, allowed)).toBe(href);
    expect(allowedExternalUrl(`http://127.0.0.1:${gateway.port + 1}/`, allowed)).toBeNull();
    expect(allowedExternalUrl("http://evil.example.com/", allowed)).toBeNull();

    const identity = (await (await gatewayKeysFor(service, gateway.url)).loadIdentity())!;
    await page.getByRole("button", { name: "Copy device fingerprint" }).click();
    await page.getByRole("button", { name: "Copy device fingerprint" }).filter({ hasText: "Copied" }).waitFor();
    const copied = await page.evaluate(() => (globalThis as any).navigator.clipboard.readText());
    expect(copied).toBe(fingerprint(identity.deviceId));
  });

  it("screenshots: the gateway list beside the connected screen, both sizes, light and dark", async () => {
    await page.getByRole("navigation", { name: "Gateways" }).waitFor();
    for (const [size, viewport] of [
      ["default", DEFAULT_VIEWPORT],
      ["minimum", MIN_VIEWPORT],
    ] as const)
      for (const theme of ["light", "dark"] as const) {
        await page.setViewportSize(viewport);
        await page.emulateMedia({ colorScheme: theme });
        await page.evaluate(() => (globalThis as any).document.activeElement?.blur());
        await page.screenshot({ path: join(SHOTS, `app-gateway-list-${size}-${theme}.png`) });
      }
    await page.setViewportSize(DEFAULT_VIEWPORT);
    await page.emulateMedia({ colorScheme: "light" });
  });
});
