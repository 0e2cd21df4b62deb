// The gateway's real Control UI in Chromium, signed in as an admin would: open the Clawpodz tab's own address with
// the gateway token, then approve the browser's own device pairing request (the Control UI is a device too).
import type { Page } from "playwright-core";
import type { Gateway } from "./gateway.ts";
import { waitFor } from "./wait.ts";

export async function signInToClawpodz(gateway: Gateway, page: Page): Promise<void> {
  const seen = new Set((await gateway.call("device.pair.list", {})).pending?.map((p: any) => p.requestId) ?? []);
  await page.goto(`${gateway.httpUrl}/clawpodz#token=${encodeURIComponent(gateway.token)}`);
  const req = await waitFor(
    async () =>
      ((await gateway.call("device.pair.list", {})).pending ?? []).find(
        (p: any) => p.clientId === "openclaw-control-ui" && !seen.has(p.requestId),
      ),
    "the browser's pending openclaw-control-ui pairing request",
    30_000,
    200,
  );
  await gateway.call("device.pair.approve", { requestId: req.requestId });
}

/** Signed in, and the tab is on screen with its live connection. */
export async function openClawpodz(gateway: Gateway, page: Page): Promise<Page> {
  await signInToClawpodz(gateway, page);
  await page.locator(".ocmap-cp").waitFor({ timeout: 60_000 });
  await page.getByTestId("ocmap-sync").filter({ hasText: "Live" }).waitFor({ timeout: 30_000 });
  return page;
}
