// The only picture of the core that leaves it (UI, IPC, CLI output). Built from an allow-list of
// fields, so nothing secret can reach it even by accident; a test checks every view of a run.
import { fingerprint } from "@ocmap/protocol/pairing-protocol";
import type { ClientErrorInfo } from "./client-errors.std.ts";
import { controlUiUrlOf, type GatewayAccess, type GatewayHealth } from "./gateway-info.std.ts";
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
  /** `stock`: paired with the gateway's own setup code (no ocmap-pairing, no identity key). */
  gateway: { url: string; host: string; insecure: boolean; fingerprint: string | null; stock?: true } | null;
  device: { id: string; name: string; fingerprint: string } | null;
  scopes: string[];
  /** The role and scopes the gateway granted at the last connect (before one: what pairing asked for). */
  access: GatewayAccess | null;
  /** The gateway's version and health, as its last hello-ok said. */
  gatewayVersion: string | null;
  health: GatewayHealth | null;
  /** Where its Control UI opens in the browser (http(s) on the gateway's own host). */
  controlUiUrl: string | null;
  pairedAtMs: number | null;
  connectedSince: number | null;
  reconnect: { attempt: number; nextRetryAt: number | null } | null;
}

type Snapshot = { value: unknown; context: CoreContext };

export function coreView(snapshot: Snapshot): CoreView {
  const context = snapshot.context;
  const top = typeof snapshot.value === "string" ? snapshot.value : Object.keys(snapshot.value as object)[0]!;
  const inner: unknown = typeof snapshot.value === "object" ? Object.values(snapshot.value as object)[0] : null;
  // One level down is enough ("waiting" has its own substates, which the view does not show).
  const sub = typeof inner === "object" && inner !== null ? Object.keys(inner)[0]! : (inner as string | null);
  const state: CoreState = top === "STARTING" || top === "WIPING" ? "UNPAIRED" : (top as CoreState);
  const activity: CoreActivity =
    top === "STARTING"
      ? "starting"
      : top === "WIPING" || sub === "forgetting" || (top === "REVOKED" && context.wiping)
        ? "forgetting"
        : top === "PAIRING_IN_PROGRESS"
          ? "pairing"
          : top === "PAIRED_CONNECTED"
            ? "connected"
            : top === "PAIRED_DISCONNECTED"
              ? (sub as "waiting" | "connecting")
              : "idle";
  const gatewayUrl = context.trust?.gatewayUrl ?? context.pairingGateway;
  const info = context.trust ? context.gatewayInfo : null;
  return {
    state,
    activity,
    reason: { code: context.reason.code, message: context.reason.message },
    lastError: context.lastError ? { ...context.lastError } : null,
    notice: context.notice ? { code: context.notice.code, message: context.notice.message } : null,
    pairingStep: context.pairingStep,
    gateway: gatewayUrl
      ? {
          ...describeGateway(gatewayUrl),
          fingerprint: context.trust?.gatewayFingerprint ?? null,
          ...(context.trust?.stockGateway ? { stock: true as const } : {}),
        }
      : null,
    device: context.trust
      ? {
          id: context.trust.deviceId,
          name: context.trust.displayName,
          fingerprint: fingerprint(context.trust.deviceId),
        }
      : null,
    scopes: context.trust ? [...context.trust.scopes] : [],
    access: info?.access
      ? { role: info.access.role, scopes: [...info.access.scopes] }
      : context.trust
        ? { role: "operator", scopes: [...context.trust.scopes] }
        : null,
    gatewayVersion: info?.version ?? null,
    health: info ? { ...info.health } : null,
    controlUiUrl: context.trust ? controlUiUrlOf(context.trust.gatewayUrl, info?.controlUiUrl ?? null) : null,
    pairedAtMs: context.trust?.pairedAtMs ?? null,
    connectedSince: context.connectedSince,
    reconnect: top === "PAIRED_DISCONNECTED" ? { attempt: context.attempt, nextRetryAt: context.nextRetryAt } : null,
  };
}

/** A view with no gateway behind it: the fleet's own state (loading, unreadable, nothing paired). */
export function restingView(
  reason: Reason,
  activity: "starting" | "idle",
  extra: { lastError?: ClientErrorInfo | null; notice?: Reason | null } = {},
): CoreView {
  return {
    state: "UNPAIRED",
    activity,
    reason: { code: reason.code, message: reason.message },
    lastError: extra.lastError ? { ...extra.lastError } : null,
    notice: extra.notice ?? null,
    pairingStep: null,
    gateway: null,
    device: null,
    scopes: [],
    access: null,
    gatewayVersion: null,
    health: null,
    controlUiUrl: null,
    pairedAtMs: null,
    connectedSince: null,
    reconnect: null,
  };
}

function describeGateway(url: string): { url: string; host: string; insecure: boolean } {
  try {
    const parsedUrl = new URL(url);
    return {
      url: `${parsedUrl.protocol}//${parsedUrl.host}${parsedUrl.pathname === "/" ? "" : parsedUrl.pathname}`,
      host: parsedUrl.host,
      insecure: parsedUrl.protocol === "ws:",
    };
  } catch {
    return { url: "", host: "", insecure: false };
  }
}
