// What Clawpodz adds so that nobody is surprised by a new device: live notices (view-notices.ts), the audit
// export with its retention (view-audit-export.ts) and the webhook card (view-webhook.ts). The controller makes
// one, puts its elements in the layout, and calls `render` with every render.
import type { ControlUiHost } from "openclaw/plugin-sdk/control-ui";
import { DEVICE_EVENT } from "@ocmap/protocol/device-events";
import { replaceKeepingFocus } from "./dom.ts";
import type { ViewState } from "./model.ts";
import { auditExportBar, type ExportDeps } from "./view-audit-export.ts";
import { noticesBox } from "./view-notices.ts";
import { webhookView } from "./view-webhook.ts";

export interface NotifyElements {
  notices: HTMLElement;
  auditExport: HTMLElement;
  /** The webhook card's body; the card is hidden while it is empty. */
  webhookBody: HTMLElement;
}

export function notifyPanel(host: ControlUiHost, locale: string, deps: ExportDeps) {
  const notices = noticesBox(locale, deps.say);
  const exportBar = auditExportBar(host, deps);
  const elements: NotifyElements = {
    notices: notices.element,
    auditExport: exportBar.element,
    webhookBody: document.createElement("div"),
  };
  const unsubscribe = host.onEvent(DEVICE_EVENT, (payload) => notices.onEvent(payload));
  let renderedWebhook = "";
  return {
    elements,
    render(state: ViewState, connected: boolean) {
      exportBar.update(state.canAdmin, connected);
      const key = JSON.stringify([state.list?.webhook, Math.floor(state.nowMs / 30_000)]);
      if (key === renderedWebhook) return;
      renderedWebhook = key;
      const view = webhookView(state);
      const card = elements.webhookBody.closest("section");
      if (card) card.hidden = !view;
      replaceKeepingFocus(elements.webhookBody, view);
    },
    dispose: unsubscribe,
  };
}
