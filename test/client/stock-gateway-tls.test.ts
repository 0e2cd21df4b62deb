// A gateway WITHOUT ocmap-pairing serving its own self-signed certificate (client core in-process, real gateway,
// real keychain): its setup code carries the certificate's fingerprint, which OCMAP pins before any byte; the
// approval wait ends with the operator's `device.pair.approve` or with a cancel; a code naming another certificate
// sends nothing; the device removed → REVOKED; a regenerated certificate → GATEWAY_IDENTITY_CHANGED, trust kept.
import { X509Certificate } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCore } from "../../src/core/core.node.ts";
import type { CoreView } from "../../src/core/core-view.std.ts";
import { Keystore } from "../../src/core/keystore.node.ts";
import { STOCK_CERTIFICATE_CHANGED } from "../../src/core/trusted-session.node.ts";
import { newKeychainService } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";

let gateway: Gateway;
const views: CoreView[] = [];
const secrets = new Set<string>();

beforeAll(async () => {
  // Bound to an address it advertises itself (not loopback-only), so its setup code names it with the fingerprint.
  gateway = await startGateway({
    loadPlugin: false,
    tls: true,
    gateway: { bind: "custom", customBindHost: "127.0.0.1" },
  });
}, 240_000);
afterAll(async () => {
  await gateway?.dispose();
});

const decode = (code: string) => JSON.parse(Buffer.from(code, "base64url").toString("utf8"));
const encode = (payload: object) => Buffer.from(JSON.stringify(payload)).toString("base64url");
const servedFingerprint = () =>
  new X509Certificate(readFileSync(gateway.tlsCertPath!)).fingerprint256.replaceAll(":", "").toLowerCase();

async function setupCode(): Promise<string> {
  const { setupCode: code } = await gateway.call("device.pair.setupCode", { includeQr: false });
  secrets.add(code).add(decode(code).bootstrapToken);
  return code;
}

const pending = async (): Promise<Array<{ requestId: string; deviceId: string }>> =>
  (await gateway.call("device.pair.list", {})).pending;

function coreWith(service: string) {
  const keystore = new Keystore({ service });
  const core = createCore({ keystore, timeoutMs: 5_000, approvalPollMs: 250 });
  core.subscribe((view) => views.push(view));
  core.start();
  return { core, keystore };
}

/** Starts pairing and waits until the gateway asks for approval; `request` is the pending request it made. */
async function pairAwaitingApproval(service: string, code: string) {
  const earlier = new Set((await pending()).map((request) => request.requestId));
  const paired = coreWith(service);
  await paired.core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
  paired.core.pair(decode(code).url, code);
  const waiting = await paired.core.waitFor((v) => v.pairingStep === "waiting-for-approval", 30_000);
  const request = (await pending()).find((candidate) => !earlier.has(candidate.requestId))!;
  return { ...paired, waiting, request };
}

describe("a stock gateway over its own TLS, paired with its setup code (core, real gateway and keychain)", () => {
  const service = newKeychainService();

  it("the setup code carries the served certificate's SHA-256 fingerprint", async () => {
    expect(decode(await setupCode())).toMatchObject({ url: gateway.url, tlsFingerprint: servedFingerprint() });
  });

  it("waits for approval with a clear sentence; a cancel ends the wait and stores nothing", async () => {
    const { core, keystore, waiting } = await pairAwaitingApproval(newKeychainService(), await setupCode());
    expect(waiting).toMatchObject({ state: "PAIRING_IN_PROGRESS", reason: { code: "AWAITING_APPROVAL" } });
    expect(waiting.gateway?.host).toBe(new URL(gateway.url).host);
    core.cancelPairing();
    const end = await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
    expect(end.reason.code).toBe("CANCELLED");
    expect(await keystore.loadTrust()).toBeNull();
    core.stop();
  });

  it("pairs pinned once the operator approves (device.pair.approve), storing a stock-gateway record", async () => {
    const { core, keystore, request } = await pairAwaitingApproval(service, await setupCode());
    await gateway.call("device.pair.approve", { requestId: request.requestId });
    const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS", 30_000);
    expect(end.lastError).toBeNull();
    expect(end).toMatchObject({ state: "PAIRED_CONNECTED", gateway: { stock: true, fingerprint: null } });
    const trust = await keystore.loadTrust();
    secrets.add(trust!.deviceToken);
    expect(trust).toMatchObject({ deviceId: request.deviceId, stockGateway: { tlsFingerprint: servedFingerprint() } });
    expect(trust!.gatewayIdentity).toBeUndefined();
    core.stop();
  });

  it("a fresh core reconnects pinned from the keychain alone", async () => {
    const { core } = coreWith(service);
    await core.waitFor((v) => v.state === "PAIRED_CONNECTED", 30_000);
    core.stop();
  });

  it("a setup code naming another certificate: refused before anything is sent", async () => {
    const before = (await pending()).length;
    const forged = encode({ ...decode(await setupCode()), tlsFingerprint: "ab".repeat(32) });
    const { core, keystore } = coreWith(newKeychainService());
    await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
    core.pair(gateway.url, forged);
    const end = await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle" && v.lastError !== null);
    expect(end.lastError?.code).toBe("GATEWAY_IDENTITY_CHANGED");
    expect(end.lastError?.message).toMatch(/other than the one its setup code names/);
    expect((await pending()).length).toBe(before); // the gateway never saw a connect
    expect(await keystore.loadTrust()).toBeNull();
    core.stop();
  });

  it("goes to REVOKED (trust wiped) when the operator removes the device", async () => {
    const { core, keystore } = coreWith(service);
    await core.waitFor((v) => v.state === "PAIRED_CONNECTED", 30_000);
    const deviceId = (await keystore.loadTrust())!.deviceId;
    await gateway.call("device.pair.remove", { deviceId });
    await core.waitFor((v) => v.state === "REVOKED" && v.activity !== "forgetting", 30_000);
    expect(await keystore.loadTrust()).toBeNull();
    core.stop();
  });

  it("a regenerated certificate: GATEWAY_IDENTITY_CHANGED with a sentence to pair again; trust kept", async () => {
    const again = newKeychainService();
    const { core, keystore, request } = await pairAwaitingApproval(again, await setupCode());
    await gateway.call("device.pair.approve", { requestId: request.requestId });
    await core.waitFor((v) => v.state === "PAIRED_CONNECTED", 30_000);
    core.stop();
    const trust = await keystore.loadTrust();
    secrets.add(trust!.deviceToken);

    await gateway.kill();
    rmSync(join(gateway.stateDir, "gateway/tls"), { recursive: true, force: true });
    await gateway.start();
    expect(servedFingerprint()).not.toBe(trust!.stockGateway!.tlsFingerprint);
    const later = coreWith(again);
    const view = await later.core.waitFor((v) => v.lastError?.code === "GATEWAY_IDENTITY_CHANGED", 30_000);
    expect(view.state).toBe("PAIRED_DISCONNECTED");
    expect(view.lastError?.message).toBe(STOCK_CERTIFICATE_CHANGED);
    expect(await keystore.loadTrust()).toEqual(trust);
    later.core.stop();
  });

  it("no view carried a setup code, bootstrap token or device token", () => {
    const seen = JSON.stringify(views);
    for (const secret of secrets) expect(seen).not.toContain(secret);
  });
});
