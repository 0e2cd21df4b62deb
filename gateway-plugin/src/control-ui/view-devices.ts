// Trusted desktop clients: every device paired through a code, with what the gateway knows of it (name,
// client, last address, how it was approved), sorted and filtered by state, access level and last seen.
import type { Access, TrustedClient } from "@ocmap/protocol/pairing-protocol";
import { element } from "./dom.ts";
import { ACCESS_LABEL, expiresIn, relativeTime } from "./format.ts";
import type { ViewState } from "./model.ts";
import { muted, placeholder, table, time } from "./parts.ts";

export interface DevicesActions {
  askRevoke(device: TrustedClient, button: HTMLElement): void;
  askManage(device: TrustedClient, button: HTMLElement): void;
  showAll(): void;
}

export type StateFilter = "all" | "connected" | "offline" | "revoked";
/** Last seen within a day or a week, or not for 30 days (quiet devices, on their way to expiry). */
export type SeenFilter = "any" | "day" | "week" | "quiet-30";
export type SortKey = "last-seen" | "paired" | "name";
export interface DeviceFilter {
  state: StateFilter;
  access: Access | "all";
  seen: SeenFilter;
  sort: SortKey;
  /** Rows drawn at most (the rest behind "Show all"): hundreds of rows would cost a long layout at every refresh. */
  limit: number;
}

export const FIRST_ROWS = 100;

/** Shown "expires in N days" from this close to the deadline. */
const EXPIRY_WARNING_MS = 14 * 86_400_000;
const COLUMNS = ["Name", "Platform and client", "Fingerprint", "Access", "Paired", "Last seen", "Status"];

export const deviceLabel = (device: TrustedClient) => device.label ?? device.displayName ?? "Unnamed client";
const lastSeenOf = (device: TrustedClient, nowMs: number) => (device.connected ? nowMs : (device.lastSeenAtMs ?? 0));
const stateOf = (device: TrustedClient): StateFilter =>
  device.revokedAtMs ? "revoked" : device.connected ? "connected" : "offline";
const DAY_MS = 86_400_000;
/** Its last sign of life: now when connected, else the last connect the gateway saw, or the pairing itself. */
const quietFor = (device: TrustedClient, nowMs: number) =>
  device.connected ? 0 : nowMs - Math.max(device.pairedAtMs, device.lastSeenAtMs ?? 0);
const SEEN: Record<SeenFilter, (quietMs: number) => boolean> = {
  any: () => true,
  day: (quietMs) => quietMs <= DAY_MS,
  week: (quietMs) => quietMs <= 7 * DAY_MS,
  "quiet-30": (quietMs) => quietMs > 30 * DAY_MS,
};

export function filterDevices(devices: readonly TrustedClient[], filter: DeviceFilter, nowMs: number) {
  const kept = devices.filter(
    (device) =>
      (filter.state === "all" || stateOf(device) === filter.state) &&
      (filter.access === "all" || device.access === filter.access) &&
      SEEN[filter.seen](quietFor(device, nowMs)),
  );
  const order: Record<SortKey, (a: TrustedClient, b: TrustedClient) => number> = {
    "last-seen": (a, b) => lastSeenOf(b, nowMs) - lastSeenOf(a, nowMs),
    paired: (a, b) => b.pairedAtMs - a.pairedAtMs,
    name: (a, b) => deviceLabel(a).localeCompare(deviceLabel(b)),
  };
  const revokedLast = (a: TrustedClient, b: TrustedClient) => Number(!!a.revokedAtMs) - Number(!!b.revokedAtMs);
  return kept.sort((a, b) => revokedLast(a, b) || order[filter.sort](a, b));
}

/** The section's content and the heading's count ("· 2 active"). */
export function devicesView(
  state: ViewState,
  filter: DeviceFilter,
  actions: DevicesActions,
): { countText: string; content: HTMLElement[] } {
  const all = state.list?.devices ?? [];
  const countText = state.list ? `· ${all.filter((d) => !d.revokedAtMs).length} active` : "";
  const empty = placeholder(state, all.length, "No desktop client has paired through a code yet.");
  if (empty) return { countText, content: [empty] };
  const devices = filterDevices(all, filter, state.nowMs);
  const labels = new Map<string, string | undefined>([
    ...(state.list?.codes ?? []).map((code) => [code.codeId, code.label] as const),
    ...(state.list?.keys ?? []).map((key) => [key.keyId, key.label] as const),
  ]);
  const rows = devices.slice(0, filter.limit).map((device) => deviceRow(device, state, labels, actions));
  const shown = element(
    "p",
    { class: "ocmap-cp-muted", "data-testid": "ocmap-devices-shown" },
    ...shownText(devices.length, all.length, rows.length),
  );
  const list = table("Desktop clients paired through a code", COLUMNS, rows);
  // Fixed layout: the browser sizes the columns from the header, not by measuring every one of hundreds of rows.
  list.querySelector("table")?.classList.add("ocmap-cp-table--fixed");
  const showAll = { type: "button", class: "ocmap-cp-btn ocmap-cp-btn--sm", "data-key": "devices:all" };
  const more =
    devices.length > rows.length
      ? element("button", { ...showAll, onclick: actions.showAll }, `Show all ${devices.length}`)
      : null;
  return { countText, content: [shown, list, ...(more ? [more] : [])] };
}

