// The page's frame: header with the sync line, alert and paused banners, the six sections' cards, the
// dialog and the screen-reader announcer. The controller fills the sections' bodies.
import { element, uid } from "./dom.ts";
import { clockTime } from "./format.ts";
import type { ViewState } from "./model.ts";
import type { NotifyElements } from "./notify-panel.ts";

export interface Layout {
  root: HTMLElement;
  alertBox: HTMLElement;
  liveHeading: HTMLElement;
  liveBody: HTMLElement;
  devicesHeading: HTMLElement;
  devicesCount: HTMLElement;
  devicesBody: HTMLElement;
  codesBody: HTMLElement;
  keysBody: HTMLElement;
  auditBody: HTMLElement;
  attackBody: HTMLElement;
  certificatesBody: HTMLElement;
  announcer: HTMLElement;
  /** The sync line and the paused banner. */
  renderStatus(state: ViewState, lastOkAtMs: number | undefined): void;
}

export interface LayoutParts {
  createHeadingId: string;
  form: HTMLElement;
  /** The enrollment-key form (view-keys.ts). */
  keyForm: HTMLElement;
  dialog: HTMLElement;
  /** Live notices, the audit export and the webhook card (notify-panel.ts). */
  notify: NotifyElements;
  onRefresh(): void;
}

export function pageLayout({ createHeadingId, form, keyForm, dialog, notify, onRefresh }: LayoutParts): Layout {
  const ids = {
    live: uid("live"),
    devices: uid("devices"),
    codes: uid("codes"),
    keys: uid("keys"),
    audit: uid("audit"),
    attack: uid("attack"),
    certificates: uid("certificates"),
    webhook: uid("webhook"),
  };
  const announcer = element("div", { class: "ocmap-cp-sr", "aria-live": "polite", "aria-atomic": "true" });
  const alertBox = element("div", { class: "ocmap-cp-alert", role: "alert", hidden: true });
  const pausedBox = element("div", {
    class: "ocmap-cp-paused",
    role: "status",
    hidden: true,
    "data-testid": "ocmap-paused",
  });
  const syncLine = element("span", { class: "ocmap-cp-sync", "data-testid": "ocmap-sync" }, "Loading…");
  const refreshButton = element(
    "button",
    { type: "button", class: "ocmap-cp-btn ocmap-cp-btn--ghost", onclick: () => onRefresh() },
    "Refresh",
  );
  const liveHeading = element("h2", { id: ids.live, tabindex: -1 }, "Pairing code");
  const liveBody = element("div", { class: "ocmap-cp-live__body", "data-testid": "ocmap-live" });
  const devicesBody = element("div", { "data-testid": "ocmap-devices" });
  const codesBody = element("div", { "data-testid": "ocmap-codes" });
  const keysBody = element("div", { "data-testid": "ocmap-keys" });
  const auditBody = element("div", { "data-testid": "ocmap-audit" });
  const attackBody = element("div", { "data-testid": "ocmap-attack" });
  const certificatesBody = element("div");
  const devicesCount = element("span", { class: "ocmap-cp-count" });
  const devicesHeading = element("h2", { id: ids.devices, tabindex: -1 }, "Trusted desktop clients ", devicesCount);
  const card = (headingId: string, ...children: HTMLElement[]) =>
    element("section", { class: "ocmap-cp-card", "aria-labelledby": headingId }, ...children);

  const root = element(
    "div",
    { class: "ocmap-cp" },
    element(
      "header",
      { class: "ocmap-cp-header" },
      element(
        "div",
        null,
        element("h1", null, "Clawpodz"),
        element(
          "p",
          { class: "ocmap-cp-muted" },
          "Pair OCMAP desktop clients with this gateway using one-time codes. " +
            "A code is single use and expires within minutes.",
        ),
      ),
      element("div", { class: "ocmap-cp-header__side" }, syncLine, refreshButton),
    ),
    alertBox,
    pausedBox,
    notify.notices,
    element(
      "div",
      { class: "ocmap-cp-top" },
      card(createHeadingId, element("h2", { id: createHeadingId }, "New pairing code"), form),
      element("section", { class: "ocmap-cp-card ocmap-cp-live", "aria-labelledby": ids.live }, liveHeading, liveBody),
    ),
    card(ids.devices, devicesHeading, devicesBody),
    card(ids.codes, element("h2", { id: ids.codes }, "Recent pairings"), codesBody),
    card(ids.keys, element("h2", { id: ids.keys }, "Enrollment keys (fleets)"), keyForm, keysBody),
    card(ids.attack, element("h2", { id: ids.attack }, "Failed attempts"), attackBody),
    card(ids.webhook, element("h2", { id: ids.webhook }, "Webhook"), notify.webhookBody),
    card(ids.audit, element("h2", { id: ids.audit }, "Audit log"), notify.auditExport, auditBody),
    card(ids.certificates, element("h2", { id: ids.certificates }, "Gateway certificate"), certificatesBody),
    dialog,
    announcer,
  );

  return {
    root,
    alertBox,
    liveHeading,
    liveBody,
    devicesHeading,
    devicesCount,
    devicesBody,
    codesBody,
    keysBody,
    auditBody,
    attackBody,
    certificatesBody,
    announcer,
    renderStatus({ list, listError, nowMs, locale }, lastOkAtMs) {
      syncLine.textContent = listError
        ? `Could not refresh: ${listError}`
        : lastOkAtMs
          ? `Live · updated ${clockTime(lastOkAtMs, locale)}`
          : "Loading…";
      syncLine.classList.toggle("ocmap-cp-sync--error", Boolean(listError));
      const pausedUntilMs = list?.pausedUntilMs;
      pausedBox.hidden = !(pausedUntilMs && pausedUntilMs > nowMs);
      if (pausedUntilMs && !pausedBox.hidden)
        pausedBox.textContent =
          `Too many failed attempts: until ${clockTime(pausedUntilMs, locale)} sources that failed repeatedly ` +
          "are held back. Users with a fresh code from other addresses still pair.";
    },
  };
}
