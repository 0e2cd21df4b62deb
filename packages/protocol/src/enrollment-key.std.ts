// Enrollment keys (docs/pairing-protocol.md, "Enrollment keys"): one secret that pairs up to N distinct
// devices, pasted rather than typed. Form: `ocmap-ek-<id>-<secret><check>`, Crockford base32 upper case:
// `id` = 4 random symbols sent in clear (the key's discriminator), `secret` = 20 random symbols (100 bits),
// `check` = one Luhn mod 32 symbol over id + secret. The whole normalized key is CPace's PRS; never sent.
import { CROCKFORD, checkSymbol } from "./pairing-code.std.ts";

export const ENROLLMENT_KEY_PREFIX = "ocmap-ek-";
export const KEY_ID_SYMBOLS = 4;
export const KEY_SECRET_SYMBOLS = 20;
/** Bits of secret in a key: what an online guess must hit (the id is public, the check is derived). */
export const KEY_SECRET_BITS = KEY_SECRET_SYMBOLS * 5;

export const KEY_PARSE_MESSAGES = {
  KEY_FORMAT: "That is not an enrollment key: it has the form ocmap-ek-XXXX-… (35 characters); paste it whole.",
  KEY_CHECK: "That enrollment key is damaged (its check symbol does not match): paste it again from its source.",
} as const;
export type KeyParseError = keyof typeof KEY_PARSE_MESSAGES;

export type ParsedKey =
  { ok: true; key: string; keyId: string } | { ok: false; reason: KeyParseError; message: string };

const SHAPE = new RegExp(
  `^${ENROLLMENT_KEY_PREFIX}([${CROCKFORD}]{${KEY_ID_SYMBOLS}})-([${CROCKFORD}]{${KEY_SECRET_SYMBOLS + 1}})$`,
);

/** True for anything that looks meant as a key (so it is parsed as one, never as a pairing code). */
export const looksLikeEnrollmentKey = (input: unknown): boolean =>
  typeof input === "string" && input.trim().toLowerCase().startsWith(ENROLLMENT_KEY_PREFIX);

/** Surrounding whitespace ignored (a file's trailing newline); prefix in any case; body case-insensitive. */
export function parseEnrollmentKey(input: unknown): ParsedKey {
  if (typeof input !== "string" || input.length > 128) return fail("KEY_FORMAT");
  const trimmed = input.trim();
  const normalized = ENROLLMENT_KEY_PREFIX + trimmed.slice(ENROLLMENT_KEY_PREFIX.length).toUpperCase();
  if (!trimmed.toLowerCase().startsWith(ENROLLMENT_KEY_PREFIX)) return fail("KEY_FORMAT");
  const match = SHAPE.exec(normalized);
  if (!match) return fail("KEY_FORMAT");
  const [, keyId, rest] = match as unknown as [string, string, string];
  const secret = rest.slice(0, KEY_SECRET_SYMBOLS);
  if (checkSymbol(keyId + secret) !== rest.slice(KEY_SECRET_SYMBOLS)) return fail("KEY_CHECK");
  return { ok: true, key: normalized, keyId };
}

/** A key from CSPRNG bytes: `idRandom` ≥ 3 bytes (20 bits used), `secretRandom` ≥ 13 bytes (100 bits used). */
export function keyFromRandom(idRandom: Uint8Array, secretRandom: Uint8Array): { key: string; keyId: string } {
  const keyId = symbolsFrom(idRandom, KEY_ID_SYMBOLS);
  const secret = symbolsFrom(secretRandom, KEY_SECRET_SYMBOLS);
  return { key: `${ENROLLMENT_KEY_PREFIX}${keyId}-${secret}${checkSymbol(keyId + secret)}`, keyId };
}

function symbolsFrom(random: Uint8Array, count: number): string {
  const bytesNeeded = Math.ceil((count * 5) / 8);
  if (random.length < bytesNeeded) throw new Error(`need ${bytesNeeded} random bytes`);
  let bits = 0n;
  for (let i = 0; i < bytesNeeded; i++) bits = (bits << 8n) | BigInt(random[i]!);
  let out = "";
  for (let i = 0; i < count; i++) {
    out = CROCKFORD[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

/** The name an enrolled device carries: the key's prefix and the first 8 hex digits of its device id. */
export const enrolledDeviceName = (namePrefix: string, deviceId: string) => `${namePrefix}-${deviceId.slice(0, 8)}`;

function fail(reason: KeyParseError): ParsedKey {
  return { ok: false, reason, message: KEY_PARSE_MESSAGES[reason] };
}
