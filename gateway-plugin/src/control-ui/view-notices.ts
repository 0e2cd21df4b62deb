// Live notices: when a device pairs, is enrolled, or has its access changed, every operator with the tab open
// sees it at the top of the page (from the gateway's DEVICE_EVENT, sent to operator connections), and screen
// readers hear it. Notices stay until dismissed; the newest few are kept.
import {
  DEVICE_EVENT_KINDS,
  NOTICE_KINDS,
  type DeviceEvent,
  type DeviceEventKind,
} from "@ocmap/protocol/device-events";
import { fingerprint } from "@ocmap/protocol/pairing-protocol";
import { element, replaceKeepingFocus } from "./dom.ts";
import { clockTime } from "./format.ts";
import { time } from "./parts.ts";

export const MAX_NOTICES = 4;

const WORDING: Partial<Record<DeviceEventKind, string>> = {
  paired: "New device paired with a code",
  enrolled: "New device enrolled with a key",
  "access-changed": "Device access changed",
};

/** A payload that is a DeviceEvent (the page trusts nothing it did not check; text only goes in as text). */
export function asDeviceEvent(payload: unknown): DeviceEvent | undefined {
  const event = payload as Partial<DeviceEvent> | null;
  if (!event || typeof event !== "object") return undefined;
  if (!DEVICE_EVENT_KINDS.includes(event.kind as DeviceEventKind)) return undefined;
  if (typeof event.deviceId !== "string" || !/^[0-9a-f]{64}$/.test(event.deviceId)) return undefined;
  if (typeof event.atMs !== "number") return undefined;
  const name = typeof event.displayName === "string" ? event.displayName.slice(0, 128) : undefined;
  return { kind: event.kind!, deviceId: event.deviceId, atMs: event.atMs, ...(name ? { displayName: name } : {}) };
}

export function noticeText(event: DeviceEvent): string {
  return `${WORDING[event.kind] ?? "Device changed"}: ${event.displayName ?? "device"} ${fingerprint(event.deviceId)}`;
}

export function noticesBox(locale: string, say: (text: string) => void) {
  const shown: Array<DeviceEvent & { key: string }> = [];
  let seq = 0;
  const box = element("ul", {
    class: "ocmap-cp-notices",
    "data-testid": "ocmap-notices",
    "aria-label": "Device notices",
    hidden: true,
  });
  const render = () => {
    box.hidden = shown.length === 0;
    replaceKeepingFocus(
      box,
      ...shown.map((notice) =>
        element(
          "li",
          { class: "ocmap-cp-notice", "data-kind": notice.kind, "data-device": notice.deviceId },
          element("span", { class: "ocmap-cp-notice__dot", "aria-hidden": "true" }),
          element("span", { class: "ocmap-cp-notice__text" }, noticeText(notice)),
          time(notice.atMs, locale, clockTime(notice.atMs, locale)),
          element(
            "button",
            {
              type: "button",
              class: "ocmap-cp-btn ocmap-cp-btn--ghost",
              "data-key": `dismiss-${notice.key}`,
              "aria-label": `Dismiss: ${noticeText(notice)}`,
              onclick: () => {
                shown.splice(shown.indexOf(notice), 1);
                render();
              },
            },
            "Dismiss",
          ),
        ),
      ),
    );
  };
  return {
    element: box,
    /** The listener for DEVICE_EVENT: shows the kinds operators must not miss. */
    onEvent(payload: unknown) {
      const event = asDeviceEvent(payload);
      if (!event || !NOTICE_KINDS.has(event.kind)) return;
      shown.unshift({ ...event, key: String((seq += 1)) });
      shown.splice(MAX_NOTICES);
      render();
      say(`${noticeText(event)}.`);
    },
  };
}
