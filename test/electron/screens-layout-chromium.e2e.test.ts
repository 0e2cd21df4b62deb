// Every screen at the app's default window size, in Debian's Chromium through the app's own handler: its main
// action is in view without scrolling; the ws:// warning is said once, shortly, and only where it matters; field
// and secondary-button borders reach WCAG's 3:1 in light and dark. Screenshots of every screen at the default
// and the minimum size, light and dark, go to docs/screenshots/app-<screen>-<size>-<theme>.png.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { codeFromRandom, formatCode } from "@ocmap/protocol/pairing-code";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreView } from "../../src/core/core-view.std.ts";
import {
  CONNECTED,
  contrastRatio,
  DEFAULT_VIEWPORT,
  inViewWithoutScrolling,
  LAN_GATEWAY,
  MIN_VIEWPORT,
  openScreens,
  SHOTS,
  type ScreensSession,
} from "./screens-harness.ts";

let screens: ScreensSession;
const CODE = formatCode(codeFromRandom(new Uint8Array([1, 2, 3, 4, 5])));
const LINK = `ocmap://pair?gateway=${encodeURIComponent("ws://192.168.1.10:18789")}&code=${CODE}`;

interface Screen {
  name: string;
  /** The screen's main action. */
  action: string | RegExp;
  show(): Promise<void>;
}

const heading = (name: string | RegExp) => screens.page.getByRole("heading", { level: 1, name });

const SCREENS: Screen[] = [
  {
    name: "pairing-form",
    action: "Pair",
    async show() {
      await screens.show({});
      await screens.page.getByLabel("Gateway address").fill("192.168.1.10:18789"); // the form's own example
      await screens.page.getByRole("note").waitFor();
    },
  },
  {
    name: "pairing-progress",
    action: "Cancel pairing",
    show: () =>
      screens.show({
        state: "PAIRING_IN_PROGRESS",
        activity: "pairing",
        pairingStep: "approving",
        gateway: LAN_GATEWAY.gateway!,
      }),
  },
  {
    name: "approval-wait",
    action: "Cancel pairing",
    show: () =>
      screens.show({
        state: "PAIRING_IN_PROGRESS",
        activity: "pairing",
        pairingStep: "waiting-for-approval",
        reason: {
          code: "AWAITING_APPROVAL",
          message: "Waiting for the gateway's operator to approve this device.",
        },
        gateway: { ...LAN_GATEWAY.gateway!, fingerprint: null, stock: true },
      }),
  },
  {
    name: "link-confirm",
    action: "Pair",
    async show() {
      await screens.show({});
      screens.controller.openLink(LINK);
      await heading("Pair with 192.168.1.10:18789?").waitFor();
    },
  },
  { name: "connected", action: "Open Control UI", show: () => screens.show(CONNECTED) },
  {
    name: "disconnected",
    action: "Retry now",
    show: () =>
      screens.show({
        ...LAN_GATEWAY,
        state: "PAIRED_DISCONNECTED",
        activity: "waiting",
        reason: { code: "GATEWAY_UNREACHABLE", message: "Cannot reach the gateway." },
        lastError: {
          code: "GATEWAY_UNREACHABLE",
          message: "",
          retryable: true,
          reach: { kind: "refused", host: "192.168.1.10", port: 18789 },
        },
        reconnect: { attempt: 4, nextRetryAt: Date.now() + 20_000 },
      }),
  },
  {
    name: "identity-changed",
    action: "Check again",
    show: () =>
      screens.show({
        ...LAN_GATEWAY,
        state: "PAIRED_DISCONNECTED",
        activity: "waiting",
        lastError: { code: "GATEWAY_IDENTITY_CHANGED", message: "", retryable: true },
        reconnect: { attempt: 1, nextRetryAt: Date.now() + 60_000 },
      }),
  },
  {
    name: "revoked",
    action: "Pair again",
    show: () =>
      screens.show({
        state: "REVOKED",
        gateway: LAN_GATEWAY.gateway!,
        reason: { code: "REVOKED", message: "The gateway's operator revoked this device." },
        lastError: { code: "DEVICE_REVOKED", message: "", retryable: false },
      }),
  },
  {
    name: "settings",
    action: "Done",
    async show() {
      await screens.show(CONNECTED);
      await screens.page.getByRole("button", { name: "Settings", exact: true }).click();
      await heading("Settings").waitFor();
    },
  },
];

async function showFresh(screen: Screen) {
  // Settings is a panel over the state: close it between screens.
  if (await screens.page.getByRole("heading", { level: 1, name: "Settings" }).count())
    await screens.page.getByRole("button", { name: "Done" }).click();
  await screen.show();
  await screens.page
    .getByRole("button", { name: screen.action, exact: true })
    .or(screens.page.getByRole("link", { name: screen.action }))
    .first()
    .waitFor();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  screens = await openScreens();
}, 120_000);

