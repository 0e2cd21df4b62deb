// The gateway identity (docs/pairing-protocol.md, "Gateway identity"): a per-install Ed25519 key whose public
// key the client pins at pairing. It signs statements that bind the SPKI pin of the certificate the gateway
// serves to a serial that only increases, so a renewed certificate is accepted without pairing again while an
// older one (a rollback) and any other certificate change are refused.
import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { fromBase64Url, toBase64Url } from "./base64url.std.ts";

// noble's synchronous API needs a SHA-512 (the same setting as src/core/identity.node.ts).
ed.hashes.sha512 = sha512;

/** SHA-256 of the certificate's SubjectPublicKeyInfo DER, unpadded base64url (43 characters). */
export type TlsPin = string;
export const TLS_PIN_BYTES = 32;

export interface GatewayIdentityKey {
  /** Raw 32-byte Ed25519 public key, base64url. */
  publicKey: string;
  /** 32-byte Ed25519 seed, base64url. Stays in the plugin's state file. */
  privateKey: string;
}

/** What the identity key says of one certificate. Every number is a non-negative safe integer. */
export interface PinStatement {
  publicKey: string;
  tlsPin: TlsPin;
  /** 1 for the first certificate the plugin signed, one more for each certificate with new content. */
  serial: number;
  /** When the plugin signed this statement (ms since the epoch). */
  issuedAtMs: number;
  /** The certificate's own validity window (notBefore, notAfter), in ms since the epoch. */
  notBeforeMs: number;
  notAfterMs: number;
  /** The operator retired every certificate with a lower serial; 1 ≤ minSerial ≤ serial. */
  minSerial: number;
  /** Ed25519 over `pinStatementBytes`, base64url. */
  signature: string;
}
export type UnsignedPinStatement = Omit<PinStatement, "signature">;

/** Domain separation: the v1 statement signed `["ocmap-gateway-tls-pin-v1", tlsPin]`, which clients now refuse. */
export const PIN_STATEMENT_LABEL = "ocmap-gateway-tls-pin-v2";

/** How far the client's clock may be from a certificate's window before the certificate is refused. */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000;

export function createGatewayIdentityKey(): GatewayIdentityKey {
  const { secretKey, publicKey } = ed.keygen();
  return { publicKey: toBase64Url(publicKey), privateKey: toBase64Url(secretKey) };
}

/** The exact bytes signed: the UTF-8 of a JSON array (no spaces, integers in decimal) led by the label. */
export const pinStatementBytes = (s: UnsignedPinStatement) =>
  utf8ToBytes(
    JSON.stringify([
      PIN_STATEMENT_LABEL,
      s.publicKey,
      s.tlsPin,
      s.serial,
      s.issuedAtMs,
      s.notBeforeMs,
      s.notAfterMs,
      s.minSerial,
    ]),
  );

export const isTlsPin = (value: unknown): value is TlsPin => fromBase64Url(value, TLS_PIN_BYTES) !== undefined;

const isTime = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** The statement's fields without the signature, or undefined when any is missing or out of range. */
function statementFields(value: unknown): UnsignedPinStatement | undefined {
  if (!value || typeof value !== "object") return undefined;
  const { publicKey, tlsPin, serial, issuedAtMs, notBeforeMs, notAfterMs, minSerial } = value as Record<
    string,
    unknown
  >;
  if (!fromBase64Url(publicKey, 32) || !isTlsPin(tlsPin)) return undefined;
  if (![serial, issuedAtMs, notBeforeMs, notAfterMs, minSerial].every(isTime)) return undefined;
  const fields = { publicKey, tlsPin, serial, issuedAtMs, notBeforeMs, notAfterMs, minSerial } as UnsignedPinStatement;
  if (fields.serial < 1 || fields.minSerial < 1 || fields.minSerial > fields.serial) return undefined;
  if (fields.notBeforeMs > fields.notAfterMs) return undefined;
  return fields;
}

export function signPinStatement(
  key: GatewayIdentityKey,
  fields: Omit<UnsignedPinStatement, "publicKey">,
): PinStatement {
  const seed = fromBase64Url(key.privateKey, 32);
  const unsigned = statementFields({ ...fields, publicKey: key.publicKey });
  if (!seed || !unsigned) throw new Error("signPinStatement: malformed key or statement");
  return { ...unsigned, signature: toBase64Url(ed.sign(pinStatementBytes(unsigned), seed)) };
}

/**
 * The statement (its known fields only) when it is well formed, signed by `pinnedPublicKey` and about exactly
 * `observedPin` (the pin of the certificate the client saw on this connection, never one taken from the
 * statement); otherwise undefined.
 */
export function verifyPinStatement(
  pinnedPublicKey: string,
  observedPin: TlsPin,
  statement: unknown,
): PinStatement | undefined {
  const fields = statementFields(statement);
  if (!fields || fields.publicKey !== pinnedPublicKey || fields.tlsPin !== observedPin) return undefined;
  const signature = fromBase64Url((statement as { signature?: unknown }).signature, 64);
  if (!signature) return undefined;
  try {
    const valid = ed.verify(signature, pinStatementBytes(fields), fromBase64Url(pinnedPublicKey, 32)!);
    return valid ? { ...fields, signature: toBase64Url(signature) } : undefined;
  } catch {
    return undefined;
  }
}

