// Runs the notice tracker against the live gateways: on every change, on every gateway event, and at
// the moment a disconnect gets long; shows what is due and switched on in Settings. Electron-free: the
// caller brings the clock, the timer and `show` (an Electron Notification in notifications.main.ts).
import type { SettingsView } from "../ipc/ipc-contract.std.ts";
import { createNoticeTracker, deviceEventNotice, noticeAllowed, type Notice } from "./notices.std.ts";
import type { GatewayStatus } from "./tray-status.std.ts";

export interface GatewaySource {
  statuses(): GatewayStatus[];
  /** Any change of any gateway. */
  subscribe(listener: () => void): () => void;
  onGatewayEvent(listener: (gatewayId: string, event: string, payload: unknown) => void): () => void;
}

export interface NotifierOptions {
  source: GatewaySource;
  settings(): SettingsView;
  show(notice: Notice): void;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  longDisconnectMs?: number;
}

export function startNotifier(options: NotifierOptions): () => void {
  const { source } = options;
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const tracker = createNoticeTracker(options.longDisconnectMs);
  let timer: unknown = null;

  const show = (notice: Notice) => {
    if (noticeAllowed(notice, options.settings())) options.show(notice);
  };
  const check = () => {
    for (const notice of tracker.observe(source.statuses(), now())) show(notice);
    if (timer !== null) clearTimer(timer);
    const next = tracker.nextCheckAt();
    timer = next === null ? null : setTimer(check, Math.max(0, next - now()));
  };
  const offChanges = source.subscribe(check);
  const offEvents = source.onGatewayEvent((gatewayId, event, payload) => {
    const gateway = source.statuses().find((status) => status.id === gatewayId);
    const notice = gateway && deviceEventNotice(gateway, event, payload);
    if (notice) show(notice);
  });
  check();
  return () => {
    offChanges();
    offEvents();
    if (timer !== null) clearTimer(timer);
    timer = null;
  };
}
