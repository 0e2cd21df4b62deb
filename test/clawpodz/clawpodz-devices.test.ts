// Clawpodz's device list in the real gateway's own Control UI, in a real Chromium, with 20 devices: one real
// `ocmap` CLI client kept connected, two enrolled by the CLI with an enrollment key, the rest paired on the wire
// (some still connected, one revoked). The operator sorts and filters, sees which devices are about to expire
// (the gateway is configured to expire devices after 10 days, so every offline one is within the warning), and
// lowers the CLI client's access in the manage dialog: the client reconnects by itself at the new level.
// Screenshots go to docs/screenshots/. One gateway.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint } from "@ocmap/protocol/pairing-protocol";
import { launchChromium } from "../harness/chromium.ts";
import { CliProcess, newKeychainService, runCli } from "../harness/cli.ts";
import { repoRoot, startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { openClawpodz } from "../harness/control-ui.ts";
import { wireConnect, type WireSession } from "../harness/wire-client.ts";
import { pairNewDevice } from "../harness/wire-pairing.ts";

const SHOTS = join(repoRoot, "docs/screenshots");
const EXPIRE_AFTER_DAYS = 10;
const NAMES = [
  "Front desk laptop",
  "Ana's MacBook",
  "Build runner 1",
  "Build runner 2",
  "Kitchen tablet",
  "Reception PC",
  "Support desk",
  "Marketing iMac",
  "Lab workstation",
  "Warehouse scanner",
  "Finance laptop",
  "Night shift PC",
  "Conference room",
  "Old ThinkPad",
  "Test VM",
  "Spare laptop",
  "Design studio",
];
const ACCESS = ["standard", "read-only", "full"] as const;
const CONNECTED_WIRE = 4; // the first ones stay connected
const REVOKED_NAME = "Old ThinkPad";

let gateway: Gateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let keyDir: string;
let cli: { service: string; deviceId: string; client: CliProcess; deviceToken: string };
const sessions: WireSession[] = [];
const deviceTokens: string[] = [];
const pageErrors: string[] = [];

const row = (deviceId: string) => page.locator(`[data-testid=ocmap-devices] tr[data-device="${deviceId}"]`);
const rowsShown = () => page.locator("[data-testid=ocmap-devices] tbody tr").count();
const devicesCard = () => page.getByTestId("ocmap-devices").locator("xpath=ancestor::section");
/** The whole card in one picture: the Control UI scrolls its content pane, so the page is made tall enough. */
async function shootDevices(name: string) {
  await page.setViewportSize({ width: 1440, height: 2400 });
  await devicesCard().screenshot({ path: join(SHOTS, name) });
  await page.setViewportSize({ width: 1440, height: 1000 });
}
const sameScopes = (a: string[] | undefined, b: string[]) => [...(a ?? [])].sort().join() === [...b].sort().join();

/** 17 devices paired on the wire, renamed by the operator; most reconnect once with their device token. */
async function pairWireDevices() {
  for (const [index, name] of NAMES.entries()) {
    const paired = await pairNewDevice(gateway, ACCESS[index % ACCESS.length]);
    deviceTokens.push(paired.deviceToken);
    await gateway.call("device.pair.rename", { deviceId: paired.device.id, label: name });
    paired.session.close();
    // A device-token connect is what the gateway records as "last seen" (with the address).
    const again = await wireConnect({
      url: gateway.url,
      device: paired.device,
      auth: { deviceToken: paired.deviceToken },
      scopes: paired.scopes,
      displayName: "OCMAP on test",
    });
    if (!again.ok) throw new Error(`reconnect refused: ${JSON.stringify(again.error)}`);
    if (index < CONNECTED_WIRE) sessions.push(again.session);
    else again.session.close();
    if (name === REVOKED_NAME) await gateway.call("pairing.revokeDevice", { deviceId: paired.device.id });
  }
}

/** Two devices enrolled by the real CLI with one enrollment key (read-only, named agent-…). */
async function enrollTwo() {
  const created = await gateway.call("pairing.createEnrollmentKey", {
    uses: 2,
    ttlSeconds: 3600,
    access: "read-only",
    namePrefix: "agent",
    label: "Lab fleet",
  });
  const file = join(keyDir, "fleet.key");
  writeFileSync(file, `${created.key}\n`, { mode: 0o600 });
  for (let i = 0; i < 2; i++) {
    const result = await runCli(newKeychainService(), ["pair", gateway.url, "--enroll-key-file", file, "--json"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  }
}

/** The real OCMAP CLI paired with a code and kept connected (`ocmap connect`). */
async function pairCli() {
  const { code } = await gateway.call("pairing.createCode", { access: "standard", label: "IT desk" });
  const service = newKeychainService();
  const pair = await runCli(service, ["pair", gateway.url, code, "--json"]);
  expect(pair.code, pair.stdout + pair.stderr).toBe(0);
  const trust = (await (await gatewayKeys(service)).loadTrust())!;
  const client = new CliProcess(service, ["connect", "--json"]);
  await client.waitForLine((l) => l.state === "PAIRED_CONNECTED", "ocmap connect: PAIRED_CONNECTED");
  return { service, deviceId: trust.deviceId, client, deviceToken: trust.deviceToken };
}

/** A browser context (its own Control UI device), signed in and approved as an admin would, on the tab. */
async function openTab(): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  const opened = await context.newPage();
  opened.on("pageerror", (e) => pageErrors.push(e.message));
  return openClawpodz(gateway, opened);
}

beforeAll(async () => {
  keyDir = mkdtempSync(join(tmpdir(), "ocmap-clawpodz-keys-"));
  gateway = await startGateway({
    pluginConfig: { expireAfterDays: EXPIRE_AFTER_DAYS },
    gateway: { controlUi: { experimental: { customPlugins: true } } },
  });
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
  cli = await pairCli();
  deviceTokens.push(cli.deviceToken);
  await enrollTwo();
  await pairWireDevices();
  page = await openTab();
}, 300_000);

afterAll(async () => {
  for (const session of sessions) session.close();
  if (cli?.client.child.exitCode === null) await cli.client.stop();
  await context?.close();
  await browser?.close();
  await gateway?.dispose();
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

describe("Clawpodz: the device list with 20 devices", () => {
  it("shows each device's facts, sorts and filters by state, access and last seen", async () => {
    await page
      .getByTestId("ocmap-devices-shown")
      .filter({ hasText: /^20 devices$/ })
      .waitFor({ timeout: 30_000 });
    expect(await rowsShown()).toBe(20);
    const cliRow = row(cli.deviceId);
    await cliRow.and(page.locator("[data-connected=true]")).waitFor({ timeout: 20_000 });
    const text = (await cliRow.textContent())!;
    expect(text).toContain(process.platform); // platform
    expect(text).toContain("gateway-client"); // client
    expect(text).toContain("Standard");
    expect(text).toMatch(/with code “IT desk” \([0-9a-f]{8}\)/);
    expect(text).toContain("from this host (loopback)");
    expect(text).toContain("Connected now");
    expect(await cliRow.getByTestId("ocmap-fingerprint").textContent()).toBe(fingerprint(cli.deviceId));
    const enrolled = page.locator("[data-testid=ocmap-devices] tr", { hasText: "with enrollment key “Lab fleet”" });
    expect(await enrolled.count()).toBe(2);
    expect(await enrolled.first().textContent()).toMatch(/agent-[0-9a-f]{8}/);
    const revoked = page.locator("[data-testid=ocmap-devices] tr[data-revoked=true]");
    expect(await revoked.count()).toBe(1);
    // The gateway's record goes with a revoked device; the name, last seen and address it had are kept.
    expect(await revoked.textContent()).toContain(REVOKED_NAME);
    expect(await revoked.textContent()).toContain("from this host (loopback)");
    expect(await revoked.textContent()).toContain("Revoked");
    expect(await page.locator("[data-testid=ocmap-devices] tbody tr").last().getAttribute("data-revoked")).toBe("true");
    await shootDevices("clawpodz-devices-20.png");

    const select = (key: string, value: string) => page.getByTestId(`ocmap-devices-${key}`).selectOption(value);
    // State: the CLI client and the wire devices kept open.
    await select("state", "connected");
    await page
      .getByTestId("ocmap-devices-shown")
      .filter({ hasText: /^5 of 20 devices/ })
      .waitFor();
    expect(await page.locator("[data-testid=ocmap-devices] tbody tr[data-connected=false]").count()).toBe(0);
    await select("state", "revoked");
    await page
      .getByTestId("ocmap-devices-shown")
      .filter({ hasText: /^1 of 20 devices/ })
      .waitFor();
    await select("state", "all");
    // Access: 6 of the wire devices (every third, one of them revoked) and the 2 enrolled ones are read-only.
    await select("access", "read-only");
    await page
      .getByTestId("ocmap-devices-shown")
      .filter({ hasText: /^8 of 20 devices/ })
      .waitFor();
    await select("access", "all");
    // Last seen: all of them within a day here (the revoked one keeps the time it was last seen); none quiet.
    await select("seen", "quiet-30");
    await page
      .getByTestId("ocmap-devices-shown")
      .filter({ hasText: /^0 of 20 devices match the filter$/ })
      .waitFor();
    expect(await rowsShown()).toBe(0);
    await select("seen", "day");
    await page
      .getByTestId("ocmap-devices-shown")
      .filter({ hasText: /^20 devices$/ })
      .waitFor();
    await select("seen", "any");
    // Sort: by name, then by last seen (connected ones first, the revoked one last).
    await select("sort", "name");
    const labels = await page
      .locator("[data-testid=ocmap-devices] tbody tr[data-revoked=false] th")
      .evaluateAll((cells) => cells.map((cell) => cell.firstChild?.textContent ?? ""));
    expect(labels.length).toBe(19);
    expect(labels).toContain("Front desk laptop");
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, "en")));
    await select("sort", "last-seen");
    const order = await page
      .locator("[data-testid=ocmap-devices] tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-connected")));
    expect(order.slice(0, 5)).toEqual(Array(5).fill("true"));
  });

  it("says when an offline device will expire, and nothing for a connected one", async () => {
    const offline = page.locator("[data-testid=ocmap-devices] tr[data-connected=false][data-revoked=false]");
    expect(await offline.count()).toBe(14);
    for (const text of await offline.getByTestId("ocmap-expires").allTextContents())
      expect(text).toBe(`expires in ${EXPIRE_AFTER_DAYS - 1} days`); // 9 days and some hours left
    expect(await offline.getByTestId("ocmap-expires").count()).toBe(14);
    expect(await row(cli.deviceId).getByTestId("ocmap-expires").count()).toBe(0);
    await page.getByTestId("ocmap-devices-state").selectOption("offline");
    await page
      .getByTestId("ocmap-devices-shown")
      .filter({ hasText: /^14 of 20 devices/ })
      .waitFor();
    await shootDevices("clawpodz-expiring-device.png");
    await page.getByTestId("ocmap-devices-state").selectOption("all");
  });

  it("renames the CLI client and lowers its access in the dialog: it reconnects by itself, read-only", async () => {
    const cliRow = row(cli.deviceId);
    await cliRow.getByRole("button", { name: /^Rename or change access of/ }).click();
    const dialog = page.getByTestId("ocmap-manage-dialog");
    await dialog.waitFor();
    expect(await dialog.getByRole("heading").textContent()).toContain(fingerprint(cli.deviceId));
    await dialog.getByTestId("ocmap-manage-name").fill("Build server");
    await dialog.getByTestId("ocmap-manage-access-read-only").check();
    expect(await dialog.getByTestId("ocmap-manage-effect").textContent()).toMatch(/^Takes effect at once/);
    await page.screenshot({ path: join(SHOTS, "clawpodz-access-change.png") });
    const from = cli.client.lines.length;
    await dialog.getByTestId("ocmap-manage-save").click();
    await dialog.waitFor({ state: "hidden" });

    // The real client: its session closed at once, back by itself with the narrower scopes, still paired.
    await cli.client.waitForLine(
      (l) => l.state === "PAIRED_CONNECTED" && sameScopes(l.access?.scopes, ["operator.read"]),
      "ocmap connect: back read-only",
      60_000,
      from,
    );
    expect(cli.client.lines.slice(from).some((l) => l.state === "PAIRED_DISCONNECTED")).toBe(true);
    expect(cli.client.lines.some((l) => l.state === "REVOKED")).toBe(false);
    await cliRow.and(page.locator("[data-connected=true]")).filter({ hasText: "Read-only" }).waitFor({
      timeout: 20_000,
    });
    expect(await cliRow.locator("th").textContent()).toContain("Build server");
    await page
      .locator(`[data-testid=ocmap-notices] li[data-kind=access-changed][data-device="${cli.deviceId}"]`)
      .waitFor({ timeout: 20_000 });
    await page.locator("[data-testid=ocmap-audit] li[data-type='device.access-changed']").first().waitFor();

    // A higher access for an offline device waits for its next connection; the row says so.
    const offline = page.locator("[data-testid=ocmap-devices] tr[data-connected=false][data-revoked=false]", {
      hasText: "Read-only",
    });
    const target = offline.first();
    const targetId = (await target.getAttribute("data-device"))!;
    await target.getByRole("button", { name: /^Rename or change access of/ }).click();
    await dialog.getByTestId("ocmap-manage-access-standard").check();
    expect(await dialog.getByTestId("ocmap-manage-effect").textContent()).toMatch(/^Takes effect at the device's next/);
    await dialog.getByTestId("ocmap-manage-save").click();
    await dialog.waitFor({ state: "hidden" });
    await row(targetId).filter({ hasText: "→ Standard at next connection" }).waitFor({ timeout: 20_000 });

    expect(pageErrors).toEqual([]);
    const shown = await page.content();
    for (const token of deviceTokens) expect(shown.includes(token), "a device token reached the page").toBe(false);
  });
});
