// A gateway's own setup code (what `openclaw qr` and `device.pair.setupCode` print, for gateways without
// ocmap-pairing): base64url of the JSON {url, bootstrapToken, expiresAtMs?, tlsFingerprint?, urls?}, or the same
// behind `oc-pair://`. Parsing never pairs; errors never repeat the input (the bootstrap token is a bearer secret).
import { looksLikeEnrollmentKey } from "@ocmap/protocol/enrollment-key";
import { parseGatewayUrl } from "./gateway-url.std.ts";

export const MAX_SETUP_CODE_LENGTH = 8192;
const SETUP_LINK_PREFIX = "oc-pair://";

export interface SetupCode {
  ok: true;
  /** Which form was entered: the bare code or an `oc-pair://` link. */
  form: "code" | "link";
  gatewayUrl: string;
  host: string;
  insecure: boolean;
  bootstrapToken: string;
  expiresAtMs: number | null;
  /** SHA-256 of the gateway's whole certificate (DER), 64 lowercase hex, when the code carries one. */
  tlsFingerprint: string | null;
}

export type SetupCodeError = { ok: false; code: "SETUP_CODE_INVALID" | "SETUP_CODE_EXPIRED"; message: string };

const ASK_AGAIN = "Ask the gateway's operator for a new one (openclaw qr).";

function invalid(why: string): SetupCodeError {
  return { ok: false, code: "SETUP_CODE_INVALID", message: `${why} ${ASK_AGAIN}` };
}

/** The gateway's own fingerprint forms (hex, `AA:BB:…`, optional `sha256:`) as 64 lowercase hex, or null. */
export function normalizeTlsFingerprint(value: string): string | null {
  const text = value.trim().replace(/^sha256:/iu, "");
  if (/^[0-9a-f]{64}$/iu.test(text)) return text.toLowerCase();
  if (/^(?:[0-9a-f]{2}:){31}[0-9a-f]{2}$/iu.test(text)) return text.replaceAll(":", "").toLowerCase();
  return null;
}

export function parseSetupCode(input: unknown, nowMs: number = Date.now()): SetupCode | SetupCodeError {
  if (typeof input !== "string" || input.length > MAX_SETUP_CODE_LENGTH)
    return invalid("This is not a gateway setup code.");
  const text = input.trim();
  const form = text.toLowerCase().startsWith(SETUP_LINK_PREFIX) ? "link" : "code";
  const body = form === "link" ? text.slice(SETUP_LINK_PREFIX.length).replace(/\/$/u, "") : text;
  if (body.length === 0) return invalid("This setup code is empty.");
  if (!/^[A-Za-z0-9_-]+$/u.test(body))
    return invalid("This is not a gateway setup code (they are letters, digits, - and _ only, or an oc-pair:// link).");

  let payload: unknown;
  try {
    payload = JSON.parse(decodeBase64Url(body));
  } catch {
    return invalid("This setup code is damaged (it does not decode): copy all of it.");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    return invalid("This setup code is damaged (it holds no gateway details).");
  const fields = payload as Record<string, unknown>;

  if (typeof fields.bootstrapToken !== "string" || fields.bootstrapToken.trim().length === 0)
    return invalid("This setup code carries no bootstrap token.");
  if (fields.bootstrapToken.length > 1024 || /[\s\u0000-\u001f\u007f]/u.test(fields.bootstrapToken))
    return invalid("This setup code's bootstrap token is malformed.");
  if (typeof fields.url !== "string" || !/^wss?:\/\//iu.test(fields.url.trim()))
    return invalid("This setup code's gateway address is not a ws:// or wss:// URL.");
  const url = parseGatewayUrl(fields.url.trim());
  if (!url.ok)
    return {
      ok: false,
      code: "SETUP_CODE_INVALID",
      message: `This setup code's gateway address cannot be used: ${url.message}`,
    };

  let expiresAtMs: number | null = null;
  if (fields.expiresAtMs !== undefined) {
    const value = fields.expiresAtMs;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
      return invalid("This setup code's expiry is malformed.");
    if (value <= nowMs)
      return { ok: false, code: "SETUP_CODE_EXPIRED", message: `This setup code has expired. ${ASK_AGAIN}` };
    expiresAtMs = value;
  }

  let tlsFingerprint: string | null = null;
  if (fields.tlsFingerprint !== undefined) {
    tlsFingerprint = typeof fields.tlsFingerprint === "string" ? normalizeTlsFingerprint(fields.tlsFingerprint) : null;
    if (!tlsFingerprint) return invalid("This setup code's certificate fingerprint is not a SHA-256 fingerprint.");
    if (url.insecure)
      return invalid("This setup code names a certificate fingerprint for an unencrypted ws:// address.");
  }
  return {
    ok: true,
    form,
    gatewayUrl: url.url,
    host: url.host,
    insecure: url.insecure,
    bootstrapToken: fields.bootstrapToken.trim(),
    expiresAtMs,
    tlsFingerprint,
  };
}

/** What a pasted pairing input is, before it is parsed for real. */
export type PairingInputKind =
  "ocmap-code" | "ocmap-link" | "ocmap-enrollment-key" | "setup-code" | "setup-link" | "unknown";

export function detectPairingInput(input: string): PairingInputKind {
  const text = input.trim();
  if (/^ocmap:/iu.test(text)) return "ocmap-link";
  if (looksLikeEnrollmentKey(text)) return "ocmap-enrollment-key";
  if (text.toLowerCase().startsWith(SETUP_LINK_PREFIX)) return "setup-link";
  // An OCMAP code is 8 symbols, typed with optional dashes or spaces; a setup code is a long base64url string of a
  // JSON object, so it starts with "ey" (the encoding of `{"` or `{ `).
  if (/^[0-9A-Za-z][0-9A-Za-z\s-]{0,13}$/u.test(text)) return "ocmap-code";
  if (/^ey[A-Za-z0-9_-]{22,}$/u.test(text)) return "setup-code";
  return "unknown";
}

/** What pairing with a setup code gives up, compared to a code from ocmap-pairing (shown by the CLI and the app). */
export const STOCK_GATEWAY_CAVEATS = [
  "The setup code is a bearer secret: anyone who has it can ask to pair until it expires. Keep it private.",
  "This gateway has no ocmap-pairing identity key to vouch for a renewed certificate: if its certificate " +
    "changes, OCMAP stops connecting and you pair again with a new setup code.",
] as const;

// atob exists in Node and browsers alike (this file runs in both); base64url → base64 with padding first.
function decodeBase64Url(text: string): string {
  const base64 = text.replaceAll("-", "+").replaceAll("_", "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}
