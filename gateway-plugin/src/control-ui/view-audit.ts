// Audit log: the newest events, each with its time, a toned label and what it concerned.
import { fingerprint, type AuditEvent } from "@ocmap/protocol/pairing-protocol";
import { element, type Child } from "./dom.ts";
import { auditLabel, auditTone, clockTime } from "./format.ts";
import { codeLabel, type ViewState } from "./model.ts";
import { muted, placeholder, time } from "./parts.ts";

export const MAX_EVENTS_SHOWN = 25;

export function auditView(state: ViewState): HTMLElement {
  const latest = (event: AuditEvent) => event.lastAtMs ?? event.atMs;
  const events = [...(state.list?.events ?? [])].sort((a, b) => latest(b) - latest(a)).slice(0, MAX_EVENTS_SHOWN);
  const empty = placeholder(state, events.length, "Nothing happened yet.");
  if (empty) return empty;
  return element(
    "ol",
    { class: "ocmap-cp-audit", "aria-label": "Audit events, newest first" },
    ...events.map((event) =>
      element(
        "li",
        { "data-type": event.type },
        time(latest(event), state.locale, clockTime(latest(event), state.locale)),
        element("span", { class: `ocmap-cp-badge ocmap-cp-badge--${auditTone(event.type)}` }, auditLabel(event.type)),
        element("span", { class: "ocmap-cp-audit__detail" }, ...auditDetail(event, state)),
      ),
    ),
  );
}

/** Device fingerprint, code, reason, source address and (aggregated failures) count, separated by dots. */
function auditDetail(event: AuditEvent, { list, locale }: ViewState): Child[] {
  const parts: Child[] = [];
  if (event.deviceId) parts.push(element("span", { class: "ocmap-cp-fp" }, fingerprint(event.deviceId)));
  const aboutDevice = event.type.startsWith("device.");
  if (event.codeId && !aboutDevice) parts.push(codeLabel(list, event.codeId));
  if (event.reason) parts.push(element("span", { class: "ocmap-cp-reason" }, event.reason));
  if (event.remoteAddress) parts.push(muted(`from ${event.remoteAddress}`));
  if (event.count && event.count > 1) parts.push(muted(`×${event.count} since ${clockTime(event.atMs, locale)}`));
  return parts.flatMap((part, index) =>
    index === 0 ? [part] : [element("span", { class: "ocmap-cp-sep", "aria-hidden": "true" }, " · "), part],
  );
}
