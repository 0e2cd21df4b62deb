// Sealing the file store at rest (OCMAP_STORE_KEY_FILE): XChaCha20-Poly1305 (@noble/ciphers) under a key
// derived with HKDF-SHA-256 from the key file, with a random 24-byte nonce per write and the entry's
// account as associated data, so a sealed file copied over another entry does not open. A short key id
// (derived from the same file) tells a wrong key apart from a damaged file.
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { storeErrors } from "./file-store-errors.std.ts";

export interface StoreKey {
  readonly key: Uint8Array;
  readonly keyId: string;
}

export interface SealedValue {
  aead: "xchacha20poly1305";
  keyId: string;
  nonce: string;
  data: string;
}

const MIN_KEY_BYTES = 32;
const utf8 = new TextEncoder();
const salt = utf8.encode("ocmap-store-v1");

/** Reads and derives the sealing key. Trailing whitespace (a newline from `echo`) is not part of the key. */
export async function loadStoreKey(keyFile: string): Promise<StoreKey> {
  let bytes: Buffer;
  try {
    bytes = await readFile(keyFile);
  } catch (err) {
    throw storeErrors.keyFileUnreadable(keyFile, (err as NodeJS.ErrnoException).code ?? "unreadable");
  }
  let end = bytes.length;
  while (end > 0 && [0x0a, 0x0d, 0x20, 0x09].includes(bytes[end - 1]!)) end--;
  const material = bytes.subarray(0, end);
  if (material.length < MIN_KEY_BYTES) throw storeErrors.keyTooShort(keyFile, material.length);
  const key = hkdf(sha256, material, salt, utf8.encode("seal key"), 32);
  const keyId = Buffer.from(hkdf(sha256, material, salt, utf8.encode("key id"), 9)).toString("base64url");
  material.fill(0);
  bytes.fill(0);
  return { key, keyId };
}

const aad = (account: string) => utf8.encode(`ocmap-store-v1\0${account}`);

export function seal(storeKey: StoreKey, account: string, value: string): SealedValue {
  const nonce = randomBytes(24);
  const data = xchacha20poly1305(storeKey.key, nonce, aad(account)).encrypt(utf8.encode(value));
  return {
    aead: "xchacha20poly1305",
    keyId: storeKey.keyId,
    nonce: nonce.toString("base64url"),
    data: Buffer.from(data).toString("base64url"),
  };
}

/** Opens a sealed value read from `path`; a wrong key and a damaged file are told apart by the key id. */
export function unseal(storeKey: StoreKey, account: string, sealed: unknown, path: string): string {
  const fields = sealed as Partial<SealedValue> | null;
  if (
    typeof fields !== "object" ||
    fields === null ||
    fields.aead !== "xchacha20poly1305" ||
    typeof fields.keyId !== "string" ||
    typeof fields.nonce !== "string" ||
    typeof fields.data !== "string"
  )
    throw storeErrors.corrupt(path, "the sealed value is malformed");
  if (fields.keyId !== storeKey.keyId) throw storeErrors.keyWrong(path);
  const nonce = Buffer.from(fields.nonce, "base64url");
  if (nonce.length !== 24) throw storeErrors.corrupt(path, "the nonce is not 24 bytes");
  try {
    const plain = xchacha20poly1305(storeKey.key, nonce, aad(account)).decrypt(Buffer.from(fields.data, "base64url"));
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw storeErrors.corrupt(path, "it does not open under its key: changed, truncated or copied from elsewhere");
  }
}
