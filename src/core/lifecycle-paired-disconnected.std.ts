// PAIRED_DISCONNECTED of the lifecycle machine (lifecycle-machine.std.ts), and the forgetting step both paired
// states share. Only named guards and actions here: setup() in the machine file defines them.
import type { AnyActorRef, AnyMachineSnapshot } from "xstate";
import { STATUS } from "./lifecycle-reasons.std.ts";
import type { LiveSession } from "./lifecycle-types.std.ts";

/** The session the socket actor owns, while PAIRED_CONNECTED has one (its callback snapshot keeps its input). */
const openSession = (self: AnyActorRef): LiveSession | null =>
  (self.getSnapshot() as AnyMachineSnapshot).children.socket?.getSnapshot().input.session ?? null;

// One definition for forgetting from either paired state. While connected, the socket actor
// (invoked on PAIRED_CONNECTED) keeps the session open, so the forget actor can use it; while
// disconnected there is none and the actor opens its own.
export const FORGETTING = {
  invoke: {
    src: "forget",
    input: ({ self }: { self: AnyActorRef }) => ({ session: openSession(self) }),
    onDone: { target: "#core.UNPAIRED", actions: ["clearTrust", "reportForgotten"] },
    onError: { target: "#core.UNPAIRED", actions: ["clearTrust", "recordError"] },
  },
} as const;

// `waiting` holds the backoff timer (backoff.std.ts). Once a handshake has failed, it also probes the gateway
// between handshakes: a plain "not serving" answer skips the handshake that falls due (counted as the failure
// it would have been), and the first "serving" after such an answer starts one at once.
export const PAIRED_DISCONNECTED = {
  initial: "waiting",
  on: { FORGET: { target: ".forgetting" } },
  states: {
    waiting: {
      entry: "scheduleRetry",
      after: {
        reconnectDelay: [
          { guard: "probeSaysDown", target: "waiting", reenter: true, actions: "countProbedFailure" },
          { target: "connecting" },
        ],
      },
      on: { RETRY_NOW: { target: "connecting" } },
      initial: "resting",
      states: {
        resting: {
          entry: "scheduleProbe",
          after: { probeDelay: { guard: "mayProbe", target: "probing" } },
        },
        probing: {
          // Only a probe that answered counts: while one is in flight (a slow gateway), a due handshake goes ahead.
          entry: "forgetProbeAnswer",
          invoke: {
            src: "probe",
            onDone: [
              { guard: "servingAgain", target: "ready", actions: "recordProbe" },
              { target: "resting", actions: "recordProbe" },
            ],
            onError: { target: "resting", actions: "recordProbe" },
          },
        },
        // Serving again: the handshake starts as soon as one is allowed (at once, unless one started < 1 s ago).
        ready: {
          entry: "scheduleHandshake",
          after: { handshakeDelay: { target: "#core.PAIRED_DISCONNECTED.connecting" } },
        },
      },
    },
    connecting: {
      entry: "markHandshake",
      invoke: {
        src: "connect",
        onDone: {
          target: "#core.PAIRED_CONNECTED",
          actions: { type: "markConnected", params: { reason: STATUS.reconnected } },
        },
        onError: [
          {
            guard: "connectRevoked",
            target: "#core.REVOKED",
            actions: { type: "recordError", params: { reason: STATUS.revoked } },
          },
          {
            guard: "gatewayStarting",
            target: "waiting",
            actions: ["recordError", "countFailure", "startFastPollWindow"],
          },
          { guard: "identityChanged", target: "waiting", actions: ["recordError", "countFailure", "endFastPoll"] },
          { target: "waiting", actions: ["recordError", "countFailure"] },
        ],
      },
    },
    forgetting: FORGETTING,
  },
} as const;
