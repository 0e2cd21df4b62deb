// Clawpodz in the real gateway's own Control UI, in a real Chromium: two operators have the tab open, a device
// pairs, and both see a live notice at once; the webhook card shows a receiver that fails; the audit card downloads
// the audit log as CSV and JSON lines and states the retention. Screenshots go to docs/screenshots/. One gateway.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint } from "@ocmap/protocol/pairing-protocol";
import { launchChromium } from "../harness/chromium.ts";
import { repoRoot, startGateway, type Gateway } from "../harness/gateway.ts";
import { openClawpodz } from "../harness/control-ui.ts";
import { pairNewDevice, type Paired } from "../harness/wire-pairing.ts";
import { startReceiver } from "../plugin/webhook-receiver.ts";

const SHOTS = join(repoRoot, "docs/screenshots");
const SECRET = "whsec-clawpodz-0123456789";

let gateway: Gateway;
let browser: Browser;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
let device: Paired | undefined;

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.setMode({ kind: "fail", failures: 1_000_000 }); // a receiver that answers 500 to everything
  gateway = await startGateway({
    pluginConfig: { webhook: { url: `http://127.0.0.1:${receiver.port}/ocmap`, secret: SECRET } },
    gateway: { controlUi: { experimental: { customPlugins: true } } },
  });
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  device?.session.close();
  for (const context of contexts) await context.close();
  await browser?.close();
  await gateway?.dispose();
  await receiver?.close();
});

/** A fresh browser context (its own Control UI device), signed in and approved as an admin would, on the tab. */
async function openTab(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  return openClawpodz(gateway, page);
}

describe("Clawpodz: live notices, the webhook card, the audit export", () => {
  let first: Page;
  let second: Page;

  it("shows every operator with the tab open a live notice when a device pairs", async () => {
    [first, second] = [await openTab(), await openTab()];
    for (const page of [first, second]) expect(await page.getByTestId("ocmap-notices").isHidden()).toBe(true);
    device = await pairNewDevice(gateway, "standard");
    const fp = fingerprint(device.device.id);
    for (const page of [first, second]) {
      const notice = page.locator(
        `[data-testid=ocmap-notices] li[data-kind=paired][data-device="${device.device.id}"]`,
      );
      await notice.waitFor({ timeout: 20_000 });
      expect(await notice.textContent()).toContain(`New device paired with a code: OCMAP on test ${fp}`);
    }
    // The webhook receiver answers 500: the card says the webhook is failing, with the error and its time.
    const card = first.getByTestId("ocmap-webhook");
    await card.and(first.locator("[data-state=failing]")).waitFor({ timeout: 20_000 });
    expect(await first.getByTestId("ocmap-webhook-error").textContent()).toMatch(
      /^Last attempt failed at .+: HTTP 500/,
    );
    expect(await card.textContent()).toContain(`http://127.0.0.1:${receiver.port}`);
    expect(await card.textContent()).not.toContain("/ocmap");
    await first.screenshot({ path: join(SHOTS, "clawpodz-live-notice.png") });
    await card.locator("xpath=ancestor::section").screenshot({ path: join(SHOTS, "clawpodz-webhook-failing.png") });
    // Dismissed on one page, the notice stays on the other.
    await first.getByRole("button", { name: /^Dismiss: New device paired/ }).click();
    await first.getByTestId("ocmap-notices").waitFor({ state: "hidden" });
    expect(await second.locator("[data-testid=ocmap-notices] li").count()).toBe(1);
  });

  it("downloads the audit log as CSV and as JSON lines, and states what is kept", async () => {
    expect(await first.getByTestId("ocmap-retention").textContent()).toMatch(
      /^The gateway keeps the newest 500 events and, apart from them, the newest 200 failed-attempt entries/,
    );
    const download = async (name: string) => {
      const [file] = await Promise.all([first.waitForEvent("download"), first.getByRole("button", { name }).click()]);
      return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, "utf8") };
    };
    const csv = await download("Export CSV");
    expect(csv.name).toMatch(/^ocmap-pairing-audit-.+\.csv$/);
    const rows = csv.text.split("\r\n");
    expect(rows[0]).toBe(
      '"time","type","deviceId","fingerprint","codeId","keyId","reason","remoteAddress","count","lastTime"',
    );
    expect(rows.some((row) => row.includes('"code.exchanged"') && row.includes(device!.device.id))).toBe(true);
    const jsonl = await download("Export JSON lines");
    expect(jsonl.name).toMatch(/\.jsonl$/);
    const events = jsonl.text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.map((event) => event.type)).toEqual(["code.created", "code.redeemed", "code.exchanged"]);
    await first
      .getByTestId("ocmap-audit-export")
      .locator("xpath=ancestor::section")
      .screenshot({
        path: join(SHOTS, "clawpodz-audit-export.png"),
      });
    expect(pageErrors).toEqual([]);
    const shown = [await first.content(), await second.content(), csv.text, jsonl.text].join("\n");
    expect(shown.includes(SECRET)).toBe(false);
    expect(shown.includes(device!.deviceToken)).toBe(false);
  });
});
