// Reconnect delays, with jitter that only ever lengthens a delay and the gateway's `retryAfterMs`
// always honoured. For two minutes after a live session is lost (a close of any kind, a dead
// socket, a gateway announcing a restart) it retries after 0.5 s, then once a second: most losses
// are restarts and blips, and being back within a second of the gateway matters. Otherwise (at
// launch, and once that window has passed) it backs off exponentially from 0.5 s to 30 s.
//
// Between handshakes the core asks the gateway a cheap question (its unauthenticated startup probe, see
// gateway-probe.node.ts): every 0.1 s during that window, else every second. While the answer is a plain
// "no" (nothing listening, or still starting) a due handshake is skipped, and the first "serving" after a
// "no" (or after a handshake that found it down) starts one at once. Whatever triggers it, no handshake starts
// within a second of the previous one.

export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 30_000;
export const FAST_POLL_MS = 1_000;
export const FAST_POLL_WINDOW_MS = 120_000;
export const PROBE_FAST_MS = 100;
export const PROBE_SLOW_MS = 1_000;
export const HANDSHAKE_GAP_MS = 1_000;
/** A probe still unanswered after this long (a loaded, starting gateway) no longer holds a handshake back. */
export const PROBE_STALE_MS = 4_000;

export function reconnectDelay(options: {
  attempt: number;
  retryAfterMs?: number | null;
  fastPoll: boolean;
  random: () => number;
}): number {
  const base =
    options.attempt === 0
      ? BACKOFF_MIN_MS
      : options.fastPoll
        ? FAST_POLL_MS
        : Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(options.attempt, 16));
  const jittered = Math.min(BACKOFF_MAX_MS, Math.round(base * (1 + 0.25 * options.random())));
  return Math.max(jittered, options.retryAfterMs ?? 0);
}
