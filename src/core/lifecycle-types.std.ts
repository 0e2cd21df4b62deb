// The vocabulary the lifecycle machine, its actors and the core view share.
import type { ClientErrorCode, ClientErrorInfo } from "./client-errors.std.ts";
import type { GatewayInfo } from "./gateway-info.std.ts";

/**
 * Where a pairing is; the flow reports the wire steps, the core adds "saving" (keychain write). A gateway paired
 * with its own setup code may stop at "waiting-for-approval" until its operator approves the device.
 */
export type PairingStep =
  "proving-code" | "requesting-approval" | "waiting-for-approval" | "approving" | "connecting" | "saving";

/** What the machine knows about the trusted gateway: never the token. */
export interface TrustSummary {
  gatewayUrl: string;
  deviceId: string;
  displayName: string;
  scopes: string[];
  pairedAtMs: number;
  /** The pinned gateway identity key's fingerprint (public; read out to spot an impostor gateway). */
  gatewayFingerprint?: string;
  /** Paired with the gateway's own setup code: no identity key (see STOCK_GATEWAY_CAVEATS). */
  stockGateway?: boolean;
}

/** The live socket as the machine sees it. */
export interface LiveSession {
  tickIntervalMs: number;
  /** What its hello-ok said (absent in machine tests' sessions). */
  info?: GatewayInfo | null;
  onActivity(cb: () => void): () => void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/**
 * The gateway's answer to the cheap probe between handshakes: serving, nothing listening (`refused`), still
 * starting or draining (`starting`), or anything that proves neither (a proxy's page, a timeout, another
 * certificate): `unknown` changes nothing.
 */
export type ProbeAnswer = "serving" | "refused" | "starting" | "unknown";

export interface Reason {
  code: string;
  message: string;
}

export type CoreEvent =
  /** `code`: an OCMAP code for `gatewayUrl`, or a gateway's own setup code (which names its gateway itself). */
  | { type: "PAIR"; gatewayUrl: string; code: string; access?: "standard" | "read-only" | "full" }
  | { type: "PAIR_STEP"; step: PairingStep }
  | { type: "CANCEL_PAIRING" }
  | { type: "RETRY_NOW" }
  | { type: "FORGET" }
  | { type: "SOCKET_ACTIVITY" }
  | { type: "SOCKET_CLOSED"; code: number; reason: string };

export interface CoreContext {
  trust: TrustSummary | null;
  /** Of the open session (the socket actor owns the session itself); sets the dead-socket timeout. */
  tickIntervalMs: number;
  reason: Reason;
  lastError: ClientErrorInfo | null;
  attempt: number;
  nextDelayMs: number;
  nextRetryAt: number | null;
  /** Until when a lost session is retried about once a second (see backoff.std.ts). */
  fastPollUntil: number;
  retryAfterMs: number | null;
  /** The earliest a handshake may start: HANDSHAKE_GAP_MS after the last one, or the gateway's retryAfterMs. */
  handshakeNotBefore: number;
  /** Whether the probe runs while waiting: only once a handshake failed since the launch or the loss. */
  probing: boolean;
  probeDelayMs: number;
  handshakeDelayMs: number;
  /** What a handshake would meet now, by the latest probe (null: it may work, or the probe cannot tell). */
  probeDown: ClientErrorCode | null;
  /** The probe said "down" since the last handshake: its next "serving" starts a handshake at once. */
  probeSawDown: boolean;
  connectedSince: number | null;
  pairingStep: PairingStep | null;
  pairingGateway: string | null;
  notice: Reason | null;
  /** From the last hello-ok: kept while disconnected (the version, the access), cleared with the trust. */
  gatewayInfo: GatewayInfo | null;
  /** In REVOKED: the keychain wipe has not finished yet (a process must not exit before it has). */
  wiping: boolean;
}
