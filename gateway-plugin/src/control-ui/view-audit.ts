// Audit log: the newest events, each with its time, a toned label and what it concerned.
import { fingerprint, type AuditEvent } from "@ocmap/protocol/pairing-protocol";
import { element, type Child } from "./dom.ts";
import { auditLabel, auditTone, clockTime } from "./format.ts";
import { codeLabel, type ViewState } from "./model.ts";
import { muted, placeholder, time } from "./parts.ts";

export const MAX_EVENTS_SHOWN = 25;

export function auditView(state: ViewState): HTMLElement {
  const events = [...(state.list?.events ?? [])].sort((a, b) => b.atMs - a.atMs).slice(0, MAX_EVENTS_SHOWN);
  const empty = placeholder(state, events.length, "Nothing happened yet.");
  if (empty) return empty;
  return element(
    "ol",
    { class: "ocmap-cp-audit", "aria-label": "Audit events, newest first" },
    ...events.map((event) =>
      element(
        "li",
        { "data-type": event.type },
        time(event.atMs, state.locale, clockTime(event.atMs, state.locale)),
        element("span", { class: `ocmap-cp-badge ocmap-cp-badge--${auditTone(event.type)}` }, auditLabel(event.type)),
        element("span", { class: "ocmap-cp-audit__detail" }, ...auditDetail(event, state)),
      ),
    ),
  );
}

/** Device fingerprint, code, reason and source address, whichever the event has, separated by dots. */
function auditDetail(event: AuditEvent, { list }: ViewState): Child[] {
  const parts: Child[] = [];
  if (event.deviceId) parts.push(element("span", { class: "ocmap-cp-fp" }, fingerprint(event.deviceId)));
  const aboutDevice = event.type.startsWith("device.");
  if (event.codeId && !aboutDevice) parts.push(codeLabel(list, event.codeId));
  if (event.reason) parts.push(element("span", { class: "ocmap-cp-reason" }, event.reason));
  if (event.remoteAddress) parts.push(muted(`from ${event.remoteAddress}`));
  return parts.flatMap((part, index) =>
    index === 0 ? [part] : [element("span", { class: "ocmap-cp-sep", "aria-hidden": "true" }, " · "), part],
  );
}
