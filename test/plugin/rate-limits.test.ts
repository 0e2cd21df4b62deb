// The failure limits with the plugin's defaults: 10 per minute per address, 20 per 10 minutes
// gateway-wide (which then holds back only the sources with 2 or more failures in it). Distinct loopback
// source addresses (127.0.0.x) stand in for distinct attackers. A guess is one PAKE run with a made-up
// code: an unknown discriminator fails at /start, a known one at /confirm, and either way it is exactly
// one failure, as v1's failed redeem was.
import { afterAll, beforeAll, expect, it } from "vitest";
import { CROCKFORD } from "@ocmap/protocol/pairing-code";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { pakeGrant, post } from "../harness/wire-pairing.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.dispose();
});

/** One guess from `localAddress`: the last reply (the /start's, or the /confirm's when /start passed). */
async function guess(attempt: number, localAddress: string) {
  const symbols = [...String(attempt).padStart(8, "0")]
    .map((digit) => CROCKFORD[(Number(digit) * 7 + 20) % 32])
    .join("");
  const pake = clientPake(symbols);
  const started = await post(gateway, "/ocmap-pairing/v2/start", pake.request, { localAddress });
  if (started.status !== 200) return started;
  const { confirm } = pake.finish(started.body);
  return post(gateway, "/ocmap-pairing/v2/confirm", { sessionId: started.body.sessionId, confirm }, { localAddress });
}

const granted = (code: string, localAddress: string) =>
  pakeGrant(gateway, code, { localAddress }).then(
    () => 200,
    (err: Error) => Number(/^start (\d+)/.exec(err.message)?.[1] ?? 0),
  );

it("limits one address to 10 failures a minute, without locking out others", async () => {
  const attacker = "127.0.0.2";
  for (let i = 0; i < 10; i++) {
    const reply = await guess(i, attacker);
    expect(reply.body.error.code).toBe("CODE_INVALID");
  }
  const limited = await guess(99, attacker);
  expect(limited.status).toBe(429);
  expect(limited.body.error.code).toBe("RATE_LIMITED");
  expect(limited.body.error.retryAfterMs).toBeGreaterThan(0);
  expect(limited.body.error.retryAfterMs).toBeLessThanOrEqual(60_000);
  expect(Number(limited.headers["retry-after"])).toBe(Math.ceil(limited.body.error.retryAfterMs / 1000));
  // Even a valid code is refused from that address now.
  const created = await gateway.call("pairing.createCode", {});
  expect(await granted(created.code, attacker)).toBe(429);
  expect(await granted(created.code, "127.0.0.3")).toBe(200);
});

it("after 20 failures in 10 minutes holds back the sources over their share, not a fresh one", async () => {
  // 10 failures so far (the first test). Ten more from ten other addresses fill the gateway-wide window.
  let successes = 0;
  for (let i = 0; i < 10; i++) {
    const reply = await guess(100 + i, `127.0.0.${10 + i}`);
    if (reply.status === 200) successes++;
    expect(reply.body.error.code).toBe("CODE_INVALID");
  }
  const list = await gateway.call("pairing.list", {});
  expect(list.pausedUntilMs).toBeGreaterThan(Date.now());
  expect(list.pausedUntilMs).toBeLessThanOrEqual(Date.now() + 600_000);
  // A source with one failure may fail once more (its share is 2), then it is held back for the window.
  expect((await guess(200, "127.0.0.10")).body.error.code).toBe("CODE_INVALID");
  const heldBack = await guess(201, "127.0.0.10");
  expect(heldBack.status).toBe(429);
  expect(heldBack.body.error.retryAfterMs).toBeGreaterThan(60_000);
  expect(heldBack.body.error.retryAfterMs).toBeLessThanOrEqual(600_000);
  expect((await guess(202, "127.0.0.2")).status).toBe(429);

  // Creating a code lifts nothing, and a user with it pairs from a fresh address at once.
  const fresh = await gateway.call("pairing.createCode", {});
  expect((await gateway.call("pairing.list", {})).pausedUntilMs).toBeGreaterThan(Date.now());
  expect(await granted(fresh.code, "127.0.2.1")).toBe(200);
  expect(await granted(fresh.code, "127.0.0.11")).toBe(200); // one failure: under its share
  expect(successes).toBe(0);
});
