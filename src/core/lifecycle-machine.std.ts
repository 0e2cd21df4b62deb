// The client's lifecycle: UNPAIRED, PAIRING_IN_PROGRESS, PAIRED_CONNECTED, PAIRED_DISCONNECTED,
// REVOKED. Side effects are actors supplied by the caller (core.node.ts; fakes in unit tests).
// The token never enters this context: the actors read it from the keychain when they need it.
import { assign, fromCallback, fromPromise, setup } from "xstate";
import type { ClientErrorCode } from "./client-errors.std.ts";
import { PROBE_STALE_MS } from "./backoff.std.ts";
import { clockActions, SYSTEM_CLOCK } from "./lifecycle-clock.std.ts";
import { errorIn, lifecycleGuards } from "./lifecycle-guards.std.ts";
import { FORGETTING, PAIRED_DISCONNECTED } from "./lifecycle-paired-disconnected.std.ts";
import {
  asReason,
  closeCodeError,
  FORGET_NOTICES,
  type ForgetOutcome,
  retryableError,
  STATUS,
} from "./lifecycle-reasons.std.ts";
import type {
  CoreContext,
  CoreEvent,
  LiveSession,
  PairingStep,
  ProbeAnswer,
  Reason,
  TrustSummary,
} from "./lifecycle-types.std.ts";

export type * from "./lifecycle-types.std.ts";
export { clockActions, type Clock } from "./lifecycle-clock.std.ts";

const GATEWAY_DOWN: ReadonlySet<ClientErrorCode> = new Set(["GATEWAY_UNREACHABLE", "GATEWAY_STARTING"]);

const notProvided = (name: string) => () => {
  throw new Error(`actor ${name} not provided`);
};

// `renewed`: the connect accepted a renewed certificate (the view then shows CERT_RENEWED_NOTICE).
type SessionAndTrust = { session: LiveSession; trust: TrustSummary; renewed?: boolean };
type PairAccess = NonNullable<Extract<CoreEvent, { type: "PAIR" }>["access"]>;

