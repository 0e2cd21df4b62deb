import { createHash, createPrivateKey, createPublicKey, verify } from "node:crypto";
import { buildDeviceAuthPayloadV3 as referencePayloadV3 } from "@openclaw/gateway-client";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildDeviceAuthPayloadV3,
  createIdentity,
  deviceIdOf,
  exchangeProof,
  parseIdentity,
  sign,
  signConnectProof,
  type DeviceAuthPayloadV3Params,
} from "../../src/core/identity.node.ts";
import { exchangeSignaturePayload } from "@ocmap/protocol/pairing-protocol";

const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function nodeVerify(publicKeyB64u: string, text: string, signatureB64u: string): boolean {
  const raw = Buffer.from(publicKeyB64u, "base64url");
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: "der", type: "spki" });
  return verify(null, Buffer.from(text, "utf8"), key, Buffer.from(signatureB64u, "base64url"));
}

function nodePublicKeyFromSeed(seedB64u: string): string {
  const seed = Buffer.from(seedB64u, "base64url");
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
  return createPublicKey(priv).export({ format: "jwk" }).x as string;
}

const base: DeviceAuthPayloadV3Params = {
  deviceId: "a".repeat(64),
  clientId: "gateway-client",
  clientMode: "ui",
  role: "operator",
  scopes: ["operator.read", "operator.write"],
  signedAtMs: 1_795_259_036_228,
  token: "bootstrap-token-abc",
  nonce: "nonce-123",
  platform: "linux",
  deviceFamily: "desktop",
};

describe("buildDeviceAuthPayloadV3 conformance with @openclaw/gateway-client", () => {
  const cases: Array<[string, Partial<DeviceAuthPayloadV3Params>]> = [
    ["the default connect", {}],
    ["mixed-case, padded platform and family", { platform: "  Linux\t", deviceFamily: " DeskTop " }],
    ["macOS platform name", { platform: "Darwin" }],
    ["an empty token", { token: "" }],
    ["no token", { token: undefined }],
    ["one scope", { scopes: ["operator.admin"] }],
    ["several scopes in a non-sorted order", { scopes: ["operator.write", "operator.read", "operator.pairing"] }],
    ["no scopes", { scopes: [] }],
    ["non-ASCII letters, which the gateway does not fold", { platform: "ÄÖÜ-İx", deviceFamily: "Σ" }],
    ["empty platform and family", { platform: "", deviceFamily: "   " }],
  ];
  it.each(cases)("matches byte for byte: %s", (_name, overrides) => {
    const params = { ...base, ...overrides };
    expect(buildDeviceAuthPayloadV3(params)).toBe(referencePayloadV3(params));
  });

  it("writes the documented layout", () => {
    expect(buildDeviceAuthPayloadV3({ ...base, platform: " LINUX ", token: undefined })).toBe(
      `v3|${"a".repeat(64)}|gateway-client|ui|operator|operator.read,operator.write|` +
        "1795259036228||nonce-123|linux|desktop",
    );
  });

  it("matches for arbitrary field values", () => {
    fc.assert(
      fc.property(
        fc.record({
          deviceId: fc.string(),
          clientId: fc.string(),
          clientMode: fc.string(),
          role: fc.string(),
          scopes: fc.array(fc.string({ unit: "grapheme" })),
          signedAtMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          token: fc.option(fc.string(), { nil: undefined }),
          nonce: fc.string(),
          platform: fc.string({ unit: "grapheme" }),
          deviceFamily: fc.string({ unit: "binary" }),
        }),
        (p) => buildDeviceAuthPayloadV3(p) === referencePayloadV3(p),
      ),
      { numRuns: 500 },
    );
  });
});

