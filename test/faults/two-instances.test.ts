// Two app instances on one machine: two `ocmap connect` processes with the same keychain service,
// so the same identity and device token. Defined behaviour: both connect (the gateway allows two
// sockets for one device); both ride out a gateway restart without clobbering the shared trust;
// a revoke drops both to REVOKED (exit 4) and the keychain ends up wiped exactly as after one
// instance: both entries gone, no keychain error in either, no crash.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Keystore } from "../../src/core/keystore.node.ts";
import { CliProcess, newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { waitFor } from "../harness/wait.ts";

let gateway: Gateway;
const service = newKeychainService();
let ks: Keystore;
let first: CliProcess;
let second: CliProcess;
let deviceId: string;

async function pairService() {
  const { code } = await gateway.call("pairing.createCode", {});
  const result = await runCli(service, ["pair", gateway.url, code, "--json"]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  ks = await gatewayKeys(service);
  deviceId = (await ks.loadIdentity())!.deviceId;
}

beforeAll(async () => {
  gateway = await startGateway();
  await pairService();
});
afterAll(async () => {
  for (const instance of [first, second]) if (instance && instance.child.exitCode === null) await instance.stop();
  await gateway?.dispose();
});

const connected = (l: any) => l.state === "PAIRED_CONNECTED";

it("both instances connect with the one stored trust, and both come back after a gateway restart", async () => {
  first = new CliProcess(service, ["connect", "--json"]);
  second = new CliProcess(service, ["connect", "--json"]);
  const [va, vb] = await Promise.all([
    first.waitForLine(connected, "instance A connected"),
    second.waitForLine(connected, "instance B connected"),
  ]);
  expect(va.device.id).toBe(deviceId);
  expect(vb.device.id).toBe(deviceId);
  await waitFor(
    async () => (await gateway.call("pairing.list", {})).devices.find((d: any) => d.deviceId === deviceId)?.connected,
    "the device shown connected",
  );
  const before = await ks.loadTrust();

  const [ma, mb] = [first.lines.length, second.lines.length];
  await gateway.restart();
  await Promise.all([
    first.waitForLine(connected, "A reconnected after the restart", 60_000, ma),
    second.waitForLine(connected, "B reconnected after the restart", 60_000, mb),
  ]);
  expect(first.lines.slice(ma).some((l) => l.state === "PAIRED_DISCONNECTED")).toBe(true);
  expect(second.lines.slice(mb).some((l) => l.state === "PAIRED_DISCONNECTED")).toBe(true);
  const after = await ks.loadTrust();
  expect(after).toMatchObject({
    deviceId,
    gatewayUrl: before!.gatewayUrl,
    scopes: before!.scopes,
    pairedAtMs: before!.pairedAtMs,
  });
  // The token both use still works for a third, fresh launch.
  expect((await runCli(service, ["status", "--json"])).code).toBe(0);
}, 120_000);

/** Revokes the device both instances share and checks how both ended. */
async function revokeBoth() {
  await gateway.call("pairing.revokeDevice", { deviceId, reason: "two-instance test" });
  const [ca, cb] = await Promise.all([first.exited, second.exited]);
  expect([ca, cb]).toEqual([4, 4]);
  for (const instance of [first, second]) {
    const last = instance.lines.at(-1);
    // The last line is the REVOKED view after the wipe finished: no keychain error from racing the other instance.
    expect(last).toMatchObject({
      type: "state",
      state: "REVOKED",
      activity: "idle",
      lastError: { code: "TOKEN_REJECTED" },
    });
    expect(instance.lines.filter((l) => l.state === "REVOKED" && l.activity === "idle")).toHaveLength(1);
    expect(instance.stderr).not.toMatch(/internal error|KEYCHAIN/i);
  }
  expect(await ks.loadTrust()).toBeNull();
  expect(await ks.loadIdentity()).toBeNull();
  const status = await runCli(service, ["status", "--json"]);
  expect(status.code).toBe(3); // not paired: a clean slate, not a damaged keychain
  expect(status.lines.at(-1)).toMatchObject({ state: "UNPAIRED", lastError: null });
}

it(
  "a revoke drops both to REVOKED (exit 4) and wipes the shared trust once, without a keychain error in " + "either",
  async () => {
    await revokeBoth();
    // The two wipes race each other inside the Secret Service: repeat, pairing the same service again.
    for (let round = 0; round < 3; round++) {
      await pairService();
      first = new CliProcess(service, ["connect", "--json"]);
      second = new CliProcess(service, ["connect", "--json"]);
      await Promise.all([first.waitForLine(connected, "A connected"), second.waitForLine(connected, "B connected")]);
      await revokeBoth();
    }
  },
  60_000,
);
