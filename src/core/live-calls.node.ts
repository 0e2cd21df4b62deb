// Calls and events over the core's live session (the one the lifecycle's socket actor owns while
// PAIRED_CONNECTED): what `ocmap call` and the Node API use. The session object stays inside the core;
// callers get payloads, the gateway's errors and its events, never the token or the socket.
import type { AnyActorRef, AnyMachineSnapshot } from "xstate";
import { ClientError } from "./client-errors.std.ts";
import type { GatewaySession, WireError } from "./gateway-session.node.ts";

/** The gateway answered a call with an error: its own code, message and details, passed on as they are. */
export class GatewayCallError extends Error {
  override readonly name = "GatewayCallError";
  readonly code: string;
  readonly details: unknown;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  constructor(
    readonly method: string,
    wire: WireError,
  ) {
    super(typeof wire.message === "string" && wire.message ? wire.message : `${method} failed on the gateway`);
    this.code = typeof wire.code === "string" ? wire.code : "UNKNOWN";
    this.details = wire.details;
    this.retryable = wire.retryable === true;
    if (typeof wire.retryAfterMs === "number") this.retryAfterMs = wire.retryAfterMs;
  }
}

export function liveSession(actor: AnyActorRef): GatewaySession | null {
  const socket = (actor.getSnapshot() as AnyMachineSnapshot).children.socket;
  return (socket?.getSnapshot().input?.session as GatewaySession | undefined) ?? null;
}

/** One request on the live session. Throws NOT_CONNECTED without one, CONNECTION_LOST or TIMEOUT locally. */
export async function callLive(
  actor: AnyActorRef,
  method: string,
  params: unknown,
  timeoutMs: number,
): Promise<unknown> {
  const session = liveSession(actor);
  if (!session) throw new ClientError("NOT_CONNECTED", { retryable: true });
  const res = await session.rawRequest(method, params, timeoutMs);
  if (res.ok) return res.payload;
  if (res.error.local)
    throw new ClientError(res.error.code === "TIMEOUT" ? "TIMEOUT" : "CONNECTION_LOST", { retryable: true });
  throw new GatewayCallError(method, res.error);
}

/** Forwards every gateway event of whichever session is live, across reconnects. */
export function forwardEvents(actor: AnyActorRef, emit: (event: string, payload: unknown) => void): () => void {
  let attached: GatewaySession | null = null;
  let detach: (() => void) | undefined;
  const follow = () => {
    const session = liveSession(actor);
    if (session === attached) return;
    detach?.();
    attached = session;
    detach = session?.onEvent(emit);
  };
  const subscription = actor.subscribe(follow);
  follow();
  return () => {
    subscription.unsubscribe();
    detach?.();
  };
}
