// Every error the renderer shows, as a sentence that says what to do next.
import { CLIENT_ERROR_MESSAGES } from "../core/client-errors.std.ts";

export interface ShownError {
  code: string;
  message?: string;
  retryAfterMs?: number;
}

export function errorSentence(error: ShownError): string {
  const known = (CLIENT_ERROR_MESSAGES as Record<string, string>)[error.code];
  const sentence = known ?? (error.message || CLIENT_ERROR_MESSAGES.INTERNAL);
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
