// The machine's actions that read the clock or roll dice. They close over a Clock instead of
// keeping functions in the context; tests provide a SimulatedClock's time through `.provide()`.
import { assign } from "xstate";
import { FAST_POLL_WINDOW_MS, PROBE_FAST_MS, PROBE_SLOW_MS, HANDSHAKE_GAP_MS, reconnectDelay } from "./backoff.std.ts";
import { CERT_RENEWED_NOTICE } from "./lifecycle-reasons.std.ts";
import type { CoreContext, CoreEvent, LiveSession, Reason, TrustSummary } from "./lifecycle-types.std.ts";

export interface Clock {
  now(): number;
  random(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now(), random: () => Math.random() };

// assign() typed for this machine, so the actions fit setup() and .provide() alike.
const assignCore = <Params extends object | undefined = undefined>(
  ...args: Parameters<typeof assign<CoreContext, CoreEvent, Params, CoreEvent, never>>
) => assign<CoreContext, CoreEvent, Params, CoreEvent, never>(...args);

export function clockActions(clock: Clock) {
  return {
    /** Waits the next backoff delay; `attempt` counts failures, so the first retry waits the minimum. */
    scheduleRetry: assignCore(({ context }) => {
      const now = clock.now();
      const backoff = reconnectDelay({
        attempt: Math.max(0, context.attempt - 1),
        retryAfterMs: context.retryAfterMs,
        fastPoll: now < context.fastPollUntil,
        random: clock.random,
      });
      const nextDelayMs = Math.max(backoff, context.handshakeNotBefore - now);
      return {
        nextDelayMs,
        nextRetryAt: now + nextDelayMs,
        retryAfterMs: null,
        // The gateway's retryAfterMs holds for a handshake the probe starts too.
        handshakeNotBefore: Math.max(context.handshakeNotBefore, now + (context.retryAfterMs ?? 0)),
      };
    }),
    /** The next probe: soon during the fast-poll window, else once a second. */
    scheduleProbe: assignCore({
      probeDelayMs: ({ context }) => (clock.now() < context.fastPollUntil ? PROBE_FAST_MS : PROBE_SLOW_MS),
    }),
    /** The gateway serves again: a handshake as soon as one is allowed. */
    scheduleHandshake: assignCore({
      handshakeDelayMs: ({ context }) => Math.max(0, context.handshakeNotBefore - clock.now()),
    }),
    /** A handshake starts: what the probe saw before no longer counts. */
    markHandshake: assignCore({
      handshakeNotBefore: () => clock.now() + HANDSHAKE_GAP_MS,
      nextRetryAt: null,
      probeDown: null,
      probeSawDown: false,
    }),
    /** Unless a window is running: a lost session is polled about once a second for a while (backoff.std.ts). */
    startFastPollWindow: assignCore({
      fastPollUntil: ({ context }) => {
        const now = clock.now();
        return now >= context.fastPollUntil ? now + FAST_POLL_WINDOW_MS : context.fastPollUntil;
      },
    }),
    /** A session is open: from `xstate.done.actor.pair` or `.connect` (`renewed`: see CERT_RENEWED_NOTICE). */
    markConnected: assignCore<{ reason: Reason }>(({ event, context }, params: { reason: Reason }) => {
      const { session, trust, renewed } = (
        event as unknown as { output: { session: LiveSession; trust: TrustSummary; renewed?: boolean } }
      ).output;
      return {
        notice: renewed ? CERT_RENEWED_NOTICE : context.notice,
        trust,
        tickIntervalMs: session.tickIntervalMs,
        gatewayInfo: session.info ?? null,
        connectedSince: clock.now(),
        attempt: 0,
        fastPollUntil: 0,
        lastError: null,
        reason: params.reason,
      };
    }),
  };
}
