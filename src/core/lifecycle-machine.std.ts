// The client's lifecycle: UNPAIRED, PAIRING_IN_PROGRESS, PAIRED_CONNECTED, PAIRED_DISCONNECTED,
// REVOKED. Side effects are actors supplied by the caller (core.node.ts; fakes in unit tests).
// The token never enters this context: the actors read it from the keychain when they need it.
import { assign, fromCallback, fromPromise, setup } from "xstate";
import { CLIENT_ERROR_MESSAGES, type ClientErrorCode, type ClientErrorInfo } from "./client-errors.std.ts";
import { FAST_POLL_WINDOW_MS, reconnectDelay } from "./backoff.std.ts";

export type PairingStep = "redeeming" | "requesting-approval" | "approving" | "connecting" | "saving";

/** What the machine knows about the trusted gateway: never the token. */
export interface TrustSummary {
  gatewayUrl: string;
  deviceId: string;
  displayName: string;
  scopes: string[];
  pairedAtMs: number;
}

/** The live socket as the machine sees it. */
export interface LiveSession {
  tickIntervalMs: number;
  onActivity(cb: () => void): () => void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface Reason {
  code: string;
  message: string;
}

export type CoreEvent =
  | { type: "PAIR"; gatewayUrl: string; code: string }
  | { type: "PAIR_STEP"; step: PairingStep }
  | { type: "CANCEL_PAIRING" }
  | { type: "RETRY_NOW" }
  | { type: "FORGET" }
  | { type: "SOCKET_ACTIVITY" }
  | { type: "SOCKET_CLOSED"; code: number; reason: string };

export interface CoreContext {
  trust: TrustSummary | null;
  session: LiveSession | null;
  reason: Reason;
  lastError: ClientErrorInfo | null;
  attempt: number;
  nextDelayMs: number;
  nextRetryAt: number | null;
  /** Until when a lost session is retried about once a second (see backoff.std.ts). */
  fastPollUntil: number;
  retryAfterMs: number | null;
  connectedSince: number | null;
  pairingStep: PairingStep | null;
  pairingGateway: string | null;
  notice: Reason | null;
  /** In REVOKED: the keychain wipe has not finished yet (a process must not exit before it has). */
  wiping: boolean;
  now: () => number;
  random: () => number;
}

export interface CoreInput {
  now?: () => number;
  random?: () => number;
}

const notProvided = (name: string) => () => {
  throw new Error(`actor ${name} not provided`);
};

const R = {
  starting: { code: "STARTING", message: "Reading this device's trust from the keychain." },
  unpaired: { code: "UNPAIRED", message: "Not paired with a gateway yet." },
  pairing: { code: "PAIRING", message: "Pairing with the gateway." },
  paired: { code: "PAIRED", message: "Paired and connected." },
  reconnected: { code: "RECONNECTED", message: "Connected to the gateway." },
  launch: { code: "RECONNECTING", message: "Connecting to the trusted gateway." },
  forgotten: { code: "FORGOTTEN", message: "This device was forgotten. Pair again to use a gateway." },
  revoked: {
    code: "REVOKED",
    message: "This device was revoked on the gateway. Pair again to create a new device identity.",
  },
  cancelled: { code: "CANCELLED", message: "Pairing was cancelled." },
} as const;

const asReason = (e: ClientErrorInfo): Reason => ({ code: e.code, message: e.message });
/** Only our own error types pass their message on; anything else becomes INTERNAL (its text could hold anything). */
const errorOf = (e: unknown): ClientErrorInfo => {
  const x = e as { code?: unknown; message?: unknown; name?: unknown; retryable?: unknown; retryAfterMs?: unknown };
  const code =
    typeof x?.code === "string" && x.code in CLIENT_ERROR_MESSAGES ? (x.code as ClientErrorCode) : "INTERNAL";
  const ours =
    code !== "INTERNAL" && (x.name === "ClientError" || x.name === "KeystoreError") && typeof x.message === "string";
  return {
    code,
    message: ours ? (x.message as string) : CLIENT_ERROR_MESSAGES[code],
    retryable: x?.retryable === true,
    ...(typeof x?.retryAfterMs === "number" ? { retryAfterMs: x.retryAfterMs } : {}),
  };
};
const isRevocation = (e: ClientErrorInfo) => e.code === "TOKEN_REJECTED" || e.code === "DEVICE_REVOKED";

export const lifecycleMachine = setup({
  types: {} as { context: CoreContext; events: CoreEvent; input: CoreInput },
  actors: {
    loadTrust: fromPromise<TrustSummary | null>(notProvided("loadTrust")),
    pair: fromPromise<
      { session: LiveSession; trust: TrustSummary },
      { gatewayUrl: string; code: string; onStep: (s: PairingStep) => void }
    >(notProvided("pair")),
    connect: fromPromise<{ session: LiveSession; trust: TrustSummary }>(notProvided("connect")),
    forget: fromPromise<{ toldGateway: boolean }, { session: LiveSession | null }>(notProvided("forget")),
    wipe: fromPromise<void>(notProvided("wipe")),
    socket: fromCallback<CoreEvent, { session: LiveSession }>(({ input, sendBack }) => {
      const off = input.session.onActivity(() => sendBack({ type: "SOCKET_ACTIVITY" }));
      let live = true;
      input.session.closed.then((c) => live && sendBack({ type: "SOCKET_CLOSED", code: c.code, reason: c.reason }));
      return () => {
        live = false;
        off();
        input.session.close();
      };
    }),
  },
  delays: {
    reconnectDelay: ({ context }) => context.nextDelayMs,
    // Ticks come every tickIntervalMs; silence for more than two of them means a dead socket.
    tickTimeout: ({ context }) => 2 * (context.session?.tickIntervalMs ?? 30_000) + 2_000,
  },
  actions: {
    scheduleRetry: assign(({ context }) => {
      const now = context.now();
      const nextDelayMs = reconnectDelay({
        attempt: Math.max(0, context.attempt - 1), // `attempt` counts failures; the first retry waits the minimum
        retryAfterMs: context.retryAfterMs,
        fastPoll: now < context.fastPollUntil,
        random: context.random,
      });
      return { nextDelayMs, nextRetryAt: now + nextDelayMs, retryAfterMs: null };
    }),
    clearTrust: assign({
      trust: null,
      session: null,
      connectedSince: null,
      attempt: 0,
      nextRetryAt: null,
      retryAfterMs: null,
    }),
  },
}).createMachine({
  id: "core",
  context: ({ input }) => ({
    trust: null,
    session: null,
    reason: R.starting,
    lastError: null,
    attempt: 0,
    nextDelayMs: 0,
    nextRetryAt: null,
    fastPollUntil: 0,
    retryAfterMs: null,
    connectedSince: null,
    pairingStep: null,
    pairingGateway: null,
    notice: null,
    wiping: false,
    now: input.now ?? Date.now,
    random: input.random ?? Math.random,
  }),
  initial: "STARTING",
  states: {
    STARTING: {
      invoke: {
        src: "loadTrust",
        onDone: [
          {
            guard: ({ event }) => !!event.output,
            target: "PAIRED_DISCONNECTED.connecting",
            actions: assign({ trust: ({ event }) => event.output, reason: R.launch }),
          },
          { target: "UNPAIRED", actions: assign({ reason: R.unpaired }) },
        ],
        onError: {
          target: "UNPAIRED",
          actions: assign(({ event }) => ({ lastError: errorOf(event.error), reason: asReason(errorOf(event.error)) })),
        },
      },
    },
    UNPAIRED: {
      on: {
        PAIR: { target: "PAIRING_IN_PROGRESS" },
        RETRY_NOW: { target: "STARTING", actions: assign({ reason: R.starting, lastError: null }) },
        FORGET: { target: "WIPING" },
      },
    },
    PAIRING_IN_PROGRESS: {
      entry: assign(({ event }) => ({
        reason: R.pairing,
        lastError: null,
        notice: null,
        pairingStep: null,
        pairingGateway: event.type === "PAIR" ? event.gatewayUrl : null,
      })),
      exit: assign({ pairingStep: null }),
      invoke: {
        src: "pair",
        input: ({ event, self }) => {
          const e = event as Extract<CoreEvent, { type: "PAIR" }>;
          return {
            gatewayUrl: e.gatewayUrl,
            code: e.code,
            onStep: (step: PairingStep) => self.send({ type: "PAIR_STEP", step }),
          };
        },
        onDone: {
          target: "PAIRED_CONNECTED",
          actions: assign(({ event, context }) => ({
            trust: event.output.trust,
            session: event.output.session,
            connectedSince: context.now(),
            attempt: 0,
            reason: R.paired,
            pairingGateway: null,
          })),
        },
        onError: [
          {
            guard: ({ event }) => errorOf(event.error).code === "DEVICE_REVOKED",
            target: "REVOKED",
            actions: assign(({ event }) => ({
              lastError: errorOf(event.error),
              reason: asReason(errorOf(event.error)),
            })),
          },
          {
            target: "UNPAIRED",
            actions: assign(({ event }) => ({
              lastError: errorOf(event.error),
              reason: asReason(errorOf(event.error)),
            })),
          },
        ],
      },
      on: {
        PAIR_STEP: { actions: assign({ pairingStep: ({ event }) => event.step }) },
        CANCEL_PAIRING: { target: "UNPAIRED", actions: assign({ reason: R.cancelled, pairingGateway: null }) },
        FORGET: { target: "WIPING", actions: assign({ pairingGateway: null }) },
      },
    },
    PAIRED_CONNECTED: {
      invoke: { src: "socket", input: ({ context }) => ({ session: context.session! }) },
      exit: assign({ session: null, connectedSince: null }),
      initial: "live",
      states: {
        live: {
          after: {
            tickTimeout: {
              target: "#core.PAIRED_DISCONNECTED",
              actions: assign(({ context }) => ({
                attempt: 1,
                lastError: {
                  code: "DEAD_SOCKET",
                  message: "The connection went silent. Reconnecting.",
                  retryable: true,
                },
                reason: { code: "DEAD_SOCKET", message: "The connection went silent. Reconnecting." },
                fastPollUntil: context.now() + FAST_POLL_WINDOW_MS,
              })),
            },
          },
          on: {
            SOCKET_ACTIVITY: { target: "live", reenter: true },
            SOCKET_CLOSED: [
              {
                guard: ({ event }) => event.code === 4001,
                target: "#core.REVOKED",
                actions: assign({
                  reason: R.revoked,
                  lastError: { code: "TOKEN_REJECTED", message: R.revoked.message, retryable: false },
                }),
              },
              {
                target: "#core.PAIRED_DISCONNECTED",
                actions: assign(({ event, context }) => {
                  const restarting = event.code === 1012 || event.code === 1013;
                  const info: ClientErrorInfo = restarting
                    ? {
                        code: "GATEWAY_STARTING",
                        message: "The gateway is starting or restarting. OCMAP will reconnect by itself.",
                        retryable: true,
                      }
                    : {
                        code: "CONNECTION_LOST",
                        message: "The connection to the gateway was lost. Reconnecting.",
                        retryable: true,
                      };
                  return {
                    attempt: 1,
                    lastError: info,
                    reason: asReason(info),
                    fastPollUntil: context.now() + FAST_POLL_WINDOW_MS,
                  };
                }),
              },
            ],
            FORGET: { target: "forgetting" },
          },
        },
        forgetting: {
          invoke: {
            src: "forget",
            input: ({ context }) => ({ session: context.session }),
            onDone: {
              target: "#core.UNPAIRED",
              actions: ["clearTrust", assign(({ event }) => forgetResult(event.output.toldGateway))],
            },
            onError: {
              target: "#core.UNPAIRED",
              actions: [
                "clearTrust",
                assign(({ event }) => ({ lastError: errorOf(event.error), reason: asReason(errorOf(event.error)) })),
              ],
            },
          },
        },
      },
    },
    PAIRED_DISCONNECTED: {
      initial: "waiting",
      on: {
        FORGET: { target: ".forgetting" },
      },
      states: {
        waiting: {
          entry: "scheduleRetry",
          after: { reconnectDelay: { target: "connecting" } },
          on: { RETRY_NOW: { target: "connecting" } },
        },
        connecting: {
          entry: assign({ nextRetryAt: null }),
          invoke: {
            src: "connect",
            onDone: {
              target: "#core.PAIRED_CONNECTED",
              actions: assign(({ event, context }) => ({
                session: event.output.session,
                trust: event.output.trust,
                connectedSince: context.now(),
                attempt: 0,
                fastPollUntil: 0,
                lastError: null,
                reason: R.reconnected,
              })),
            },
            onError: [
              {
                guard: ({ event }) => isRevocation(errorOf(event.error)),
                target: "#core.REVOKED",
                actions: assign(({ event }) => ({ lastError: errorOf(event.error), reason: R.revoked })),
              },
              {
                target: "waiting",
                actions: assign(({ event, context }) => {
                  const e = errorOf(event.error);
                  const restarting = e.code === "GATEWAY_STARTING";
                  return {
                    attempt: context.attempt + 1,
                    lastError: e,
                    reason: asReason(e),
                    retryAfterMs: e.retryAfterMs ?? null,
                    fastPollUntil:
                      restarting && context.now() >= context.fastPollUntil
                        ? context.now() + FAST_POLL_WINDOW_MS
                        : context.fastPollUntil,
                  };
                }),
              },
            ],
          },
        },
        forgetting: {
          invoke: {
            src: "forget",
            input: () => ({ session: null }),
            onDone: {
              target: "#core.UNPAIRED",
              actions: ["clearTrust", assign(({ event }) => forgetResult(event.output.toldGateway))],
            },
            onError: {
              target: "#core.UNPAIRED",
              actions: [
                "clearTrust",
                assign(({ event }) => ({ lastError: errorOf(event.error), reason: asReason(errorOf(event.error)) })),
              ],
            },
          },
        },
      },
    },
    REVOKED: {
      entry: ["clearTrust", assign({ wiping: true })],
      exit: assign({ wiping: false }),
      invoke: {
        src: "wipe",
        onDone: { actions: assign({ wiping: false }) },
        onError: { actions: assign(({ event }) => ({ lastError: errorOf(event.error), wiping: false })) },
      },
      on: {
        PAIR: { target: "PAIRING_IN_PROGRESS" },
        FORGET: { target: "WIPING" },
      },
    },
    WIPING: {
      invoke: {
        src: "wipe",
        onDone: { target: "UNPAIRED", actions: ["clearTrust", assign({ reason: R.forgotten, lastError: null })] },
        onError: {
          target: "UNPAIRED",
          actions: assign(({ event }) => ({ lastError: errorOf(event.error), reason: asReason(errorOf(event.error)) })),
        },
      },
    },
  },
});

function forgetResult(toldGateway: boolean): Partial<CoreContext> {
  return toldGateway
    ? {
        reason: R.forgotten,
        lastError: null,
        notice: { code: "FORGOTTEN", message: "This device was removed from this computer and from the gateway." },
      }
    : {
        reason: R.forgotten,
        lastError: null,
        notice: {
          code: "FORGET_OFFLINE",
          message:
            "Removed from this computer. The gateway was not reachable: ask its operator to revoke this device in Clawpodz.",
        },
      };
}
