// Trusted desktop clients: every device paired through a code, active ones first, with a revoke button.
import type { TrustedClient } from "@ocmap/protocol/pairing-protocol";
import { element } from "./dom.ts";
import { ACCESS_LABEL, relativeTime } from "./format.ts";
import type { ViewState } from "./model.ts";
import { muted, placeholder, table, time } from "./parts.ts";

export interface DevicesActions {
  askRevoke(device: TrustedClient, button: HTMLElement): void;
}

const COLUMNS = ["Name", "Platform", "Fingerprint", "Access", "Paired at", "Last seen", "Status"];

/** The section's content and the heading's count ("· 2 active"). */
export function devicesView(state: ViewState, actions: DevicesActions): { countText: string; content: HTMLElement } {
  const devices = [...(state.list?.devices ?? [])].sort(
    (a, b) => Number(Boolean(a.revokedAtMs)) - Number(Boolean(b.revokedAtMs)) || b.pairedAtMs - a.pairedAtMs,
  );
  const active = devices.filter((d) => !d.revokedAtMs);
  const countText = state.list ? `· ${active.length} active` : "";
  const empty = placeholder(state, devices.length, "No desktop client has paired through a code yet.");
  if (empty) return { countText, content: empty };
  const rows = devices.map((device) => deviceRow(device, state, actions));
  return { countText, content: table("Desktop clients paired through a code", COLUMNS, rows) };
}

function deviceRow(device: TrustedClient, state: ViewState, actions: DevicesActions): HTMLTableRowElement {
  const { nowMs, locale } = state;
  const lastSeen = device.connected
    ? "now"
    : device.lastSeenAtMs
      ? time(device.lastSeenAtMs, locale, relativeTime(device.lastSeenAtMs, nowMs, locale))
      : "—";
  return element(
    "tr",
    {
      "data-device": device.deviceId,
      "data-connected": String(device.connected),
      "data-revoked": String(Boolean(device.revokedAtMs)),
      class: device.revokedAtMs ? "ocmap-cp-row--revoked" : null,
    },
    element("th", { scope: "row" }, device.displayName ?? "Unnamed client"),
    element("td", null, device.platform ?? "—"),
    element(
      "td",
      null,
      element("span", { class: "ocmap-cp-fp", "data-testid": "ocmap-fingerprint" }, device.fingerprint),
    ),
    element("td", null, ACCESS_LABEL[device.access] ?? device.access),
    element("td", null, time(device.pairedAtMs, locale)),
    element("td", null, lastSeen),
    element("td", null, statusBadge(device, state)),
    element("td", { class: "ocmap-cp-cell--action" }, revokeAction(device, actions)),
  );
}

function statusBadge(device: TrustedClient, { nowMs, locale }: ViewState): HTMLElement {
  if (device.revokedAtMs)
    return element(
      "span",
      { class: "ocmap-cp-badge ocmap-cp-badge--revoked" },
      device.revokedBy === "self" ? "Forgot itself " : "Revoked ",
      time(device.revokedAtMs, locale, relativeTime(device.revokedAtMs, nowMs, locale)),
    );
  const dotClass = device.connected ? "ocmap-cp-dot" : "ocmap-cp-dot ocmap-cp-dot--off";
  const dot = element("span", { class: dotClass, "aria-hidden": "true" });
  return device.connected
    ? element("span", { class: "ocmap-cp-badge ocmap-cp-badge--ok" }, dot, "Connected now")
    : element("span", { class: "ocmap-cp-badge" }, dot, "Offline");
}

function revokeAction(device: TrustedClient, actions: DevicesActions): HTMLElement {
  if (device.revokedAtMs) return muted("—");
  return element(
    "button",
    {
      type: "button",
      class: "ocmap-cp-btn ocmap-cp-btn--danger-ghost ocmap-cp-btn--sm",
      "data-key": `revoke:${device.deviceId}`,
      "aria-label": `Revoke ${device.displayName ?? "device"} ${device.fingerprint}`,
      onclick: (ev: Event) => actions.askRevoke(device, ev.currentTarget as HTMLElement),
    },
    "Revoke",
  );
}
