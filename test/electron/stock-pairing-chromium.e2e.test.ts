// Pairing the desktop app with a gateway WITHOUT ocmap-pairing, in Debian's Chromium through the app's own app://
// handler, bound to the real main-process handlers and core, against a real stock gateway and keyring: the form
// detects the pasted setup code and says what is weaker, the approval wait can be cancelled, the operator's approval
// ends it. Screenshots go to docs/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keystore } from "../../src/core/keystore.node.ts";
import { createAppController, type AppController } from "../../src/main/app-controller.node.ts";
import { firstScreenOf } from "../../src/main/first-screen.std.ts";
import { newKeychainService } from "../harness/cli.ts";
import { repoRoot, startGateway, type Gateway } from "../harness/gateway.ts";
import { openRenderer, type RendererSession } from "./renderer-in-chromium.ts";
import { secretScan } from "./secret-scan.ts";
import { serveDirectory, type StaticServer } from "./static-server.ts";

const SHOTS = join(repoRoot, "docs/screenshots");

let gateway: Gateway;
let outDir: string;
let server: StaticServer;
let renderer: RendererSession;
let page: Page;
let controller: AppController;
const keystore = new Keystore({ service: newKeychainService() });
const scan = secretScan(keystore);
const setupCodes: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const heading = (name: string) => page.getByRole("heading", { level: 1, name, exact: true });
const requests = (channel: string) =>
  renderer.crossings.filter((c) => c.kind === "result" && c.channel === channel).length;

/** A setup code as the operator makes one with the gateway's own method; its bootstrap token is a secret. */
async function newSetupCode(): Promise<string> {
  const { setupCode } = await gateway.call("device.pair.setupCode", { publicUrl: gateway.url, includeQr: false });
  scan.add(JSON.parse(Buffer.from(setupCode, "base64url").toString("utf8")).bootstrapToken);
  setupCodes.push(setupCode);
  return setupCode;
}

async function pendingNow(): Promise<string[]> {
  return (await gateway.call("device.pair.list", {})).pending.map(
    (request: { requestId: string }) => request.requestId,
  );
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  outDir = mkdtempSync(join(tmpdir(), "ocmap-renderer-"));
  await viteBuild({
    configFile: join(repoRoot, "src/renderer/vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true },
  });
  const firstScreen = () => firstScreenOf(controller)();
  [gateway, server] = await Promise.all([
    startGateway({ loadPlugin: false, autoApproveLocal: false }),
    serveDirectory(outDir, { firstScreen }),
  ]);
  controller = createAppController({ keystore });
  controller.start();
  renderer = await openRenderer(`${server.origin}/index.html`, controller);
  page = renderer.page;
}, 240_000);

afterAll(async () => {
  controller?.stop();
  await renderer?.close();
  await server?.close();
  await gateway?.dispose();
  await keystore.wipe().catch(() => undefined);
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("the desktop app with a stock gateway's setup code (Chromium, real handlers, gateway and keychain)", () => {
  it("detects a pasted setup code: the address comes from the code, and what is weaker is said", async () => {
    await heading("Pair with your gateway").waitFor();
    await page.getByLabel("Pairing code").fill(await newSetupCode());
    const note = page.getByRole("note").filter({ hasText: "Setup code for" });
    await note.waitFor();
    expect(await note.textContent()).toContain(`127.0.0.1:${gateway.port}`);
    expect(await note.textContent()).toMatch(/bearer secret.*Keep it private/);
    expect(await note.textContent()).toMatch(/no ocmap-pairing identity key/);
    expect(await page.getByLabel("Gateway address").isVisible()).toBe(false);
    await shot("stock-01-setup-code-form");
  });

  it("a damaged setup code is refused in the form, naming what is wrong, and never sent", async () => {
    const damaged = Buffer.from(
      JSON.stringify({ url: "wss://gw.example.com", bootstrapToken: "x".repeat(43), expiresAtMs: 1 }),
    );
    await page.getByLabel("Pairing code").fill(damaged.toString("base64url"));
    await page.getByRole("alert").filter({ hasText: "expired" }).waitFor();
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    expect(requests("ocmap:submit-code")).toBe(0);
  });

  it("shows the approval wait, which Cancel ends (nothing stored)", async () => {
    await page.getByLabel("Pairing code").fill(await newSetupCode());
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    await heading("Waiting for approval").waitFor({ timeout: 30_000 });
    await page.getByText("Waiting for the gateway's operator to approve this device", { exact: false }).waitFor();
    await shot("stock-02-approval-wait");
    await page.getByRole("button", { name: "Cancel pairing" }).click();
    await heading("Pair with your gateway").waitFor();
    expect(requests("ocmap:cancel-pairing")).toBe(1);
    expect(controller.view().core.reason.code).toBe("CANCELLED");
    expect(await keystore.loadTrust()).toBeNull();
  });

  it("pairs once the gateway's operator approves, and says so in Settings", async () => {
    await page.getByLabel("Pairing code").fill(await newSetupCode());
    const earlier = new Set(await pendingNow());
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    await heading("Waiting for approval").waitFor({ timeout: 30_000 });
    const requestId = (await pendingNow()).find((id) => !earlier.has(id))!;
    await gateway.call("device.pair.approve", { requestId });
    await heading("Connected").waitFor({ timeout: 30_000 });
    await page.getByText("Devices page", { exact: false }).waitFor();
    await shot("stock-03-connected");
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByText("The gateway's own setup code (no identity key)").waitFor();
    await shot("stock-04-settings");
    await page.getByRole("button", { name: "Done" }).click();

    const dom = await page.content();
    for (const code of setupCodes) expect(dom.includes(code), "the used setup code is gone from the page").toBe(false);
    // The setup code crosses once, as the submit request the user made; no view ever carries it back.
    const views = JSON.stringify(renderer.crossings.filter((c) => c.kind !== "request"));
    for (const code of setupCodes) expect(views.includes(code)).toBe(false);
    await scan.expectNoneIn("connected", {
      "the DOM": dom,
      "a view across the IPC binding": views,
      localStorage: await page.evaluate(() => JSON.stringify({ ...(globalThis as any).localStorage })),
    });
  });
});
