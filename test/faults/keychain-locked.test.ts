// The OS keychain locked: while pairing, after pairing at launch (`ocmap status` / `ocmap connect`), and while a
// running `ocmap connect` has to reconnect. Locked is its own error (exit 7), never "not paired" and
// never a reason to wipe: after unlocking, the very same trust connects again.
// This file locks the sandbox's one keyring, so vitest.config.ts runs it alone, before the files that run side by side.
import { afterAll, beforeAll, expect, it } from "vitest";
import { CliProcess, newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { lockKeyring, unlockKeyring } from "../harness/keyring.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

let gateway: Gateway;
let proxy: TcpProxy;

beforeAll(async () => {
  gateway = await startGateway();
  proxy = await startTcpProxy(gateway.port);
});
afterAll(async () => {
  await unlockKeyring().catch(() => undefined);
  await proxy?.close();
  await gateway?.dispose();
});

async function pairWithCli(url: string) {
  const service = newKeychainService();
  const { code } = await gateway.call("pairing.createCode", {});
  const result = await runCli(service, ["pair", url, code, "--json"]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  const ks = await gatewayKeys(service);
  const stored = { trust: await ks.loadTrust(), identity: await ks.loadIdentity() };
  expect(stored.trust?.deviceId).toBe(stored.identity?.deviceId);
  return { service, ks, stored };
}

async function revoked(deviceId: string) {
  return (await gateway.call("pairing.list", {})).devices.find((d: any) => d.deviceId === deviceId)?.revokedAtMs;
}

it("locked while pairing: fails with its own code and spends nothing; unlocked, the same code pairs", async () => {
  const created = await gateway.call("pairing.createCode", {});
  const service = newKeychainService();
  await lockKeyring();
  let result;
  try {
    result = await runCli(service, ["pair", gateway.url, created.code, "--json"]);
  } finally {
    await unlockKeyring();
  }
  expect(result.code, result.stdout + result.stderr).toBe(7);
  expect(result.lines.at(-1)).toMatchObject({ type: "error", code: "KEYCHAIN_LOCKED" });
  expect(result.stdout + result.stderr).not.toContain(created.code);
  expect(await (await gatewayKeys(service)).loadTrust()).toBeNull();
  const list = await gateway.call("pairing.list", {});
  expect(list.codes.find((x: any) => x.codeId === created.codeId).status).toBe("active");
  const again = await runCli(service, ["pair", gateway.url, created.code, "--json"]);
  expect(again.code, again.stdout + again.stderr).toBe(0);
});

it(
  "locked between pairing and launch: status and connect exit 7 KEYCHAIN_LOCKED and wipe nothing; unlocked, " +
    "status connects",
  async () => {
    const { service, ks, stored } = await pairWithCli(gateway.url);
    await lockKeyring();
    let status, connect;
    try {
      status = await runCli(service, ["status", "--json"]);
      connect = await runCli(service, ["connect", "--json"]);
    } finally {
      await unlockKeyring();
    }
    for (const result of [status, connect]) {
      expect(result.code, result.stdout + result.stderr).toBe(7);
      const last = result.lines.at(-1);
      expect(last).toMatchObject({ type: "state", state: "UNPAIRED", lastError: { code: "KEYCHAIN_LOCKED" } });
      expect(result.lines.some((l) => l.state === "REVOKED")).toBe(false);
    }
    // Nothing was wiped or rewritten, and the gateway still trusts the device.
    expect(await ks.loadTrust()).toEqual(stored.trust);
    expect(await ks.loadIdentity()).toEqual(stored.identity);
    expect(await revoked(stored.trust!.deviceId)).toBeUndefined();

    const again = await runCli(service, ["status", "--json"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.lines.at(-1)).toMatchObject({ state: "PAIRED_CONNECTED", device: { id: stored.trust!.deviceId } });
  },
);

it(
  "locked while a running client must reconnect: it keeps retrying with KEYCHAIN_LOCKED, wipes nothing, and " +
    "reconnects once unlocked",
  async () => {
    const { service, ks, stored } = await pairWithCli(proxy.url);
    const cliProcess = new CliProcess(service, ["connect", "--json"]);
    try {
      await cliProcess.waitForLine((l) => l.state === "PAIRED_CONNECTED", "connected");
      const mark = cliProcess.lines.length;
      await lockKeyring();
      try {
        proxy.drop(); // the connection is lost; the proxy still accepts, so only the keychain stands in the way
        await cliProcess.waitForLine(
          (l) => l.state === "PAIRED_DISCONNECTED" && l.lastError?.code === "KEYCHAIN_LOCKED",
          "a reconnect attempt refused by the locked keychain",
          30_000,
          mark,
        );
        // Still retrying: a second locked attempt, and the process is alive and never REVOKED.
        const first = cliProcess.lines.findIndex((l, i) => i >= mark && l.lastError?.code === "KEYCHAIN_LOCKED");
        await cliProcess.waitForLine((l) => l.activity === "connecting", "another attempt", 30_000, first + 1);
        await cliProcess.waitForLine(
          (l) => l.lastError?.code === "KEYCHAIN_LOCKED" && l.activity === "waiting",
          "refused again",
          30_000,
          first + 1,
        );
        expect(cliProcess.child.exitCode).toBeNull();
      } finally {
        await unlockKeyring();
      }
      await cliProcess.waitForLine((l) => l.state === "PAIRED_CONNECTED", "reconnected after the unlock", 60_000, mark);
      expect(cliProcess.lines.slice(mark).some((l) => l.state === "REVOKED" || l.state === "UNPAIRED")).toBe(false);
      expect(await ks.loadTrust()).toEqual(stored.trust);
      expect(await ks.loadIdentity()).toEqual(stored.identity);
      expect(await revoked(stored.trust!.deviceId)).toBeUndefined();
    } finally {
      expect(await cliProcess.stop()).toBe(0);
    }
  },
  120_000,
);