afterAll(async () => {
  await screens?.close();
});

describe("every screen at the default window size (Chromium, the app's handler)", () => {
  for (const screen of SCREENS) {
    it(`${screen.name}: the main action is in view without scrolling`, async () => {
      await screens.page.setViewportSize(DEFAULT_VIEWPORT);
      await showFresh(screen);
      expect(await inViewWithoutScrolling(screens.page, screen.action)).toBe(true);
      if (screen.name === "settings")
        expect(await inViewWithoutScrolling(screens.page, "Forget this device…")).toBe(true);
    });
  }

  it("says nothing about ws:// to this computer, and one short line for the local network, before pairing only", async () => {
    await screens.show({});
    await screens.page.getByLabel("Gateway address").fill("127.0.0.1:18789");
    await screens.page.getByLabel("Gateway address").blur();
    expect(await screens.page.getByRole("note").count(), "loopback: no warning").toBe(0);
    await screens.page.getByLabel("Gateway address").fill("192.168.1.10:18789");
    const warning = screens.page.getByRole("note");
    await warning.waitFor();
    const text = (await warning.textContent())!;
    expect(text).not.toMatch(/anyone on the network path/);
    expect(text.length, text).toBeLessThanOrEqual(100);
    const lines = await warning.evaluate((el: any) =>
      Math.round(
        (el.clientHeight - parseFloat(getComputedStyle(el).paddingTop) * 2) /
          parseFloat(getComputedStyle(el).lineHeight),
      ),
    );
    expect(lines, "one line at the default size").toBe(1);
    for (const view of [
      CONNECTED,
      { ...CONNECTED, state: "PAIRED_DISCONNECTED", activity: "waiting", reconnect: { attempt: 1, nextRetryAt: null } },
      { ...CONNECTED, gateway: { ...CONNECTED.gateway!, url: "ws://127.0.0.1:18789", host: "127.0.0.1:18789" } },
    ] as Partial<CoreView>[]) {
      await screens.show(view);
      await screens.page
        .locator(`[data-screen="${view.state === "PAIRED_CONNECTED" ? "connected" : "disconnected"}"]`)
        .waitFor();
      expect(await screens.page.getByRole("note").count(), `${view.state} ${view.gateway?.host}`).toBe(0);
    }
  });

  for (const theme of ["light", "dark"] as const) {
    it(`field and secondary-button borders have at least 3:1 contrast (${theme})`, async () => {
      await screens.page.emulateMedia({ colorScheme: theme });
      await screens.show({});
      const measure = (selector: string) =>
        screens.page
          .locator(selector)
          .first()
          .evaluate((el: any) => {
            const style = getComputedStyle(el);
            const card = getComputedStyle(el.closest(".card")).backgroundColor;
            return { border: style.borderTopColor, inside: style.backgroundColor, card };
          });
      const field = await measure("#gateway-url");
      expect(
        contrastRatio(field.border, field.card),
        `field border vs card ${JSON.stringify(field)}`,
      ).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(field.border, field.inside), "field border vs its own background").toBeGreaterThanOrEqual(3);
      await screens.show({
        ...CONNECTED,
        state: "PAIRED_DISCONNECTED",
        activity: "waiting",
        reconnect: { attempt: 1, nextRetryAt: null },
      });
      const button = await measure("button.secondary");
      expect(
        contrastRatio(button.border, button.card),
        `secondary button ${JSON.stringify(button)}`,
      ).toBeGreaterThanOrEqual(3);
      await screens.page.emulateMedia({ colorScheme: "light" });
    });
  }
});

describe("screenshots of every screen", () => {
  it("at the default and the minimum window size, light and dark", async () => {
    for (const screen of SCREENS)
      for (const [size, viewport] of [
        ["default", DEFAULT_VIEWPORT],
        ["minimum", MIN_VIEWPORT],
      ] as const)
        for (const theme of ["light", "dark"] as const) {
          await screens.page.setViewportSize(viewport);
          await screens.page.emulateMedia({ colorScheme: theme });
          await showFresh(screen);
          await screens.page.evaluate(() => (globalThis as any).document.activeElement?.blur());
          await screens.page.screenshot({ path: join(SHOTS, `app-${screen.name}-${size}-${theme}.png`) });
        }
    await screens.page.setViewportSize(DEFAULT_VIEWPORT);
    await screens.page.emulateMedia({ colorScheme: "light" });
  }, 120_000);
});
