// The webhook card: where events go (the receiver's origin only), whether the newest attempt failed and when,
// and what waits or was given up. Hidden when no webhook is configured.
import type { WebhookStatus } from "@ocmap/protocol/device-events";
import { element } from "./dom.ts";
import { clockTime } from "./format.ts";
import type { ViewState } from "./model.ts";
import { muted } from "./parts.ts";

export type WebhookState = "off" | "failing" | "delivering" | "idle";

export function webhookState(status: WebhookStatus): WebhookState {
  if (status.problem) return "off";
  if (status.lastError) return "failing";
  return status.lastDeliveredAtMs ? "delivering" : "idle";
}

const BADGE: Record<WebhookState, [tone: string, text: string]> = {
  off: ["danger", "Off"],
  failing: ["danger", "Failing"],
  delivering: ["ok", "Delivering"],
  idle: ["info", "Nothing sent yet"],
};

export function webhookView(state: ViewState): HTMLElement | undefined {
  const status = state.list?.webhook;
  if (!status) return undefined;
  const at = (ms: number) => clockTime(ms, state.locale);
  const current = webhookState(status);
  const [tone, badge] = BADGE[current];
  const lines: HTMLElement[] = [];
  if (status.problem) lines.push(element("p", null, `Refused configuration: ${status.problem}. No events are sent.`));
  if (status.lastError && status.lastErrorAtMs)
    lines.push(
      element(
        "p",
        { "data-testid": "ocmap-webhook-error" },
        `Last attempt failed at ${at(status.lastErrorAtMs)}: ${status.lastError}. `,
        muted("It is retried with growing waits (1 s, 2 s, 4 s … up to 8 attempts)."),
      ),
    );
  if (status.lastDeliveredAtMs) lines.push(element("p", null, `Last delivered at ${at(status.lastDeliveredAtMs)}.`));
  if (status.queued || status.dropped)
    lines.push(
      muted(
        `${status.queued} waiting` + (status.dropped ? `, ${status.dropped} given up since the gateway started.` : "."),
      ),
    );
  return element(
    "div",
    { class: "ocmap-cp-webhook", "data-testid": "ocmap-webhook", "data-state": current },
    element(
      "p",
      null,
      element("span", { class: `ocmap-cp-badge ocmap-cp-badge--${tone}` }, badge),
      " ",
      status.origin ? element("span", { class: "ocmap-cp-fp" }, status.origin) : muted("no valid URL"),
    ),
    ...lines,
  );
}
