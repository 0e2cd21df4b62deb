// Unpadded base64url (RFC 4648 §5), the encoding of every binary value on the pairing wire. Strict on input:
// no padding, no other alphabet, no non-zero trailing bits, so one value has exactly one encoding.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const INDEX = new Map([...ALPHABET].map((symbol, index) => [symbol, index]));

export function toBase64Url(bytes: Uint8Array): string {
  let out = "";
  for (let offset = 0; offset < bytes.length; offset += 3) {
    const chunk = (bytes[offset]! << 16) | ((bytes[offset + 1] ?? 0) << 8) | (bytes[offset + 2] ?? 0);
    const symbols = Math.min(4, Math.ceil(((bytes.length - offset) * 8) / 6));
    for (let index = 0; index < symbols; index++) out += ALPHABET[(chunk >> (18 - 6 * index)) & 63];
  }
  return out;
}

/** The bytes, or undefined when `text` is not canonical unpadded base64url (or not `expectedLength` bytes). */
export function fromBase64Url(text: unknown, expectedLength?: number): Uint8Array | undefined {
  if (typeof text !== "string" || text.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (const symbol of text) {
    const value = INDEX.get(symbol);
    if (value === undefined) return undefined;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[written++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  if (expectedLength !== undefined && bytes.length !== expectedLength) return undefined;
  return bytes;
}
