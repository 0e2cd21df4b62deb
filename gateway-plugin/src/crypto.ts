import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  randomBytes,
  timingSafeEqual,
  verify,
} from "node:crypto";

export function hmacHex(key: Buffer, text: string): string {
  return createHmac("sha256", key).update(text, "utf8").digest("hex");
}

export function sameHex(leftHex: string, rightHex: string): boolean {
  const leftBytes = Buffer.from(leftHex, "hex");
  const rightBytes = Buffer.from(rightHex, "hex");
  return leftBytes.length === rightBytes.length && timingSafeEqual(leftBytes, rightBytes);
}

/** AES-256-GCM under a key derived from the install secret, so the state file alone reveals no token. */
export function seal(secret: Buffer, plain: string): string {
  const key = createHmac("sha256", secret).update("ocmap-pairing/seal-v1").digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), ct].map((b) => b.toString("base64url")).join(".");
}

export function unseal(secret: Buffer, sealed: string): string {
  const key = createHmac("sha256", secret).update("ocmap-pairing/seal-v1").digest();
  const [iv, tag, ct] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
  const decipher = createDecipheriv("aes-256-gcm", key, iv!);
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(ct!), decipher.final()]).toString("utf8");
}

const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Raw 32-byte Ed25519 key (base64url) → lowercase hex SHA-256, or null when it is not such a key. */
export function deviceIdOf(publicKeyB64u: string): string | null {
  const raw = Buffer.from(publicKeyB64u, "base64url");
  if (raw.length !== 32 || raw.toString("base64url") !== publicKeyB64u) return null;
  return createHash("sha256").update(raw).digest("hex");
}

export function verifyEd25519(publicKeyB64u: string, message: string, signatureB64u: string): boolean {
  try {
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicKeyB64u, "base64url")]),
      format: "der",
      type: "spki",
    });
    const sig = Buffer.from(signatureB64u, "base64url");
    return sig.length === 64 && verify(null, Buffer.from(message, "utf8"), key, sig);
  } catch {
    return false;
  }
}
