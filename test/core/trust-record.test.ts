// The stored trust record's parser: v2 records pin the gateway identity; records paired by v1 (before CPace) have
// none and still load, so an upgrade never reports a sound keychain entry as damaged.
import { describe, expect, it } from "vitest";
import { parseTrustRecord } from "../../src/core/trust-record.std.ts";

const v1Record = {
  gatewayUrl: "wss://gateway.example.com",
  deviceId: "a".repeat(64),
  deviceToken: "token-value",
  role: "operator",
  scopes: ["operator.read", "operator.write"],
  pairedAtMs: 1_790_000_000_000,
  displayName: "OCMAP on test",
};
const publicKey = "A".repeat(43); // 32 bytes, unpadded base64url

describe("parseTrustRecord", () => {
  it("loads a v2 record with its pinned gateway identity", () => {
    const record = parseTrustRecord({ ...v1Record, gatewayIdentity: { publicKey } });
    expect(record.gatewayIdentity).toEqual({ publicKey });
  });

  it("loads a pin with its serial, floor and window, and a pin from before serials (upgraded later)", () => {
    const tlsPin = `${"Q".repeat(42)}A`;
    const certificate = { serial: 3, minSerial: 2, notBeforeMs: 1, notAfterMs: 2 };
    const pinned = { publicKey, tlsPin, ...certificate };
    expect(parseTrustRecord({ ...v1Record, gatewayIdentity: pinned }).gatewayIdentity).toEqual(pinned);
    expect(parseTrustRecord({ ...v1Record, gatewayIdentity: { publicKey, tlsPin } }).gatewayIdentity).toEqual({
      publicKey,
      tlsPin,
    });
    const broken = [
      { publicKey, tlsPin, serial: 3 }, // all four or none
      { publicKey, ...certificate }, // a serial without a pin
      { ...pinned, minSerial: 4 }, // a floor above the serial
      { ...pinned, notBeforeMs: 3 }, // a window that ends before it starts
      { ...pinned, serial: 1.5 },
    ];
    for (const gatewayIdentity of broken)
      expect(() => parseTrustRecord({ ...v1Record, gatewayIdentity })).toThrow(/malformed/);
  });

  it("loads a record paired by v1 (no gateway identity) without calling it damaged", () => {
    const record = parseTrustRecord(v1Record);
    expect(record.gatewayIdentity).toBeUndefined();
    expect(record.deviceId).toBe(v1Record.deviceId);
  });

  it("still refuses unknown fields, a malformed identity and a missing field, never naming the token", () => {
    const refusals = [
      () => parseTrustRecord({ ...v1Record, extra: 1 }),
      () => parseTrustRecord({ ...v1Record, gatewayIdentity: { publicKey: "short" } }),
      () => parseTrustRecord({ ...v1Record, gatewayIdentity: null }),
      () => parseTrustRecord({ ...v1Record, deviceToken: undefined, gatewayIdentity: { publicKey } }),
    ];
    for (const refuse of refusals) {
      expect(refuse).toThrow(/malformed/);
      expect(refuse).not.toThrow(/token-value/);
    }
  });

  it("loads a stock-gateway record (no identity key, optional certificate fingerprint); never both kinds", () => {
    expect(parseTrustRecord({ ...v1Record, stockGateway: {} }).stockGateway).toEqual({});
    const pinned = parseTrustRecord({ ...v1Record, stockGateway: { tlsFingerprint: "ab".repeat(32) } });
    expect(pinned.stockGateway).toEqual({ tlsFingerprint: "ab".repeat(32) });
    const refusals = [
      () => parseTrustRecord({ ...v1Record, stockGateway: { tlsFingerprint: "AB".repeat(32) } }),
      () => parseTrustRecord({ ...v1Record, stockGateway: { other: 1 } }),
      () => parseTrustRecord({ ...v1Record, stockGateway: null }),
      () => parseTrustRecord({ ...v1Record, stockGateway: {}, gatewayIdentity: { publicKey } }),
    ];
    for (const refuse of refusals) {
      expect(refuse).toThrow(/malformed/);
      expect(refuse).not.toThrow(/token-value/);
    }
  });
});
