// The gateway identity over the gateway's own TLS (docs/pairing-protocol.md, "Gateway identity"), against a
// real gateway serving its auto-generated certificate: the sealed grant names the pin of the certificate the
// client saw, signed by the per-install identity key whose fingerprint operators read out; after the
// certificate files are replaced with a new key (the gateway reloads them), /identity signs the new pin.
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkGrantIdentity, gatewayFingerprint, verifyPinStatement } from "@ocmap/protocol/gateway-identity";
import type { PinStatement } from "@ocmap/protocol/gateway-identity";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { makeSelfSignedCertificate } from "../harness/tls-certs.ts";
import { waitFor } from "../harness/wait.ts";
import { pakeGrant, post } from "../harness/wire-pairing.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ tls: true });
});
afterAll(async () => {
  await gateway?.dispose();
});

const pinOfPem = (pem: string) =>
  createHash("sha256")
    .update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" }))
    .digest("base64url");
const identity = () => post(gateway, "/ocmap-pairing/v2/identity", null, { method: "GET", raw: "" });

describe("gateway identity over the gateway's own TLS (real gateway, wss://)", () => {
  it("the grant's tlsPin is the served certificate's pin, signed by the fingerprinted identity key", async () => {
    const created = await gateway.call("pairing.createCode", {});
    const granted = await pakeGrant(gateway, created.code);
    const served = granted.confirmReply.peerPin!;
    expect(served).toBe(pinOfPem(readFileSync(gateway.tlsCertPath!, "utf8")));
    const gatewayIdentity = granted.grant.gatewayIdentity as PinStatement;
    expect(gatewayIdentity.tlsPin).toBe(served);
    const certificate = new X509Certificate(readFileSync(gateway.tlsCertPath!, "utf8"));
    expect(checkGrantIdentity(gatewayIdentity, { observedPin: served, verifiedByCa: false })).toEqual({
      ok: true,
      publicKey: gatewayIdentity.publicKey,
      certificate: {
        tlsPin: served,
        serial: 1,
        minSerial: 1,
        notBeforeMs: Date.parse(certificate.validFrom),
        notAfterMs: Date.parse(certificate.validTo),
      },
    });
    expect(gatewayFingerprint(gatewayIdentity.publicKey)).toBe(created.gatewayFingerprint);
    expect((await gateway.call("pairing.list", {})).gatewayFingerprint).toBe(created.gatewayFingerprint);
    // A pin the client did not see (a TLS proxy's) does not pass with this grant.
    const proxied = checkGrantIdentity(gatewayIdentity, { observedPin: "A".repeat(43), verifiedByCa: false });
    expect(proxied).toEqual({ ok: false, reason: "TLS_PIN_MISMATCH" });

    // The identity key lives in its own 0600 file, not in the state file.
    const dir = join(gateway.stateDir, "plugins/ocmap-pairing");
    const keyFile = join(dir, "gateway-identity.key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const { privateKey, publicKey } = JSON.parse(readFileSync(keyFile, "utf8"));
    expect(publicKey).toBe(gatewayIdentity.publicKey);
    expect(readFileSync(join(dir, "state.json"), "utf8")).not.toContain(privateKey);
    expect(gateway.logs()).not.toContain(privateKey);
  });

  it("GET and POST {} on /identity state the served pin; other bodies are refused", async () => {
    const got = await identity();
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ ok: true, tlsPin: got.peerPin });
    expect(verifyPinStatement(got.body.publicKey, got.peerPin!, got.body)).toMatchObject({ serial: 1 });
    expect((await post(gateway, "/ocmap-pairing/v2/identity", {})).body).toEqual(got.body);
    expect((await post(gateway, "/ocmap-pairing/v2/identity", { pin: "x" })).status).toBe(400);
  });

  it("after the certificate files are replaced with a new key, /identity signs the new pin, next serial", async () => {
    const before = await identity();
    const renewed = makeSelfSignedCertificate();
    const newPin = pinOfPem(renewed.cert);
    expect(newPin).not.toBe(before.peerPin);
    const tlsDir = join(gateway.stateDir, "gateway/tls");
    writeFileSync(join(tlsDir, "gateway-key.pem"), renewed.key, { mode: 0o600 });
    writeFileSync(join(tlsDir, "gateway-cert.pem"), renewed.cert);
    const after = await waitFor(async () => {
      const reply = await identity();
      return reply.peerPin === newPin ? reply : null;
    }, "the gateway to serve the renewed certificate").catch((err: Error) => {
      const renewal = gateway
        .logs()
        .split("\n")
        .filter((line) => /TLS/.test(line));
      throw new Error(`${err.message}\n${renewal.slice(-5).join("\n")}`);
    });
    expect(after.body.publicKey).toBe(before.body.publicKey);
    expect(after.body.tlsPin).toBe(newPin);
    expect(verifyPinStatement(before.body.publicKey, newPin, after.body)).toMatchObject({ serial: 2, minSerial: 1 });
    // The old statement does not vouch for the new certificate.
    expect(verifyPinStatement(before.body.publicKey, newPin, before.body)).toBeUndefined();
    // The serial is kept durably beside the key.
    const serials = JSON.parse(
      readFileSync(join(gateway.stateDir, "plugins/ocmap-pairing/gateway-certificates.json"), "utf8"),
    );
    expect(serials).toMatchObject({
      current: { serial: 2, tlsPin: newPin },
      older: [{ serial: 1, tlsPin: before.peerPin }],
    });
  }, 60_000);
});
