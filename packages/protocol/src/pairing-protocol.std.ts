// The parts of the wire contract kept from v1 (docs/v1-history.md) that both halves import.

import type { WebhookStatus } from "./device-events.std.ts";
import type { CertificateSummary } from "./gateway-identity.std.ts";

export const PAIRING_ERROR_CODES = [
  "PAIRING_DISABLED",
  "CODE_INVALID",
  "CODE_EXPIRED",
  "CODE_ALREADY_USED",
  "DEVICE_REVOKED",
  "RATE_LIMITED",
  "INVALID_REQUEST",
  /** pairing.forgetSelf: the plugin cannot remove the caller from this gateway; nothing was changed. */
  "FORGET_UNAVAILABLE",
  /** The plugin's own files are missing or damaged: pairing is refused until an operator repairs them. */
  "STATE_DAMAGED",
] as const;
export type PairingErrorCode = (typeof PAIRING_ERROR_CODES)[number];

export const HTTP_STATUS: Record<PairingErrorCode, number> = {
  PAIRING_DISABLED: 503,
  CODE_INVALID: 403,
  CODE_EXPIRED: 410,
  CODE_ALREADY_USED: 409,
  DEVICE_REVOKED: 403,
  RATE_LIMITED: 429,
  INVALID_REQUEST: 400,
  FORGET_UNAVAILABLE: 503,
  STATE_DAMAGED: 503,
};

export type Access = "standard" | "read-only" | "full";
export const ACCESS_SCOPES: Record<Access, readonly string[]> = {
  "read-only": ["operator.read"],
  standard: ["operator.read", "operator.write"],
  full: ["operator.admin"],
};

export const REDEEM_PATH = "/ocmap-pairing/redeem";
export const EXCHANGE_PATH = "/ocmap-pairing/exchange";
export const MAX_BODY_BYTES = 4096;
export const SIGNED_AT_SKEW_MS = 120_000;
export const CHANGED_EVENT = "plugin.ocmap-pairing.changed";

export interface RedeemResponse {
  ok: true;
  codeId: string;
  nonce: string;
  bootstrapToken: string;
  scopes: string[];
  expiresAtMs: number;
}

export interface ExchangeRequest {
  code: string;
  requestId?: string;
  device: { id: string; publicKey: string; signature: string; signedAt: number; nonce: string };
}

export interface ExchangeResponse {
  ok: true;
  deviceId: string;
  role: "operator";
  scopes: string[];
  approvedAtMs: number;
}

export interface PairingFailure {
  ok: false;
  error: { code: PairingErrorCode; message: string; retryAfterMs?: number };
}

/** The exact bytes a device signs to prove it holds the key during exchange. */
export function exchangeSignaturePayload(fields: {
  nonce: string;
  requestId: string;
  id: string;
  publicKey: string;
  signedAt: number;
}): string {
  return JSON.stringify([
    "ocmap-exchange-v1",
    fields.nonce,
    fields.requestId,
    fields.id,
    fields.publicKey,
    fields.signedAt,
  ]);
}

/** First 12 hex characters of the deviceId, upper case, groups of 4: `A1B2 C3D4 E5F6`. */
export function fingerprint(deviceId: string): string {
  return deviceId
    .slice(0, 12)
    .toUpperCase()
    .replace(/(.{4})(?=.)/g, "$1 ");
}

