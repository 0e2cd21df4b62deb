// Pure helpers of the Clawpodz tab (no DOM): formatting and parsing only, so they can be unit tested.
import type { Access, AuditEvent, CodeStatus } from "@ocmap/protocol/pairing-protocol";

export const ACCESS_LABEL: Record<Access, string> = {
  standard: "Standard",
  "read-only": "Read-only",
  full: "Full (admin)",
};

export const ACCESS_HINT: Record<Access, string> = {
  standard: "read and write",
  "read-only": "read only",
  full: "everything, including pairing and admin",
};

export const STATUS_LABEL: Record<CodeStatus, string> = {
  active: "Active",
  used: "Used",
  expired: "Expired",
  cancelled: "Cancelled",
  locked: "Locked after failures",
};

/** The lifetimes the tab offers, in seconds (the contract allows 120..300). */
export const LIFETIMES = [120, 180, 240, 300] as const;

/** `m:ss` left until `expiresAtMs`, never negative. */
export function countdown(expiresAtMs: number, nowMs: number): string {
  const left = Math.max(0, Math.ceil((expiresAtMs - nowMs) / 1000));
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
}

/** The gateway URL a user types, read back from the pairing link (`ocmap://pair?gateway=…&code=…`). */
export function gatewayFromLink(link: string): string | undefined {
  const queryStart = link.indexOf("?");
  if (!link.startsWith("ocmap://pair?") || queryStart < 0) return undefined;
  const gateway = new URLSearchParams(link.slice(queryStart + 1)).get("gateway");
  return gateway && /^wss?:\/\//i.test(gateway) ? gateway : undefined;
}

/** "just now", "3 min ago", "2 h ago", "5 days ago" (or "in …" for future times). */
export function relativeTime(atMs: number, nowMs: number, locale = "en"): string {
  const diff = atMs - nowMs;
  const abs = Math.abs(diff);
  if (abs < 45_000) return "just now";
  const rtf = cachedFormat(
    `rel:${locale}`,
    () => new Intl.RelativeTimeFormat(locale, { numeric: "auto", style: "short" }),
  );
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), "minute");
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), "hour");
  return rtf.format(Math.round(diff / 86_400_000), "day");
}

// Building an Intl formatter costs far more than using one: a 500-device list formats two thousand times.
const formatters = new Map<string, { format(...args: never[]): string }>();
function cachedFormat<T extends { format(...args: never[]): string }>(key: string, make: () => T): T {
  let found = formatters.get(key) as T | undefined;
  if (!found) formatters.set(key, (found = make()));
  return found;
}

/** "expires in 3 days", "expires in 5 hours", "expires in under a minute". */
export function expiresIn(expiresAtMs: number, nowMs: number): string {
  const left = expiresAtMs - nowMs;
  if (left >= 2 * 86_400_000) return `expires in ${Math.floor(left / 86_400_000)} days`;
  if (left >= 2 * 3_600_000) return `expires in ${Math.floor(left / 3_600_000)} hours`;
  if (left >= 120_000) return `expires in ${Math.floor(left / 60_000)} minutes`;
  return "expires in under 2 minutes";
}

export function absoluteTime(atMs: number, locale = "en"): string {
  const format = cachedFormat(
    `abs:${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" }),
  );
  return format.format(new Date(atMs));
}

export function clockTime(atMs: number, locale = "en"): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: "short" }).format(new Date(atMs));
}

const AUDIT_LABEL: Record<AuditEvent["type"], string> = {
  "code.created": "Code created",
  "code.redeemed": "Code redeemed",
  "code.exchanged": "Device paired",
  "code.failed": "Failed attempt",
  "code.cancelled": "Code cancelled",
  "code.expired": "Code expired",
  "device.revoked": "Device revoked",
  "device.forgotten": "Device forgot itself",
  "device.forget-failed": "Forget not applied",
  "certificate.renewed": "Certificate renewed",
  "certificate.retired": "Certificates retired",
  "key.created": "Enrollment key created",
  "key.revoked": "Enrollment key revoked",
  "key.expired": "Enrollment key expired",
  "key.exhausted": "Enrollment key used up",
  "key.locked": "Enrollment key locked after failures",
  "device.removed": "Ephemeral device removed",
  "device.expired": "Device expired (not seen)",
  "device.access-changed": "Access changed",
};

export function auditLabel(type: AuditEvent["type"]): string {
  return AUDIT_LABEL[type] ?? type;
}

export type AuditTone = "ok" | "warn" | "danger" | "info";
export function auditTone(type: AuditEvent["type"]): AuditTone {
  switch (type) {
    case "code.exchanged":
      return "ok";
    case "code.failed":
    case "device.revoked":
    case "device.forget-failed":
    case "certificate.retired":
      return "danger";
    case "code.expired":
    case "code.cancelled":
    case "device.forgotten":
      return "warn";
    default:
      return "info";
  }
}

/** Turns a failed request into one sentence for the operator; never echoes params. */
export function describeError(err: unknown): string {
  const failure = err as {
    details?: { code?: unknown };
    gatewayCode?: unknown;
    code?: unknown;
    message?: unknown;
  } | null;
  const code = typeof failure?.details?.code === "string" ? failure.details.code : undefined;
  switch (code) {
    case "PAIRING_DISABLED":
      return "Pairing is turned off in the ocmap-pairing plugin config (enabled: false).";
    case "RATE_LIMITED":
      return "Pairing is paused after too many failed attempts. Creating a new code lifts the pause.";
    case "CODE_EXPIRED":
      return "That code has already expired.";
    case "CODE_ALREADY_USED":
      return "That code was already used or cancelled.";
    case "DEVICE_REVOKED":
      return "That device was already revoked.";
  }
  const message = typeof failure?.message === "string" ? failure.message : String(err);
  if (/missing scope|scope/i.test(message)) return `This Control UI connection is not allowed to do that (${message}).`;
  return message || "The request failed.";
}
