// The v2 key schedule on top of CPace's ISK (docs/pairing-protocol.md, "Keys"): HKDF-SHA-512 gives one
// 32-byte key per purpose, so a confirmation tag never doubles as a MAC or a sealing key.
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { concatBytes, randomBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { fromBase64Url, toBase64Url } from "./base64url.std.ts";
import { lvCat } from "./cpace.std.ts";

export const KEY_SCHEDULE_SALT = utf8ToBytes("ocmap-pairing-v2");
const KEY_BYTES = 32;
export const TAG_BYTES = 32;
const NONCE_BYTES = 12;

export interface PairingKeys {
  clientConfirm: Uint8Array;
  serverConfirm: Uint8Array;
  seal: Uint8Array;
  exchange: Uint8Array;
}

export function derivePairingKeys(isk: Uint8Array): PairingKeys {
  const derive = (purpose: string) => hkdf(sha512, isk, KEY_SCHEDULE_SALT, utf8ToBytes(purpose), KEY_BYTES);
  return {
    clientConfirm: derive("client confirmation"),
    serverConfirm: derive("server confirmation"),
    seal: derive("sealed payload"),
    exchange: derive("exchange mac"),
  };
}

/** HMAC-SHA-512 over length-prefixed UTF-8 fields, truncated to 32 bytes, base64url. */
function tag(key: Uint8Array, fields: string[]): string {
  return toBase64Url(hmac(sha512, key, lvCat(...fields.map((field) => utf8ToBytes(field)))).slice(0, TAG_BYTES));
}

/** Constant-time comparison of two base64url tags (false for anything malformed). */
export function tagMatches(expected: string, received: unknown): boolean {
  const left = fromBase64Url(expected, TAG_BYTES);
  const right = fromBase64Url(received, TAG_BYTES);
  if (!left || !right) return false;
  let difference = 0;
  for (let index = 0; index < TAG_BYTES; index++) difference |= left[index]! ^ right[index]!;
  return difference === 0;
}

export const clientConfirmation = (keys: PairingKeys, sessionId: string) =>
  tag(keys.clientConfirm, ["ocmap-v2 client confirm", sessionId]);

export const serverConfirmation = (keys: PairingKeys, sessionId: string) =>
  tag(keys.serverConfirm, ["ocmap-v2 server confirm", sessionId]);

/** Binds the exchange to the PAKE: who may exchange is whoever holds the key, for exactly this device. */
export function exchangeMac(
  keys: PairingKeys,
  fields: { sessionId: string; requestId: string; deviceId: string; publicKey: string },
): string {
  return tag(keys.exchange, [
    "ocmap-v2 exchange",
    fields.sessionId,
    fields.requestId,
    fields.deviceId,
    fields.publicKey,
  ]);
}

export const abandonMac = (keys: PairingKeys, sessionId: string) => tag(keys.exchange, ["ocmap-v2 abandon", sessionId]);

const sealAad = (sessionId: string) => lvCat(utf8ToBytes("ocmap-v2 sealed"), utf8ToBytes(sessionId));

/**
 * ChaCha20-Poly1305 of the JSON value; a fresh random nonce goes first. Base64url of nonce ‖ ciphertext.
 * `nonce` is fixed only for test vectors: a nonce must never repeat under one key.
 */
export function sealJson(
  keys: PairingKeys,
  sessionId: string,
  value: unknown,
  nonce = randomBytes(NONCE_BYTES),
): string {
  const plaintext = utf8ToBytes(JSON.stringify(value));
  return toBase64Url(concatBytes(nonce, chacha20poly1305(keys.seal, nonce, sealAad(sessionId)).encrypt(plaintext)));
}

/** The JSON value, or undefined when the box is malformed, was sealed under another key or session, or altered. */
export function openSealedJson(keys: PairingKeys, sessionId: string, sealed: unknown): unknown {
  const bytes = fromBase64Url(sealed);
  if (!bytes || bytes.length < NONCE_BYTES + 16) return undefined;
  try {
    const cipher = chacha20poly1305(keys.seal, bytes.subarray(0, NONCE_BYTES), sealAad(sessionId));
    return JSON.parse(new TextDecoder().decode(cipher.decrypt(bytes.subarray(NONCE_BYTES))));
  } catch {
    return undefined;
  }
}