export type CodeStatus = "active" | "used" | "expired" | "cancelled" | "locked";
export interface CodeSummary {
  codeId: string;
  label?: string;
  access: Access;
  scopes: string[];
  status: CodeStatus;
  createdAtMs: number;
  expiresAtMs: number;
  usedAtMs?: number;
  deviceId?: string;
}
export interface TrustedClient {
  deviceId: string;
  fingerprint: string;
  displayName?: string;
  platform?: string;
  access: Access;
  scopes: string[];
  pairedAtMs: number;
  lastSeenAtMs?: number;
  connected: boolean;
  revokedAtMs?: number;
  /** `ephemeral`: removed by the plugin after staying disconnected (an ephemeral key's device); `expired`:
   * removed after `expireAfterDays` without being seen. */
  revokedBy?: "operator" | "self" | "ephemeral" | "expired";
  /** The pairing code (or an enrollment key's use) that approved it. */
  codeId?: string;
  /** What the gateway's own device record says (device-facts.ts): its operator label (`device.pair.rename`),
   * client, the address it last connected from ("loopback": the gateway's own host) and how it was approved. */
  label?: string;
  clientId?: string;
  clientMode?: string;
  remoteAddress?: string;
  approvedVia?: string;
  /** When the plugin removes it unless it is seen before (`expireAfterDays`). */
  expiresAtMs?: number;
  /** An upgrade the operator granted, taken at the device's next connection (device-access.ts). */
  pendingAccess?: Access;
  /** The enrollment key that enrolled it. */
  keyId?: string;
  ephemeral?: true;
}
export type KeyStatus = "active" | "exhausted" | "expired" | "revoked" | "locked";
/** An enrollment key as operators see it (never the key itself: it is shown once, at creation). */
export interface KeySummary {
  keyId: string;
  label?: string;
  access: Access;
  scopes: string[];
  namePrefix: string;
  ephemeral: boolean;
  uses: number;
  used: number;
  /** Uses that can still start: uses − used − uses in flight (confirmed, not yet exchanged). */
  usesLeft: number;
  status: KeyStatus;
  createdAtMs: number;
  expiresAtMs: number;
  revokedAtMs?: number;
}
/** pairing.createEnrollmentKey's answer: the only time the key itself is shown. */
export interface CreateKeyResult {
  keyId: string;
  key: string;
  expiresAtMs: number;
  uses: number;
  access: Access;
  scopes: string[];
  namePrefix: string;
  ephemeral: boolean;
  gatewayFingerprint: string;
}
export const MAX_KEY_USES = 1000;
export const MAX_KEY_TTL_SECONDS = 90 * 24 * 3600;
export type AuditType =
  | "code.created"
  | "code.redeemed"
  | "code.exchanged"
  | "code.failed"
  | "code.cancelled"
  | "code.expired"
  | "device.revoked"
  | "device.forgotten"
  /** forgetSelf answered, but the gateway did not remove the device: it stays active and revocable. */
  | "device.forget-failed"
  /** The gateway identity vouched for a certificate with new content (`reason`: its serial). */
  | "certificate.renewed"
  /** The operator retired the certificates older than the one served (`reason`: the new floor). */
  | "certificate.retired"
  | "key.created"
  | "key.revoked"
  | "key.expired"
  | "key.exhausted"
  | "key.locked"
  /** An ephemeral device removed after staying disconnected. */
  | "device.removed"
  /** Removed after not being seen for `expireAfterDays`. */
  | "device.expired"
  /** The operator changed its access level (`reason`: from → to, and when it takes effect). */
  | "device.access-changed";
export interface AuditEvent {
  atMs: number;
  type: AuditType;
  codeId?: string;
  /** The enrollment key the event concerns (a use's codeId names the use). */
  keyId?: string;
  deviceId?: string;
  reason?: string;
  remoteAddress?: string;
  /** Failures are aggregated per source and window: how many this entry stands for (absent: one). */
  count?: number;
  /** With `count`: when the last of them happened (`atMs` is the first). */
  lastAtMs?: number;
}
export interface PairingList {
  codes: CodeSummary[];
  devices: TrustedClient[];
  events: AuditEvent[];
  /** Enrollment keys with their uses left (a key's own uses are not in `codes`). */
  keys: KeySummary[];
  /**
   * While the gateway-wide failure window is full: until when (ms) sources over their share of it are held
   * back (sources with fewer failures are still served); absent otherwise.
   */
  pausedUntilMs?: number;
  /** Failed pairing requests of the last minutes, for spotting an attack (kept in memory since the start). */
  attack?: AttackSummary;
  /**
   * The gateway identity key's fingerprint (`gatewayFingerprint` of @ocmap/protocol/gateway-identity); absent
   * while the identity key file is damaged (STATE_DAMAGED: the list still shows, pairing is refused).
   */
  gatewayFingerprint?: string;
  /** The TLS certificates the gateway identity vouched for (absent with the fingerprint). */
  certificates?: CertificateSummary;
  /** Present when the plugin option `webhook` is set: its health (docs/notifications.md). */
  webhook?: WebhookStatus;
}

/** Failures and refusals per minute, oldest minute first; the last entry is the current minute. */
export interface AttackSummary {
  /** Start of the first minute (ms). */
  sinceMs: number;
  /** Requests that failed (each counted toward its source's window and the gateway-wide window). */
  failuresPerMinute: number[];
  /** Requests answered RATE_LIMITED (counted toward their source's own window only). */
  refusedPerMinute: number[];
  /** The sources with the most failures and refusals in those minutes, busiest first. */
  busiest: AttackSource[];
}
export interface AttackSource {
  /** An IPv4 address, or an IPv6 /48 written `2001:db8:1::/48`: what the limits count as one source. */
  source: string;
  failures: number;
  refused: number;
  lastAtMs: number;
  /** RATE_LIMITED right now. */
  heldBack: boolean;
}

/** What an operator gets: never the bootstrap token or the nonce (they travel sealed to the client only). */
export interface CreateCodeResult {
  codeId: string;
  code: string;
  expiresAtMs: number;
  access: Access;
  scopes: string[];
  pairingLink: string;
  /** The gateway identity fingerprint, read out beside the code. */
  gatewayFingerprint: string;
}

export function pairingLink(gatewayUrl: string, displayCode: string): string {
  return `ocmap://pair?gateway=${encodeURIComponent(gatewayUrl)}&code=${encodeURIComponent(displayCode)}`;
}