describe("device identity", () => {
  it("creates a fresh Ed25519 identity whose seed Node derives to the same public key", () => {
    const first = createIdentity();
    const second = createIdentity();
    expect(first.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(nodePublicKeyFromSeed(first.privateKey)).toBe(first.publicKey);
    expect(first.privateKey).not.toBe(second.privateKey);
    expect(first.deviceId).not.toBe(second.deviceId);
  });

  it("deviceIdOf is the lowercase hex SHA-256 of the raw key, as Node computes it", () => {
    for (let i = 0; i < 5; i++) {
      const id = createIdentity();
      const expected = createHash("sha256").update(Buffer.from(id.publicKey, "base64url")).digest("hex");
      expect(deviceIdOf(id.publicKey)).toBe(expected);
      expect(id.deviceId).toBe(expected);
    }
  });

  it("deviceIdOf rejects keys that are not 32 bytes of unpadded base64url", () => {
    const { publicKey } = createIdentity();
    for (const bad of [publicKey + "=", publicKey.slice(1), publicKey + "A", publicKey.replace(/.$/, "+"), ""]) {
      expect(() => deviceIdOf(bad)).toThrow(/32 bytes/);
    }
  });

  it("signs UTF-8 text so that Node's crypto verifies it, and only that text", () => {
    const id = createIdentity();
    const text = "héllo | wörld ✓";
    const signature = sign(id, text);
    expect(nodeVerify(id.publicKey, text, signature)).toBe(true);
    expect(nodeVerify(id.publicKey, text + " ", signature)).toBe(false);
    expect(nodeVerify(createIdentity().publicKey, text, signature)).toBe(false);
  });
});

describe("proofs", () => {
  it("signConnectProof signs exactly the gateway's reference v3 payload with signedAt = challenge ts", () => {
    const id = createIdentity();
    const params = {
      clientId: "gateway-client",
      clientMode: "ui",
      role: "operator",
      scopes: ["operator.read", "operator.write"],
      token: "boot-token",
      nonce: "challenge-nonce",
      challengeTs: 1_795_259_000_000,
      platform: "Linux",
      deviceFamily: "Desktop",
    };
    const proof = signConnectProof(id, params);
    expect(proof).toEqual({
      id: id.deviceId,
      publicKey: id.publicKey,
      signature: expect.any(String),
      signedAt: params.challengeTs,
      nonce: params.nonce,
    });
    const reference = referencePayloadV3({ ...params, deviceId: id.deviceId, signedAtMs: params.challengeTs });
    expect(nodeVerify(id.publicKey, reference, proof.signature)).toBe(true);
    const withoutToken = referencePayloadV3({
      ...params,
      token: undefined,
      deviceId: id.deviceId,
      signedAtMs: params.challengeTs,
    });
    expect(nodeVerify(id.publicKey, withoutToken, proof.signature)).toBe(false);
  });

  it("signConnectProof without a token signs an empty token field", () => {
    const id = createIdentity();
    const proof = signConnectProof(id, {
      clientId: "gateway-client",
      clientMode: "ui",
      role: "operator",
      scopes: ["operator.read"],
      nonce: "n",
      challengeTs: 42,
      platform: "linux",
      deviceFamily: "desktop",
    });
    expect(
      nodeVerify(
        id.publicKey,
        `v3|${id.deviceId}|gateway-client|ui|operator|operator.read|42||n|linux|desktop`,
        proof.signature,
      ),
    ).toBe(true);
  });

  it("exchangeProof signs the contract's exchange payload, with an empty requestId when absent", () => {
    const id = createIdentity();
    const withRequest = exchangeProof(id, { nonce: "code-nonce", requestId: "req-1", signedAt: 1000 });
    expect(withRequest).toMatchObject({
      id: id.deviceId,
      publicKey: id.publicKey,
      signedAt: 1000,
      nonce: "code-nonce",
    });
    const payload = (requestId: string) =>
      exchangeSignaturePayload({
        nonce: "code-nonce",
        requestId,
        id: id.deviceId,
        publicKey: id.publicKey,
        signedAt: 1000,
      });
    expect(nodeVerify(id.publicKey, payload("req-1"), withRequest.signature)).toBe(true);
    expect(nodeVerify(id.publicKey, payload(""), withRequest.signature)).toBe(false);

    const without = exchangeProof(id, { nonce: "code-nonce", signedAt: 1000 });
    expect(nodeVerify(id.publicKey, payload(""), without.signature)).toBe(true);
  });
});

describe("parseIdentity", () => {
  it("accepts a stored identity and returns only its three fields", () => {
    const id = createIdentity();
    const parsed = parseIdentity(JSON.parse(JSON.stringify(id)));
    expect(parsed).toEqual(id);
  });

  it("rejects tampered or malformed records without echoing the private key", () => {
    const id = createIdentity();
    const other = createIdentity();
    const flipLast = (s: string) => s.slice(0, -2) + (s.at(-2) === "A" ? "B" : "A") + s.at(-1);
    const bad: Array<[string, unknown, RegExp]> = [
      ["not an object", "nope", /not an object/],
      ["null", null, /not an object/],
      ["an array", [id.deviceId, id.publicKey, id.privateKey], /not an object/],
      ["a missing field", { deviceId: id.deviceId, publicKey: id.publicKey }, /exactly/],
      ["an extra field", { ...id, extra: 1 }, /exactly/],
      ["a non-string key", { ...id, publicKey: 5 }, /publicKey is not a string/],
      ["another device's id", { ...id, deviceId: other.deviceId }, /deviceId does not match/],
      ["an upper-case id", { ...id, deviceId: id.deviceId.toUpperCase() }, /deviceId does not match/],
      ["a tampered public key", { ...id, publicKey: flipLast(id.publicKey) }, /deviceId does not match/],
      ["another device's seed", { ...id, privateKey: other.privateKey }, /does not belong/],
      ["a padded seed", { ...id, privateKey: id.privateKey + "=" }, /privateKey is not 32 bytes/],
      ["a short seed", { ...id, privateKey: id.privateKey.slice(4) }, /privateKey is not 32 bytes/],
      [
        "a public key as standard base64",
        { ...id, publicKey: Buffer.from(id.publicKey, "base64url").toString("base64") },
        /publicKey is not 32 bytes/,
      ],
    ];
    for (const [name, record, why] of bad) {
      let error: unknown;
      try {
        parseIdentity(record);
      } catch (caught) {
        error = caught;
      }
      expect(error, name).toBeInstanceOf(Error);
      expect((error as Error).message, name).toMatch(why);
      expect(String((error as Error).stack), name).not.toContain(id.privateKey);
      expect(String((error as Error).stack), name).not.toContain(other.privateKey);
    }
  });
});
