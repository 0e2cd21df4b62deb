// Clawpodz: the operator's pairing tab inside the real gateway's own Control UI, driven
// in a real Chromium, paired with the real `ocmap` CLI (the same flow headless: clawpodz-headless.test.ts).
// One gateway for the file.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint } from "@ocmap/protocol/pairing-protocol";
import { launchChromium } from "../harness/chromium.ts";
import { CliProcess, newKeychainService, runCli } from "../harness/cli.ts";
import { repoRoot, startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { signInToClawpodz } from "../harness/control-ui.ts";
import { waitFor } from "../harness/wait.ts";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { post, unusedDiscriminator } from "../harness/wire-pairing.ts";

const SHOTS = join(repoRoot, "test-results/screenshots");

let gateway: Gateway;
let browser: Browser;
const cliProcesses: CliProcess[] = [];

/** The createCode answers the page received (protocol v2: never a bootstrap token or nonce in them). */
const createCodeAnswers: Array<Record<string, unknown>> = [];
/** The paired client's device token and private key (from its keychain). */
const clientSecrets = new Set<string>();
/** Everything the page received: HTTP bodies and WebSocket frames (except createCode's answer, see below). */
const received: string[] = [];
const htmlSnapshots: string[] = [];
const cspViolations: string[] = [];
/** Response bodies still being read: awaited before a context closes. */
const bodies: Promise<void>[] = [];

beforeAll(async () => {
  gateway = await startGateway({ pluginConfig: { maxFailuresGlobal: 3 } });
  mkdirSync(SHOTS, { recursive: true });
  // launch() runs Chromium on a fresh temporary profile (user-data-dir) that it deletes on close.
  browser = await launchChromium();
});

afterAll(async () => {
  for (const client of cliProcesses) if (client.child.exitCode === null) await client.stop();
  await browser?.close();
  await gateway?.dispose();
});

async function setCustomPluginUi(on: boolean) {
  await gateway.updateConfig((config) => {
    config.gateway.controlUi = {
      ...config.gateway.controlUi,
      experimental: { ...config.gateway.controlUi?.experimental, customPlugins: on },
    };
  });
}

/** A fresh browser context (own storage, so its own Control UI device) with traffic recording. */
async function openContext(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: gateway.httpUrl });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  // Bodies of finished requests (a slow one, like the gateway owner's avatar, is read once it finishes).
  page.on("requestfinished", (req) => {
    bodies.push(
      req
        .response()
        .then((r) => r?.text())
        .then((t) => void (t !== undefined && received.push(t))),
    );
  });
  page.on("websocket", (ws) => {
    ws.on("framereceived", ({ payload }) => {
      const text = typeof payload === "string" ? payload : payload.toString("utf8");
      let frame: any;
      try {
        frame = JSON.parse(text);
      } catch {
        return void received.push(text);
      }
      if (frame?.type === "res" && typeof frame.payload?.gatewayFingerprint === "string" && frame.payload?.code)
        createCodeAnswers.push(frame.payload);
      received.push(text);
    });
  });
  page.on("pageerror", (e) => console.warn(`page error: ${e.message}`));
  return { context, page };
}

async function closeContext(context: BrowserContext) {
  // Redirects have no body to read: allSettled skips them.
  await Promise.allSettled(bodies.splice(0));
  await context.close();
}

const login = (page: Page) => signInToClawpodz(gateway, page);

/** Screenshot, plus the live DOM and the page's web storage for the secret scan. */
async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `clawpodz-${name}.png`), fullPage: true });
  htmlSnapshots.push(await page.content());
  htmlSnapshots.push(await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }])));
}

