// The public types of the Node API ("ocmap/api"), self-contained so the build ships this file as
// dist/api/index.d.ts. The implementation (paired-session.node.ts) is typed by these declarations, and
// index.node.ts checks its exports against them, so `npm run typecheck` fails when the two drift apart.

/** Where the device's trust is and how long to wait. Pair first with `ocmap pair`. */
export interface OpenPairedSessionOptions {
  /** A file store folder, as `ocmap --store DIR`; without it, the OS keychain. Never a fallback. */
  store?: string;
  /** The key file a sealed file store was sealed with, as OCMAP_STORE_KEY_FILE. */
  storeKeyFile?: string;
  /** The keychain service name when no `store` is given (default "ocmap", as the CLI). */
  keychainService?: string;
  /** How long opening, and each call made while disconnected, waits for a connection (default 30000 ms). */
  timeoutMs?: number;
  /** The device's name on the gateway; keep the one it was paired with (default "OCMAP on <host>"). */
  displayName?: string;
}

/** A secret-free picture of the connection (the same fields as `ocmap status --json`). */
export interface SessionState {
  state: "UNPAIRED" | "PAIRING_IN_PROGRESS" | "PAIRED_CONNECTED" | "PAIRED_DISCONNECTED" | "REVOKED";
  activity: "starting" | "idle" | "pairing" | "connected" | "waiting" | "connecting" | "forgetting";
  reason: { code: string; message: string };
  lastError: { code: string; message: string; retryable: boolean; retryAfterMs?: number } | null;
  notice: { code: string; message: string } | null;
  pairingStep: string | null;
  gateway: { url: string; host: string; insecure: boolean; fingerprint: string | null } | null;
  device: { id: string; name: string; fingerprint: string } | null;
  scopes: string[];
  pairedAtMs: number | null;
  connectedSince: number | null;
  reconnect: { attempt: number; nextRetryAt: number | null } | null;
}

export interface PairedSession {
  /**
   * Calls a gateway method within the device's scopes and resolves with its result. A call waits for a
   * connection while reconnecting, and is never sent twice. The gateway's refusal is a GatewayCallError;
   * a failure on this side an OcmapError.
   */
  call<T = unknown>(method: string, params?: unknown, options?: { timeoutMs?: number }): Promise<T>;
  /** Gateway events by name ("*" for all), across reconnects. Returns a function that stops listening. */
  on(event: string, listener: (payload: unknown, event: string) => void): () => void;
  /** Every change of state (connected, reconnecting, revoked, …). Returns a function that stops listening. */
  onState(listener: (state: SessionState) => void): () => void;
  state(): SessionState;
  /** Closes the connection; the stored trust stays for the next open. */
  close(): Promise<void>;
}

/** A failure on this side: not paired, revoked, unreachable, a store error (`code` as in the CLI's table). */
export declare class OcmapError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, retryable?: boolean);
}

/** The gateway answered a call with an error: its own code, message and details. */
export declare class GatewayCallError extends Error {
  readonly method: string;
  readonly code: string;
  readonly details: unknown;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

/** Opens the paired device's session and resolves once it is connected; rejects with an OcmapError otherwise. */
export declare function openPairedSession(options?: OpenPairedSessionOptions): Promise<PairedSession>;
