// How each webhook request is signed (docs/notifications.md, "Verifying a delivery"): HMAC-SHA-256 with the
// configured secret over `<timestamp>.<body>`, the timestamp in whole seconds since the epoch. A new timestamp
// and signature for every attempt; the event id stays the same.
import { createHmac } from "node:crypto";

export const SIGNATURE_HEADER = "x-ocmap-signature";
export const TIMESTAMP_HEADER = "x-ocmap-timestamp";
export const EVENT_ID_HEADER = "x-ocmap-event-id";
/** The signature's version prefix: `v1=<64 hex digits>`. */
export const SIGNATURE_VERSION = "v1";

export function signatureOf(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`, "utf8").digest("hex");
  return `${SIGNATURE_VERSION}=${mac}`;
}

/** The headers of one attempt at delivering `body` (the event `id` it carries). */
export function signedHeaders(secret: string, id: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    "content-type": "application/json",
    "user-agent": "ocmap-pairing-webhook/1",
    [EVENT_ID_HEADER]: id,
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signatureOf(secret, timestamp, body),
  };
}
