// The device's Ed25519 identity and the two proofs it signs: the gateway's v3 `connect` payload and
// the plugin's exchange payload (docs/pairing-protocol.md, /v2/exchange).
import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { exchangeSignaturePayload } from "@ocmap/protocol/pairing-protocol";

// noble's synchronous API needs a SHA-512; set once for the whole process.
ed.hashes.sha512 = sha512;

export interface DeviceIdentity {
  deviceId: string;
  /** Raw 32-byte Ed25519 public key, base64url without padding. */
  publicKey: string;
  /** 32-byte Ed25519 seed, base64url without padding. */
  privateKey: string;
}

export interface DeviceProof {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

export function createIdentity(): DeviceIdentity {
  const { secretKey, publicKey } = ed.keygen();
  const publicKeyB64u = toBase64Url(publicKey);
  return { deviceId: deviceIdOf(publicKeyB64u), publicKey: publicKeyB64u, privateKey: toBase64Url(secretKey) };
}

/** Lowercase hex SHA-256 of the raw 32-byte public key. */
export function deviceIdOf(publicKeyB64u: string): string {
  const raw = fromBase64Url32(publicKeyB64u);
  if (!raw) throw new Error("A device public key must be 32 bytes of unpadded base64url.");
  return bytesToHex(sha256(raw));
}

/** Ed25519 over the UTF-8 bytes of `text`, base64url without padding. */
export function sign(identity: DeviceIdentity, text: string): string {
  const seed = fromBase64Url32(identity.privateKey);
  if (!seed) throw new Error("The device identity's private key is malformed.");
  return toBase64Url(ed.sign(new TextEncoder().encode(text), seed));
}

/**
 * Validates a stored identity (the parsed JSON object). Error messages name the faulty field,
 * never its value, because the value may be the private key.
 */
export function parseIdentity(json: unknown): DeviceIdentity {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw malformed("it is not an object");
  const keys = Object.keys(json);
  const expected = ["deviceId", "privateKey", "publicKey"];
  if (keys.length !== expected.length || !expected.every((k) => keys.includes(k))) {
    throw malformed("it must have exactly deviceId, publicKey and privateKey");
  }
  const { deviceId, publicKey, privateKey } = json as Record<string, unknown>;
  if (typeof publicKey !== "string") throw malformed("publicKey is not a string");
  if (typeof privateKey !== "string") throw malformed("privateKey is not a string");
  if (typeof deviceId !== "string") throw malformed("deviceId is not a string");
  const pub = fromBase64Url32(publicKey);
  if (!pub) throw malformed("publicKey is not 32 bytes of unpadded base64url");
  const seed = fromBase64Url32(privateKey);
  if (!seed) throw malformed("privateKey is not 32 bytes of unpadded base64url");
  if (deviceId !== bytesToHex(sha256(pub))) throw malformed("deviceId does not match publicKey");
  if (toBase64Url(ed.getPublicKey(seed)) !== publicKey) throw malformed("privateKey does not belong to publicKey");
  return { deviceId, publicKey, privateKey };
}

export interface DeviceAuthPayloadV3Params {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: string[];
  signedAtMs: number;
  token?: string;
  nonce: string;
  platform: string;
  deviceFamily: string;
}

/**
 * The bytes the gateway verifies in `connect.device.signature`
 * (conformance-tested against @openclaw/gateway-client).
 */
export function buildDeviceAuthPayloadV3(params: DeviceAuthPayloadV3Params): string {
  return [
    "v3",
    params.deviceId,
    params.clientId,
    params.clientMode,
    params.role,
    params.scopes.join(","),
    String(params.signedAtMs),
    params.token ?? "",
    params.nonce,
    normalizeDeviceMetadata(params.platform),
    normalizeDeviceMetadata(params.deviceFamily),
  ].join("|");
}

export interface ConnectProofParams {
  clientId: string;
  clientMode: string;
  role: string;
  scopes: string[];
  /** The auth token sent in `connect` (device token or bootstrap token), if any. */
  token?: string;
  nonce: string;
  /** `ts` of the `connect.challenge` event; it becomes `signedAt`. */
  challengeTs: number;
  platform: string;
  deviceFamily: string;
}

/** The `device` object of a `connect` request. */
export function signConnectProof(identity: DeviceIdentity, params: ConnectProofParams): DeviceProof {
  const payload = buildDeviceAuthPayloadV3({
    deviceId: identity.deviceId,
    clientId: params.clientId,
    clientMode: params.clientMode,
    role: params.role,
    scopes: params.scopes,
    signedAtMs: params.challengeTs,
    token: params.token,
    nonce: params.nonce,
    platform: params.platform,
    deviceFamily: params.deviceFamily,
  });
  return {
    id: identity.deviceId,
    publicKey: identity.publicKey,
    signature: sign(identity, payload),
    signedAt: params.challengeTs,
    nonce: params.nonce,
  };
}

/**
 * The `device` object of `POST /ocmap-pairing/exchange`;
 * `requestId` is absent when the gateway already approved the device.
 */
export function exchangeProof(
  identity: DeviceIdentity,
  params: { nonce: string; requestId?: string; signedAt: number },
): DeviceProof {
  const payload = exchangeSignaturePayload({
    nonce: params.nonce,
    requestId: params.requestId ?? "",
    id: identity.deviceId,
    publicKey: identity.publicKey,
    signedAt: params.signedAt,
  });
  return {
    id: identity.deviceId,
    publicKey: identity.publicKey,
    signature: sign(identity, payload),
    signedAt: params.signedAt,
    nonce: params.nonce,
  };
}

// Same as the gateway: trim, then lowercase ASCII A-Z only (not toLowerCase, which also folds
// non-ASCII letters and would then sign different bytes than the gateway checks).
function normalizeDeviceMetadata(value: string): string {
  return value.trim().replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** Strict: exactly 43 base64url characters that re-encode to themselves (no padding, no stray bits). */
function fromBase64Url32(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return null;
  const bytes = Buffer.from(text, "base64url");
  return bytes.length === 32 && bytes.toString("base64url") === text ? new Uint8Array(bytes) : null;
}

function malformed(why: string): Error {
  return new Error(`The stored device identity is malformed (${why}); forget this device and pair again.`);
}
