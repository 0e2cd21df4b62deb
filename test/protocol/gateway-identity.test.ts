// Gateway identity statements, the readable fingerprint, and the SPKI pin (cross-checked with openssl).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkGrantIdentity,
  createGatewayIdentityKey,
  gatewayFingerprint,
  isTlsPin,
  pinStatementValid,
  signPinStatement,
} from "@ocmap/protocol/gateway-identity";
import { spkiPinOfPem } from "../../src/core/tls-pin.node.ts";
import { makeSelfSignedCertificate } from "../harness/tls-certs.ts";

const pinA = createHash("sha256").update("a").digest("base64url");
const pinB = createHash("sha256").update("b").digest("base64url");

describe("gateway identity", () => {
  it("a statement verifies only for the pinned key and the pin actually observed", () => {
    const key = createGatewayIdentityKey();
    const statement = signPinStatement(key, pinA);
    expect(pinStatementValid(key.publicKey, pinA, statement)).toBe(true);
    expect(pinStatementValid(key.publicKey, pinB, statement)).toBe(false);
    expect(pinStatementValid(key.publicKey, pinB, { ...statement, tlsPin: pinB })).toBe(false);
    const other = createGatewayIdentityKey();
    expect(pinStatementValid(other.publicKey, pinA, statement)).toBe(false);
    expect(pinStatementValid(other.publicKey, pinA, signPinStatement(other, pinA))).toBe(true);
    expect(pinStatementValid(key.publicKey, pinA, { ...statement, publicKey: other.publicKey })).toBe(false);
    for (const bad of [undefined, null, "x", {}, { ...statement, signature: "AAAA" }]) {
      expect(pinStatementValid(key.publicKey, pinA, bad)).toBe(false);
    }
    expect(() => signPinStatement(key, "not-a-pin")).toThrow();
  });

  it("the fingerprint is four groups of four upper-case hex digits, stable per key", () => {
    const key = createGatewayIdentityKey();
    expect(gatewayFingerprint(key.publicKey)).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
    expect(gatewayFingerprint(key.publicKey)).toBe(gatewayFingerprint(key.publicKey));
    expect(gatewayFingerprint(key.publicKey)).not.toBe(gatewayFingerprint(createGatewayIdentityKey().publicKey));
    expect(() => gatewayFingerprint("short")).toThrow();
  });

  it("the SPKI pin equals openssl's SHA-256 of the public key DER, and is a well-formed pin", () => {
    const { cert } = makeSelfSignedCertificate();
    const spkiDer = execFileSync("openssl", ["pkey", "-pubin", "-outform", "DER"], {
      input: execFileSync("openssl", ["x509", "-pubkey", "-noout"], { input: cert }),
    });
    const expected = createHash("sha256").update(spkiDer).digest("base64url");
    expect(spkiPinOfPem(cert)).toBe(expected);
    expect(isTlsPin(expected)).toBe(true);
    expect(spkiPinOfPem(makeSelfSignedCertificate().cert)).not.toBe(expected);
  });
});

describe("checkGrantIdentity", () => {
  const key = createGatewayIdentityKey();
  const signed = signPinStatement(key, pinA);
  const grant = { publicKey: key.publicKey, tlsPin: pinA, tlsPinSignature: signed.signature };

  it("accepts the pin the client saw, signed by the grant's key", () => {
    expect(checkGrantIdentity(grant, { observedPin: pinA, verifiedByCa: false })).toEqual({
      ok: true,
      publicKey: key.publicKey,
      tlsPin: pinA,
    });
    expect(checkGrantIdentity({ publicKey: key.publicKey }, undefined)).toEqual({ ok: true, publicKey: key.publicKey });
    expect(checkGrantIdentity({ publicKey: key.publicKey }, { observedPin: pinB, verifiedByCa: true }).ok).toBe(true);
  });

  it("refuses a relaying proxy, a missing pin in capture mode, a bad signature, a malformed identity", () => {
    const check = (identity: unknown, verifiedByCa = false) =>
      checkGrantIdentity(identity, { observedPin: pinB, verifiedByCa });
    expect(check(grant)).toEqual({ ok: false, reason: "TLS_PIN_MISMATCH" });
    expect(check({ publicKey: key.publicKey })).toEqual({ ok: false, reason: "TLS_PIN_MISSING" });
    const other = createGatewayIdentityKey();
    const wrongSigner = {
      publicKey: other.publicKey,
      tlsPin: pinB,
      tlsPinSignature: signPinStatement(key, pinB).signature,
    };
    expect(check(wrongSigner)).toEqual({ ok: false, reason: "TLS_PIN_SIGNATURE" });
    expect(check({ ...grant, tlsPin: pinB, tlsPinSignature: undefined })).toEqual({
      ok: false,
      reason: "TLS_PIN_SIGNATURE",
    });
    expect(check(undefined)).toEqual({ ok: false, reason: "IDENTITY_MALFORMED" });
    expect(check({ publicKey: "x" })).toEqual({ ok: false, reason: "IDENTITY_MALFORMED" });
  });
});
