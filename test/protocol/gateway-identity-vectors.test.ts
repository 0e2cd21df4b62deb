// The renewal statement's test vector (docs/pairing-protocol.md, "Gateway identity"): a fixed identity key, a
// fixed statement, the exact bytes signed and the signature, checked against this implementation and against
// node:crypto's Ed25519 as an independent verifier, so another implementation can check itself byte for byte.
import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  judgePinStatement,
  pinStatementBytes,
  signPinStatement,
  verifyPinStatement,
} from "@ocmap/protocol/gateway-identity";

/** Seed 0x01 0x02 … 0x20; the pin is SHA-256("ocmap example SubjectPublicKeyInfo"). */
const KEY = {
  privateKey: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA",
  publicKey: "ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ",
};
const STATEMENT = {
  publicKey: KEY.publicKey,
  tlsPin: "g9zjampjZLxpX4UZXnV_scSuuZaW9XxKfECp3KpFViU",
  serial: 2,
  issuedAtMs: 1796601600000, // 2026-12-07T00:00:00Z
  notBeforeMs: 1796515200000, // 2026-12-06T00:00:00Z
  notAfterMs: 1828051200000, // 2027-12-06T00:00:00Z
  minSerial: 2,
  signature: "HaQH_zNPViqf1_3mjpWf_epd7IqoDuEQfnskDMpezPqmyLalw3T8-dS5X6QpQpxxWa6QZupYuB7j0hVWJ9mbCw",
};
const SIGNED_TEXT =
  '["ocmap-gateway-tls-pin-v2","ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ",' +
  '"g9zjampjZLxpX4UZXnV_scSuuZaW9XxKfECp3KpFViU",2,1796601600000,1796515200000,1828051200000,2]';

describe("gateway identity statement vector", () => {
  it("signs exactly the documented bytes into the documented signature", () => {
    const { publicKey: _key, signature: _signature, ...fields } = STATEMENT;
    expect(new TextDecoder().decode(pinStatementBytes(STATEMENT))).toBe(SIGNED_TEXT);
    expect(signPinStatement(KEY, fields)).toEqual(STATEMENT);
  });

  it("an independent Ed25519 (node:crypto) verifies it; one changed byte does not", () => {
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: KEY.publicKey }, format: "jwk" });
    const signature = Buffer.from(STATEMENT.signature, "base64url");
    expect(verify(null, Buffer.from(SIGNED_TEXT, "utf8"), publicKey, signature)).toBe(true);
    expect(verify(null, Buffer.from(SIGNED_TEXT.replace(",2,", ",3,"), "utf8"), publicKey, signature)).toBe(false);
    expect(verifyPinStatement(KEY.publicKey, STATEMENT.tlsPin, STATEMENT)).toEqual(STATEMENT);
  });

  it("a client that accepted serial 3 refuses it; one at serial 1 takes it and its floor", () => {
    const at = (serial: number) => ({ tlsPin: "x", serial, minSerial: 1, notBeforeMs: 0, notAfterMs: 2e12 });
    expect(judgePinStatement(at(3), STATEMENT, 1796601600000)).toEqual({ ok: false, reason: "ROLLBACK" });
    expect(judgePinStatement(at(1), STATEMENT, 1796601600000)).toMatchObject({ ok: true, pinned: { minSerial: 2 } });
  });
});