/** What a client keeps of the last statement it accepted (all absent in records from before serials). */
export interface PinnedCertificate {
  tlsPin: TlsPin;
  serial: number;
  minSerial: number;
  notBeforeMs: number;
  notAfterMs: number;
}

/** One certificate the identity key vouched for, as Clawpodz lists it (pairing.list `certificates`). */
export interface CertificateEntry {
  serial: number;
  tlsPin: TlsPin;
  issuedAtMs: number;
  notBeforeMs: number;
  notAfterMs: number;
}

export interface CertificateSummary {
  served?: CertificateEntry;
  /** Certificates with a lower serial are retired. */
  minSerial: number;
  older: Array<CertificateEntry & { retired: boolean }>;
  /** The served certificate is one the operator retired: no statement is given for it. */
  servedRetired: boolean;
}

export type StatementRefusal = "ROLLBACK" | "RETIRED" | "SERIAL_REUSED" | "OUTSIDE_VALIDITY";

/** True while `nowMs` is inside [notBefore − skew, notAfter + skew]. */
export const withinValidity = (window: { notBeforeMs: number; notAfterMs: number }, nowMs: number) =>
  nowMs >= window.notBeforeMs - CLOCK_SKEW_ALLOWANCE_MS && nowMs <= window.notAfterMs + CLOCK_SKEW_ALLOWANCE_MS;

/**
 * The client's rules for a verified statement, against what it pinned before (`pinned` undefined at pairing
 * and in records from before serials): never a lower serial than accepted, never one the operator retired,
 * never the same serial for another pin, never a certificate outside its window. On success: what to keep,
 * the retirement floor being the highest ever seen.
 */
export function judgePinStatement(
  pinned: PinnedCertificate | undefined,
  statement: PinStatement,
  nowMs: number,
): { ok: true; pinned: PinnedCertificate } | { ok: false; reason: StatementRefusal } {
  if (pinned && statement.serial < pinned.minSerial) return { ok: false, reason: "RETIRED" };
  if (pinned && statement.serial < pinned.serial) return { ok: false, reason: "ROLLBACK" };
  if (pinned && statement.serial === pinned.serial && statement.tlsPin !== pinned.tlsPin)
    return { ok: false, reason: "SERIAL_REUSED" };
  if (!withinValidity(statement, nowMs)) return { ok: false, reason: "OUTSIDE_VALIDITY" };
  const { tlsPin, serial, notBeforeMs, notAfterMs } = statement;
  const minSerial = Math.max(statement.minSerial, pinned?.minSerial ?? 1);
  return { ok: true, pinned: { tlsPin, serial, minSerial, notBeforeMs, notAfterMs } };
}

/**
 * What a person reads out: the first 16 hex digits of SHA-256(raw public key), upper case, groups of four,
 * `A1B2 C3D4 E5F6 A7B8`. Four groups rather than the device fingerprint's three, since it is compared to
 * detect an impostor gateway (64 bits against a targeted second preimage).
 */
export function gatewayFingerprint(publicKey: string): string {
  const raw = fromBase64Url(publicKey, 32);
  if (!raw) throw new Error("gatewayFingerprint: a gateway public key is 32 bytes of base64url");
  return bytesToHex(sha256(raw))
    .slice(0, 16)
    .toUpperCase()
    .replace(/(.{4})(?=.)/g, "$1 ");
}

export type GrantIdentityCheck =
  | { ok: true; publicKey: string; certificate?: PinnedCertificate }
  | {
      ok: false;
      reason: "IDENTITY_MALFORMED" | "TLS_PIN_MISSING" | "TLS_PIN_MISMATCH" | "TLS_PIN_SIGNATURE" | StatementRefusal;
    };

/**
 * The client's check of the sealed grant's `gatewayIdentity` (the identity statement, or just `{publicKey}`)
 * against the TLS it paired over (docs/pairing-protocol.md, "Client rules"). `tls` is undefined over plain
 * ws://; `verifiedByCa` says the pairing requests went through ordinary CA verification rather than capture.
 */
export function checkGrantIdentity(
  identity: unknown,
  tls?: { observedPin: TlsPin; verifiedByCa: boolean },
  nowMs = Date.now(),
): GrantIdentityCheck {
  if (!identity || typeof identity !== "object") return { ok: false, reason: "IDENTITY_MALFORMED" };
  const { publicKey, tlsPin } = identity as Record<string, unknown>;
  if (typeof publicKey !== "string" || !fromBase64Url(publicKey, 32))
    return { ok: false, reason: "IDENTITY_MALFORMED" };
  if (!tls) return { ok: true, publicKey };
  if (tlsPin === undefined)
    return tls.verifiedByCa ? { ok: true, publicKey } : { ok: false, reason: "TLS_PIN_MISSING" };
  if (tlsPin !== tls.observedPin) return { ok: false, reason: "TLS_PIN_MISMATCH" };
  const statement = verifyPinStatement(publicKey, tls.observedPin, identity);
  if (!statement) return { ok: false, reason: "TLS_PIN_SIGNATURE" };
  const judged = judgePinStatement(undefined, statement, nowMs);
  return judged.ok ? { ok: true, publicKey, certificate: judged.pinned } : judged;
}
