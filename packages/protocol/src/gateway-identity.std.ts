// The gateway identity (docs/pairing-protocol.md, "Gateway identity"): a per-install Ed25519 key whose public
// key the client pins at pairing. It signs the SPKI pin of the certificate the gateway serves, so a renewed
// certificate is accepted without pairing again, and any other certificate change is refused.
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

export interface PinStatement {
  publicKey: string;
  tlsPin: TlsPin;
  signature: string;
}

export function createGatewayIdentityKey(): GatewayIdentityKey {
  const { secretKey, publicKey } = ed.keygen();
  return { publicKey: toBase64Url(publicKey), privateKey: toBase64Url(secretKey) };
}

/** The exact bytes signed: a domain label and the pin, so the signature cannot be replayed as anything else. */
export const pinStatementBytes = (tlsPin: TlsPin) => utf8ToBytes(JSON.stringify(["ocmap-gateway-tls-pin-v1", tlsPin]));

export const isTlsPin = (value: unknown): value is TlsPin => fromBase64Url(value, TLS_PIN_BYTES) !== undefined;

export function signPinStatement(key: GatewayIdentityKey, tlsPin: TlsPin): PinStatement {
  const seed = fromBase64Url(key.privateKey, 32);
  if (!seed || !isTlsPin(tlsPin)) throw new Error("signPinStatement: malformed key or pin");
  return { publicKey: key.publicKey, tlsPin, signature: toBase64Url(ed.sign(pinStatementBytes(tlsPin), seed)) };
}

/**
 * True only when `statement` is a well-formed signature by `pinnedPublicKey` over exactly `observedPin`
 * (the pin of the certificate the client saw on this connection, never one taken from the statement).
 */
export function pinStatementValid(pinnedPublicKey: string, observedPin: TlsPin, statement: unknown): boolean {
  if (!statement || typeof statement !== "object") return false;
  const { publicKey, tlsPin, signature } = statement as Record<string, unknown>;
  if (publicKey !== pinnedPublicKey || tlsPin !== observedPin) return false;
  const rawKey = fromBase64Url(pinnedPublicKey, 32);
  const rawSignature = fromBase64Url(signature, 64);
  if (!rawKey || !rawSignature || !isTlsPin(observedPin)) return false;
  try {
    return ed.verify(rawSignature, pinStatementBytes(observedPin), rawKey);
  } catch {
    return false;
  }
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
  | { ok: true; publicKey: string; tlsPin?: TlsPin }
  | { ok: false; reason: "IDENTITY_MALFORMED" | "TLS_PIN_MISSING" | "TLS_PIN_MISMATCH" | "TLS_PIN_SIGNATURE" };

/**
 * The client's check of the sealed grant's `gatewayIdentity` against the TLS it paired over
 * (docs/pairing-protocol.md, "Client rules"). `tls` is undefined over plain ws://; `verifiedByCa` says the
 * pairing requests went through ordinary CA verification rather than capture mode.
 */
export function checkGrantIdentity(
  identity: unknown,
  tls?: { observedPin: TlsPin; verifiedByCa: boolean },
): GrantIdentityCheck {
  const fail = (reason: Extract<GrantIdentityCheck, { ok: false }>["reason"]): GrantIdentityCheck => ({
    ok: false,
    reason,
  });
  if (!identity || typeof identity !== "object") return fail("IDENTITY_MALFORMED");
  const { publicKey, tlsPin, tlsPinSignature } = identity as Record<string, unknown>;
  if (typeof publicKey !== "string" || !fromBase64Url(publicKey, 32)) return fail("IDENTITY_MALFORMED");
  if (!tls) return { ok: true, publicKey };
  if (tlsPin === undefined) return tls.verifiedByCa ? { ok: true, publicKey } : fail("TLS_PIN_MISSING");
  if (tlsPin !== tls.observedPin) return fail("TLS_PIN_MISMATCH");
  if (!pinStatementValid(publicKey, tls.observedPin, { publicKey, tlsPin, signature: tlsPinSignature })) {
    return fail("TLS_PIN_SIGNATURE");
  }
  return { ok: true, publicKey, tlsPin: tls.observedPin };
}
