// Certificate renewals that cannot roll the pin back, end to end (client core and CLI in-process or built,
// real gateway + plugin over its own TLS, real keychain): an ordinary renewal is accepted and told; an older
// certificate with its genuine old statement is refused before any connect byte; an expired certificate is
// refused; a certificate the operator retired is refused; a pin from before serials upgrades in place.
import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCore } from "../../src/core/core.node.ts";
import { gatewayIdOf } from "../../src/core/gateway-index.std.ts";
import { loadGatewayIndex } from "../../src/core/gateway-migration.node.ts";
import type { CoreView } from "../../src/core/core-view.std.ts";
import { Keystore, type TrustRecord } from "../../src/core/keystore.node.ts";
import { spkiPinOfPem } from "../../src/core/tls-pin.node.ts";
import { newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import type { TestCertificate } from "../harness/tls-certs.ts";
import { makeDatedCertificate } from "../harness/tls-dated-certs.ts";
import { startTlsImpostor } from "../harness/tls-impostor.ts";
import { waitFor } from "../harness/wait.ts";
import { post } from "../harness/wire-pairing.ts";

const DAY = 86_400_000;
/** A renewed certificate: a new key, valid from yesterday for a year. */
const renewal = () =>
  makeDatedCertificate({ notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 365 * DAY) });
let gateway: Gateway;
const service = newKeychainService();
let keystore = new Keystore({ service });
const views: CoreView[] = [];
/** Each certificate the gateway served, with the statement /v2/identity gave for it. */
const served: Array<{ certificate: TestCertificate; statement: any }> = [];

beforeAll(async () => {
  gateway = await startGateway({ tls: true });
});
afterAll(async () => {
  await gateway?.dispose();
});

const tlsDir = () => join(gateway.stateDir, "gateway/tls");
const identity = async () => (await post(gateway, "/ocmap-pairing/v2/identity", null, { method: "GET", raw: "" })).body;
const stored = async () => (await keystore.loadTrust()) as TrustRecord;

/** The SHA-256 fingerprint of the certificate the gateway's TLS really presents now. */
const presented = () =>
  new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port: gateway.port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerX509Certificate()!.fingerprint256);
      socket.destroy();
    });
    socket.on("error", reject);
  });

/** Replaces the gateway's certificate files (as a renewal does) and waits until it serves the new one. */
async function serve(certificate: TestCertificate) {
  writeFileSync(join(tlsDir(), "gateway-key.pem"), certificate.key, { mode: 0o600 });
  writeFileSync(join(tlsDir(), "gateway-cert.pem"), certificate.cert);
  const fingerprint = new X509Certificate(certificate.cert).fingerprint256;
  await waitFor(async () => (await presented()) === fingerprint, "the gateway to serve the new certificate");
  const statement = await identity();
  served.push({ certificate, statement });
  return statement;
}

function startCore() {
  const core = createCore({ keystore, timeoutMs: 5_000 });
  core.subscribe((view) => views.push(view));
  core.start();
  return core;
}

/** A fresh core's first settled connect with the stored trust. */
async function connectOnce() {
  const core = startCore();
  const view = await core.waitFor((v) => v.state === "PAIRED_CONNECTED" || v.lastError !== null, 30_000);
  core.stop();
  return view;
}

