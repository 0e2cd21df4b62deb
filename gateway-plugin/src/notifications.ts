// One webhook sender and one device notifier per state directory, kept on globalThis like the store (index.ts):
// a config reload re-registers the plugin, and must neither lose the waiting events nor reset the guessing
// debounce. Each registration points them at its own config and event emitter.
import type { DeviceEvent } from "@ocmap/protocol/device-events";
import { DeviceNotifier } from "./device-events.ts";
import { webhookSetting } from "./webhook-config.ts";
import type { PairingConfig } from "./config.ts";
import { WebhookSender } from "./webhook-sender.ts";

type Log = { info(msg: string): void; warn(msg: string): void };
export interface Notifications {
  sender: WebhookSender;
  notifier: DeviceNotifier;
  /** Where live device events go now (the running service's emitter); unset until the service starts. */
  broadcast?: (event: DeviceEvent) => void;
}

const kept = ((globalThis as Record<symbol, unknown>)[Symbol.for("ocmap-pairing.notifications.v1")] ??= new Map<
  string,
  Notifications
>()) as Map<string, Notifications>;

export function notificationsFor(dir: string, cfg: PairingConfig, log: Log): Notifications {
  let found = kept.get(dir);
  if (!found) {
    const sender = new WebhookSender({ now: () => Date.now(), log });
    const made: Notifications = {
      sender,
      notifier: new DeviceNotifier({
        broadcast: (event) => made.broadcast?.(event),
        webhook: (event) => sender.enqueue(event),
        log,
      }),
    };
    kept.set(dir, (found = made));
  }
  found.sender.configure(webhookSetting(cfg));
  return found;
}
