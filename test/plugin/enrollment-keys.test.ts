// Enrollment keys and ephemeral devices end to end: the real gateway with the plugin, the built `ocmap` CLI
// and the sandbox's real keychain. One gateway for the file; ephemeral devices are removed after a few seconds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSymbol } from "@ocmap/protocol/pairing-code";
import { CliProcess, newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { waitFor } from "../harness/wait.ts";

const REMOVE_AFTER_S = 6;
let gateway: Gateway;
let dir: string;
const keys = new Set<string>();
const outputs: string[] = [];

async function newKey(params: Record<string, unknown>) {
  const created = await gateway.call("pairing.createEnrollmentKey", params);
  keys.add(created.key);
  const file = join(dir, `${created.keyId}.key`);
  writeFileSync(file, `${created.key}\n`, { mode: 0o600 });
  return { ...created, file } as { keyId: string; key: string; file: string; expiresAtMs: number };
}

async function ocmap(service: string, ...args: string[]) {
  const result = await runCli(service, [...args, "--json"]);
  outputs.push(result.stdout, result.stderr);
  return result;
}

const enroll = (service: string, file: string) => ocmap(service, "pair", gateway.url, "--enroll-key-file", file);
const list = () => gateway.call("pairing.list", {});
const deviceIdOf = async (service: string) => (await (await gatewayKeys(service)).loadTrust())?.deviceId;
const errorOf = (result: { lines: any[] }) => result.lines.find((line) => line.type === "error")?.code;
const pluginState = () =>
  JSON.parse(readFileSync(join(gateway.stateDir, "plugins", "ocmap-pairing", "state.json"), "utf8"));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ocmap-keys-"));
  gateway = await startGateway({
    pluginConfig: {
      maxFailuresGlobal: 1000,
      maxFailuresPerAddress: 1000,
      ephemeralRemoveAfterSeconds: REMOVE_AFTER_S,
    },
  });
});
afterAll(async () => {
  await gateway?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("enrollment keys", () => {
  it("a 3-use key pairs 3 distinct devices, each approved on its own, and refuses the 4th", async () => {
    const key = await newKey({ uses: 3, ttlSeconds: 3600, access: "read-only", namePrefix: "agent" });
    expect(key.key).toMatch(/^ocmap-ek-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{21}$/);
    const services = [newKeychainService(), newKeychainService(), newKeychainService()];
    const results = await Promise.all(services.map((service) => enroll(service, key.file)));
    for (const result of results) expect(result.code, result.stdout + result.stderr).toBe(0);
    const ids = await Promise.all(services.map(deviceIdOf));
    expect(new Set(ids).size).toBe(3);

    const after = await list();
    const summary = after.keys.find((k: any) => k.keyId === key.keyId);
    expect(summary).toMatchObject({ uses: 3, used: 3, usesLeft: 0, status: "exhausted", ephemeral: false });
    const enrolled = after.devices.filter((d: any) => d.keyId === key.keyId);
    expect(enrolled.map((d: any) => d.deviceId).sort()).toEqual([...ids].sort());
    for (const device of enrolled) {
      expect(device.displayName).toBe(`agent-${device.deviceId.slice(0, 8)}`);
      expect(device.scopes).toEqual(["operator.read"]);
    }
    // Every use audited, and each one approved through the gateway's own pairing store.
    const uses = after.events.filter((e: any) => e.type === "code.exchanged" && e.keyId === key.keyId);
    expect(uses.map((e: any) => e.deviceId).sort()).toEqual([...ids].sort());
    expect(after.codes.some((c: any) => c.keyId)).toBe(false); // uses are listed under the key, not as codes
    const paired = JSON.parse((await gateway.cli(["devices", "list", "--json"])).stdout).paired;
    for (const id of ids) expect(paired.some((d: any) => d.deviceId === id)).toBe(true);

    const fourth = await enroll(newKeychainService(), key.file);
    expect(fourth.code).toBe(6);
    expect(errorOf(fourth)).toBe("KEY_USED_UP");
    expect((await list()).devices.filter((d: any) => d.keyId === key.keyId)).toHaveLength(3);
  });

  it("a revoked key enrolls no one, and revoking its devices drops a connected one at once", async () => {
    const key = await newKey({ uses: 5, namePrefix: "fleet" });
    const service = newKeychainService();
    expect((await enroll(service, key.file)).code).toBe(0);
    const deviceId = await deviceIdOf(service);
    const live = new CliProcess(service, ["connect", "--json"]);
    await live.waitForLine((line) => line.state === "PAIRED_CONNECTED", "connected");

    const revoked = await gateway.call("pairing.revokeEnrollmentKey", { keyId: key.keyId, revokeDevices: true });
    expect(revoked).toMatchObject({ keyId: key.keyId, devicesRevoked: [deviceId], devicesNotRevoked: [] });
    expect(await live.exited).toBe(4); // REVOKED, trust wiped
    expect(await (await gatewayKeys(service)).loadTrust()).toBeNull();

    const refused = await enroll(newKeychainService(), key.file);
    expect(refused.code).toBe(6);
    expect(errorOf(refused)).toBe("KEY_USED_UP");
    const after = await list();
    expect(after.keys.find((k: any) => k.keyId === key.keyId)).toMatchObject({ status: "revoked", usesLeft: 0 });
    expect(after.devices.find((d: any) => d.deviceId === deviceId)).toMatchObject({ revokedBy: "operator" });
    expect(after.events.some((e: any) => e.type === "key.revoked" && e.keyId === key.keyId)).toBe(true);
  });

  it("a wrong secret under a real key id is refused, and the key locks after maxFailuresPerCode of them", async () => {
    const key = await newKey({ uses: 2 });
    // Same id, another secret with a valid check symbol: a well-formed key that is not this one.
    const secret = key.key.slice(14, 34) === "0".repeat(20) ? "1".repeat(20) : "0".repeat(20);
    const forged = `ocmap-ek-${key.keyId}-${secret}${checkSymbol(key.keyId + secret)}`;
    const file = join(dir, "forged.key");
    writeFileSync(file, forged, { mode: 0o600 });
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await enroll(newKeychainService(), file);
      expect(wrong.code).toBe(6);
      expect(errorOf(wrong)).toBe("KEY_INVALID");
    }
    const locked = await enroll(newKeychainService(), key.file); // the real key, too late
    expect(errorOf(locked)).toBe("KEY_USED_UP");
    expect((await list()).keys.find((k: any) => k.keyId === key.keyId).status).toBe("locked");
  });

  it("a damaged key is caught locally and reaches no gateway", async () => {
    const key = await newKey({ uses: 1 });
    const typo = key.key.slice(0, -1) + (key.key.endsWith("0") ? "1" : "0");
    const file = join(dir, "typo.key");
    writeFileSync(file, typo, { mode: 0o600 });
    const before = (await list()).events.length;
    const result = await enroll(newKeychainService(), file);
    expect(result.code).toBe(6);
    expect(errorOf(result)).toBe("KEY_CHECK");
    expect((await list()).events.length).toBe(before);
    const missing = await enroll(newKeychainService(), join(dir, "nope.key"));
    expect([missing.code, errorOf(missing)]).toEqual([2, "KEY_FILE_UNREADABLE"]);
  });
});

describe("ephemeral devices", () => {
  it("a disconnected one is removed (deadline kept across a restart), a connected one stays", async () => {
    const key = await newKey({ uses: 2, ephemeral: true, namePrefix: "pod" });
    const staying = newKeychainService();
    expect((await enroll(staying, key.file)).code).toBe(0);
    const live = new CliProcess(staying, ["connect", "--json"]);
    await live.waitForLine((line) => line.state === "PAIRED_CONNECTED", "connected");

    const leaving = newKeychainService();
    expect((await enroll(leaving, key.file)).code).toBe(0); // `ocmap pair` exits: this device is now disconnected
    const leavingId = (await deviceIdOf(leaving))!;
    const since = await waitFor(
      () => pluginState().devices.find((d: any) => d.deviceId === leavingId)?.disconnectedSinceMs,
      "the disconnection deadline saved",
    );
    const linesBeforeRestart = live.lines.length;
    await gateway.kill(); // a crash: only what was persisted survives
    await gateway.start();
    const removed = await waitFor(
      async () => (await list()).devices.find((d: any) => d.deviceId === leavingId && d.revokedAtMs),
      "the ephemeral device removed",
      30_000,
    );
    expect(removed.revokedBy).toBe("ephemeral");
    // The deadline ran from before the crash; it did not start again at the restart.
    expect(pluginState().devices.find((d: any) => d.deviceId === leavingId).disconnectedSinceMs).toBe(since);
    expect(removed.revokedAtMs - since).toBeGreaterThanOrEqual(REMOVE_AFTER_S * 1000);
    const audit = (await list()).events.find((e: any) => e.type === "device.removed" && e.deviceId === leavingId);
    expect(audit.reason).toMatch(/ephemeral device disconnected/);
    const paired = JSON.parse((await gateway.cli(["devices", "list", "--json"])).stdout).paired;
    expect(paired.some((d: any) => d.deviceId === leavingId)).toBe(false);

    // It comes back: REVOKED, with the reason.
    const back = await ocmap(leaving, "status");
    expect(back.code).toBe(4);
    expect(back.lines.at(-1)).toMatchObject({ state: "REVOKED", lastError: { code: "EPHEMERAL_REMOVED" } });
    expect(await (await gatewayKeys(leaving)).loadTrust()).toBeNull();

    // The connected one survived the restart's reconnect and was never removed.
    await live.waitForLine(
      (line) => line.state === "PAIRED_CONNECTED",
      "reconnected after restart",
      60_000,
      linesBeforeRestart,
    );
    const stayingId = await deviceIdOf(staying);
    expect((await list()).devices.find((d: any) => d.deviceId === stayingId).revokedAtMs).toBeUndefined();
    live.stop();
  }, 120_000);
});

describe("secrets", () => {
  it("no key appears in any CLI output or the gateway's log", () => {
    const text = outputs.join("\n") + gateway.logs();
    for (const key of keys) expect(text.includes(key.slice(14))).toBe(false);
  });
});
