// What the plugin tells about devices as they come and go: the live event operator connections receive, the
// webhook's body, the webhook's health as Clawpodz shows it, and the audit export (docs/notifications.md).

/** Broadcast to operator connections with write or admin access (the gateway sends plugin events to no others). */
export const DEVICE_EVENT = "plugin.ocmap-pairing.device-event";

export const DEVICE_EVENT_KINDS = ["paired", "enrolled", "access-changed", "revoked", "expired", "renamed"] as const;
export type DeviceEventKind = (typeof DEVICE_EVENT_KINDS)[number];

/** The live event's payload: never a secret. */
export interface DeviceEvent {
  kind: DeviceEventKind;
  deviceId: string;
  displayName?: string;
  atMs: number;
}

/** Kinds an operator is shown a live notice for (a device that can now act on the gateway, or acts differently). */
export const NOTICE_KINDS: ReadonlySet<DeviceEventKind> = new Set(["paired", "enrolled", "access-changed"]);

/** Guessing at codes is going on: the gateway-wide failure window is full. */
export interface GuessingSummary {
  /** Failed and refused pairing requests since `sinceMs`. */
  failed: number;
  refused: number;
  sinceMs: number;
  /** Until when sources over their share are held back. */
  pausedUntilMs: number;
  busiest: Array<{ source: string; failures: number; refused: number }>;
}

/** The webhook's JSON body. `id` is the same for every attempt at one event: receivers deduplicate by it. */
export type WebhookEvent =
  | {
      id: string;
      kind: DeviceEventKind;
      atMs: number;
      deviceId: string;
      fingerprint: string;
      displayName?: string;
      /** Why (a revocation's reason, an access change's levels), in words. */
      detail?: string;
    }
  | { id: string; kind: "guessing"; atMs: number; guessing: GuessingSummary };

/** The webhook's health, as pairing.list reports it (no secret, and of the URL only its origin). */
export interface WebhookStatus {
  /** Scheme, host and port only: a URL's path or query may carry a secret of the receiver's. */
  origin?: string;
  /** The configuration was refused (the webhook is off): why. */
  problem?: string;
  /** Events waiting for delivery (at most MAX_QUEUED). */
  queued: number;
  /** Events given up (retries spent, or pushed out of a full queue) since the gateway started. */
  dropped: number;
  lastDeliveredAtMs?: number;
  /** The newest failed attempt, when it is newer than the last delivery: the webhook is failing. */
  lastError?: string;
  lastErrorAtMs?: number;
}

/** What the plugin's audit log keeps: the newest `events` entries, and apart from them the newest `failures`. */
export const AUDIT_RETENTION = { events: 500, failures: 200 } as const;

export const AUDIT_EXPORT_FORMATS = ["jsonl", "csv"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

/** pairing.exportAudit's answer: the whole retained audit log, oldest first. */
export interface AuditExport {
  format: AuditExportFormat;
  filename: string;
  content: string;
  count: number;
  /** What the plugin keeps: the newest `events` entries, and apart from them the newest `failures` entries. */
  retention: { events: number; failures: number };
}
