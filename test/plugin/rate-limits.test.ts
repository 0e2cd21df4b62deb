// The failure limits with the plugin's defaults: 10 per minute per address, 20 per 10 minutes
// gateway-wide. Distinct loopback source addresses (127.0.0.x) stand in for distinct attackers.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { redeem } from "../harness/wire-pairing.ts";

let g: Gateway;
beforeAll(async () => {
  g = await startGateway();
});
afterAll(async () => {
  await g?.dispose();
});

const guess = (i: number) => `${String(i).padStart(4, "0")}-000`; // malformed or unknown: a failure either way

it("limits one address to 10 failures a minute, without locking out others", async () => {
  const attacker = { localAddress: "127.0.0.2" };
  for (let i = 0; i < 10; i++) {
    const r = await redeem(g, guess(i), attacker);
    expect(r.body.error.code).toBe("CODE_INVALID");
  }
  const limited = await redeem(g, guess(99), attacker);
  expect(limited.status).toBe(429);
  expect(limited.body.error.code).toBe("RATE_LIMITED");
  expect(limited.body.error.retryAfterMs).toBeGreaterThan(0);
  expect(limited.body.error.retryAfterMs).toBeLessThanOrEqual(60_000);
  expect(Number(limited.headers["retry-after"])).toBe(Math.ceil(limited.body.error.retryAfterMs / 1000));
  // Even a valid code is refused from that address now.
  const created = await g.call("pairing.createCode", {});
  expect((await redeem(g, created.code, attacker)).status).toBe(429);
  expect((await redeem(g, created.code, { localAddress: "127.0.0.3" })).status).toBe(200);
});

it("pauses all pairing after 20 failures in 10 minutes until an operator creates a code", async () => {
  // 10 failures so far (the first test). Ten more from ten other addresses reach the cap.
  let successes = 0;
  for (let i = 0; i < 10; i++) {
    const r = await redeem(g, guess(100 + i), { localAddress: `127.0.0.${10 + i}` });
    if (r.status === 200) successes++;
    expect(r.body.error.code).toBe("CODE_INVALID");
  }
  const created = await g.call("pairing.createCode", {});
  // Creating a code lifted the pause; fill the window again from fresh addresses.
  for (let i = 0; i < 20; i++) {
    const r = await redeem(g, guess(200 + i), { localAddress: `127.0.1.${i + 1}` });
    if (r.status === 200) successes++;
  }
  const paused = await redeem(g, created.code, { localAddress: "127.0.2.1" });
  expect(paused.status).toBe(429);
  expect(paused.body.error.retryAfterMs).toBeGreaterThan(60_000);
  expect(paused.body.error.retryAfterMs).toBeLessThanOrEqual(600_000);
  const list = await g.call("pairing.list", {});
  expect(list.pausedUntilMs).toBeGreaterThan(Date.now());
  expect(successes).toBe(0);

  const fresh = await g.call("pairing.createCode", {});
  expect((await g.call("pairing.list", {})).pausedUntilMs).toBeUndefined();
  const ok = await redeem(g, fresh.code, { localAddress: "127.0.2.1" });
  expect(ok.status).toBe(200);
});
