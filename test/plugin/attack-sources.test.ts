// A few attacking addresses cannot keep a user with a fresh code from pairing (real gateway, the plugin's
// default limits except a 10 s per-source window, so that attackers whose own windows are free again find
// only the gateway-wide window in their way). Attackers sweep discriminators from 2, then 4 more loopback
// addresses and keep polling when refused; the operator creates a code while they are at it; the user pairs
// at the first try from another address. Clawpodz' aggregate in pairing.list names the attackers.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAttackers } from "../harness/attackers.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";
import { newWireDevice, wireConnect } from "../harness/wire-client.ts";
import { clientPake, V2_PATHS } from "@ocmap/protocol/pairing-v2";
import {
  bootstrapConnect,
  exchange,
  exchangeBody,
  pakeGrant,
  post,
  unusedDiscriminator,
} from "../harness/wire-pairing.ts";

let gateway: Gateway;
const ADDRESS_WINDOW_MS = 10_000;
beforeAll(async () => {
  gateway = await startGateway({ pluginConfig: { addressWindowSeconds: ADDRESS_WINDOW_MS / 1000 } });
});
afterAll(async () => {
  await gateway?.dispose();
});

/** The whole pairing from `localAddress`: PAKE, NOT_PAIRED, exchange, hello-ok with a device token. */
async function pairFrom(code: string, localAddress: string) {
  const granted = await pakeGrant(gateway, code, { localAddress });
  const device = newWireDevice();
  const first = await bootstrapConnect(gateway, device, granted.grant.bootstrapToken, granted.grant.scopes);
  expect(first.helloOk).toBe(false);
  const body = exchangeBody({ granted, requestId: first.requestId, device });
  expect((await exchange(gateway, body, { localAddress })).status).toBe(200);
  const final = await wireConnect({
    url: gateway.url,
    device,
    auth: { bootstrapToken: granted.grant.bootstrapToken },
    scopes: granted.grant.scopes,
  });
  expect(final.ok).toBe(true);
  if (final.ok) final.session.close();
}

it("counts a RATE_LIMITED answer toward its sender's window: a source that keeps polling stays limited", async () => {
  const poller = { localAddress: "127.0.0.7" };
  const guess = () => post(gateway, V2_PATHS.start, clientPake(`${unusedDiscriminator([])}000000`).request, poller);
  for (let i = 0; i < 10; i++) expect((await guess()).body.error.code).toBe("CODE_INVALID");
  const lastFailureAt = Date.now();
  // Uncounted, the window would let it guess again 10 s after its failures; counted, the polls keep it full.
  let polls = 0;
  while (Date.now() < lastFailureAt + ADDRESS_WINDOW_MS + 1_000) {
    const reply = await guess();
    expect(reply.body.error.code, `poll ${polls} at +${Date.now() - lastFailureAt} ms`).toBe("RATE_LIMITED");
    polls++;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the poller's pace: about 10 a second
  }
  expect(polls).toBeGreaterThan(10);
});

it.each([
  [2, ["127.0.0.2", "127.0.0.3"], "127.0.0.9"],
  [4, ["127.0.0.12", "127.0.0.13", "127.0.0.14", "127.0.0.15"], "127.0.0.19"],
])(
  "%i attacking addresses: the user's fresh code pairs at the first try from another address",
  async (_n, addresses, user) => {
    const attack = startAttackers(gateway, addresses);
    try {
      // Held back by more than their own window: only the gateway-wide window (or their share of it) refuses them.
      await waitFor(() => attack.allHeldBack(ADDRESS_WINDOW_MS), "every attacker held back", 60_000);
      const createdAt = Date.now();
      const created = await gateway.call("pairing.createCode", {});
      // The window is full while the user pairs (creating a code lifts nothing; when it did, the attackers
      // filled the window again within milliseconds and the user's /start got 429).
      await waitFor(async () => (await gateway.call("pairing.list", {})).pausedUntilMs, "the full window");
      await pairFrom(created.code, user);
      const pairedAfterMs = Date.now() - createdAt;
      expect(pairedAfterMs).toBeLessThan(ADDRESS_WINDOW_MS);
      expect(attack.allHeldBack()).toBe(true);
      const codes = (await gateway.call("pairing.list", {})).codes;
      expect(codes.find((code: { codeId: string }) => code.codeId === created.codeId)).toMatchObject({
        status: "used",
      });
    } finally {
      await attack.stop();
    }
    expect(attack.stats.accepted).toBe(0);
    expect(attack.stats.other).toBe(0);
    expect(attack.stats.limited).toBeGreaterThan(attack.stats.failed);
  },
);

it("shows the attack in pairing.list: failures and refusals per minute, the busiest sources held back", async () => {
  const { attack } = await gateway.call("pairing.list", {});
  expect(attack.failuresPerMinute).toHaveLength(10);
  const failures = attack.failuresPerMinute.reduce((sum: number, count: number) => sum + count, 0);
  const refused = attack.refusedPerMinute.reduce((sum: number, count: number) => sum + count, 0);
  // 20 fill the gateway-wide window; each later attacker got at most its share (2) before it was held back.
  // The poller's 10 and the first attackers fill the window (20; one more when two race past the check).
  expect(failures).toBeGreaterThanOrEqual(20);
  expect(failures).toBeLessThanOrEqual(21 + 4 * 2);
  expect(refused).toBeGreaterThan(failures);
  expect(attack.busiest).toHaveLength(5);
  for (const source of attack.busiest) {
    expect(source.source).toMatch(/^127\.0\.0\.(2|3|7|12|13|14|15)$/);
    expect(source).toMatchObject({ heldBack: true, lastAtMs: expect.any(Number) });
    expect(source.refused).toBeGreaterThan(0);
  }
  expect(attack.busiest.map((source: { source: string }) => source.source)).not.toContain("127.0.0.9");
});
