// Pairing v2 (docs/pairing-protocol.md): routes, wire shapes, and the two sides' PAKE steps. The client is
// CPace's initiator A (its share goes first, in /start), the plugin the responder B; both use transcript_ir.
import { randomBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { fromBase64Url, toBase64Url } from "./base64url.std.ts";
import { CpaceError, SHARE_BYTES, cpaceFinishIr, cpaceStart, lvCat } from "./cpace.std.ts";
import type { PinStatement } from "./gateway-identity.std.ts";
import {
  type PairingKeys,
  clientConfirmation,
  derivePairingKeys,
  serverConfirmation,
  tagMatches,
} from "./pairing-keys.std.ts";

export const V2_PATHS = {
  start: "/ocmap-pairing/v2/start",
  confirm: "/ocmap-pairing/v2/confirm",
  exchange: "/ocmap-pairing/v2/exchange",
  abandon: "/ocmap-pairing/v2/abandon",
  identity: "/ocmap-pairing/v2/identity",
} as const;

/** Symbols of the code sent in clear so the plugin finds the code's session (10 of its 35 random bits). */
export const DISCRIMINATOR_SYMBOLS = 2;
export const SID_BYTES = 16;
/** CPace's channel identifier: the protocol and its version (the parties are fixed by the route). */
export const CPACE_CI = lvCat(utf8ToBytes("ocmap-pairing-v2"));
/** The channel identifier of a run keyed by an enrollment key: a key's run can never be taken for a code's. */
export const CPACE_CI_ENROLL = lvCat(utf8ToBytes("ocmap-enroll-v2"));

export const discriminatorOf = (normalizedCode: string) => normalizedCode.slice(0, DISCRIMINATOR_SYMBOLS);

export interface StartRequest {
  /** A code's first two symbols; absent when `keyId` names an enrollment key instead (exactly one is sent). */
  discriminator?: string;
  /** An enrollment key's id (docs/pairing-protocol.md, "Enrollment keys"). */
  keyId?: string;
  /** 16 random bytes chosen by the client, base64url. */
  sid: string;
  /** The client's CPace share Ya, base64url. */
  share: string;
}
export interface StartResponse {
  ok: true;
  sessionId: string;
  /** The plugin's CPace share Yb, base64url. */
  share: string;
  expiresAtMs: number;
}
export interface ConfirmRequest {
  sessionId: string;
  confirm: string;
}
export interface ConfirmResponse {
  ok: true;
  confirm: string;
  sealed: string;
}
/** What `sealed` opens to. */
export interface SealedGrant {
  codeId: string;
  nonce: string;
  bootstrapToken: string;
  scopes: string[];
  expiresAtMs: number;
  /** The identity statement for the certificate served (gateway-identity.std.ts), or `{publicKey}` without TLS. */
  gatewayIdentity: PinStatement | { publicKey: string };
  /** Only in a grant for an enrollment key's use: the device then names itself `<namePrefix>-<id prefix>`. */
  enrollment?: { keyId: string; namePrefix: string; ephemeral: boolean };
}
export interface ExchangeRequestV2 {
  sessionId: string;
  requestId?: string;
  device: { id: string; publicKey: string; signature: string; signedAt: number };
  mac: string;
}
export interface AbandonRequest {
  sessionId: string;
  mac: string;
}

/** What a run is keyed by: a pairing code (its discriminator in clear) or an enrollment key (its id in clear). */
type PakeSecret = { prs: string; ci: Uint8Array; ad: string; field: "discriminator" | "keyId" };
const ofCode = (normalizedCode: string): PakeSecret => ({
  prs: normalizedCode,
  ci: CPACE_CI,
  ad: discriminatorOf(normalizedCode),
  field: "discriminator",
});
const ofKey = (normalizedKey: string, keyId: string): PakeSecret => ({
  prs: normalizedKey,
  ci: CPACE_CI_ENROLL,
  ad: keyId,
  field: "keyId",
});

/** ADa is the discriminator (or key id), ADb the plugin's sessionId: the ISK binds both. */
const transcriptParts = (ad: string, sessionId: string, ya: Uint8Array, yb: Uint8Array) => ({
  ya,
  ada: utf8ToBytes(ad),
  yb,
  adb: utf8ToBytes(sessionId),
});

export interface ClientPake<Named = { discriminator: string }> {
  request: Named & { sid: string; share: string };
  /** Continue with the plugin's answer: the keys and the client's confirmation, or a CpaceError. */
  finish(response: { sessionId: string; share: string }): { keys: PairingKeys; confirm: string };
}

/** `fixed` replaces the randomness (the sid and the scalar's 32 bytes) only for test vectors. */
export const clientPake = (normalizedCode: string, fixed?: { sid: Uint8Array; scalar: Uint8Array }): ClientPake =>
  clientRun(ofCode(normalizedCode), fixed) as ClientPake;
/** The client's run for an enrollment key (`parseEnrollmentKey`'s normalized key and id). */
export const clientKeyPake = (normalizedKey: string, keyId: string) =>
  clientRun(ofKey(normalizedKey, keyId)) as ClientPake<{ keyId: string }>;

function clientRun(secret: PakeSecret, fixed?: { sid: Uint8Array; scalar: Uint8Array }): ClientPake<StartRequest> {
  const sid = fixed?.sid ?? randomBytes(SID_BYTES);
  const own = cpaceStart({ prs: utf8ToBytes(secret.prs), ci: secret.ci, sid }, fixed?.scalar);
  return {
    request: { [secret.field]: secret.ad, sid: toBase64Url(sid), share: toBase64Url(own.share) },
    finish({ sessionId, share }) {
      const peerShare = fromBase64Url(share, SHARE_BYTES);
      if (!peerShare) throw new CpaceError("SHARE_INVALID");
      const parts = transcriptParts(secret.ad, sessionId, own.share, peerShare);
      const keys = derivePairingKeys(cpaceFinishIr({ sid, ownScalar: own.scalar, peerShare, ...parts }));
      return { keys, confirm: clientConfirmation(keys, sessionId) };
    },
  };
}

/** The client's check of the plugin's confirmation (before it opens `sealed`). */
export const serverConfirmationValid = (keys: PairingKeys, sessionId: string, confirm: unknown) =>
  tagMatches(serverConfirmation(keys, sessionId), confirm);

/**
 * The plugin's side of /start for the one active code with this discriminator. Throws CpaceError on a
 * malformed or identity share (the caller answers INVALID_REQUEST and still counts the attempt).
 * `fixedScalar` replaces the scalar's 32 random bytes only for test vectors.
 */
export const serverPake = (
  normalizedCode: string,
  request: { sid: unknown; share: unknown },
  sessionId: string,
  fixedScalar?: Uint8Array,
) => serverRun(ofCode(normalizedCode), request, sessionId, fixedScalar);

/** The plugin's side of /start for the enrollment key with this id. */
export const serverKeyPake = (
  normalizedKey: string,
  keyId: string,
  request: { sid: unknown; share: unknown },
  sessionId: string,
) => serverRun(ofKey(normalizedKey, keyId), request, sessionId);

function serverRun(
  secret: PakeSecret,
  request: { sid: unknown; share: unknown },
  sessionId: string,
  fixedScalar?: Uint8Array,
): { share: string; keys: PairingKeys } {
  const sid = fromBase64Url(request.sid, SID_BYTES);
  const peerShare = fromBase64Url(request.share, SHARE_BYTES);
  if (!sid || !peerShare) throw new CpaceError("SHARE_INVALID");
  const own = cpaceStart({ prs: utf8ToBytes(secret.prs), ci: secret.ci, sid }, fixedScalar);
  const parts = transcriptParts(secret.ad, sessionId, peerShare, own.share);
  const keys = derivePairingKeys(cpaceFinishIr({ sid, ownScalar: own.scalar, peerShare, ...parts }));
  return { share: toBase64Url(own.share), keys };
}

export const clientConfirmationValid = (keys: PairingKeys, sessionId: string, confirm: unknown) =>
  tagMatches(clientConfirmation(keys, sessionId), confirm);

export { serverConfirmation };

/** Where a paired device asks what became of it (docs/pairing-protocol.md, "Device status"). */
export const DEVICE_STATUS_PATH = "/ocmap-pairing/v2/device-status";

/** The bytes a device signs to ask for its status: no nonce, so a copy is only good for ±120 s. */
export const deviceStatusSignaturePayload = (params: { id: string; publicKey: string; signedAt: number }) =>
  JSON.stringify(["ocmap-device-status-v1", params.id, params.publicKey, params.signedAt]);

/** What the plugin says of a device that asked (the `deviceToken` only once, after a lowered access). */
export type DeviceStatus =
  | { ok: true; status: "active"; access: string; scopes: string[]; deviceToken?: string }
  | { ok: true; status: "expired" | "revoked" | "unknown"; reason?: string };
