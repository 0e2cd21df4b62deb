// What the screens say and do, in Debian's Chromium through the app's own handler, over the real main-process
// handlers and a recording core stand-in (fake-core.ts): a code pulled out of pasted text and a pasted link asked
// about before it fills the form; no revocation sentence on the form after "Pair again"; a disconnected screen
// whose countdown does not race its button and that leads to the address; plain words; a rate limit that counts
// down while Pair waits.
import { codeFromRandom, formatCode } from "@ocmap/protocol/pairing-code";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONNECTED, LAN_GATEWAY, openScreens, type ScreensSession } from "./screens-harness.ts";

let screens: ScreensSession;
const heading = (name: string | RegExp) => screens.page.getByRole("heading", { level: 1, name });
const CODE = formatCode(codeFromRandom(new Uint8Array([9, 8, 7, 6, 5])));

/** A real paste: the text goes through the system clipboard and Ctrl+V into the focused field. */
async function paste(label: string, text: string) {
  const field = screens.page.getByLabel(label);
  await field.fill("");
  await field.focus();
  await screens.page.evaluate((t) => (globalThis as any).navigator.clipboard.writeText(t), text);
  await screens.page.keyboard.press("Control+V");
}

beforeAll(async () => {
  screens = await openScreens();
  await screens.renderer.context.grantPermissions(["clipboard-read", "clipboard-write"]);
}, 120_000);

afterAll(async () => {
  await screens?.close();
});