describe("renewals that cannot roll the pin back (real gateway and keychain, wss://)", () => {
  it("pairs, pinning the first certificate under its serial", async () => {
    served.push({
      certificate: {
        key: readFileSync(join(tlsDir(), "gateway-key.pem"), "utf8"),
        cert: readFileSync(join(tlsDir(), "gateway-cert.pem"), "utf8"),
      },
      statement: await identity(),
    });
    const created = await gateway.call("pairing.createCode", {});
    const core = startCore();
    await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
    core.pair(gateway.url, created.code);
    const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "starting", 30_000);
    core.stop();
    expect(end.state).toBe("PAIRED_CONNECTED");
    // The CLI keeps each gateway's entries apart: the record moves there now, and this file uses those entries.
    const id = gatewayIdOf((await keystore.loadTrust())!);
    await loadGatewayIndex(new Keystore({ service }));
    keystore = new Keystore({ service }).forGateway(id);
    expect((await stored()).gatewayIdentity).toMatchObject({ tlsPin: served[0]!.statement.tlsPin, serial: 1 });
  });

  it("an ordinary renewal is accepted, stored under the next serial and told in the app's view", async () => {
    const renewed = await serve(renewal());
    expect(renewed).toMatchObject({ serial: 2 });
    const view = await connectOnce();
    expect(view.state).toBe("PAIRED_CONNECTED");
    expect(view.notice).toEqual({
      code: "GATEWAY_CERT_RENEWED",
      message: expect.stringContaining("certificate changed and its identity vouched for it"),
    });
    expect((await stored()).gatewayIdentity).toMatchObject({ tlsPin: renewed.tlsPin, serial: 2 });
  });

  it("a renewal is told by the CLI as an info line", async () => {
    const renewed = await serve(renewal());
    const status = await runCli(service, ["status", "--json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.lines).toContainEqual({
      type: "info",
      notice: "GATEWAY_CERT_RENEWED",
      message: expect.stringContaining("identity vouched for it"),
    });
    expect((await stored()).gatewayIdentity).toMatchObject({ tlsPin: renewed.tlsPin, serial: 3 });
  });

  it("an older certificate with its genuine old statement is refused; no byte of a connect reaches it", async () => {
    const before = await stored();
    for (const old of served.slice(0, 2)) {
      const impostor = await startTlsImpostor(old.certificate, old.statement);
      try {
        await keystore.saveTrust({ ...before, gatewayUrl: impostor.url });
        const view = await connectOnce();
        expect(view.lastError?.code).toBe("GATEWAY_IDENTITY_CHANGED");
        expect(view.state).toBe("PAIRED_DISCONNECTED");
        // Only the public statement was asked for; no upgrade, no connect frame, no token.
        expect(impostor.connections()).toBeGreaterThan(0);
        expect(impostor.requests().every((line) => line === "GET /ocmap-pairing/v2/identity")).toBe(true);
        const bytes = impostor.received().toString("latin1");
        expect(bytes).not.toMatch(/upgrade: websocket/i);
        expect(bytes).not.toContain(before.deviceToken);
        expect((await stored()).gatewayIdentity).toEqual(before.gatewayIdentity); // trust kept, not rolled back
      } finally {
        await keystore.saveTrust(before);
        await impostor.close();
      }
    }
  });

  it("an expired certificate is refused before any connect byte, even with the pinned key", async () => {
    const current = served.at(-1)!.certificate;
    const window = { notBefore: new Date(Date.now() - 3 * DAY), notAfter: new Date(Date.now() - DAY) };
    const expired = makeDatedCertificate(window, current.key); // same key: the pin still matches
    expect(spkiPinOfPem(expired.cert)).toBe(spkiPinOfPem(current.cert));
    const before = await stored();
    await serve(expired);
    const view = await connectOnce();
    expect(view.lastError?.code).toBe("GATEWAY_CERT_EXPIRED");
    expect(await stored()).toEqual(before);
    const status = await runCli(service, ["status", "--json"]);
    expect(status.code).toBe(9);
    await serve(current); // back to the valid one: new content, so a new serial for the same pin
    expect((await connectOnce()).state).toBe("PAIRED_CONNECTED");
  });

  it("a pin from before serials upgrades in place at the next connection, without pairing again", async () => {
    const current = await stored();
    const { publicKey, tlsPin } = current.gatewayIdentity!;
    await keystore.saveTrust({ ...current, gatewayIdentity: { publicKey, tlsPin } }); // as records were
    const view = await connectOnce();
    expect(view.state).toBe("PAIRED_CONNECTED");
    expect(view.notice?.code).not.toBe("GATEWAY_CERT_RENEWED"); // the same certificate: nothing to tell
    const statement = await identity();
    expect((await stored()).gatewayIdentity).toEqual({
      publicKey,
      tlsPin,
      serial: statement.serial,
      minSerial: 1,
      notBeforeMs: statement.notBeforeMs,
      notAfterMs: statement.notAfterMs,
    });
    expect((await stored()).deviceToken).toBe(current.deviceToken);
  });

  it("certificates the operator retired are refused, even when the gateway itself serves one again", async () => {
    const current = served.at(-1)!;
    const retired = await gateway.call("pairing.retireCertificates", {});
    const floor = (await identity()).serial;
    expect(retired).toMatchObject({ minSerial: floor });
    expect(await identity()).toMatchObject({ minSerial: floor });
    const list = await gateway.call("pairing.list", {});
    expect(list.certificates).toMatchObject({ minSerial: floor, servedRetired: false });
    expect(list.certificates.older.every((entry: any) => entry.retired)).toBe(true);
    const audited = list.events.map((event: any) => `${event.type} ${event.reason}`);
    expect(audited).toEqual(
      expect.arrayContaining(["certificate.renewed serial 2", `certificate.retired below serial ${floor}`]),
    );

    await serve(served[0]!.certificate); // an old certificate restored (say, from a backup)
    expect(await identity()).not.toHaveProperty("tlsPin"); // the identity no longer vouches for it
    expect((await gateway.call("pairing.list", {})).certificates.servedRetired).toBe(true);
    const before = await stored();
    const view = await connectOnce();
    expect(view.lastError?.code).toBe("GATEWAY_IDENTITY_CHANGED");
    expect(await stored()).toEqual(before);

    await serve(current.certificate);
    expect((await connectOnce()).state).toBe("PAIRED_CONNECTED");
  });

  it("no view carries the device token", async () => {
    const token = (await stored()).deviceToken;
    expect(views.length).toBeGreaterThan(10);
    expect(JSON.stringify(views)).not.toContain(token);
  });
});
