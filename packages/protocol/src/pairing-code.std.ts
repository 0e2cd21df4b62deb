// Pairing codes: 7 random Crockford base32 symbols + 1 Luhn mod 32 check symbol, shown XXXX-XXXX.
// Shared by the plugin (issue, verify) and the client (reject typos before any request).

export const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BASE = CROCKFORD.length;

/** Luhn mod 32 sum, doubling every second symbol from the right (from the first when `doubleFirst`). */
function luhnSum(symbols: string, doubleFirst: boolean): number {
  let factor = doubleFirst ? 2 : 1;
  let sum = 0;
  for (let i = symbols.length - 1; i >= 0; i--) {
    const addend = factor * CROCKFORD.indexOf(symbols[i]!);
    sum += Math.floor(addend / BASE) + (addend % BASE);
    factor = factor === 2 ? 1 : 2;
  }
  return sum;
}

/** The check symbol that makes the whole string validate to 0. */
export function checkSymbol(payload: string): string {
  return CROCKFORD[(BASE - (luhnSum(payload, true) % BASE)) % BASE]!;
}

const luhnValid = (code: string) => luhnSum(code, false) % BASE === 0;

export const CODE_PARSE_MESSAGES = {
  CODE_EMPTY: "Enter the pairing code shown in Clawpodz.",
  CODE_LENGTH: "A pairing code has 8 characters, like ABCD-EFGH.",
  CODE_SYMBOL: "That code has a character pairing codes never use; check it against Clawpodz.",
  CODE_CHECK: "That code has a typo: check each character against Clawpodz.",
} as const;
export type CodeParseError = keyof typeof CODE_PARSE_MESSAGES;
export type ParsedCode =
  { ok: true; code: string; display: string } | { ok: false; reason: CodeParseError; message: string };

/** Case-insensitive; spaces and dashes ignored; O→0, I/L→1. Returns the canonical 8 symbols. */
export function parsePairingCode(input: unknown): ParsedCode {
  if (typeof input !== "string" || input.length > 64) return fail("CODE_LENGTH");
  const cleaned = input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (cleaned.length === 0) return fail("CODE_EMPTY");
  if (cleaned.length !== 8) return fail("CODE_LENGTH");
  for (const ch of cleaned) {
    if (!CROCKFORD.includes(ch)) return fail("CODE_SYMBOL");
  }
  if (!luhnValid(cleaned)) return fail("CODE_CHECK");
  return { ok: true, code: cleaned, display: formatCode(cleaned) };
}

export function formatCode(code: string): string {
  return code.length > 4 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/** 35 bits from `randomBytes` → 7 symbols, then the check symbol. */
export function codeFromRandom(random: Uint8Array): string {
  if (random.length < 5) throw new Error("need 5 random bytes");
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(random[i]!);
  bits >>= 5n; // 40 → 35 bits
  let payload = "";
  for (let i = 0; i < 7; i++) {
    payload = CROCKFORD[Number(bits & 31n)] + payload;
    bits >>= 5n;
  }
  return payload + checkSymbol(payload);
}

function fail(reason: CodeParseError): ParsedCode {
  return { ok: false, reason, message: CODE_PARSE_MESSAGES[reason] };
}