const shownText = (matching: number, total: number, drawn: number) => [
  matching === total
    ? `${total} ${total === 1 ? "device" : "devices"}`
    : `${matching} of ${total} ${total === 1 ? "device matches" : "devices match"} the filter`,
  drawn < matching ? ` (the first ${drawn} shown)` : "",
];

/** Which code or enrollment key paired it: its label when it had one, and the start of its id. */
function pairedWith(device: TrustedClient, labels: Map<string, string | undefined>): string {
  const [kind, id] = device.keyId ? ["enrollment key", device.keyId] : ["code", device.codeId];
  if (!id) return `${kind} ?`;
  const label = labels.get(id);
  return label ? `${kind} “${label}” (${id.slice(0, 8)})` : `${kind} ${id.slice(0, 8)}`;
}

function deviceRow(
  device: TrustedClient,
  state: ViewState,
  labels: Map<string, string | undefined>,
  actions: DevicesActions,
): HTMLTableRowElement {
  const { nowMs, locale } = state;
  const seen = device.connected
    ? "now"
    : device.lastSeenAtMs
      ? time(device.lastSeenAtMs, locale, relativeTime(device.lastSeenAtMs, nowMs, locale))
      : "never since pairing";
  const client = [device.clientId, device.clientMode].filter(Boolean).join(" · ");
  return element(
    "tr",
    {
      "data-device": device.deviceId,
      "data-connected": String(device.connected),
      "data-revoked": String(Boolean(device.revokedAtMs)),
      class: device.revokedAtMs ? "ocmap-cp-row--revoked" : null,
    },
    element(
      "th",
      { scope: "row" },
      deviceLabel(device),
      device.label && device.displayName ? element("div", { class: "ocmap-cp-muted" }, device.displayName) : null,
    ),
    element("td", null, device.platform ?? "—", client ? element("div", { class: "ocmap-cp-muted" }, client) : null),
    element(
      "td",
      null,
      element("span", { class: "ocmap-cp-fp", "data-testid": "ocmap-fingerprint" }, device.fingerprint),
    ),
    element(
      "td",
      null,
      ACCESS_LABEL[device.access] ?? device.access,
      device.pendingAccess
        ? element("div", { class: "ocmap-cp-muted" }, `→ ${ACCESS_LABEL[device.pendingAccess]} at next connection`)
        : null,
    ),
    element(
      "td",
      null,
      time(device.pairedAtMs, locale, relativeTime(device.pairedAtMs, nowMs, locale)),
      element("div", { class: "ocmap-cp-muted" }, `with ${pairedWith(device, labels)}`),
    ),
    element(
      "td",
      null,
      seen,
      device.remoteAddress
        ? element("div", { class: "ocmap-cp-muted" }, `from ${addressText(device.remoteAddress)}`)
        : null,
    ),
    element("td", null, statusBadge(device, state), expiryNote(device, nowMs)),
    element("td", { class: "ocmap-cp-cell--action" }, ...rowActions(device, actions)),
  );
}

const addressText = (address: string) => (address === "loopback" ? "this host (loopback)" : address);

function expiryNote(device: TrustedClient, nowMs: number): HTMLElement | null {
  if (device.revokedAtMs || device.connected || !device.expiresAtMs) return null;
  if (device.expiresAtMs - nowMs > EXPIRY_WARNING_MS) return null;
  return element(
    "div",
    { class: "ocmap-cp-badge ocmap-cp-badge--warn ocmap-cp-expires", "data-testid": "ocmap-expires" },
    expiresIn(device.expiresAtMs, nowMs),
  );
}

function statusBadge(device: TrustedClient, { nowMs, locale }: ViewState): HTMLElement {
  if (device.revokedAtMs)
    return element(
      "span",
      { class: "ocmap-cp-badge ocmap-cp-badge--revoked" },
      REVOKED_LABEL[device.revokedBy ?? "operator"],
      time(device.revokedAtMs, locale, relativeTime(device.revokedAtMs, nowMs, locale)),
    );
  const dotClass = device.connected ? "ocmap-cp-dot" : "ocmap-cp-dot ocmap-cp-dot--off";
  const dot = element("span", { class: dotClass, "aria-hidden": "true" });
  return device.connected
    ? element("span", { class: "ocmap-cp-badge ocmap-cp-badge--ok" }, dot, "Connected now")
    : element("span", { class: "ocmap-cp-badge" }, dot, "Offline");
}

const REVOKED_LABEL: Record<NonNullable<TrustedClient["revokedBy"]>, string> = {
  operator: "Revoked ",
  self: "Forgot itself ",
  ephemeral: "Removed (ephemeral) ",
  expired: "Expired (not seen) ",
};

function rowActions(device: TrustedClient, actions: DevicesActions): HTMLElement[] {
  if (device.revokedAtMs) return [muted("—")];
  const name = `${deviceLabel(device)} ${device.fingerprint}`;
  const button = (key: string, text: string, label: string, run: (b: HTMLElement) => void, danger = false) =>
    element(
      "button",
      {
        type: "button",
        class: `ocmap-cp-btn ocmap-cp-btn--sm${danger ? " ocmap-cp-btn--danger-ghost" : ""}`,
        "data-key": `${key}:${device.deviceId}`,
        "aria-label": `${label} ${name}`,
        onclick: (ev: Event) => run(ev.currentTarget as HTMLElement),
      },
      text,
    );
  return [
    button("manage", "Manage", "Rename or change access of", (b) => actions.askManage(device, b)),
    button("revoke", "Revoke", "Revoke", (b) => actions.askRevoke(device, b), true),
  ];
}