export const lifecycleMachine = setup({
  types: {} as { context: CoreContext; events: CoreEvent },
  actors: {
    loadTrust: fromPromise<TrustSummary | null>(notProvided("loadTrust")),
    pair: fromPromise<
      SessionAndTrust,
      { gatewayUrl: string; code: string; access?: PairAccess; onStep: (step: PairingStep) => void }
    >(notProvided("pair")),
    connect: fromPromise<SessionAndTrust>(notProvided("connect")),
    forget: fromPromise<{ outcome: ForgetOutcome }, { session: LiveSession | null }>(notProvided("forget")),
    wipe: fromPromise<void>(notProvided("wipe")),
    /** One cheap "is the gateway serving?" between handshakes (gateway-probe.node.ts); sends no credential. */
    probe: fromPromise<ProbeAnswer>(notProvided("probe")),
    /** Owns the session's listeners while connected, and closes the session when stopped. */
    socket: fromCallback<CoreEvent, { session: LiveSession }>(({ input, sendBack }) => {
      const stopListening = input.session.onActivity(() => sendBack({ type: "SOCKET_ACTIVITY" }));
      let live = true;
      input.session.closed.then(
        (close) => live && sendBack({ type: "SOCKET_CLOSED", code: close.code, reason: close.reason }),
      );
      return () => {
        live = false;
        stopListening();
        input.session.close();
      };
    }),
  },
  delays: {
    reconnectDelay: ({ context }) => context.nextDelayMs,
    probeDelay: ({ context }) => context.probeDelayMs,
    probeStale: PROBE_STALE_MS,
    handshakeDelay: ({ context }) => context.handshakeDelayMs,
    // Ticks come every tickIntervalMs; silence for more than two of them means a dead socket.
    tickTimeout: ({ context }) => 2 * context.tickIntervalMs + 2_000,
  },
  guards: lifecycleGuards,
  actions: {
    ...clockActions(SYSTEM_CLOCK),
    /** From an actor's error event; `reason` overrides the error as the headline, `keepReason` leaves it. */
    recordError: assign(({ event }, params: { reason?: Reason; keepReason?: boolean } | undefined) => {
      const lastError = errorIn(event);
      if (params?.keepReason) return { lastError };
      return { lastError, reason: params?.reason ?? asReason(lastError) };
    }),
    /** A live session ended without a revocation: retry soon. */
    recordLoss: assign((_, params: { code: ClientErrorCode }) => {
      const lastError = retryableError(params.code);
      return { attempt: 1, lastError, reason: asReason(lastError), probing: false };
    }),
    endFastPoll: assign({ fastPollUntil: 0 }),
    countFailure: assign(({ event, context }) => ({
      attempt: context.attempt + 1,
      retryAfterMs: errorIn(event).retryAfterMs ?? null,
      probing: true,
      // Nothing listening or still starting: the probe's next "serving" is worth a handshake at once.
      probeSawDown: GATEWAY_DOWN.has(errorIn(event).code),
    })),
    /** A due handshake skipped because the probe said it would fail: the failure it would have been. */
    countProbedFailure: assign(({ context }) => {
      const lastError = retryableError(context.probeDown ?? "GATEWAY_UNREACHABLE");
      return { attempt: context.attempt + 1, lastError, reason: asReason(lastError) };
    }),
    forgetProbeAnswer: assign({ probeDown: null }),
    recordProbe: assign(({ event, context }) => {
      const answer = (event as unknown as { output?: ProbeAnswer }).output ?? "unknown";
      const probeDown =
        answer === "refused" ? "GATEWAY_UNREACHABLE" : answer === "starting" ? "GATEWAY_STARTING" : null;
      return { probeDown, probeSawDown: context.probeSawDown || probeDown !== null } as const;
    }),
    /** A status sentence as the headline; it replaces any error. */
    showStatus: assign((_, params: { reason: Reason }) => ({ reason: params.reason, lastError: null })),
    startPairing: assign(({ event }) => ({
      reason: STATUS.pairing,
      lastError: null,
      notice: null,
      pairingStep: null,
      pairingGateway: event.type === "PAIR" ? event.gatewayUrl : null,
    })),
    clearPairingGateway: assign({ pairingGateway: null }),
    reportForgotten: assign(({ event }) => {
      const { outcome } = (event as unknown as { output: { outcome: ForgetOutcome } }).output;
      return { reason: STATUS.forgotten, lastError: null, notice: FORGET_NOTICES[outcome] };
    }),
    clearTrust: assign({
      trust: null,
      gatewayInfo: null,
      connectedSince: null,
      attempt: 0,
      nextRetryAt: null,
      retryAfterMs: null,
    }),
  },
}).createMachine({
  id: "core",
  context: {
    trust: null,
    tickIntervalMs: 30_000,
    reason: STATUS.starting,
    lastError: null,
    attempt: 0,
    nextDelayMs: 0,
    nextRetryAt: null,
    fastPollUntil: 0,
    retryAfterMs: null,
    handshakeNotBefore: 0,
    probing: false,
    probeDelayMs: 0,
    handshakeDelayMs: 0,
    probeDown: null,
    probeSawDown: false,
    connectedSince: null,
    pairingStep: null,
    pairingGateway: null,
    notice: null,
    gatewayInfo: null,
    wiping: false,
  },
  initial: "STARTING",
  states: {
    STARTING: {
      invoke: {
        src: "loadTrust",
        onDone: [
          {
            guard: "hasStoredTrust",
            target: "PAIRED_DISCONNECTED.connecting",
            actions: assign({ trust: ({ event }) => event.output, reason: STATUS.launch }),
          },
          { target: "UNPAIRED", actions: assign({ reason: STATUS.unpaired }) },
        ],
        onError: { target: "UNPAIRED", actions: "recordError" },
      },
    },
    UNPAIRED: {
      on: {
        PAIR: { target: "PAIRING_IN_PROGRESS" },
        RETRY_NOW: { target: "STARTING", actions: { type: "showStatus", params: { reason: STATUS.starting } } },
        FORGET: { target: "WIPING" },
      },
    },
    PAIRING_IN_PROGRESS: {
      entry: "startPairing",
      exit: assign({ pairingStep: null }),
      invoke: {
        src: "pair",
        input: ({ event, self }) => {
          const pair = event as Extract<CoreEvent, { type: "PAIR" }>;
          return {
            gatewayUrl: pair.gatewayUrl,
            code: pair.code,
            ...(pair.access ? { access: pair.access } : {}),
            onStep: (step: PairingStep) => self.send({ type: "PAIR_STEP", step }),
          };
        },
        onDone: {
          target: "PAIRED_CONNECTED",
          actions: [{ type: "markConnected", params: { reason: STATUS.paired } }, "clearPairingGateway"],
        },
        onError: [
          { guard: "pairingRevoked", target: "REVOKED", actions: "recordError" },
          { target: "UNPAIRED", actions: "recordError" },
        ],
      },
      on: {
        PAIR_STEP: {
          actions: assign(({ event, context }) => ({
            pairingStep: event.step,
            reason: event.step === "waiting-for-approval" ? STATUS.awaitingApproval : context.reason,
          })),
        },
        CANCEL_PAIRING: {
          target: "UNPAIRED",
          actions: [assign({ reason: STATUS.cancelled }), "clearPairingGateway"],
        },
        FORGET: { target: "WIPING", actions: "clearPairingGateway" },
      },
    },
    PAIRED_CONNECTED: {
      // Entered only from the pair or connect actor's done event, which carries the new session.
      invoke: {
        id: "socket",
        src: "socket",
        input: ({ event }) => ({ session: (event as unknown as { output: SessionAndTrust }).output.session }),
      },
      exit: assign({ connectedSince: null }),
      initial: "live",
      states: {
        live: {
          after: {
            tickTimeout: {
              target: "#core.PAIRED_DISCONNECTED",
              actions: [{ type: "recordLoss", params: { code: "DEAD_SOCKET" } }, "startFastPollWindow"],
            },
          },
          on: {
            SOCKET_ACTIVITY: { target: "live", reenter: true },
            SOCKET_CLOSED: [
              {
                // Any 4001, "device removed" included (a token rotated to a lower access closes the same way): one
                // reconnect with the stored token, now, tells whether the device is still trusted (device-status).
                guard: "closedByAccessChange",
                target: "#core.PAIRED_DISCONNECTED.connecting",
                actions: [{ type: "recordLoss", params: { code: "ACCESS_CHANGED" } }, "startFastPollWindow"],
              },
              {
                target: "#core.PAIRED_DISCONNECTED",
                actions: [
                  { type: "recordLoss", params: ({ event }) => ({ code: closeCodeError(event.code, event.reason) }) },
                  "startFastPollWindow",
                ],
              },
            ],
            FORGET: { target: "forgetting" },
          },
        },
        forgetting: FORGETTING,
      },
    },
    PAIRED_DISCONNECTED,
    REVOKED: {
      entry: ["clearTrust", assign({ wiping: true })],
      exit: assign({ wiping: false }),
      invoke: {
        src: "wipe",
        onDone: { actions: assign({ wiping: false }) },
        onError: { actions: [{ type: "recordError", params: { keepReason: true } }, assign({ wiping: false })] },
      },
      on: {
        PAIR: { target: "PAIRING_IN_PROGRESS" },
        FORGET: { target: "WIPING" },
      },
    },
    WIPING: {
      invoke: {
        src: "wipe",
        onDone: {
          target: "UNPAIRED",
          actions: ["clearTrust", { type: "showStatus", params: { reason: STATUS.forgotten } }],
        },
        onError: { target: "UNPAIRED", actions: "recordError" },
      },
    },
  },
});
