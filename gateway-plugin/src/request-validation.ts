// Every request the plugin accepts is validated here, into closed, typed objects: the bodies of the
// unauthenticated HTTP routes and the params of the WS methods. Anything else is INVALID_REQUEST.
import { fromBase64Url } from "@ocmap/protocol/base64url";
import { SHARE_BYTES } from "@ocmap/protocol/cpace";
import { KEY_ID_SYMBOLS } from "@ocmap/protocol/enrollment-key";
import { CROCKFORD } from "@ocmap/protocol/pairing-code";
import { MAX_KEY_TTL_SECONDS, MAX_KEY_USES, type Access } from "@ocmap/protocol/pairing-protocol";
import { DISCRIMINATOR_SYMBOLS, SID_BYTES } from "@ocmap/protocol/pairing-v2";
import { fail } from "./errors.ts";
import type { ExchangeProof } from "./exchange-checks.ts";

const MAX_STRING = 256;

const DISCRIMINATOR = new RegExp(`^[${CROCKFORD}]{${DISCRIMINATOR_SYMBOLS}}$`);

const KEY_ID = new RegExp(`^[${CROCKFORD}]{${KEY_ID_SYMBOLS}}$`);

/** Exactly one of `discriminator` (a code) and `keyId` (an enrollment key). */
export function parseStartBody(
  body: unknown,
): { discriminator: string; sid: string; share: string } | { keyId: string; sid: string; share: string } {
  const { discriminator, keyId, sid, share } = closedStrings(body, ["sid", "share"], ["discriminator", "keyId"]);
  if ((discriminator === undefined) === (keyId === undefined))
    throw fail("INVALID_REQUEST", "send exactly one of discriminator and keyId");
  if (discriminator !== undefined && !DISCRIMINATOR.test(discriminator))
    throw fail("INVALID_REQUEST", "bad discriminator");
  if (keyId !== undefined && !KEY_ID.test(keyId)) throw fail("INVALID_REQUEST", "bad keyId");
  if (!fromBase64Url(sid, SID_BYTES)) throw fail("INVALID_REQUEST", "bad sid");
  if (!fromBase64Url(share, SHARE_BYTES)) throw fail("INVALID_REQUEST", "bad share");
  return keyId !== undefined
    ? { keyId, sid: sid!, share: share! }
    : { discriminator: discriminator!, sid: sid!, share: share! };
}

export function parseConfirmBody(body: unknown): { sessionId: string; confirm: string } {
  const { sessionId, confirm } = closedStrings(body, ["sessionId", "confirm"], []);
  return { sessionId: sessionId!, confirm: confirm! };
}

/** `device`: the exchange's device proof (requestId ""), for a device the gateway approved by itself. */
export function parseAbandonBody(body: unknown): { sessionId: string; mac: string; device?: ExchangeProof["device"] } {
  const { device, ...rest } = asObject(body, "body is not an object");
  const { sessionId, mac } = closedStrings(rest, ["sessionId", "mac"], []);
  return { sessionId: sessionId!, mac: mac!, ...(device === undefined ? {} : { device: parseDeviceProof(device) }) };
}

export function parseExchangeBody(body: unknown): ExchangeProof & { sessionId: string; mac: string } {
  const { device, ...rest } = asObject(body, "body is not an object");
  const top = closedStrings(rest, ["sessionId", "mac"], ["requestId"]);
  return {
    sessionId: top.sessionId!,
    mac: top.mac!,
    ...(top.requestId ? { requestId: top.requestId } : {}),
    device: parseDeviceProof(device),
  };
}

function parseDeviceProof(device: unknown): ExchangeProof["device"] {
  const { signedAt, ...strings } = asObject(device, "device missing");
  const dev = closedStrings(strings, ["id", "publicKey", "signature"], []);
  if (typeof signedAt !== "number" || !Number.isSafeInteger(signedAt) || signedAt < 0)
    throw fail("INVALID_REQUEST", "bad signedAt");
  return { id: dev.id!, publicKey: dev.publicKey!, signature: dev.signature!, signedAt };
}

/** GET, or POST with an empty JSON object: the identity route takes nothing. */
export function parseIdentityBody(body: unknown): void {
  closedStrings(body, [], []);
}

export interface CreateCodeParams {
  ttlSeconds?: number;
  access?: Access;
  label?: string;
}

