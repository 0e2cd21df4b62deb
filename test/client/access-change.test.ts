// The client's side of an access change and of expiry, with the real `ocmap` CLI against the real gateway: a
// lower access closes the open session, the client reconnects by itself at the new level and keeps its trust (never
// REVOKED); a higher access is taken at the client's next connection through the gateway's own live upgrade; a
// device that stayed away longer than the configured time ends in REVOKED with the reason in words. One gateway
// for the file; expiry in seconds so nothing waits days (connected clients never expire).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliProcess, newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { waitFor } from "../harness/wait.ts";

const EXPIRE_AFTER_S = 30;
const READ = ["operator.read"];
const READ_WRITE = ["operator.read", "operator.write"];
const WRITE_METHOD = "doctor.memory.backfillDreamDiary"; // an operator.write method: refused by scope first

let gateway: Gateway;
const clients: CliProcess[] = [];

const listed = async (deviceId: string) =>
  (await gateway.call("pairing.list", {})).devices.find((d: any) => d.deviceId === deviceId);
const sameScopes = (a: string[] | undefined, b: string[]) => [...(a ?? [])].sort().join() === [...b].sort().join();
const connectedWith = (scopes: string[]) => (line: any) =>
  line.state === "PAIRED_CONNECTED" && sameScopes(line.access?.scopes, scopes);

async function pairCli(access: "standard" | "read-only") {
  const { code } = await gateway.call("pairing.createCode", { access });
  const service = newKeychainService();
  const pair = await runCli(service, ["pair", gateway.url, code, "--json"]);
  expect(pair.code, pair.stdout + pair.stderr).toBe(0);
  const keys = await gatewayKeys(service);
  return { service, keys, deviceId: (await keys.loadTrust())!.deviceId };
}

function connect(service: string) {
  const client = new CliProcess(service, ["connect", "--json"]);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  gateway = await startGateway({ pluginConfig: { expireAfterSeconds: EXPIRE_AFTER_S } });
});
afterAll(async () => {
  for (const client of clients) if (client.child.exitCode === null) await client.stop();
  await gateway?.dispose();
});

describe("the client after an access change", () => {
  it("a lower access drops the open session; the client reconnects by itself, narrower, still paired", async () => {
    const { service, keys, deviceId } = await pairCli("standard");
    const client = connect(service);
    await client.waitForLine(connectedWith(READ_WRITE), "connected with read and write");
    const before = (await keys.loadTrust())!;
    const from = client.lines.length;

    const changed = await gateway.call("pairing.setAccess", { deviceId, access: "read-only" });
    expect(changed).toMatchObject({ access: "read-only", effective: "now" });
    await client.waitForLine(connectedWith(READ), "connected again, read-only", 60_000, from);
    const after = client.lines.slice(from);
    expect(
      after.some((line) => line.state === "PAIRED_DISCONNECTED"),
      "the open session was closed",
    ).toBe(true);
    expect(after.some((line) => line.state === "REVOKED" || line.state === "UNPAIRED")).toBe(false);
    expect(client.child.exitCode).toBeNull();
    // Trust kept: same device and gateway identity, the narrower token the gateway minted in place of the old one.
    const trust = (await keys.loadTrust())!;
    expect(trust).toMatchObject({ deviceId, gatewayUrl: before.gatewayUrl, scopes: READ });
    expect(trust.gatewayIdentity).toEqual(before.gatewayIdentity);
    expect(trust.deviceToken).not.toBe(before.deviceToken);
    expect(await listed(deviceId)).toMatchObject({ access: "read-only", connected: true });

    // The removed scope is refused; what stayed works.
    const write = await runCli(service, ["call", WRITE_METHOD, "--json"]);
    expect(write.code, write.stdout + write.stderr).toBe(10);
    expect(JSON.stringify(write.lines.at(-1))).toMatch(/scope/i);
    const read = await runCli(service, ["call", "health", "--json"]);
    expect(read.code, read.stdout + read.stderr).toBe(0);
    // The client says which access it has now.
    expect((await runCli(service, ["status"])).stdout).toContain("access read-only (operator.read)");
    await client.stop();
  }, 180_000);

  it("a higher access waits for the next connection, then the client takes it through the gateway", async () => {
    const { service, keys, deviceId } = await pairCli("read-only");
    const first = connect(service);
    await first.waitForLine(connectedWith(READ), "connected read-only");
    const from = first.lines.length;

    const changed = await gateway.call("pairing.setAccess", { deviceId, access: "standard" });
    expect(changed).toMatchObject({ access: "standard", effective: "next-connection" });
    expect(await listed(deviceId)).toMatchObject({ access: "read-only", pendingAccess: "standard", connected: true });
    // The open session is left as it is: no reconnect, the same scopes.
    expect(first.lines.slice(from).some((line) => line.state !== "PAIRED_CONNECTED")).toBe(false);
    expect((await keys.loadTrust())!.scopes).toEqual(READ);
    await first.stop();
    // A verb that exits after one answer leaves the upgrade to a client that stays: it could not finish it.
    expect((await runCli(service, ["status"])).stdout).toContain("access read-only (operator.read)");
    expect(await listed(deviceId)).toMatchObject({ access: "read-only", pendingAccess: "standard" });

    const next = connect(service);
    await next.waitForLine(connectedWith(READ_WRITE), "connected again with read and write", 60_000);
    expect(next.lines.some((line) => line.state === "REVOKED")).toBe(false);
    expect((await keys.loadTrust())!.scopes).toEqual(READ_WRITE);
    const device = await listed(deviceId);
    expect(device).toMatchObject({ access: "standard", connected: true });
    expect(device.pendingAccess).toBeUndefined();
    const write = await runCli(service, ["call", WRITE_METHOD, "--json"]);
    expect(JSON.stringify(write.lines.at(-1)), "no longer refused by scope").not.toMatch(/scope/i);
    expect((await runCli(service, ["status"])).stdout).toContain("access standard (operator.read operator.write)");
    await next.stop();
  }, 180_000);
});

describe("a client that stayed away too long", () => {
  it("finds its device expired: REVOKED with the reason in words, its keychain entries wiped", async () => {
    const { service, keys, deviceId } = await pairCli("standard");
    await waitFor(
      async () => ((await listed(deviceId))?.revokedBy === "expired" ? true : undefined),
      "the quiet device expired",
      120_000,
      500,
    );
    const back = await runCli(service, ["connect", "--json"], { timeoutMs: 60_000 });
    expect(back.code, back.stdout + back.stderr).toBe(4);
    const revoked = back.lines.find((line) => line.state === "REVOKED");
    expect(revoked.lastError).toMatchObject({ code: "DEVICE_EXPIRED" });
    expect(revoked.lastError.message).toBe(
      "The gateway removed this device because it was not seen for too long. Pair again with a new code. " +
        `(not seen by the gateway for more than ${EXPIRE_AFTER_S} seconds)`,
    );
    expect(back.lines.some((line) => line.state === "PAIRED_CONNECTED")).toBe(false);
    expect((await keys.loadTrust()) ?? null).toBeNull();
  }, 240_000);
});
