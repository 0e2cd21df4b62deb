// Reconnect delays. Exponential from 0.5 s to 30 s with jitter that only ever lengthens a delay
// (never more than one attempt per `floor`), and the gateway's `retryAfterMs` always honoured.
// While the gateway has said it is restarting (close 1012/1013, UNAVAILABLE), it polls every
// second instead: a restart takes seconds, and coming back within a second of it matters.

export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 30_000;
export const RESTART_POLL_MS = 1_000;

export function reconnectDelay(o: { attempt: number; retryAfterMs?: number | null; restarting: boolean; random: () => number }): number {
  const base = o.restarting ? RESTART_POLL_MS : Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(o.attempt, 16));
  const jittered = Math.min(BACKOFF_MAX_MS, Math.round(base * (1 + 0.25 * o.random())));
  return Math.max(jittered, o.retryAfterMs ?? 0);
}