describe("Clawpodz tab in the real Control UI", () => {
  it("says that custom plugin UI must be turned on while it is off, and shows the tab once it is on", async () => {
    const { context, page } = await openContext();
    try {
      await login(page);
      await page.getByText("Custom plugin UI is off").waitFor({ timeout: 30_000 });
      expect(await page.getByText("Enable Custom plugin UI in Labs.").isVisible()).toBe(true);
      // The tab itself is listed in the sidebar, so the operator finds the message.
      await page.getByRole("link", { name: "Clawpodz" }).first().waitFor();
      expect(await page.locator(".ocmap-cp").count()).toBe(0);
      await shot(page, "off");
      // The setting hot-reloads: the open tab loads the plugin page without a browser reload.
      await setCustomPluginUi(true);
      await page.locator(".ocmap-cp").waitFor({ timeout: 30_000 });
    } finally {
      await closeContext(context);
    }
  });

  it("creates a code, sees the CLI pair and connect, revokes it, and never shows a secret", async () => {
    if (gateway.readConfig().gateway.controlUi?.experimental?.customPlugins !== true) await setCustomPluginUi(true);
    const { context, page } = await openContext();
    try {
      await login(page);
      const tab = page.locator(".ocmap-cp");
      await tab.waitFor({ timeout: 30_000 });
      await page.getByRole("heading", { name: "Clawpodz", level: 1 }).waitFor();
      await page.getByTestId("ocmap-sync").filter({ hasText: "Live" }).waitFor();
      await shot(page, "empty");

      // Create a code in the tab.
      await page.getByRole("radio", { name: /Standard/ }).check();
      await page.getByLabel("Lifetime", { exact: true }).selectOption("240");
      await page.getByLabel(/^Label/).fill("E2E laptop");
      await page.getByRole("button", { name: "Create pairing code" }).click();
      const codeEl = page.getByTestId("ocmap-code");
      await codeEl.waitFor();
      const code = (await codeEl.textContent())!.trim();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(await page.getByTestId("ocmap-gateway-url").textContent()).toBe(gateway.url);
      const link = `ocmap://pair?gateway=${encodeURIComponent(gateway.url)}&code=${code}`;
      expect(await page.getByTestId("ocmap-link").inputValue()).toBe(link);
      await page.getByRole("button", { name: "Copy pairing link" }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(link);
      await expect.poll(() => page.getByTestId("ocmap-countdown").textContent()).toMatch(/^[34]:[0-5]\d$/);
      const first = await page.getByTestId("ocmap-countdown").textContent();
      await expect.poll(() => page.getByTestId("ocmap-countdown").textContent(), { timeout: 5_000 }).not.toBe(first);
      const codeRow = page.locator("[data-testid=ocmap-codes] tr[data-status=active]", { hasText: "E2E laptop" });
      await codeRow.waitFor();
      expect(createCodeAnswers.length, "the createCode answer was seen on the page's socket").toBe(1);
      const fingerprintShown = await page.getByTestId("ocmap-gateway-fp").textContent();
      expect(fingerprintShown, "the gateway identity beside the code").toBe(createCodeAnswers[0]!.gatewayFingerprint);
      await shot(page, "code");

      // The OCMAP CLI pairs with the code read from the page, then stays connected.
      const svc = newKeychainService();
      const pair = await runCli(svc, ["pair", gateway.url, code, "--json"]);
      expect(pair.code, pair.stdout + pair.stderr).toBe(0);
      const ks = await gatewayKeys(svc);
      const trust = await ks.loadTrust();
      const identity = await ks.loadIdentity();
      expect(trust?.deviceToken).toBeTruthy();
      clientSecrets.add(trust!.deviceToken);
      if (identity?.privateKey) clientSecrets.add(identity.privateKey);
      const fp = fingerprint(trust!.deviceId);
      const client = new CliProcess(svc, ["connect", "--json"]);
      cliProcesses.push(client);
      await client.waitForLine((l) => l.state === "PAIRED_CONNECTED", "ocmap connect: PAIRED_CONNECTED");

      // The tab updates by itself: code used by this device, device connected now.
      await page
        .getByTestId("ocmap-live-ended")
        .and(page.locator("[data-status=used]"))
        .filter({ hasText: fp })
        .waitFor({ timeout: 20_000 });
      await page
        .locator("[data-testid=ocmap-codes] tr[data-status=used]", { hasText: "E2E laptop" })
        .filter({ hasText: fp })
        .waitFor();
      expect(await page.getByTestId("ocmap-code").count(), "a used code leaves the page").toBe(0);
      const row = page.locator(`[data-testid=ocmap-devices] tr[data-device="${trust!.deviceId}"]`);
      await row.and(page.locator("[data-connected=true]")).waitFor({ timeout: 20_000 });
      expect(await row.textContent()).toContain("Connected now");
      expect(await row.getByTestId("ocmap-fingerprint").textContent()).toBe(fp);
      expect(await row.textContent()).toContain(process.platform);
      expect(await row.textContent()).toContain("Standard");
      await page.locator("[data-testid=ocmap-audit] li[data-type='code.exchanged']", { hasText: fp }).waitFor();
      await shot(page, "connected");

      // Revoke from the tab, with a confirmation.
      await row.getByRole("button", { name: /^Revoke/ }).click();
      const dialog = page.getByRole("dialog", { name: "Revoke this desktop client?" });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain(fp);
      await shot(page, "confirm");
      await dialog.getByRole("button", { name: "Revoke device" }).click();
      await dialog.waitFor({ state: "hidden" });

      const line = await client.waitForLine((l) => l.state === "REVOKED", "ocmap connect: REVOKED", 20_000);
      expect(line.reason.code).toBe("REVOKED");
      expect(await client.exited).toBe(4);
      await row.and(page.locator("[data-revoked=true]")).waitFor({ timeout: 20_000 });
      expect(await row.textContent()).toContain("Revoked");
      expect(await row.getByRole("button").count()).toBe(0);
      await page.locator("[data-testid=ocmap-audit] li[data-type='device.revoked']", { hasText: fp }).waitFor();
      expect((await ks.loadTrust()) ?? null).toBeNull();
      await shot(page, "revoked");

      // Cancel a live code: the tab and the gateway both treat it as dead.
      await page.getByLabel(/^Label/).fill("to cancel");
      await page.getByRole("button", { name: "Create pairing code" }).click();
      const second = (await page.getByTestId("ocmap-code").textContent())!.trim();
      expect(second).not.toBe(code);
      await page.locator("[data-testid=ocmap-codes] tr[data-status=active]", { hasText: "to cancel" }).waitFor();
      await page.getByTestId("ocmap-live").getByRole("button", { name: "Cancel code", exact: true }).click();
      await page.getByTestId("ocmap-live-ended").and(page.locator("[data-status=cancelled]")).waitFor();
      await page.locator("[data-testid=ocmap-codes] tr[data-status=cancelled]", { hasText: "to cancel" }).waitFor();
      expect(await page.getByTestId("ocmap-code").count()).toBe(0);
      const late = await runCli(newKeychainService(), ["pair", gateway.url, second, "--json"]);
      expect(late.code).toBe(6);
      expect(late.lines.at(-1)).toMatchObject({ type: "error", code: "CODE_ALREADY_USED" });

      // Guessing fills the gateway-wide window (3 in this file): the tab says until when failing sources are
      // held back, and its "Failed attempts" card shows the failures per minute and the guessing source.
      await waitFor(
        async () =>
          (await post(gateway, "/ocmap-pairing/v2/start", clientPake(`${unusedDiscriminator([])}000000`).request))
            .status === 429,
        "the gateway-wide failure cap",
        10_000,
        0,
      );
      const paused = page.getByTestId("ocmap-paused");
      await paused.waitFor({ timeout: 20_000 });
      expect(await paused.textContent()).toMatch(/^Too many failed attempts: until .+ sources that failed repeatedly/);
      await page.locator("[data-testid=ocmap-audit] li[data-type='code.failed']").first().waitFor();
      const attacker = page.locator("[data-testid=ocmap-attack] tr[data-source='127.0.0.1']");
      await attacker.waitFor();
      expect(await attacker.textContent()).toContain("Held back");
      expect(await page.getByTestId("ocmap-attack-total").textContent()).toMatch(
        /^[1-9]\d* failed and [1-9]\d* refused/,
      );
      expect(await page.locator("[data-testid=ocmap-attack] .ocmap-cp-bars > li").count()).toBe(10);
      await shot(page, "paused");
      await page.emulateMedia({ colorScheme: "dark" });
      await shot(page, "dark");
    } finally {
      await closeContext(context);
    }
  });

  it("never puts a bootstrap token or device token in the page, its HTML or anything it fetched", () => {
    expect(cspViolations).toEqual([]);
    expect(createCodeAnswers.length, "both codes' createCode answers were seen").toBe(2);
    for (const answer of createCodeAnswers) expect(Object.keys(answer)).not.toContain("bootstrapToken");
    expect(clientSecrets.size).toBeGreaterThanOrEqual(1);
    expect(htmlSnapshots.length).toBeGreaterThanOrEqual(10);
    expect(received.length).toBeGreaterThan(20);
    const all = [...htmlSnapshots, ...received].join("\n");
    for (const secret of clientSecrets)
      expect(all.includes(secret), "the client's device token or key reached the page").toBe(false);
  });
});
