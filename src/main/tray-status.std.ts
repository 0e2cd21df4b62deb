// What the tray (menu-bar) icon shows and what its menu holds, decided from each gateway's state:
// the icon is the worst state of any gateway, the menu names every gateway with its own state.
// Electron-free: tray.main.ts only turns this into a Tray and a Menu.
import type { CoreActivity, CoreState, CoreView } from "../core/core-view.std.ts";

/** One gateway as the tray and the notifications see it (its local name, never a secret). */
export interface GatewayStatus {
  id: string;
  name: string;
  state: CoreState;
  activity: CoreActivity;
  /** The gateway answered with another identity than the one pinned: OCMAP stopped connecting. */
  identityChanged: boolean;
  /** This device's id on that gateway (its own pairing events are not news). */
  deviceId: string | null;
}

export const TRAY_ICONS = ["idle", "connected", "disconnected", "revoked", "identity-changed"] as const;
export type TrayIconName = (typeof TRAY_ICONS)[number];

/** Worse is later: the icon of several gateways is the last of theirs in this order. */
const SEVERITY: Record<TrayIconName, number> = {
  idle: 0,
  connected: 1,
  disconnected: 2,
  revoked: 3,
  "identity-changed": 4,
};

export function iconOf(status: GatewayStatus): TrayIconName {
  if (status.identityChanged) return "identity-changed";
  switch (status.state) {
    case "PAIRED_CONNECTED":
      return "connected";
    case "PAIRED_DISCONNECTED":
      return "disconnected";
    case "REVOKED":
      return "revoked";
    default:
      return "idle";
  }
}

export function trayIcon(statuses: readonly GatewayStatus[]): TrayIconName {
  return statuses
    .map(iconOf)
    .reduce<TrayIconName>((worst, icon) => (SEVERITY[icon] > SEVERITY[worst] ? icon : worst), "idle");
}

export function stateText(status: GatewayStatus): string {
  if (status.identityChanged) return "Identity changed, not connecting";
  switch (status.state) {
    case "PAIRED_CONNECTED":
      return status.activity === "forgetting" ? "Forgetting…" : "Connected";
    case "PAIRED_DISCONNECTED":
      return status.activity === "connecting" ? "Connecting…" : "Not connected";
    case "REVOKED":
      return "Revoked";
    case "PAIRING_IN_PROGRESS":
      return "Pairing…";
    default:
      return status.activity === "starting" ? "Starting…" : "Not paired";
  }
}

export const statusLine = (status: GatewayStatus) => `${status.name}: ${stateText(status)}`;

/** Windows cuts a tray tooltip at 127 characters. */
const TOOLTIP_MAX = 127;

export function trayTooltip(statuses: readonly GatewayStatus[]): string {
  const connected = statuses.filter((status) => status.state === "PAIRED_CONNECTED").length;
  const text =
    statuses.length === 0
      ? "OCMAP: not paired with a gateway"
      : statuses.length === 1
        ? `OCMAP: ${statusLine(statuses[0]!)}`
        : [`OCMAP: ${connected} of ${statuses.length} gateways connected`, ...statuses.map(statusLine)].join("\n");
  return text.length > TOOLTIP_MAX ? `${text.slice(0, TOOLTIP_MAX - 1)}…` : text;
}

export type TrayAction =
  | { kind: "open" }
  | { kind: "show-gateway"; id: string }
  | { kind: "pair" }
  | { kind: "forget"; id: string; name: string }
  | { kind: "quit" };

export type TrayMenuEntry =
  | { kind: "separator" }
  | { kind: "item"; label: string; action: TrayAction }
  | { kind: "submenu"; label: string; entries: TrayMenuEntry[] };

const item = (label: string, action: TrayAction): TrayMenuEntry => ({ kind: "item", label, action });
const separator: TrayMenuEntry = { kind: "separator" };

/** Open, one status line per gateway (each opens that gateway), pair or add, forget, quit. */
export function trayMenu(statuses: readonly GatewayStatus[]): TrayMenuEntry[] {
  const forgettable = statuses.filter((status) => status.state !== "PAIRING_IN_PROGRESS");
  const forget: TrayMenuEntry[] =
    forgettable.length === 0
      ? []
      : forgettable.length === 1
        ? [
            item(`Forget ${forgettable[0]!.name}…`, {
              kind: "forget",
              id: forgettable[0]!.id,
              name: forgettable[0]!.name,
            }),
          ]
        : [
            {
              kind: "submenu",
              label: "Forget a gateway",
              entries: forgettable.map((status) =>
                item(`${status.name}…`, { kind: "forget", id: status.id, name: status.name }),
              ),
            },
          ];
  return [
    item("Open OCMAP", { kind: "open" }),
    separator,
    ...(statuses.length === 0
      ? [item("Not paired with a gateway", { kind: "open" })]
      : statuses.map((status) => item(statusLine(status), { kind: "show-gateway", id: status.id }))),
    separator,
    item(statuses.length === 0 ? "Pair with a gateway…" : "Add a gateway…", { kind: "pair" }),
    ...forget,
    separator,
    item("Quit OCMAP", { kind: "quit" }),
  ];
}

/** A gateway's status from its CoreView (the view the fleet keeps of it). */
export function gatewayStatus(id: string, name: string, core: CoreView): GatewayStatus {
  return {
    id,
    name,
    state: core.state,
    activity: core.activity,
    identityChanged: core.state === "PAIRED_DISCONNECTED" && core.lastError?.code === "GATEWAY_IDENTITY_CHANGED",
    deviceId: core.device?.id ?? null,
  };
}
