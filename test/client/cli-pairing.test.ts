// The client core end to end through the headless `ocmap` CLI, against the real gateway + plugin
// and the real gnome-keyring of the test sandbox.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keystore } from "../../src/core/keystore.node.ts";
import { CliProcess, newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";
import { newWireDevice } from "../harness/wire-client.ts";
import { bootstrapConnect, pakeGrant } from "../harness/wire-pairing.ts";

let gateway: Gateway;
let expiring: { code: string; expiresAtMs: number };
const secrets = new Set<string>();
const outputs: string[] = [];

async function newCode(access = "standard") {
  const created = await gateway.call("pairing.createCode", { access });
  expect(created).not.toHaveProperty("bootstrapToken"); // v2: it travels sealed to the client only
  secrets.add(created.code).add(created.code.replace("-", ""));
  return created as { code: string; codeId: string; scopes: string[]; gatewayFingerprint: string };
}

/** Run the CLI and keep its output for the final secret scan. */
async function ocmap(service: string, ...args: string[]) {
  const result = await runCli(service, [...args, "--json"]);
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function rememberKeychain(service: string) {
  const ks = new Keystore({ service });
  const [trust, identity] = [await ks.loadTrust(), await ks.loadIdentity()];
  if (trust) secrets.add(trust.deviceToken);
  if (identity) secrets.add(identity.privateKey);
  return { trust, identity };
}

const failures = async () =>
  (await gateway.call("pairing.list", {})).events
    .filter((e: any) => e.type === "code.failed")
    .reduce((sum: number, e: any) => sum + (e.count ?? 1), 0); // failures are aggregated per source

beforeAll(async () => {
  gateway = await startGateway({ pluginConfig: { maxFailuresPerAddress: 1000, maxFailuresGlobal: 1000 } });
  const created = await gateway.call("pairing.createCode", { ttlSeconds: 120 });
  secrets.add(created.code);
  expiring = { code: created.code, expiresAtMs: created.expiresAtMs };
});
afterAll(async () => {
  await gateway?.dispose();
});

describe("ocmap CLI against the real gateway and keychain", () => {
  it("pairs with a valid code, then a fresh process reconnects from the keychain alone", async () => {
    const svc = newKeychainService();
    const created = await newCode();
    const result = await ocmap(svc, "pair", gateway.url, created.code);
    expect(result.code).toBe(0);
    const states = result.lines.filter((l) => l.type === "state").map((l) => l.state);
    expect(states).toContain("PAIRING_IN_PROGRESS");
    expect(states.at(-1)).toBe("PAIRED_CONNECTED");
    expect(result.lines.some((l) => l.pairingStep === "approving")).toBe(true);
    const { trust, identity } = await rememberKeychain(svc);
    expect(trust).toMatchObject({
      gatewayUrl: gateway.url,
      deviceId: identity!.deviceId,
      scopes: ["operator.read", "operator.write"],
    });
    const last = result.lines.at(-1);
    expect(trust!.gatewayIdentity!.tlsPin).toBeUndefined(); // plain ws://: nothing to pin
    expect(last.gateway.fingerprint).toBe(created.gatewayFingerprint);
    expect(last.device.fingerprint).toBe(
      identity!.deviceId
        .slice(0, 12)
        .toUpperCase()
        .replace(/(.{4})(?=.)/g, "$1 "),
    );

    const statusRun = await ocmap(svc, "status");
    expect(statusRun.code).toBe(0);
    expect(statusRun.lines.at(-1)).toMatchObject({
      state: "PAIRED_CONNECTED",
      gateway: { host: `127.0.0.1:${gateway.port}`, insecure: true },
    });
    const list = await gateway.call("pairing.list", {});
    expect(list.devices.find((d: any) => d.deviceId === identity!.deviceId)).toMatchObject({
      displayName: expect.stringMatching(/^OCMAP on /),
    });
  });

  it("refuses a code that was already used (CODE_ALREADY_USED)", async () => {
    const created = await newCode();
    expect((await ocmap(newKeychainService(), "pair", gateway.url, created.code)).code).toBe(0);
    const svc = newKeychainService();
    const result = await ocmap(svc, "pair", gateway.url, created.code);
    expect(result.code).toBe(6);
    expect(result.lines.at(-1)).toMatchObject({ type: "error", code: "CODE_ALREADY_USED" });
    expect((await rememberKeychain(svc)).trust).toBeNull();
  });

  it("refuses an unknown code and a code another device took over (CODE_INVALID)", async () => {
    const unknown = await ocmap(newKeychainService(), "pair", gateway.url, "0000-0000");
    expect(unknown.code).toBe(6);
    expect(unknown.lines.at(-1)).toMatchObject({ type: "error", code: "CODE_INVALID" });
    // Someone else who knew the code ran the PAKE and bound its bootstrap token to their own device key first.
    const created = await newCode();
    const thief = await pakeGrant(gateway, created.code);
    secrets.add(thief.grant.bootstrapToken);
    const bound = await bootstrapConnect(gateway, newWireDevice(), thief.grant.bootstrapToken, thief.grant.scopes);
    expect(bound.helloOk).toBe(false);
    const result = await ocmap(newKeychainService(), "pair", gateway.url, created.code);
    expect(result.code).toBe(6);
    expect(result.lines.at(-1)).toMatchObject({ type: "error", code: "CODE_INVALID" });
  });

  it("catches a typo locally: no request reaches the gateway", async () => {
    const before = await failures();
    const created = await newCode();
    const typo = created.code.slice(0, 8) + (created.code[8] === "0" ? "1" : "0");
    const result = await ocmap(newKeychainService(), "pair", gateway.url, typo);
    expect(result.code).toBe(6);
    expect(result.lines.at(-1)).toMatchObject({ type: "error", code: "CODE_CHECK" });
    expect(await failures()).toBe(before);
    const list = await gateway.call("pairing.list", {});
    expect(list.events.some((e: any) => e.type === "code.redeemed" && e.codeId === created.codeId)).toBe(false);
  });

  it("pairs from an ocmap:// link only after the gateway is confirmed", async () => {
    const created = await newCode();
    const link = `ocmap://pair?gateway=${encodeURIComponent(gateway.url)}&code=${created.code}`;
    const svc = newKeychainService();
    const refused = await ocmap(svc, "pair", link);
    expect(refused.code).toBe(2);
    expect(refused.lines[0]).toMatchObject({ type: "info", host: `127.0.0.1:${gateway.port}` });
    expect(refused.lines.at(-1)).toMatchObject({ code: "LINK_NOT_CONFIRMED" });
    const ok = await ocmap(svc, "pair", link, "--yes");
    expect(ok.code).toBe(0);
    await rememberKeychain(svc);
    const bad = await ocmap(
      newKeychainService(),
      "pair",
      "ocmap://pair?gateway=ws%3A%2F%2Fevil.example.com&code=" + created.code,
    );
    expect(bad.code).toBe(2);
  });

  it("revoking on the server drops a running client to REVOKED and wipes its trust", async () => {
    const svc = newKeychainService();
    const created = await newCode();
    expect((await ocmap(svc, "pair", gateway.url, created.code)).code).toBe(0);
    const { identity } = await rememberKeychain(svc);
    const cliProcess = new CliProcess(svc, ["connect", "--json"]);
    await cliProcess.waitForLine((l) => l.state === "PAIRED_CONNECTED", "connected");
    await waitFor(
      async () =>
        (await gateway.call("pairing.list", {})).devices.find((d: any) => d.deviceId === identity!.deviceId)?.connected,
      "Clawpodz data to show the device connected",
    );
    await gateway.call("pairing.revokeDevice", { deviceId: identity!.deviceId });
    const line = await cliProcess.waitForLine((l) => l.state === "REVOKED", "REVOKED");
    expect(line.reason.code).toBe("REVOKED");
    expect(await cliProcess.exited).toBe(4);
    outputs.push(cliProcess.stdout, cliProcess.stderr);
    expect((await rememberKeychain(svc)).trust).toBeNull();
    const after = await ocmap(svc, "status");
    expect(after.code).toBe(3);
  });

  it("survives a gateway restart: reconnects by itself and the device is still trusted", async () => {
    const svc = newKeychainService();
    const created = await newCode();
    expect((await ocmap(svc, "pair", gateway.url, created.code)).code).toBe(0);
    await rememberKeychain(svc);
    const cliProcess = new CliProcess(svc, ["connect", "--json"]);
    await cliProcess.waitForLine((l) => l.state === "PAIRED_CONNECTED", "connected");
    const mark = cliProcess.lines.length;
    await gateway.restart();
    await cliProcess.waitForLine((l) => l.state === "PAIRED_DISCONNECTED", "disconnect seen", 30_000, mark);
    await cliProcess.waitForLine((l) => l.state === "PAIRED_CONNECTED", "reconnected by itself", 60_000, mark);
    expect(await cliProcess.stop()).toBe(0);
    outputs.push(cliProcess.stdout, cliProcess.stderr);
  });

  it("forget: tells the gateway, wipes the keychain, and says so", async () => {
    const svc = newKeychainService();
    const created = await newCode("read-only");
    expect((await ocmap(svc, "pair", gateway.url, created.code)).code).toBe(0);
    const { identity } = await rememberKeychain(svc);
    const result = await ocmap(svc, "forget");
    expect(result.code).toBe(0);
    expect(result.lines.at(-1)).toMatchObject({ type: "info", notice: "FORGOTTEN" });
    expect((await rememberKeychain(svc)).trust).toBeNull();
    const list = await gateway.call("pairing.list", {});
    expect(list.devices.find((d: any) => d.deviceId === identity!.deviceId)).toMatchObject({ revokedBy: "self" });
  });

  it("refuses an expired code (CODE_EXPIRED)", async () => {
    await waitFor(() => Date.now() > expiring.expiresAtMs, "the 120 s code to expire", 180_000, 500);
    const result = await ocmap(newKeychainService(), "pair", gateway.url, expiring.code);
    expect(result.code).toBe(6);
    expect(result.lines.at(-1)).toMatchObject({ type: "error", code: "CODE_EXPIRED" });
  }, 200_000);

  it("never prints a code, token or key", () => {
    expect(secrets.size).toBeGreaterThan(15);
    const all = outputs.join("\n");
    expect(all.length).toBeGreaterThan(1000);
    for (const secret of secrets) expect(all.includes(secret), "CLI output contains a secret").toBe(false);
  });
});
