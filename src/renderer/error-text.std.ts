// Every error the renderer shows, as a sentence that says what to do next, and the field it belongs to.
import { CLIENT_ERROR_MESSAGES } from "../core/client-errors.std.ts";
import { reachSentence, type ReachFailure } from "../core/reach-failure.std.ts";

export interface ShownError {
  code: string;
  message?: string;
  retryAfterMs?: number;
  reach?: ReachFailure;
}

/** `retrying`: the core tries again by itself (a paired gateway), so the sentence says so. */
export function errorSentence(error: ShownError, options: { retrying?: boolean } = {}): string {
  const known = (CLIENT_ERROR_MESSAGES as Record<string, string>)[error.code];
  let sentence = error.reach
    ? reachSentence(error.reach)
    : (known ?? (error.message || CLIENT_ERROR_MESSAGES.INTERNAL));
  if (options.retrying && (error.reach || error.code === "GATEWAY_UNREACHABLE")) sentence += " OCMAP keeps trying.";
  return error.retryAfterMs ? `${sentence} You can try again in ${formatWait(error.retryAfterMs)}.` : sentence;
}

export function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export const KEYCHAIN_ERRORS: ReadonlySet<string> = new Set([
  "KEYCHAIN_UNAVAILABLE",
  "KEYCHAIN_LOCKED",
  "KEYCHAIN_FAILED",
  "KEYCHAIN_CORRUPT",
]);

const GATEWAY_FIELD = new Set([
  "URL_INVALID",
  "URL_INSECURE",
  "GATEWAY_UNREACHABLE",
  "GATEWAY_STARTING",
  "GATEWAY_TLS_UNTRUSTED",
  "GATEWAY_CERT_EXPIRED",
  "GATEWAY_IDENTITY_CHANGED",
  "GATEWAY_REFUSED",
  "PLUGIN_MISSING",
  "PAIRING_DISABLED",
  "TIMEOUT",
  "ALREADY_PAIRED",
]);

/** Where a failed pairing's error is shown: at the field the user must change, or beside the Pair button. */
export function errorField(code: string): "gateway" | "code" | "form" {
  if (GATEWAY_FIELD.has(code)) return "gateway";
  if (code.startsWith("CODE_") || code.startsWith("SETUP_CODE_")) return "code";
  if (code === "APPROVAL_EXPIRED" || code === "RATE_LIMITED") return "code";
  return "form";
}
