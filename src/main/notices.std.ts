// Which OS notifications to show, decided from each gateway's state over time and from the gateway's
// device events: revoked, identity changed, not connected for LONG_DISCONNECT_MS, a new device paired.
// Each names its gateway and is shown once per occurrence. Electron-free and clock-driven: the caller
// passes the time, and asks again at nextCheckAt() (notifier wiring below), so tests need no sleeps.
import type { SettingKey, SettingsView } from "../ipc/ipc-contract.std.ts";
import type { GatewayStatus } from "./tray-status.std.ts";

/** "Disconnected for longer than a few minutes": three. Short outages (a gateway restart) stay quiet. */
export const LONG_DISCONNECT_MS = 3 * 60_000;

export type NoticeKind = "revoked" | "identity-changed" | "long-disconnect" | "new-device";

export interface Notice {
  kind: NoticeKind;
  gatewayId: string;
  title: string;
  body: string;
}

/** The Settings switch that turns each kind off. */
export const NOTICE_SETTING: Record<NoticeKind, SettingKey> = {
  revoked: "notifyRevoked",
  "identity-changed": "notifyIdentityChanged",
  "long-disconnect": "notifyLongDisconnect",
  "new-device": "notifyNewDevice",
};

export const noticeAllowed = (notice: Notice, settings: SettingsView) => settings[NOTICE_SETTING[notice.kind]];

const minutes = (ms: number) => Math.round(ms / 60_000);

export function stateNotice(kind: Exclude<NoticeKind, "new-device">, gateway: GatewayStatus): Notice {
  const { id: gatewayId, name } = gateway;
  switch (kind) {
    case "revoked":
      return {
        kind,
        gatewayId,
        title: `Removed from ${name}`,
        body: `${name} revoked this device. To use it again, pair with a new code.`,
      };
    case "identity-changed":
      return {
        kind,
        gatewayId,
        title: `${name}'s identity changed`,
        body: `${name} answered with another identity than the one OCMAP trusts, so OCMAP stopped connecting.`,
      };
    case "long-disconnect":
      return {
        kind,
        gatewayId,
        title: `Not connected to ${name}`,
        body: `OCMAP has not reached ${name} for ${minutes(LONG_DISCONNECT_MS)} minutes. It keeps trying.`,
      };
  }
}

interface Seen {
  state: GatewayStatus["state"];
  /** Told about an identity change since the gateway was last connected (a retry failing otherwise is no news). */
  identityTold: boolean;
  disconnectedSince: number | null;
  longNoticeShown: boolean;
}

export interface NoticeTracker {
  /** The notices due at `nowMs` for these statuses (every gateway listed, each time). */
  observe(statuses: readonly GatewayStatus[], nowMs: number): Notice[];
  /** When a notice may fall due without any change (a disconnect reaching LONG_DISCONNECT_MS), or null. */
  nextCheckAt(): number | null;
}

export function createNoticeTracker(longDisconnectMs = LONG_DISCONNECT_MS): NoticeTracker {
  const seen = new Map<string, Seen>();
  const pending = (entry: Seen) => entry.disconnectedSince !== null && !entry.longNoticeShown && !entry.identityTold;
  return {
    observe(statuses, nowMs) {
      const notices: Notice[] = [];
      for (const id of [...seen.keys()]) if (!statuses.some((status) => status.id === id)) seen.delete(id);
      for (const status of statuses) {
        const before = seen.get(status.id);
        const disconnected = status.state === "PAIRED_DISCONNECTED";
        const entry: Seen = {
          state: status.state,
          identityTold: status.state !== "PAIRED_CONNECTED" && (before?.identityTold ?? false),
          disconnectedSince: disconnected ? (before?.disconnectedSince ?? nowMs) : null,
          longNoticeShown: disconnected && (before?.longNoticeShown ?? false),
        };
        if (status.state === "REVOKED" && before?.state !== "REVOKED") notices.push(stateNotice("revoked", status));
        if (status.identityChanged && !entry.identityTold) {
          notices.push(stateNotice("identity-changed", status));
          entry.identityTold = true; // and the same outage needs no "not connected" notice
        }
        if (pending(entry) && nowMs - entry.disconnectedSince! >= longDisconnectMs) {
          notices.push(stateNotice("long-disconnect", status));
          entry.longNoticeShown = true;
        }
        seen.set(status.id, entry);
      }
      return notices;
    },
    nextCheckAt() {
      const due = [...seen.values()].filter(pending).map((entry) => entry.disconnectedSince! + longDisconnectMs);
      return due.length ? Math.min(...due) : null;
    },
  };
}

const DEVICE_EVENT = "plugin.ocmap-pairing.device-event";
const NAME_MAX = 64;

/** A device name from the gateway, made safe to show: no control or direction characters, one line, bounded. */
export function cleanDeviceName(name: unknown): string | null {
  if (typeof name !== "string") return null;
  const cleaned = name
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!cleaned) return null;
  return cleaned.length > NAME_MAX ? `${cleaned.slice(0, NAME_MAX - 1)}…` : cleaned;
}

/** "New device on <gateway>" for a device paired or enrolled there (sent to devices with operator access). */
export function deviceEventNotice(gateway: GatewayStatus, event: string, payload: unknown): Notice | null {
  if (event !== DEVICE_EVENT || typeof payload !== "object" || payload === null) return null;
  const { kind, deviceId, displayName } = payload as Record<string, unknown>;
  if (kind !== "paired" && kind !== "enrolled") return null;
  if (typeof deviceId === "string" && deviceId === gateway.deviceId) return null; // this device's own pairing
  const device = cleanDeviceName(displayName);
  return {
    kind: "new-device",
    gatewayId: gateway.id,
    title: device ? `New device on ${gateway.name}: ${device}` : `New device on ${gateway.name}`,
    body:
      `${device ?? "A device"} was ${kind === "enrolled" ? "enrolled with" : "paired with"} ${gateway.name}. ` +
      "If you do not know it, remove it on the gateway's Devices page.",
  };
}
