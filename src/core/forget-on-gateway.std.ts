// Forget, the gateway's half: ask it to remove this device (`pairing.forgetSelf`) and say "the gateway
// was told" only once it has removed it. The plugin answers first and then removes the caller, which
// closes the caller's socket with 4001 "device removed"; that close, or else a reconnect with the stored
// token being refused as unknown, is the confirmation. The caller wipes the local trust in every case.
import { isRemovalClose, type ForgetOutcome } from "./lifecycle-reasons.std.ts";

export interface ForgetSession {
  /** Resolves the answer's payload; rejects with `{ wire: { code, details? } }` for an error answer. */
  request(method: string, params: unknown, timeoutMs: number): Promise<unknown>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface RefusedConnect {
  code: string;
  details?: { code?: string };
}

/** A connect with the stored device token; throws when the gateway cannot be reached at all. */
export type ConnectWithStoredToken = () => Promise<
  { ok: true; session: ForgetSession } | { ok: false; error: RefusedConnect }
>;

export interface ForgetTimings {
  /** How long forgetSelf may take to answer. */
  answerMs: number;
  /** How long after the answer the removal close may take before a reconnect checks instead. */
  removalMs: number;
}

const DEFAULT_TIMINGS: ForgetTimings = { answerMs: 5_000, removalMs: 3_000 };

/** Errors GatewaySession makes up itself when no answer came: not the gateway's word. */
const NO_ANSWER = new Set(["CONNECTION_LOST", "TIMEOUT"]);

/** The gateway's answer to a connect with a token it no longer knows. */
export const deviceUnknown = (error: RefusedConnect) =>
  error.details?.code === "AUTH_DEVICE_TOKEN_MISMATCH" || error.code === "NOT_PAIRED";

/**
 * The request that removes this device: ocmap-pairing's `pairing.forgetSelf`, or on a gateway without the plugin
 * the gateway's own `device.pair.remove` of this device (its method scope is operator.pairing); null when this
 * device's scopes allow neither, so only the operator can remove it.
 */
export type ForgetRequest = { method: string; params: unknown } | null;

export const FORGET_SELF: ForgetRequest = { method: "pairing.forgetSelf", params: {} };

export async function forgetOnGateway(
  live: ForgetSession | null,
  connect: ConnectWithStoredToken,
  timings: ForgetTimings = DEFAULT_TIMINGS,
  ask: ForgetRequest = FORGET_SELF,
): Promise<ForgetOutcome> {
  if (!ask) return "not-allowed";
  let session = live;
  if (!session) {
    const opened = await connect().catch(() => null);
    if (!opened) return "offline";
    // Already unknown to the gateway: it has nothing left to remove.
    if (!opened.ok) return deviceUnknown(opened.error) ? "told" : "offline";
    session = opened.session;
  }
  try {
    const removed = session.closed.then(isRemovalClose);
    try {
      await session.request(ask.method, ask.params, timings.answerMs);
    } catch (err) {
      const code = (err as { wire?: { code?: unknown } }).wire?.code;
      if (typeof code === "string" && !NO_ANSWER.has(code)) return "refused"; // FORGET_UNAVAILABLE or any error
    }
    if (await within(removed, timings.removalMs)) return "told";
    return await confirmByReconnect(connect);
  } finally {
    if (session !== live) session.close();
  }
}

/** One reconnect with the stored token: refused as unknown means the removal happened. */
async function confirmByReconnect(connect: ConnectWithStoredToken): Promise<ForgetOutcome> {
  const again = await connect().catch(() => null);
  if (!again) return "unconfirmed";
  if (again.ok) {
    again.session.close(); // the gateway still accepts this device
    return "unconfirmed";
  }
  return deviceUnknown(again.error) ? "told" : "unconfirmed";
}

function within(promise: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
