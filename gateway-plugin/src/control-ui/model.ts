// What the Clawpodz views read: the page state shared across mounts and one render's view of the list.
import type { Access, CodeSummary, PairingList } from "@ocmap/protocol/pairing-protocol";

/** The code this browser created last: kept in memory only (never a token), shared across mounts. */
export interface LiveCode {
  codeId: string;
  code: string;
  expiresAtMs: number;
  ttlMs: number;
  access: Access;
  label?: string;
  pairingLink: string;
  gatewayUrl?: string;
  /** Set when the gateway says the code is no longer active (or its time ran out here). */
  ended?: { status: CodeSummary["status"]; deviceId?: string };
}

/** Survives remounts of the page: the live code and the form's last choices. */
export interface Shared {
  live?: LiveCode;
  access: Access;
  ttlSeconds: number;
}

/** One render's inputs, the same for every view. */
export interface ViewState {
  /** Undefined until the first pairing.list answer. */
  list?: PairingList;
  /** Why the last refresh failed, if it did. */
  listError?: string;
  nowMs: number;
  locale: string;
  /** The Control UI connection has operator.admin (may create and cancel codes). */
  canAdmin: boolean;
}

export function deviceName(list: PairingList | undefined, deviceId?: string): string {
  const device = deviceId ? list?.devices.find((d) => d.deviceId === deviceId) : undefined;
  return device?.displayName ?? "device";
}

export function codeLabel(list: PairingList | undefined, codeId?: string): string {
  const code = codeId ? list?.codes.find((c) => c.codeId === codeId) : undefined;
  return code?.label ? `“${code.label}”` : codeId ? `code ${codeId.slice(0, 8)}` : "unknown code";
}
