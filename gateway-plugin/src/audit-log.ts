// The audit log in the plugin's state. Failures (anyone can cause them) are aggregated: one entry per
// source, code, reason and 10-minute window, with a count, and they are retained apart from every other event,
// so that no flood of failures can push out redemptions, exchanges, revocations, forgets or renewals.
import { AUDIT_RETENTION } from "@ocmap/protocol/device-events";
import type { AuditEvent, AuditType } from "@ocmap/protocol/pairing-protocol";
import { sourceKey } from "./source-key.ts";

/** Event types anyone can cause in bulk: aggregated, and retained apart. */
const FAILURE_TYPES: ReadonlySet<AuditType> = new Set<AuditType>(["code.failed", "device.forget-failed"]);
export const FAILURE_WINDOW_MS = 10 * 60_000;

/** What the state file keeps: the newest entries of each kind (Clawpodz and docs/notifications.md state it). */
export const KEPT = AUDIT_RETENTION;
/** What pairing.list shows: the newest entries of each kind. */
export const LISTED = { events: 100, failures: 50 } as const;

export const isFailure = (event: AuditEvent) => FAILURE_TYPES.has(event.type);

/** Who a failure is counted for: its address as the limits group it, else the device it concerns. */
function sourceOf(event: AuditEvent): string {
  return event.remoteAddress !== undefined ? `address ${sourceKey(event.remoteAddress)}` : `device ${event.deviceId}`;
}

/** Appends `event`, or counts it into the entry of the same failure (code, reason) from its source in this window. */
export function appendAuditEvent(events: AuditEvent[], event: AuditEvent): void {
  if (!isFailure(event)) return void events.push(event);
  const windowStart = event.atMs - (event.atMs % FAILURE_WINDOW_MS);
  const source = sourceOf(event);
  for (let index = events.length - 1; index >= 0; index--) {
    const known = events[index]!;
    if (known.atMs < windowStart) break; // entries are appended in time order
    if (known.type !== event.type || known.codeId !== event.codeId || known.reason !== event.reason) continue;
    if (sourceOf(known) !== source) continue;
    known.count = (known.count ?? 1) + 1;
    known.lastAtMs = event.atMs;
    return;
  }
  events.push(event);
}

/** The newest `limits.events` other entries and `limits.failures` failure entries, in their order. */
export function retainEvents(events: readonly AuditEvent[], limits: { events: number; failures: number }) {
  let others = 0;
  let failures = 0;
  const kept: AuditEvent[] = [];
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index]!;
    const keep = isFailure(event) ? failures++ < limits.failures : others++ < limits.events;
    if (keep) kept.push(event);
  }
  return kept.reverse();
}
