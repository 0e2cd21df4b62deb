// The lifecycle machine on XState's SimulatedClock with FAKE actors (named fake*), for its unit tests;
// the real actors are proven end to end against the gateway in test/client/.
import { createActor, fromPromise, SimulatedClock } from "xstate";
import { coreView } from "../../src/core/core-view.std.ts";
import type { ForgetOutcome } from "../../src/core/lifecycle-reasons.std.ts";
import {
  clockActions,
  lifecycleMachine,
  type LiveSession,
  type ProbeAnswer,
  type TrustSummary,
} from "../../src/core/lifecycle-machine.std.ts";

export const trust: TrustSummary = {
  gatewayUrl: "wss://gw.example",
  deviceId: "ab".repeat(32),
  displayName: "OCMAP on test",
  scopes: ["operator.read"],
  pairedAtMs: 1,
};

function fakeSession(tickIntervalMs = 30_000) {
  let close!: (c: { code: number; reason: string }) => void;
  const activity = new Set<() => void>();
  const session: LiveSession & { drop(code: number, reason?: string): void; ping(): void; closedByClient: boolean } = {
    tickIntervalMs,
    closed: new Promise((r) => (close = r)),
    onActivity: (cb) => (activity.add(cb), () => activity.delete(cb)),
    close() {
      session.closedByClient = true;
    },
    drop: (code, reason = "") => close({ code, reason }),
    ping: () => activity.forEach((cb) => cb()),
    closedByClient: false,
  };
  return session;
}

type Outcome = { ok: true } | { ok: false; code: string; retryAfterMs?: number } | "hold";

export function harness(
  options: {
    stored?: boolean;
    connects?: Outcome[] | ((now: number) => Outcome);
    pair?: Outcome;
    forget?: ForgetOutcome;
    /** What the fake probe answers at a time (default: it cannot tell); "hang": it never answers. */
    probe?: (now: number) => ProbeAnswer | "hang";
  } = {},
) {
  const clock = new SimulatedClock();
  const calls = {
    connect: 0,
    connectTimes: [] as number[],
    probeTimes: [] as number[],
    wipe: 0,
    forget: [] as Array<LiveSession | null>,
    signals: [] as AbortSignal[],
  };
  const sessions: ReturnType<typeof fakeSession>[] = [];
  const scripted = options.connects;
  const connects = typeof scripted === "function" ? [] : [...(scripted ?? [])];
  const nextConnect = (): Outcome =>
    typeof scripted === "function"
      ? scripted(clock.now())
      : (connects.shift() ?? { ok: false, code: "GATEWAY_UNREACHABLE" });
  const fail = (x: Extract<Outcome, { ok: false }>) =>
    Object.assign(new Error(x.code), { code: x.code, message: x.code, retryable: true, retryAfterMs: x.retryAfterMs });
  const machine = lifecycleMachine.provide({
    actions: clockActions({ now: () => clock.now(), random: () => 0 }),
    actors: {
      loadTrust: fromPromise(async () => (options.stored ? trust : null)), // fake
      connect: fromPromise(async ({ signal }) => {
        calls.signals.push(signal); // what the real actor closes a late session by
        // fake
        calls.connect++;
        calls.connectTimes.push(clock.now());
        const next = nextConnect();
        if (next === "hold") return new Promise<never>(() => undefined); // an attempt that has not settled yet
        if (!next.ok) throw fail(next);
        const session = fakeSession();
        sessions.push(session);
        return { session: session as LiveSession, trust };
      }),
      pair: fromPromise(async ({ signal }) => {
        calls.signals.push(signal);
        // fake
        const pairOutcome = options.pair ?? { ok: true };
        if (pairOutcome === "hold") return new Promise<never>(() => undefined);
        if (!pairOutcome.ok) throw fail(pairOutcome);
        const session = fakeSession();
        sessions.push(session);
        return { session: session as LiveSession, trust };
      }),
      // fake
      forget: fromPromise(async ({ input }) => {
        calls.forget.push(input.session);
        return { outcome: options.forget ?? (input.session ? "told" : "offline") };
      }),
      wipe: fromPromise<void>(async () => void calls.wipe++), // fake
      // fake
      probe: fromPromise<ProbeAnswer>(async () => {
        calls.probeTimes.push(clock.now());
        const answer = options.probe?.(clock.now()) ?? "unknown";
        return answer === "hang" ? new Promise<never>(() => undefined) : answer;
      }),
    },
  });
  const actor = createActor(machine, { clock });
  const settle = () => new Promise((r) => setImmediate(r));
  return {
    clock,
    actor,
    calls,
    sessions,
    view: () => coreView(actor.getSnapshot()),
    value: () => actor.getSnapshot().value,
    async advance(ms: number) {
      clock.increment(ms);
      await settle();
      await settle();
    },
    settle,
    start: async () => {
      actor.start();
      await settle();
      await settle();
    },
  };
}
