// Gateway identity statements, the readable fingerprint, and the SPKI pin (cross-checked with openssl).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkGrantIdentity,
  createGatewayIdentityKey,
  gatewayFingerprint,
  isTlsPin,
  judgePinStatement,
  signPinStatement,
  verifyPinStatement,
  CLOCK_SKEW_ALLOWANCE_MS,
  type PinnedCertificate,
  type UnsignedPinStatement,
} from "@ocmap/protocol/gateway-identity";
import { spkiPinOfPem } from "../../src/core/tls-pin.node.ts";
import { makeSelfSignedCertificate } from "../harness/tls-certs.ts";

const pinA = createHash("sha256").update("a").digest("base64url");
const pinB = createHash("sha256").update("b").digest("base64url");

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 7);
const fields = (tlsPin: string, serial = 1, extra: Partial<UnsignedPinStatement> = {}) => ({
  tlsPin,
  serial,
  issuedAtMs: NOW - DAY,
  notBeforeMs: NOW - DAY,
  notAfterMs: NOW + DAY,
  minSerial: 1,
  ...extra,
});

describe("gateway identity", () => {
  it("a statement verifies only for the pinned key and the pin actually observed", () => {
    const key = createGatewayIdentityKey();
    const statement = signPinStatement(key, fields(pinA));
    expect(verifyPinStatement(key.publicKey, pinA, statement)).toEqual(statement);
    expect(verifyPinStatement(key.publicKey, pinB, statement)).toBeUndefined();
    expect(verifyPinStatement(key.publicKey, pinB, { ...statement, tlsPin: pinB })).toBeUndefined();
    const other = createGatewayIdentityKey();
    expect(verifyPinStatement(other.publicKey, pinA, statement)).toBeUndefined();
    expect(verifyPinStatement(other.publicKey, pinA, signPinStatement(other, fields(pinA)))).toBeDefined();
    expect(verifyPinStatement(key.publicKey, pinA, { ...statement, publicKey: other.publicKey })).toBeUndefined();
    // Every signed number is bound: none can be changed.
    for (const field of ["serial", "issuedAtMs", "notBeforeMs", "notAfterMs", "minSerial"] as const)
      expect(verifyPinStatement(key.publicKey, pinA, { ...statement, [field]: statement[field] + 1 })).toBeUndefined();
    for (const bad of [undefined, null, "x", {}, { ...statement, signature: "AAAA" }]) {
      expect(verifyPinStatement(key.publicKey, pinA, bad)).toBeUndefined();
    }
    expect(() => signPinStatement(key, fields("not-a-pin"))).toThrow();
    expect(() => signPinStatement(key, fields(pinA, 2, { minSerial: 3 }))).toThrow(); // a floor above the serial
    expect(() => signPinStatement(key, fields(pinA, 0))).toThrow();
  });

  it("client rules: a higher serial renews; lower, retired, reused or out-of-window statements are refused", () => {
    const key = createGatewayIdentityKey();
    const judge = (pinned: PinnedCertificate | undefined, serial: number, pin = pinB, extra = {}) =>
      judgePinStatement(pinned, signPinStatement(key, fields(pin, serial, extra)), NOW);
    const pinned: PinnedCertificate = { tlsPin: pinA, serial: 3, minSerial: 2, notBeforeMs: 0, notAfterMs: NOW + DAY };
    expect(judge(pinned, 4)).toEqual({
      ok: true,
      pinned: { tlsPin: pinB, serial: 4, minSerial: 2, notBeforeMs: NOW - DAY, notAfterMs: NOW + DAY },
    });
    expect(judge(pinned, 4, pinB, { minSerial: 4 })).toMatchObject({ ok: true, pinned: { minSerial: 4 } });
    expect(judge(pinned, 3, pinA, { minSerial: 3 })).toMatchObject({ ok: true, pinned: { serial: 3, minSerial: 3 } });
    expect(judge(pinned, 2)).toEqual({ ok: false, reason: "ROLLBACK" });
    expect(judge(pinned, 1)).toEqual({ ok: false, reason: "RETIRED" });
    expect(judge(pinned, 3)).toEqual({ ok: false, reason: "SERIAL_REUSED" });
    expect(judge(undefined, 1)).toMatchObject({ ok: true, pinned: { serial: 1 } }); // at pairing: any serial
    // The window, with the stated skew allowance on each side.
    const window = (notBeforeMs: number, notAfterMs: number) => judge(pinned, 5, pinB, { notBeforeMs, notAfterMs });
    expect(window(NOW - DAY, NOW - CLOCK_SKEW_ALLOWANCE_MS)).toMatchObject({ ok: true });
    expect(window(NOW - DAY, NOW - CLOCK_SKEW_ALLOWANCE_MS - 1)).toEqual({ ok: false, reason: "OUTSIDE_VALIDITY" });
    expect(window(NOW + CLOCK_SKEW_ALLOWANCE_MS, NOW + DAY)).toMatchObject({ ok: true });
    expect(window(NOW + CLOCK_SKEW_ALLOWANCE_MS + 1, NOW + DAY)).toEqual({ ok: false, reason: "OUTSIDE_VALIDITY" });
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
  const grant = signPinStatement(key, fields(pinA, 7, { minSerial: 5 }));
  const certificate = { tlsPin: pinA, serial: 7, minSerial: 5, notBeforeMs: NOW - DAY, notAfterMs: NOW + DAY };

  it("accepts the pin the client saw, signed by the grant's key, and keeps its serial, floor and window", () => {
    expect(checkGrantIdentity(grant, { observedPin: pinA, verifiedByCa: false }, NOW)).toEqual({
      ok: true,
      publicKey: key.publicKey,
      certificate,
    });
    expect(checkGrantIdentity({ publicKey: key.publicKey }, undefined)).toEqual({ ok: true, publicKey: key.publicKey });
    expect(checkGrantIdentity({ publicKey: key.publicKey }, { observedPin: pinB, verifiedByCa: true }).ok).toBe(true);
  });

  it("refuses a relaying proxy, a missing pin in capture mode, a bad signature, a malformed identity", () => {
    const check = (identity: unknown, nowMs = NOW) =>
      checkGrantIdentity(identity, { observedPin: pinB, verifiedByCa: false }, nowMs);
    expect(check(grant)).toEqual({ ok: false, reason: "TLS_PIN_MISMATCH" });
    expect(check({ publicKey: key.publicKey })).toEqual({ ok: false, reason: "TLS_PIN_MISSING" });
    const other = createGatewayIdentityKey();
    const wrongSigner = { ...signPinStatement(key, fields(pinB)), publicKey: other.publicKey };
    expect(check(wrongSigner)).toEqual({ ok: false, reason: "TLS_PIN_SIGNATURE" });
    // A v1 grant (the pin signed as ["ocmap-gateway-tls-pin-v1", tlsPin]) has no serial: refused.
    expect(check({ publicKey: key.publicKey, tlsPin: pinB, tlsPinSignature: grant.signature })).toEqual({
      ok: false,
      reason: "TLS_PIN_SIGNATURE",
    });
    expect(check(signPinStatement(key, fields(pinB)), NOW + 2 * DAY)).toEqual({
      ok: false,
      reason: "OUTSIDE_VALIDITY",
    });
    expect(check(undefined)).toEqual({ ok: false, reason: "IDENTITY_MALFORMED" });
    expect(check({ publicKey: "x" })).toEqual({ ok: false, reason: "IDENTITY_MALFORMED" });
  });
});