export function parseCreateCodeParams(params: unknown): CreateCodeParams {
  return closedParams(params, { ttlSeconds: "ttlSeconds", access: "access", label: "label" }) as CreateCodeParams;
}

export interface CreateKeyParams {
  uses: number;
  ttlSeconds?: number;
  access?: Access;
  namePrefix?: string;
  ephemeral?: boolean;
  label?: string;
}

export function parseCreateKeyParams(params: unknown): CreateKeyParams {
  const rules = {
    uses: "uses",
    ttlSeconds: "keyTtlSeconds",
    access: "access",
    namePrefix: "namePrefix",
    ephemeral: "flag",
    label: "label",
  } as const;
  return closedParams(params, rules, ["uses"]) as unknown as CreateKeyParams;
}

export function parseRevokeKeyParams(params: unknown): { keyId: string; revokeDevices?: boolean } {
  return closedParams(params, { keyId: "keyId", revokeDevices: "flag" }, ["keyId"]) as {
    keyId: string;
    revokeDevices?: boolean;
  };
}

export function parseCancelCodeParams(params: unknown): { codeId: string } {
  return closedParams(params, { codeId: "codeId" }, ["codeId"]) as { codeId: string };
}

export function parseRevokeDeviceParams(params: unknown): { deviceId: string; reason?: string } {
  return closedParams(params, { deviceId: "deviceId", reason: "reason" }, ["deviceId"]) as {
    deviceId: string;
    reason?: string;
  };
}

/** pairing.list and pairing.forgetSelf take no params: a closed empty object. */
export function parseNoParams(params: unknown): void {
  closedParams(params, {});
}

function asObject(value: unknown, reason: string): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw fail("INVALID_REQUEST", reason);
  return value as Record<string, unknown>;
}

/** A closed object: exactly the allowed keys, string values (bounded). */
function closedStrings(body: unknown, required: string[], optional: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(asObject(body, "body is not an object"))) {
    if (![...required, ...optional].includes(key)) throw fail("INVALID_REQUEST", `unknown key ${key.slice(0, 32)}`);
    if (typeof value !== "string" || value.length > MAX_STRING) throw fail("INVALID_REQUEST", `bad ${key}`);
    out[key] = value;
  }
  for (const key of required) if (!(key in out)) throw fail("INVALID_REQUEST", `missing ${key}`);
  return out;
}

type Rule =
  | "ttlSeconds"
  | "access"
  | "label"
  | "codeId"
  | "deviceId"
  | "reason"
  | "uses"
  | "keyTtlSeconds"
  | "namePrefix"
  | "flag"
  | "keyId";

function closedParams(params: unknown, rules: Record<string, Rule>, required: string[] = []): Record<string, unknown> {
  const object = asObject(params, "params must be an object");
  for (const [key, value] of Object.entries(object)) {
    const rule = rules[key];
    if (!rule) throw fail("INVALID_REQUEST", `unknown param ${key.slice(0, 32)}`);
    if (!satisfies(rule, value)) throw fail("INVALID_REQUEST", `invalid ${key}`);
  }
  for (const key of required) if (!(key in object)) throw fail("INVALID_REQUEST", `missing ${key}`);
  return object;
}

function satisfies(rule: Rule, value: unknown): boolean {
  switch (rule) {
    case "ttlSeconds":
      return Number.isInteger(value) && (value as number) >= 120 && (value as number) <= 300;
    case "access":
      return value === "standard" || value === "read-only" || value === "full";
    case "label":
      return (
        typeof value === "string" &&
        value.trim().length >= 1 &&
        value.length <= 64 &&
        !/[\u0000-\u001f\u007f]/.test(value)
      );
    case "codeId":
      return typeof value === "string" && /^[0-9a-f-]{36}$/.test(value);
    case "deviceId":
      return typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
    case "reason":
      return typeof value === "string" && value.length >= 1 && value.length <= 200;
    case "uses":
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_KEY_USES;
    case "keyTtlSeconds":
      return Number.isInteger(value) && (value as number) >= 60 && (value as number) <= MAX_KEY_TTL_SECONDS;
    case "namePrefix":
      return typeof value === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(value);
    case "flag":
      return typeof value === "boolean";
    case "keyId":
      return typeof value === "string" && KEY_ID.test(value);
  }
}
