// The only picture of the core that leaves it (UI, IPC, CLI output). Built from an allow-list of
// fields, so nothing secret can reach it even by accident; a test checks every view of a run.
import { fingerprint } from "@ocmap/protocol/pairing-protocol";
import type { ClientErrorInfo } from "./client-errors.std.ts";
import type { CoreContext, PairingStep, Reason } from "./lifecycle-types.std.ts";

export type CoreState = "UNPAIRED" | "PAIRING_IN_PROGRESS" | "PAIRED_CONNECTED" | "PAIRED_DISCONNECTED" | "REVOKED";
export type CoreActivity = "starting" | "idle" | "pairing" | "connected" | "waiting" | "connecting" | "forgetting";

export interface CoreView {
  state: CoreState;
  activity: CoreActivity;
  /** Why the core is where it is: what the UI says first. */
  reason: Reason;
  lastError: ClientErrorInfo | null;
  notice: Reason | null;
  pairingStep: PairingStep | null;
  gateway: { url: string; host: string; insecure: boolean; fingerprint: string | null } | null;
  device: { id: string; name: string; fingerprint: string } | null;
  scopes: string[];
  pairedAtMs: number | null;
  connectedSince: number | null;
  reconnect: { attempt: number; nextRetryAt: number | null } | null;
}

type Snapshot = { value: unknown; context: CoreContext };

export function coreView(s: Snapshot): CoreView {
  const c = s.context;
  const top = typeof s.value === "string" ? s.value : Object.keys(s.value as object)[0]!;
  const sub = typeof s.value === "object" ? (Object.values(s.value as object)[0] as string) : null;
  const state: CoreState = top === "STARTING" || top === "WIPING" ? "UNPAIRED" : (top as CoreState);
  const activity: CoreActivity =
    top === "STARTING"
      ? "starting"
      : top === "WIPING" || sub === "forgetting" || (top === "REVOKED" && c.wiping)
        ? "forgetting"
        : top === "PAIRING_IN_PROGRESS"
          ? "pairing"
          : top === "PAIRED_CONNECTED"
            ? "connected"
            : top === "PAIRED_DISCONNECTED"
              ? (sub as "waiting" | "connecting")
              : "idle";
  const gatewayUrl = c.trust?.gatewayUrl ?? c.pairingGateway;
  return {
    state,
    activity,
    reason: { code: c.reason.code, message: c.reason.message },
    lastError: c.lastError ? { ...c.lastError } : null,
    notice: c.notice ? { code: c.notice.code, message: c.notice.message } : null,
    pairingStep: c.pairingStep,
    gateway: gatewayUrl ? { ...describeGateway(gatewayUrl), fingerprint: c.trust?.gatewayFingerprint ?? null } : null,
    device: c.trust
      ? { id: c.trust.deviceId, name: c.trust.displayName, fingerprint: fingerprint(c.trust.deviceId) }
      : null,
    scopes: c.trust ? [...c.trust.scopes] : [],
    pairedAtMs: c.trust?.pairedAtMs ?? null,
    connectedSince: c.connectedSince,
    reconnect: top === "PAIRED_DISCONNECTED" ? { attempt: c.attempt, nextRetryAt: c.nextRetryAt } : null,
  };
}

function describeGateway(url: string): { url: string; host: string; insecure: boolean } {
  try {
    const u = new URL(url);
    return {
      url: `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`,
      host: u.host,
      insecure: u.protocol === "ws:",
    };
  } catch {
    return { url: "", host: "", insecure: false };
  }
}
