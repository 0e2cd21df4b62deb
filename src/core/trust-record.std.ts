// What this client keeps about the gateway it is paired with (in the OS keychain, never in a file).
import { isTlsPin, type PinnedCertificate } from "@ocmap/protocol/gateway-identity";
import { fromBase64Url } from "@ocmap/protocol/base64url";

/**
 * Pinned at pairing (docs/pairing-protocol.md, "Gateway identity"); `tlsPin` only when the gateway serves TLS,
 * and with it, from the last identity statement accepted, its serial, retirement floor and validity window
 * (absent in records from before serials, which gain them at their next connection).
 */
export type PinnedIdentity = { publicKey: string; tlsPin?: string } & Partial<Omit<PinnedCertificate, "tlsPin">>;

const CERTIFICATE_FIELDS = ["serial", "minSerial", "notBeforeMs", "notAfterMs"] as const;

/** The pinned certificate with its serial, or undefined for a record from before serials. */
export function pinnedCertificate(identity: PinnedIdentity | undefined): PinnedCertificate | undefined {
  if (identity?.tlsPin === undefined || identity.serial === undefined) return undefined;
  const { tlsPin, serial, minSerial, notBeforeMs, notAfterMs } = identity as Required<PinnedIdentity>;
  return { tlsPin, serial, minSerial, notBeforeMs, notAfterMs };
}

/**
 * A gateway paired with its own setup code (no ocmap-pairing): it has no identity key, so nothing can vouch for
 * a renewed certificate; `tlsFingerprint` (SHA-256 of the whole certificate, hex) when the setup code carried one.
 */
export interface StockGateway {
  tlsFingerprint?: string;
}

export interface TrustRecord {
  gatewayUrl: string;
  deviceId: string;
  deviceToken: string;
  role: "operator";
  scopes: string[];
  pairedAtMs: number;
  displayName: string;
  /** Absent only in records paired by v1 (before CPace): those keep v1's CA verification, with no pin. */
  gatewayIdentity?: PinnedIdentity;
  /** Present only for a stock-gateway record (then never `gatewayIdentity`). */
  stockGateway?: StockGateway;
  /** Paired with an ephemeral enrollment key: the gateway removes it once it stays disconnected. */
  ephemeral?: true;
}

const KEYS = [
  "deviceId",
  "deviceToken",
  "displayName",
  "ephemeral",
  "gatewayIdentity",
  "gatewayUrl",
  "pairedAtMs",
  "role",
  "scopes",
  "stockGateway",
];

/** Validates a stored record (parsed JSON). Errors name the field, never its value: one is the token. */
export function parseTrustRecord(json: unknown): TrustRecord {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw malformed("it is not an object");
  const keys = Object.keys(json);
  const optional = ["gatewayIdentity", "ephemeral", "stockGateway"];
  const expected = KEYS.filter((key) => !optional.includes(key) || keys.includes(key));
  if (keys.length !== expected.length || !expected.every((key) => keys.includes(key)))
    throw malformed(
      `it must have exactly ${KEYS.join(", ")} (gatewayIdentity, ephemeral and stockGateway may be absent)`,
    );
  if ("ephemeral" in json && (json as { ephemeral: unknown }).ephemeral !== true)
    throw malformed("ephemeral is not true");
  if (keys.includes("gatewayIdentity") && keys.includes("stockGateway"))
    throw malformed("it has both gatewayIdentity and stockGateway");
  const record = json as Record<string, unknown>;
  if (typeof record.gatewayUrl !== "string" || !/^wss?:\/\/[^\s]+$/u.test(record.gatewayUrl))
    throw malformed("gatewayUrl is not a ws:// or wss:// URL");
  if (typeof record.deviceId !== "string" || !/^[0-9a-f]{64}$/u.test(record.deviceId))
    throw malformed("deviceId is not 64 lowercase hex characters");
  if (typeof record.deviceToken !== "string" || record.deviceToken.length === 0 || record.deviceToken.length > 4096)
    throw malformed("deviceToken is not a token");
  if (record.role !== "operator") throw malformed('role is not "operator"');
  if (!Array.isArray(record.scopes) || !record.scopes.every((s) => typeof s === "string" && s.length > 0))
    throw malformed("scopes is not a list of scope names");
  if (typeof record.pairedAtMs !== "number" || !Number.isSafeInteger(record.pairedAtMs) || record.pairedAtMs < 0)
    throw malformed("pairedAtMs is not a time");
  if (typeof record.displayName !== "string") throw malformed("displayName is not a string");
  const gatewayIdentity = "gatewayIdentity" in record ? parsePinnedIdentity(record.gatewayIdentity) : undefined;
  const stockGateway = "stockGateway" in record ? parseStockGateway(record.stockGateway) : undefined;
  return {
    gatewayUrl: record.gatewayUrl,
    deviceId: record.deviceId,
    deviceToken: record.deviceToken,
    role: "operator",
    scopes: [...(record.scopes as string[])],
    pairedAtMs: record.pairedAtMs,
    displayName: record.displayName,
    ...(gatewayIdentity ? { gatewayIdentity } : {}),
    ...(stockGateway ? { stockGateway } : {}),
    ...(record.ephemeral === true ? { ephemeral: true as const } : {}),
  };
}

function parseStockGateway(value: unknown): StockGateway {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed("stockGateway");
  const { tlsFingerprint, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw malformed("stockGateway has unknown fields");
  if (tlsFingerprint !== undefined && (typeof tlsFingerprint !== "string" || !/^[0-9a-f]{64}$/u.test(tlsFingerprint)))
    throw malformed("stockGateway.tlsFingerprint is not a SHA-256 fingerprint");
  return tlsFingerprint === undefined ? {} : { tlsFingerprint };
}

function parsePinnedIdentity(value: unknown): PinnedIdentity {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed("gatewayIdentity");
  const { publicKey, tlsPin, serial, minSerial, notBeforeMs, notAfterMs, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw malformed("gatewayIdentity has unknown fields");
  if (!fromBase64Url(publicKey, 32)) throw malformed("gatewayIdentity.publicKey is not a 32-byte key");
  if (tlsPin !== undefined && !isTlsPin(tlsPin)) throw malformed("gatewayIdentity.tlsPin is not a pin");
  const identity = { publicKey: publicKey as string, ...(tlsPin !== undefined ? { tlsPin: tlsPin as string } : {}) };
  const numbers = { serial, minSerial, notBeforeMs, notAfterMs };
  // Records from before serials have none of these; a record has all four, with its pin, or none.
  if (CERTIFICATE_FIELDS.every((key) => numbers[key] === undefined)) return identity;
  const valid =
    tlsPin !== undefined &&
    CERTIFICATE_FIELDS.every((key) => Number.isSafeInteger(numbers[key]) && (numbers[key] as number) >= 0) &&
    (minSerial as number) >= 1 &&
    (minSerial as number) <= (serial as number) &&
    (notBeforeMs as number) <= (notAfterMs as number);
  if (!valid) throw malformed("gatewayIdentity's certificate serial, floor or validity window");
  return { ...identity, ...(numbers as Omit<PinnedCertificate, "tlsPin">) };
}

function malformed(why: string): Error {
  return new Error(`The stored pairing record is malformed (${why}).`);
}
