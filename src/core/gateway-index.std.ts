// The list of gateways this client is paired with, as kept in the keychain next to their trust
// entries. Nothing secret: ids, addresses, local names and identity fingerprints only.
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { gatewayFingerprint } from "@ocmap/protocol/gateway-identity";

export interface GatewayEntry {
  /** Stable: from the gateway identity key when the gateway has one, else from its address. */
  id: string;
  url: string;
  /** The local display name (renamable); unique among the entries, compared without case. */
  name: string;
  fingerprint: string | null;
}

export interface GatewayIndex {
  version: 1;
  gateways: GatewayEntry[];
}

export const EMPTY_INDEX: GatewayIndex = { version: 1, gateways: [] };
export const MAX_GATEWAY_NAME = 64;
const ID = /^[ku][0-9a-f]{16}$/u;

/** The id of the gateway a trust record is for: the same gateway always gets the same id. */
export function gatewayIdOf(trust: { gatewayUrl: string; gatewayIdentity?: { publicKey: string } }): string {
  if (trust.gatewayIdentity)
    return `k${gatewayFingerprint(trust.gatewayIdentity.publicKey).replace(/ /g, "").toLowerCase()}`;
  return `u${bytesToHex(sha256(utf8ToBytes(`ocmap gateway url\n${trust.gatewayUrl}`))).slice(0, 16)}`;
}

/** The index line for a gateway just paired (or migrated), named so no other entry has the same name. */
export function entryFor(
  trust: { gatewayUrl: string; gatewayIdentity?: { publicKey: string } },
  taken: readonly GatewayEntry[],
): GatewayEntry {
  return {
    id: gatewayIdOf(trust),
    url: trust.gatewayUrl,
    name: defaultGatewayName(trust.gatewayUrl, taken),
    fingerprint: trust.gatewayIdentity ? gatewayFingerprint(trust.gatewayIdentity.publicKey) : null,
  };
}

/** A name for a new entry: the gateway's host, made unique with " 2", " 3"… */
export function defaultGatewayName(url: string, taken: readonly GatewayEntry[]): string {
  let host = url;
  try {
    host = new URL(url).host || url;
  } catch {
    // keep the address as it is
  }
  const base = host.slice(0, MAX_GATEWAY_NAME - 4);
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base} ${n}`;
    if (!nameTaken(taken, name)) return name;
  }
}

export type NameCheck = { ok: true; name: string } | { ok: false; code: "GATEWAY_NAME_INVALID" | "GATEWAY_NAME_TAKEN" };

/** A local name the user typed: trimmed, 1–64 characters, no control characters, not another entry's. */
export function checkGatewayName(input: unknown, entries: readonly GatewayEntry[], ownId: string): NameCheck {
  if (typeof input !== "string") return { ok: false, code: "GATEWAY_NAME_INVALID" };
  const name = input.trim();
  if (name.length === 0 || name.length > MAX_GATEWAY_NAME || /[\u0000-\u001f\u007f-\u009f]/u.test(name))
    return { ok: false, code: "GATEWAY_NAME_INVALID" };
  if (nameTaken(entries, name, ownId)) return { ok: false, code: "GATEWAY_NAME_TAKEN" };
  return { ok: true, name };
}

function nameTaken(entries: readonly GatewayEntry[], name: string, exceptId?: string): boolean {
  const wanted = name.toLowerCase();
  return entries.some((entry) => entry.id !== exceptId && entry.name.toLowerCase() === wanted);
}

/** Whether `wanted` names this entry: its id, its local name (any case), its address, or its host. */
export function gatewayMatches(
  entry: GatewayEntry,
  wanted: string,
  parsedUrl: { url: string; host: string } | null,
): boolean {
  if (entry.id === wanted || entry.name.toLowerCase() === wanted.trim().toLowerCase()) return true;
  if (!parsedUrl) return false;
  if (parsedUrl.url === entry.url) return true;
  try {
    return !/:\/\//.test(wanted) && new URL(entry.url).host === parsedUrl.host;
  } catch {
    return false;
  }
}

/** Validates the stored index (parsed JSON); errors name what is wrong, never a value. */
export function parseGatewayIndex(json: unknown): GatewayIndex {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw malformed("it is not an object");
  const { version, gateways } = json as Record<string, unknown>;
  if (version !== 1) throw malformed("unknown version");
  if (!Array.isArray(gateways)) throw malformed("gateways is not a list");
  const entries = gateways.map(parseEntry);
  if (new Set(entries.map((entry) => entry.id)).size !== entries.length) throw malformed("an id is listed twice");
  return { version: 1, gateways: entries };
}

function parseEntry(value: unknown): GatewayEntry {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed("an entry is not an object");
  const { id, url, name, fingerprint, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw malformed("an entry has unknown fields");
  if (typeof id !== "string" || !ID.test(id)) throw malformed("an entry's id is not an id");
  if (typeof url !== "string" || !/^wss?:\/\/\S+$/u.test(url)) throw malformed("an entry's url is not a ws(s) URL");
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_GATEWAY_NAME)
    throw malformed("an entry's name is not a name");
  if (fingerprint !== null && (typeof fingerprint !== "string" || !/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/u.test(fingerprint)))
    throw malformed("an entry's fingerprint is not a fingerprint");
  return { id, url, name, fingerprint };
}

function malformed(why: string): Error {
  return new Error(`The stored list of gateways is malformed (${why}).`);
}
