// Pairing v2 over the gateway's own self-signed certificate, end to end (client core in-process, real
// gateway + plugin, real keychain): the PAKE authenticates the certificate, every later connection is pinned,
// a renewed certificate is accepted through the identity key's signature, and a TLS man in the middle is
// refused at pairing and at reconnect with the trust kept.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayFingerprint } from "@ocmap/protocol/gateway-identity";
import { createCore } from "../../src/core/core.node.ts";
import type { CoreView } from "../../src/core/core-view.std.ts";
import { Keystore, type TrustRecord } from "../../src/core/keystore.node.ts";
import { spkiPinOfPem } from "../../src/core/tls-pin.node.ts";
import { newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { startTlsMitm } from "../harness/tls-mitm.ts";

let gateway: Gateway;
const views: CoreView[] = [];
const secrets = new Set<string>();

beforeAll(async () => {
  gateway = await startGateway({ tls: true });
});
afterAll(async () => {
  await gateway?.dispose();
});

const servedPin = () => spkiPinOfPem(readFileSync(gateway.tlsCertPath!, "utf8"));

async function newCode() {
  const created = await gateway.call("pairing.createCode", {});
  secrets.add(created.code).add(created.code.replace("-", ""));
  return created as { code: string; codeId: string; gatewayFingerprint: string };
}

function coreWith(service: string) {
  const keystore = new Keystore({ service });
  const core = createCore({ keystore, timeoutMs: 5_000 });
  core.subscribe((view) => views.push(view));
  core.start();
  return { core, keystore };
}

async function remember(keystore: Keystore): Promise<TrustRecord | null> {
  const trust = await keystore.loadTrust();
  if (trust) secrets.add(trust.deviceToken);
  return trust;
}

const deviceIds = async () => (await gateway.call("pairing.list", {})).devices.map((d: any) => d.deviceId as string);

describe("pairing v2 over the gateway's own certificate (real gateway and keychain)", () => {
  const service = newKeychainService();

  it("pairs over self-signed wss://, pinning the certificate and the gateway identity", async () => {
    const created = await newCode();
    const { core, keystore } = coreWith(service);
    await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
    core.pair(gateway.url, created.code);
    const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "starting", 30_000);
    expect(end.lastError).toBeNull();
    expect(end.state).toBe("PAIRED_CONNECTED");
    const trust = await remember(keystore);
    expect(trust!.gatewayIdentity!.tlsPin).toBe(servedPin());
    expect(gatewayFingerprint(trust!.gatewayIdentity!.publicKey)).toBe(created.gatewayFingerprint);
    expect(end.gateway).toMatchObject({ insecure: false, fingerprint: created.gatewayFingerprint });
    core.stop();
  });

  it("a fresh core reconnects pinned from the keychain alone", async () => {
    const { core } = coreWith(service);
    const view = await core.waitFor((v) => v.state === "PAIRED_CONNECTED", 30_000);
    expect(view.gateway?.fingerprint).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
    core.stop();
  });

  it("a certificate regenerated with a new key is accepted through the identity key's signature", async () => {
    const before = servedPin();
    await gateway.kill();
    rmSync(join(gateway.stateDir, "gateway/tls"), { recursive: true, force: true });
    await gateway.start();
    expect(servedPin()).not.toBe(before);
    const { core, keystore } = coreWith(service);
    await core.waitFor((v) => v.state === "PAIRED_CONNECTED", 30_000);
    expect((await remember(keystore))!.gatewayIdentity!.tlsPin).toBe(servedPin()); // the new pin, stored
    core.stop();
  });

  it("a TLS man in the middle at reconnect is refused before any auth byte; trust kept, not REVOKED", async () => {
    const keystore = new Keystore({ service });
    const trust = (await remember(keystore))!;
    const mitm = await startTlsMitm(gateway.port);
    try {
      // The same trust, reached through the proxy (as a hostile network would route it).
      await keystore.saveTrust({ ...trust, gatewayUrl: `wss://127.0.0.1:${mitm.port}` });
      const { core } = coreWith(service);
      const view = await core.waitFor((v) => v.lastError?.code === "GATEWAY_IDENTITY_CHANGED", 30_000);
      expect(view.state).toBe("PAIRED_DISCONNECTED");
      expect(view.reconnect?.nextRetryAt ?? 0).toBeGreaterThan(Date.now());
      core.stop();
      const status = await runCli(service, ["status", "--json"]);
      expect(status.code).toBe(9);
      expect(status.lines.at(-1)).toMatchObject({ lastError: { code: "GATEWAY_IDENTITY_CHANGED" } });
      const seen = mitm.fromClient().toString("latin1");
      expect(seen).not.toContain(trust.deviceToken);
      expect(seen).not.toMatch(/Upgrade: websocket/i); // only the unauthenticated identity statement was asked
      // `ocmap status` moved the single record into the gateway's own entries; the trust is the same.
      const kept = await (await gatewayKeys(service)).loadTrust();
      expect(kept).toMatchObject({ deviceToken: trust.deviceToken, gatewayIdentity: trust.gatewayIdentity });
    } finally {
      await (await gatewayKeys(service)).saveTrust(trust);
      await mitm.close();
    }
  });

  it("a TLS man in the middle at pairing is refused: no connect, no device approved, the attempt counted", async () => {
    const created = await newCode();
    const devicesBefore = await deviceIds();
    const mitm = await startTlsMitm(gateway.port);
    const service2 = newKeychainService();
    try {
      const { core, keystore } = coreWith(service2);
      await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
      core.pair(`wss://127.0.0.1:${mitm.port}`, created.code);
      const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "starting", 30_000);
      core.stop();
      expect(end.state).toBe("UNPAIRED");
      expect(end.lastError?.code).toBe("GATEWAY_IDENTITY_CHANGED");
      expect(await keystore.loadTrust()).toBeNull();
      const seen = mitm.fromClient().toString("latin1");
      expect(seen).toContain("/ocmap-pairing/v2/confirm"); // the relayed PAKE itself succeeded...
      expect(seen).not.toMatch(/Upgrade: websocket/i); // ...but the client stopped before any connect
      expect(seen).not.toContain("/ocmap-pairing/v2/exchange");
      expect(await deviceIds()).toEqual(devicesBefore);
      const list = await gateway.call("pairing.list", {});
      expect(list.events.some((e: any) => e.type === "code.redeemed" && e.codeId === created.codeId)).toBe(true);
      const state = JSON.parse(readFileSync(join(gateway.stateDir, "plugins/ocmap-pairing/state.json"), "utf8"));
      // counted against the code
      expect(state.codes.find((code: any) => code.codeId === created.codeId).failures).toBe(1);
    } finally {
      await mitm.close();
    }
  });

  it("the CLI pairs over self-signed wss:// and `ocmap status` prints the gateway identity", async () => {
    const created = await newCode();
    const cliService = newKeychainService();
    const paired = await runCli(cliService, ["pair", gateway.url, created.code]);
    expect(paired.code, paired.stderr).toBe(0);
    const status = await runCli(cliService, ["status"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`gateway identity ${created.gatewayFingerprint}`);
    const trust = await remember(await gatewayKeys(cliService));
    expect(trust!.gatewayIdentity!.tlsPin).toBe(servedPin());
    for (const secret of secrets) expect(paired.stdout + paired.stderr + status.stdout).not.toContain(secret);
  });

  it("no view carries a code, token or key", () => {
    const all = JSON.stringify(views);
    expect(views.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(all.includes(secret)).toBe(false);
  });
});
