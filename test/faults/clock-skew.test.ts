// Clocks beyond the contract's ±120 s. The real `ocmap` CLI runs with its own clock far off
// (Debian's libfaketime via LD_PRELOAD, which Node's Date honours): pairing and reconnecting still
// work, because the client signs the exchange with the gateway's clock (challenge ts + elapsed).
// A bare client that signs with a clock off by more than 120 s gets the contract's CODE_INVALID,
// once per attempt, and the code stays usable for a correct attempt.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Keystore } from "../../src/core/keystore.node.ts";
import { newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { newWireDevice } from "../harness/wire-client.ts";
import { bootstrapConnect, exchange, exchangeBody, pakeGrant } from "../harness/wire-pairing.ts";

let gateway: Gateway;

/** libfaketime from Debian's `faketime` package (scripts/setup.sh installs it). */
function libfaketime(): string {
  const candidates = readdirSync("/usr/lib", { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join("/usr/lib", d.name, "faketime/libfaketime.so.1"));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error("libfaketime is missing: install Debian's `faketime` package (npm run setup does)");
  return found;
}

beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.dispose();
});

it.each([
  ["10 minutes behind", "-10m", -600_000],
  ["3 days ahead", "+3d", 3 * 86_400_000],
])("the CLI pairs and reconnects with its clock %s", async (_label, offset, offsetMs) => {
  const env = { LD_PRELOAD: libfaketime(), FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: "1" };
  const service = newKeychainService();
  const { code, codeId } = await gateway.call("pairing.createCode", {});
  const paired = await runCli(service, ["pair", gateway.url, code, "--json"], { env });
  expect(paired.code, paired.stdout + paired.stderr).toBe(0);
  expect(paired.lines.at(-1)).toMatchObject({ state: "PAIRED_CONNECTED" });

  // The process really ran on the skewed clock: it stamped its trust record with it.
  const trust = (await new Keystore({ service }).loadTrust())!;
  expect(Math.abs(trust.pairedAtMs - Date.now() - offsetMs)).toBeLessThan(60_000);
  const list = await gateway.call("pairing.list", {});
  expect(list.codes.find((c: any) => c.codeId === codeId)).toMatchObject({ status: "used", deviceId: trust.deviceId });
  expect(list.events.filter((e: any) => e.type === "code.failed" && e.codeId === codeId)).toHaveLength(0);

  const status = await runCli(service, ["status", "--json"], { env });
  expect(status.code, status.stdout + status.stderr).toBe(0);
  expect(status.lines.at(-1)).toMatchObject({ state: "PAIRED_CONNECTED", device: { id: trust.deviceId } });
});

it(
  "an exchange signed more than 120 s off the gateway's clock is CODE_INVALID, counted once; within the window " +
    "it succeeds",
  async () => {
    const created = await gateway.call("pairing.createCode", {});
    const device = newWireDevice();
    const granted = await pakeGrant(gateway, created.code);
    const first = await bootstrapConnect(gateway, device, granted.grant.bootstrapToken, granted.grant.scopes);
    expect(first.helloOk).toBe(false);
    const attempt = (skewMs: number) =>
      exchange(
        gateway,
        exchangeBody({
          granted,
          requestId: first.requestId,
          device,
          signedAt: Date.now() + skewMs,
        }),
      );
    const failuresOf = async () =>
      (await gateway.call("pairing.list", {})).events
        .filter((e: any) => e.type === "code.failed" && e.codeId === created.codeId)
        .reduce((sum: number, e: any) => sum + (e.count ?? 1), 0); // failures are aggregated per source

    for (const skew of [+130_000, -130_000, +86_400_000]) {
      const res = await attempt(skew);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ ok: false, error: { code: "CODE_INVALID", message: expect.any(String) } });
    }
    expect(await failuresOf()).toBe(3); // one per attempt: no retries behind the caller's back
    const code = (await gateway.call("pairing.list", {})).codes.find((c: any) => c.codeId === created.codeId);
    expect(code.status).toBe("active"); // 3 < 5 failures: not locked

    const ok = await attempt(+100_000); // inside ±120 s
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, deviceId: device.id });
  },
);
