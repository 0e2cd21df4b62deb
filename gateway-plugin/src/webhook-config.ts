// The webhook option beyond what the manifest's schema checks: an http(s) URL with a host and no credentials in
// it, and plain http only to a loopback host (elsewhere the events would cross a network unencrypted).
import { isIP } from "node:net";
import type { PairingConfig } from "./config.ts";

export interface WebhookTarget {
  url: URL;
  /** What logs and Clawpodz may show: scheme, host and port (a path or query may carry the receiver's secret). */
  origin: string;
  secret: string;
  timeoutMs: number;
}

export type WebhookSetting = { target: WebhookTarget } | { problem: string; origin?: string } | undefined;

const DEFAULT_TIMEOUT_SECONDS = 10;

/** Undefined when no webhook is configured; `problem` when it is refused (the webhook is then off). */
export function webhookSetting(cfg: Pick<PairingConfig, "webhook">): WebhookSetting {
  const raw = cfg.webhook;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.url);
  } catch {
    return { problem: "webhook.url is not a URL" };
  }
  const origin = url.origin;
  const refuse = (problem: string) => ({ problem, ...(origin !== "null" ? { origin } : {}) });
  if (url.protocol !== "https:" && url.protocol !== "http:") return refuse("webhook.url must be http(s)");
  if (url.username || url.password) return refuse("webhook.url must not carry a user name or password");
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname))
    return refuse("webhook.url must use https:// (http:// only to a loopback host)");
  if (typeof raw.secret !== "string" || raw.secret.length < 16)
    return refuse("webhook.secret must be at least 16 characters");
  const timeoutMs = (raw.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  return { target: { url, origin, secret: raw.secret, timeoutMs } };
}

/** localhost, 127.0.0.0/8 and ::1 (URL keeps IPv6 hosts in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return isIP(host) === 6 && (host === "::1" || host === "0:0:0:0:0:0:0:1");
}
