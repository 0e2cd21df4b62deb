// OS notifications through Electron: each notice names its gateway, and a click opens that gateway.
import { Notification } from "electron";
import type { CloseHint } from "./background.std.ts";
import type { Notice } from "./notices.std.ts";

// A notification that is collected loses its click handler: keep each until it is closed.
const alive = new Set<Notification>();

export function canNotify(): boolean {
  return Notification.isSupported();
}

export function showNotification(message: Notice | CloseHint, onClick: () => void): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: message.title, body: message.body });
  alive.add(notification);
  notification.on("click", () => {
    alive.delete(notification);
    onClick();
  });
  notification.on("close", () => alive.delete(notification));
  notification.on("failed", () => alive.delete(notification));
  notification.show();
}
