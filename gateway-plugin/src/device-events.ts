// Telling people about devices: every device event (pairing, enrollment, revocation, expiry, access change,
// rename) goes to the operator connections as DEVICE_EVENT and to the webhook; ongoing guessing goes to the
// webhook, at most once per GUESSING_REPEAT_MS while it lasts. Nothing here throws or makes a caller wait.
import { randomUUID } from "node:crypto";
import type { DeviceEvent, GuessingSummary, WebhookEvent } from "@ocmap/protocol/device-events";
import { fingerprint } from "@ocmap/protocol/pairing-protocol";
import type { FailureLimiter } from "./limiter.ts";

/** While the gateway-wide failure window stays full, the webhook hears about it again after this long. */
export const GUESSING_REPEAT_MS = 10 * 60_000;
const BUSIEST_SENT = 5;

export interface NotifierOutputs {
  /** `plugin.ocmap-pairing.device-event` to operator connections (the service's gateway event emitter). */
  broadcast(event: DeviceEvent): void;
  webhook(event: WebhookEvent): void;
  log: { warn(msg: string): void };
}

export class DeviceNotifier {
  private guessingSentAtMs: number | undefined;

  constructor(private readonly out: NotifierOutputs) {}

  /** The one call for each device event. `detail`: why, in words (for the webhook only). */
  device(event: DeviceEvent, detail?: string) {
    const live: DeviceEvent = {
      kind: event.kind,
      deviceId: event.deviceId,
      ...(event.displayName ? { displayName: event.displayName } : {}),
      atMs: event.atMs,
    };
    this.safely("device event", () => this.out.broadcast(live));
    this.safely("webhook event", () =>
      this.out.webhook({
        id: randomUUID(),
        ...live,
        fingerprint: fingerprint(event.deviceId),
        ...(detail ? { detail: detail.slice(0, 200) } : {}),
      }),
    );
  }

  /** After each counted failure: a guessing event when the gateway-wide window is full (debounced). */
  failureCounted(limiter: FailureLimiter, now: number) {
    const pausedUntilMs = limiter.pausedUntil(now);
    if (pausedUntilMs === undefined) return;
    if (this.guessingSentAtMs !== undefined && now - this.guessingSentAtMs < GUESSING_REPEAT_MS) return;
    this.guessingSentAtMs = now;
    const attack = limiter.summary(now);
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    const guessing: GuessingSummary = {
      failed: sum(attack.failuresPerMinute),
      refused: sum(attack.refusedPerMinute),
      sinceMs: attack.sinceMs,
      pausedUntilMs,
      busiest: attack.busiest
        .slice(0, BUSIEST_SENT)
        .map(({ source, failures, refused }) => ({ source, failures, refused })),
    };
    this.safely("webhook event", () => this.out.webhook({ id: randomUUID(), kind: "guessing", atMs: now, guessing }));
  }

  private safely(what: string, send: () => void) {
    try {
      send();
    } catch (err) {
      this.out.log.warn(`ocmap-pairing: ${what} not sent: ${(err as Error).message}`);
    }
  }
}