describe("the screens' behaviour (Chromium, the app's handler, real main-process handlers)", () => {
  it("pulls the XXXX-XXXX code out of pasted text", async () => {
    await screens.show({});
    await heading("Pair with your gateway").waitFor();
    await paste("Pairing code", "Code: 9BN6-5P3C");
    expect(await screens.page.getByLabel("Pairing code").inputValue()).toBe("9BN6-5P3C");
    await paste("Pairing code", `Your OCMAP pairing code is ${CODE.toLowerCase()} (valid 10 minutes)`);
    expect(await screens.page.getByLabel("Pairing code").inputValue()).toBe(CODE);
  });

  it("a pasted ocmap:// link asks about its host first, then fills both fields (Cancel) or pairs (Pair)", async () => {
    const link = `ocmap://pair?gateway=${encodeURIComponent("ws://192.168.1.10:18789")}&code=${CODE}`;
    await paste("Pairing code", link);
    await heading("Pair with 192.168.1.10:18789?").waitFor();
    expect(screens.core.pair).not.toHaveBeenCalled();
    await screens.page.getByRole("button", { name: "Cancel" }).click();
    await heading("Pair with your gateway").waitFor();
    expect(await screens.page.getByLabel("Gateway address").inputValue()).toBe("ws://192.168.1.10:18789");
    expect(await screens.page.getByLabel("Pairing code").inputValue()).toBe(CODE);
    await paste("Gateway address", `Open ${link} to pair`);
    await heading("Pair with 192.168.1.10:18789?").waitFor();
    await screens.page.getByRole("button", { name: "Pair", exact: true }).click();
    await expect.poll(() => (screens.core.pair as any).mock.calls.length).toBe(1);
    expect((screens.core.pair as any).mock.calls[0].slice(0, 2)).toEqual(["ws://192.168.1.10:18789", CODE]);
  });

  it("after Pair again from REVOKED, the form does not repeat the revocation", async () => {
    await screens.show({
      state: "REVOKED",
      gateway: LAN_GATEWAY.gateway!,
      reason: { code: "REVOKED", message: "The gateway's operator revoked this device." },
      lastError: { code: "DEVICE_REVOKED", message: "This device was revoked.", retryable: false },
    });
    await heading("This device was revoked").waitFor();
    await screens.page.getByRole("button", { name: "Pair again" }).click();
    await heading("Pair with your gateway").waitFor();
    const form = screens.page.locator('[data-screen="form"]');
    expect(await form.getByText(/revoked/i).count(), "no revocation sentence on the new attempt's form").toBe(0);
    expect(await form.getByRole("alert").count()).toBe(0);
  });

  it("disconnected: no racing countdown or attempt counter beside Retry now, and a way to the address", async () => {
    const disconnected = (nextRetryAt: number, attempt: number) => ({
      ...LAN_GATEWAY,
      state: "PAIRED_DISCONNECTED" as const,
      activity: "waiting" as const,
      reason: { code: "CONNECTION_LOST", message: "The connection to the gateway was lost. Reconnecting." },
      lastError: { code: "CONNECTION_LOST" as const, message: "", retryable: true },
      reconnect: { attempt, nextRetryAt },
    });
    await screens.show(disconnected(Date.now() + 900, 7));
    await heading("Not connected").waitFor();
    expect(await screens.page.getByText(/Next attempt in/).count(), "no 1 s countdown racing the button").toBe(0);
    expect(await screens.page.getByText(/attempts? so far/).count(), "no attempt counter").toBe(0);
    await screens.page.getByText("OCMAP tries again by itself").waitFor();
    await screens.show(disconnected(Date.now() + 20_000, 8));
    await screens.page.getByText(/Next attempt in (19|20) s/).waitFor();
    await screens.page.getByRole("button", { name: "Address and settings" }).click();
    await heading("Settings").waitFor();
    await screens.page.getByText("ws://192.168.1.10:18789", { exact: true }).waitFor();
    await screens.page.getByText(/If the gateway moved, forget this device and pair again/).waitFor();
  });

  it("says things plainly: no product or CLI names up front, distinct step names, explained fingerprints", async () => {
    await screens.show({});
    const intro = (await screens.page.locator('[data-screen="form"] h1 + p').textContent())!;
    expect(intro).not.toMatch(/Clawpodz|openclaw |pairing\.createCode/);

    await screens.show({
      state: "PAIRING_IN_PROGRESS",
      activity: "pairing",
      pairingStep: "proving-code",
      gateway: LAN_GATEWAY.gateway!,
    });
    const steps = await screens.page.locator('ol[aria-label="Pairing steps"] li').allTextContents();
    const approvalSteps = steps.filter((step) => /approv/i.test(step));
    expect(approvalSteps.length, `one step speaks of approval: ${steps.join(" | ")}`).toBeLessThanOrEqual(1);

    await screens.show(CONNECTED);
    await screens.page.getByRole("button", { name: "Settings", exact: true }).click();
    for (const label of ["Gateway identity", "Device fingerprint"]) {
      const hint = screens.page
        .locator(".field", { has: screens.page.locator("dt", { hasText: label }) })
        .locator(".fact-hint");
      expect((await hint.textContent())?.length ?? 0, `${label} is explained`).toBeGreaterThan(20);
    }

    await screens.show({
      state: "REVOKED",
      gateway: LAN_GATEWAY.gateway!,
      reason: { code: "REVOKED", message: "The gateway's operator revoked this device." },
    });
    await screens.page.getByRole("button", { name: "Settings", exact: true }).click();
    await heading("Settings").waitFor();
    expect(await screens.page.getByText(/not paired/i).count(), "a revoked device is not called unpaired").toBe(0);
    await screens.page.getByText(/revoked this device/).waitFor();
    expect(await screens.page.getByRole("button", { name: /Forget/ }).count(), "no Forget for a revoked device").toBe(
      0,
    );
  });

  it("a rate limit counts down while Pair waits, then Pair works again", async () => {
    await screens.show({
      reason: { code: "RATE_LIMITED", message: "Too many failed attempts." },
      lastError: { code: "RATE_LIMITED", message: "", retryable: true, retryAfterMs: 3_000 },
    });
    const pair = screens.page.getByRole("button", { name: "Pair", exact: true });
    await screens.page.getByText(/try again in 3 seconds/).waitFor();
    expect(await pair.isDisabled()).toBe(true);
    await screens.page.getByText(/try again in 2 seconds/).waitFor();
    await screens.page.getByText(/try again in 1 second\b/).waitFor();
    await expect.poll(() => pair.isDisabled(), { timeout: 5_000 }).toBe(false);
  });
});
