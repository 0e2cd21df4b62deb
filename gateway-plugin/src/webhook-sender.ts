// Delivers webhook events in the background: a bounded in-memory queue (not persisted: events waiting when the
// gateway stops are lost, and Clawpodz counts those pushed out or given up), one request at a time in order,
// retried with exponential backoff. Nothing here is awaited by a pairing: `enqueue` returns at once and never
// throws. Errors are described in our own words (status code, error code, timeout), never with the URL's path
// or the secret.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { WebhookEvent, WebhookStatus } from "@ocmap/protocol/device-events";
import type { WebhookSetting, WebhookTarget } from "./webhook-config.ts";
import { signedHeaders } from "./webhook-signing.ts";

/** Events waiting at most; a new one pushes out the oldest. */
export const MAX_QUEUED = 100;
/** Attempts per event (the first and 7 retries: 1 + 2 + 4 + … + 64 s of waiting, about two minutes). */
export const MAX_ATTEMPTS = 8;
export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 5 * 60_000;

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export const retryDelayMs = (attempt: number) => Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));

/** One POST: resolves with the HTTP status, rejects with a message safe to show. */
export type Post = (target: WebhookTarget, body: string, headers: Record<string, string>) => Promise<number>;

export interface SenderDeps {
  now(): number;
  log: { info(msg: string): void; warn(msg: string): void };
  post?: Post;
}

interface Queued {
  event: WebhookEvent;
  body: string;
  attempts: number;
}

export class WebhookSender {
  private setting: WebhookSetting;
  private readonly queue: Queued[] = [];
  private running = false;
  /** The event whose request is open right now. */
  private inFlight: Queued | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private dropped = 0;
  private lastDeliveredAtMs: number | undefined;
  private lastError: { text: string; atMs: number } | undefined;

  constructor(private readonly deps: SenderDeps) {}

  /** A config (re)load. Turning the webhook off drops what was waiting; a new target gets the waiting events. */
  configure(setting: WebhookSetting) {
    const before = this.setting && "problem" in this.setting ? this.setting.problem : undefined;
    this.setting = setting;
    if (!setting || "problem" in setting) {
      this.queue.length = 0;
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    // Once per problem (the gateway registers the plugin more than once); a problem names no secret.
    if (setting && "problem" in setting && setting.problem !== before)
      this.deps.log.warn(`ocmap-pairing: webhook off: ${setting.problem}`);
  }

  get enabled(): boolean {
    return Boolean(this.setting && "target" in this.setting);
  }

  /** Queues `event` for delivery; returns at once. */
  enqueue(event: WebhookEvent) {
    if (!this.enabled) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.queue.splice(this.queue[0] === this.inFlight ? 1 : 0, 1); // the oldest not being sent right now
      this.dropped += 1;
    }
    this.queue.push({ event, body: JSON.stringify(event), attempts: 0 });
    this.kick();
  }

  status(): WebhookStatus | undefined {
    const setting = this.setting;
    if (!setting) return undefined;
    const failing = this.lastError && this.lastError.atMs >= (this.lastDeliveredAtMs ?? 0);
    return {
      ...("target" in setting ? { origin: setting.target.origin } : setting.origin ? { origin: setting.origin } : {}),
      ...("problem" in setting ? { problem: setting.problem } : {}),
      queued: this.queue.length,
      dropped: this.dropped,
      ...(this.lastDeliveredAtMs !== undefined ? { lastDeliveredAtMs: this.lastDeliveredAtMs } : {}),
      ...(failing ? { lastError: this.lastError!.text, lastErrorAtMs: this.lastError!.atMs } : {}),
    };
  }

  /** Stops the retry timer (the gateway stops): what waits is lost, as the module comment says. */
  stop() {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** The service (re)started: deliver what waits. */
  resume() {
    if (this.queue.length) this.kick();
  }

  private kick() {
    if (this.running || this.retryTimer) return;
    this.running = true;
    void this.pump().finally(() => (this.running = false));
  }

  private async pump() {
    for (;;) {
      const next = this.queue[0];
      const setting = this.setting;
      if (!next || !setting || !("target" in setting)) return;
      next.attempts += 1;
      this.inFlight = next;
      const failure = await this.attempt(setting.target, next).finally(() => (this.inFlight = undefined));
      if (this.queue[0] !== next) continue; // reconfigured or pushed out meanwhile
      if (!failure) {
        this.queue.shift();
        this.lastDeliveredAtMs = this.deps.now();
        continue;
      }
      this.lastError = { text: failure, atMs: this.deps.now() };
      if (next.attempts >= MAX_ATTEMPTS) {
        this.queue.shift();
        this.dropped += 1;
        this.deps.log.warn(
          `ocmap-pairing: webhook event ${next.event.id} (${next.event.kind}) to ${setting.target.origin} ` +
            `given up after ${next.attempts} attempts: ${failure}`,
        );
        continue;
      }
      this.deps.log.warn(
        `ocmap-pairing: webhook to ${setting.target.origin} failed (${failure}); attempt ${next.attempts + 1} ` +
          `in ${retryDelayMs(next.attempts) / 1000} s`,
      );
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, retryDelayMs(next.attempts));
      this.retryTimer.unref?.();
      return;
    }
  }

  /** Undefined when delivered (a 2xx answer), else why not. */
  private async attempt(target: WebhookTarget, queued: Queued): Promise<string | undefined> {
    const headers = signedHeaders(target.secret, queued.event.id, queued.body, this.deps.now());
    try {
      const status = await (this.deps.post ?? postOnce)(target, queued.body, headers);
      if (status >= 200 && status < 300) return undefined;
      return status >= 300 && status < 400 ? `redirect refused (HTTP ${status})` : `HTTP ${status}`;
    } catch (err) {
      return err instanceof WebhookPostError ? err.message : "request failed";
    }
  }
}

export class WebhookPostError extends Error {}

/** node:http(s), no redirects followed, the whole exchange bounded by the target's timeout. */
export const postOnce: Post = (target, body, headers) =>
  new Promise((resolve, reject) => {
    const send = target.url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(target.url, {
      method: "POST",
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    });
    const deadline = setTimeout(() => {
      request.destroy();
      reject(new WebhookPostError(`no answer within ${target.timeoutMs / 1000} s`));
    }, target.timeoutMs);
    deadline.unref?.();
    request.on("response", (response) => {
      clearTimeout(deadline);
      response.resume(); // the answer's body is not read
      resolve(response.statusCode ?? 0);
    });
    request.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      reject(new WebhookPostError(`connection failed (${err.code ?? "error"})`));
    });
    request.end(body);
  });
