// Clawpodz: the operator's pairing page, a native Control UI plugin page of `ocmap-pairing`.
//
// It runs inside the gateway's own Control UI and calls the plugin's WS methods on the Control UI's
// own authenticated connection (`context.host.request`), so it acts with the signed-in operator's
// scopes and never sees the gateway token. Secrets: createCode also returns the code's bootstrap
// token; this page reads only codeId, code, expiresAtMs, access and pairingLink out of the result and
// never renders or stores anything else.
import type { ControlUiHost, ControlUiPlugin, ControlUiViewContext } from "openclaw/plugin-sdk/control-ui";
import {
  CHANGED_EVENT,
  fingerprint,
  type Access,
  type AuditEvent,
  type CodeSummary,
  type CreateCodeResult,
  type PairingList,
  type TrustedClient,
} from "@ocmap/protocol/pairing-protocol";
import { h, replaceKeepingFocus, uid, type Child } from "./dom.ts";
import {
  absoluteTime,
  ACCESS_HINT,
  ACCESS_LABEL,
  auditLabel,
  auditTone,
  clockTime,
  countdown,
  describeError,
  gatewayFromLink,
  LIFETIMES,
  relativeTime,
  STATUS_LABEL,
} from "./format.ts";

const PLUGIN_ID = "ocmap-pairing";
const PAGE_ID = "clawpodz";
/** Fallback refresh while open (expiry, last seen); change events do the rest. */
const SLOW_REFRESH_MS = 10_000;
const MAX_CODES_SHOWN = 20;
const MAX_EVENTS_SHOWN = 25;

/** The code this browser created last: kept in memory only (never a token), shared across mounts. */
interface LiveCode {
  codeId: string;
  code: string;
  expiresAtMs: number;
  ttlMs: number;
  access: Access;
  label?: string;
  pairingLink: string;
  gatewayUrl?: string;
  /** Set when the gateway says the code is no longer active (or its time ran out here). */
  ended?: { status: CodeSummary["status"]; deviceId?: string };
}
interface Shared {
  live?: LiveCode;
  access: Access;
  ttlSeconds: number;
}

function mountClawpodz(container: HTMLElement, first: ControlUiViewContext, shared: Shared) {
  let ctx = first;
  const host: ControlUiHost = first.host;
  const locale = host.locale || "en";
  const disposers: Array<() => void> = [];
  let list: PairingList | undefined;
  let listError: string | undefined;
  let lastOkAtMs: number | undefined;
  let renderedListKey = "";
  let inflight: Promise<void> | undefined;
  let again = false;
  /** Updates the countdown of the live code; set while a live code is shown. */
  let liveTick: (() => void) | undefined;
  let wasConnected = host.connection.connected;
  const ids = {
    create: uid("create"),
    live: uid("live"),
    devices: uid("devices"),
    codes: uid("codes"),
    audit: uid("audit"),
    label: uid("label"),
    ttl: uid("ttl"),
    dlg: uid("dlg"),
    dlgText: uid("dlgtext"),
  };

  // ---------- skeleton ----------
  const announcer = h("div", { class: "ocmap-cp-sr", "aria-live": "polite", "aria-atomic": "true" });
  const alertBox = h("div", { class: "ocmap-cp-alert", role: "alert", hidden: true });
  const pausedBox = h("div", { class: "ocmap-cp-paused", role: "status", hidden: true, "data-testid": "ocmap-paused" });
  const syncLine = h("span", { class: "ocmap-cp-sync", "data-testid": "ocmap-sync" }, "Loading…");
  const refreshBtn = h(
    "button",
    { type: "button", class: "ocmap-cp-btn ocmap-cp-btn--ghost", onclick: () => void refresh() },
    "Refresh",
  );

  const accessInputs = (Object.keys(ACCESS_LABEL) as Access[]).map((a) =>
    h("input", {
      type: "radio",
      name: ids.create + "-access",
      value: a,
      checked: a === shared.access,
      onchange: () => (shared.access = a),
    }),
  );
  const accessField = h(
    "fieldset",
    { class: "ocmap-cp-access" },
    h("legend", null, "Access level"),
    ...accessInputs.map((input) =>
      h(
        "label",
        { class: "ocmap-cp-choice" },
        input,
        h(
          "span",
          { class: "ocmap-cp-choice__text" },
          h("strong", null, ACCESS_LABEL[input.value as Access]),
          h("span", { class: "ocmap-cp-muted" }, ACCESS_HINT[input.value as Access]),
        ),
      ),
    ),
  );
  const ttlSelect = h(
    "select",
    { id: ids.ttl, class: "ocmap-cp-input", onchange: () => (shared.ttlSeconds = Number(ttlSelect.value)) },
    ...LIFETIMES.map((s) => h("option", { value: s, selected: s === shared.ttlSeconds }, `${s / 60} minutes`)),
  );
  const labelInput = h("input", {
    id: ids.label,
    class: "ocmap-cp-input",
    type: "text",
    maxlength: 64,
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "e.g. Ana's laptop",
  });
  const createBtn = h("button", { type: "submit", class: "ocmap-cp-btn ocmap-cp-btn--primary" }, "Create pairing code");
  const createNote = h("p", { class: "ocmap-cp-note" });
  const form = h(
    "form",
    {
      class: "ocmap-cp-form",
      "aria-labelledby": ids.create,
      onsubmit: (ev: Event) => (ev.preventDefault(), void createCode()),
    },
    accessField,
    h(
      "div",
      { class: "ocmap-cp-row" },
      h("div", { class: "ocmap-cp-field" }, h("label", { for: ids.ttl }, "Lifetime"), ttlSelect),
      h(
        "div",
        { class: "ocmap-cp-field ocmap-cp-field--grow" },
        h("label", { for: ids.label }, "Label ", h("span", { class: "ocmap-cp-muted" }, "(optional)")),
        labelInput,
      ),
    ),
    h("div", { class: "ocmap-cp-actions" }, createBtn),
    createNote,
  );

  const liveHeading = h("h2", { id: ids.live, tabindex: -1 }, "Pairing code");
  const liveBody = h("div", { class: "ocmap-cp-live__body", "data-testid": "ocmap-live" });
  const devicesBody = h("div", { "data-testid": "ocmap-devices" });
  const codesBody = h("div", { "data-testid": "ocmap-codes" });
  const auditBody = h("div", { "data-testid": "ocmap-audit" });
  const devicesCount = h("span", { class: "ocmap-cp-count" });
  const devicesHeading = h("h2", { id: ids.devices, tabindex: -1 }, "Trusted desktop clients ", devicesCount);

  // Revoke confirmation: a native modal dialog (focus trap, Escape to cancel).
  const dlgText = h("p", { id: ids.dlgText });
  const dlgConfirm = h(
    "button",
    { type: "button", class: "ocmap-cp-btn ocmap-cp-btn--danger", "data-testid": "ocmap-confirm-revoke" },
    "Revoke device",
  );
  const dlgCancel = h("button", { type: "button", class: "ocmap-cp-btn", autofocus: true }, "Keep it");
  const dialog = h(
    "dialog",
    { class: "ocmap-cp-dialog", "aria-labelledby": ids.dlg, "aria-describedby": ids.dlgText },
    h("h2", { id: ids.dlg }, "Revoke this desktop client?"),
    dlgText,
    h("div", { class: "ocmap-cp-actions ocmap-cp-actions--end" }, dlgCancel, dlgConfirm),
  );
  let pendingRevoke: { device: TrustedClient; returnTo: HTMLElement | null } | undefined;
  dlgCancel.addEventListener("click", () => dialog.close());
  dlgConfirm.addEventListener("click", () => void confirmRevoke());
  dialog.addEventListener("close", () => {
    const back = pendingRevoke?.returnTo;
    pendingRevoke = undefined;
    if (back?.isConnected) back.focus();
  });

  const root = h(
    "div",
    { class: "ocmap-cp" },
    h(
      "header",
      { class: "ocmap-cp-header" },
      h(
        "div",
        null,
        h("h1", null, "Clawpodz"),
        h(
          "p",
          { class: "ocmap-cp-muted" },
          "Pair OCMAP desktop clients with this gateway using one-time codes. A code is single use and expires within minutes.",
        ),
      ),
      h("div", { class: "ocmap-cp-header__side" }, syncLine, refreshBtn),
    ),
    alertBox,
    pausedBox,
    h(
      "div",
      { class: "ocmap-cp-top" },
      h(
        "section",
        { class: "ocmap-cp-card", "aria-labelledby": ids.create },
        h("h2", { id: ids.create }, "New pairing code"),
        form,
      ),
      h("section", { class: "ocmap-cp-card ocmap-cp-live", "aria-labelledby": ids.live }, liveHeading, liveBody),
    ),
    h("section", { class: "ocmap-cp-card", "aria-labelledby": ids.devices }, devicesHeading, devicesBody),
    h(
      "section",
      { class: "ocmap-cp-card", "aria-labelledby": ids.codes },
      h("h2", { id: ids.codes }, "Recent pairings"),
      codesBody,
    ),
    h(
      "section",
      { class: "ocmap-cp-card", "aria-labelledby": ids.audit },
      h("h2", { id: ids.audit }, "Audit log"),
      auditBody,
    ),
    dialog,
    announcer,
  );
  container.replaceChildren(root);

  // ---------- helpers ----------
  const now = () => Date.now();
  const alive = () => !ctx.signal.aborted;
  const say = (text: string) => {
    announcer.textContent = "";
    // A fresh text node after clearing makes screen readers announce repeats too.
    queueMicrotask(() => (announcer.textContent = text));
  };
  const showError = (text?: string) => {
    alertBox.hidden = !text;
    alertBox.textContent = text ?? "";
  };
  const time = (atMs: number, text?: string) =>
    h(
      "time",
      { datetime: new Date(atMs).toISOString(), title: absoluteTime(atMs, locale) },
      text ?? absoluteTime(atMs, locale),
    );
  const codeLabel = (codeId?: string) => {
    const c = codeId ? list?.codes.find((x) => x.codeId === codeId) : undefined;
    return c?.label ? `“${c.label}”` : codeId ? `code ${codeId.slice(0, 8)}` : "unknown code";
  };
  const deviceName = (deviceId?: string) => {
    const d = deviceId ? list?.devices.find((x) => x.deviceId === deviceId) : undefined;
    return d?.displayName ?? "device";
  };

  // ---------- data ----------
  function refresh(): Promise<void> {
    if (inflight) {
      again = true;
      return inflight;
    }
    inflight = (async () => {
      try {
        do {
          again = false;
          try {
            const next = await host.request<PairingList>("pairing.list", {});
            if (!alive()) return;
            list = next;
            listError = undefined;
            lastOkAtMs = now();
          } catch (err) {
            if (!alive()) return;
            listError = describeError(err);
          }
          render();
        } while (again && alive());
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  }

  let debounce: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void refresh(), 150);
  };

  async function createCode() {
    if (createBtn.disabled) return;
    createBtn.disabled = true;
    showError();
    const label = labelInput.value.trim();
    const ttlMs = shared.ttlSeconds * 1000;
    const sentAt = now();
    try {
      const params: Record<string, unknown> = {
        access: shared.access,
        ttlSeconds: shared.ttlSeconds,
        ...(label ? { label } : {}),
      };
      const r = await host.request<CreateCodeResult>("pairing.createCode", params);
      // Only these fields leave the result; the bootstrap token in it is dropped here.
      const { codeId, code, expiresAtMs, access, pairingLink } = r;
      // The countdown runs on this browser's clock: if it disagrees with the gateway's, count from
      // when the request was sent (a little early, never late).
      const skewed = Math.abs(expiresAtMs - (sentAt + ttlMs)) > 5_000;
      const localExpiry = skewed ? sentAt + ttlMs : expiresAtMs;
      shared.live = {
        codeId,
        code,
        expiresAtMs: localExpiry,
        ttlMs,
        access,
        pairingLink,
        gatewayUrl: gatewayFromLink(pairingLink),
        ...(label ? { label } : {}),
      };
      if (!alive()) return;
      labelInput.value = "";
      renderLive();
      liveHeading.focus();
      say(
        `Pairing code ${code.split("").join(" ")} created. It expires in ${Math.round((localExpiry - now()) / 60_000)} minutes.`,
      );
      void refresh();
    } catch (err) {
      if (alive()) showError(`Could not create a code: ${describeError(err)}`);
    } finally {
      createBtn.disabled = !host.connection.canAdmin;
    }
  }

  async function cancelCode(codeId: string) {
    showError();
    try {
      await host.request("pairing.cancelCode", { codeId });
      if (shared.live?.codeId === codeId) endLive("cancelled");
      say("Code cancelled.");
    } catch (err) {
      showError(`Could not cancel the code: ${describeError(err)}`);
    }
    void refresh();
  }

  function askRevoke(device: TrustedClient, button: HTMLElement) {
    pendingRevoke = { device, returnTo: button };
    dlgText.textContent =
      `${device.displayName ?? "This client"} (${device.fingerprint}) is disconnected at once if it is connected, and its device token stops working. ` +
      "To use it again, pair it with a new code.";
    dialog.showModal();
    dlgCancel.focus();
  }

  async function confirmRevoke() {
    const target = pendingRevoke?.device;
    if (!target) return dialog.close();
    dlgConfirm.disabled = true;
    showError();
    try {
      await host.request("pairing.revokeDevice", { deviceId: target.deviceId, reason: "revoked in Clawpodz" });
      say(`${target.displayName ?? "Device"} ${target.fingerprint} revoked.`);
    } catch (err) {
      showError(`Could not revoke ${target.fingerprint}: ${describeError(err)}`);
    } finally {
      dlgConfirm.disabled = false;
      pendingRevoke = undefined;
      dialog.close();
      await refresh();
      // The row's button is gone now: keep focus in the devices section.
      if (alive()) (devicesBody.querySelector<HTMLElement>("button[data-key]") ?? devicesHeading).focus();
    }
  }

  async function copy(text: string, what: string, fallback?: HTMLInputElement) {
    try {
      await navigator.clipboard.writeText(text);
      say(`${what} copied.`);
      flash(`${what} copied`);
    } catch {
      if (fallback) {
        fallback.focus();
        fallback.select();
      }
      flash(`Select and copy the ${what.toLowerCase()} (Ctrl+C)`);
    }
  }
  let flashEl: HTMLElement | undefined;
  function flash(text: string) {
    if (flashEl) flashEl.textContent = text;
  }

  function endLive(status: CodeSummary["status"], deviceId?: string) {
    const l = shared.live;
    if (!l || l.ended) return;
    // The code is useless now: forget it, keep only what the operator needs to read.
    l.code = "";
    l.pairingLink = "";
    l.ended = { status, ...(deviceId ? { deviceId } : {}) };
    renderLive();
    if (status === "used") say(`Code used: ${deviceName(deviceId)} ${deviceId ? fingerprint(deviceId) : ""} paired.`);
    else if (status === "expired") say("The pairing code expired.");
  }

  // ---------- rendering ----------
  function render() {
    const canAdmin = host.connection.canAdmin;
    createBtn.disabled = !canAdmin || !host.connection.connected;
    createNote.textContent = !canAdmin
      ? "Creating codes needs operator.admin; this connection can only list and revoke."
      : shared.access === "full"
        ? "Full access gives the client admin rights over this gateway. Prefer Standard."
        : "Read the code out to the person pairing OCMAP, with the gateway URL.";
    createNote.classList.toggle("ocmap-cp-note--warn", canAdmin && shared.access === "full");

    syncLine.textContent = listError
      ? `Could not refresh: ${listError}`
      : lastOkAtMs
        ? `Live · updated ${clockTime(lastOkAtMs, locale)}`
        : "Loading…";
    syncLine.classList.toggle("ocmap-cp-sync--error", Boolean(listError));

    if (list?.pausedUntilMs && list.pausedUntilMs > now()) {
      pausedBox.hidden = false;
      pausedBox.textContent = `Pairing paused until ${clockTime(list.pausedUntilMs, locale)} after too many failed attempts. Creating a new code lifts the pause.`;
    } else pausedBox.hidden = true;

    const live = shared.live;
    if (live && !live.ended && list) {
      const c = list.codes.find((x) => x.codeId === live.codeId);
      if (c && c.status !== "active") endLive(c.status, c.deviceId);
    }

    // Relative times move on, so the key includes the half-minute.
    const key = JSON.stringify([list, Math.floor(now() / 30_000)]);
    if (key === renderedListKey) return;
    renderedListKey = key;
    if (shared.live?.ended) renderLive();
    renderDevices();
    renderCodes();
    renderAudit();
  }

  function renderLive() {
    const l = shared.live;
    flashEl = undefined;
    liveTick = undefined;
    if (!l) {
      replaceKeepingFocus(
        liveBody,
        h(
          "p",
          { class: "ocmap-cp-empty" },
          "No live code. Create one, then read it out to the person pairing OCMAP together with the gateway URL, or send them the pairing link.",
        ),
      );
      return;
    }
    if (l.ended) {
      const text =
        l.ended.status === "used"
          ? [
              "Used: ",
              h("strong", null, deviceName(l.ended.deviceId)),
              l.ended.deviceId ? h("span", { class: "ocmap-cp-fp" }, ` ${fingerprint(l.ended.deviceId)}`) : null,
              list?.devices.find((d) => d.deviceId === l.ended?.deviceId)?.revokedAtMs
                ? " was paired, and has since been revoked."
                : " is paired.",
            ]
          : l.ended.status === "expired"
            ? ["The code expired before anyone used it."]
            : l.ended.status === "cancelled"
              ? ["The code was cancelled."]
              : ["The code was locked after too many failed attempts."];
      replaceKeepingFocus(
        liveBody,
        h(
          "p",
          {
            class: `ocmap-cp-ended ocmap-cp-ended--${l.ended.status}`,
            "data-testid": "ocmap-live-ended",
            "data-status": l.ended.status,
          },
          ...(text as Child[]),
        ),
        h(
          "div",
          { class: "ocmap-cp-actions" },
          h(
            "button",
            {
              type: "button",
              class: "ocmap-cp-btn",
              "data-key": "dismiss",
              onclick: () => ((shared.live = undefined), renderLive(), labelInput.focus()),
            },
            "Dismiss",
          ),
        ),
      );
      return;
    }
    const linkInput = h("input", {
      class: "ocmap-cp-input ocmap-cp-link",
      type: "text",
      readonly: true,
      value: l.pairingLink,
      "aria-label": "Pairing link",
      "data-testid": "ocmap-link",
    });
    flashEl = h("span", { class: "ocmap-cp-flash", "aria-hidden": "true" });
    const progress = h("progress", { class: "ocmap-cp-progress", max: 1000, value: 1000, "aria-hidden": "true" });
    const left = h("span", { "data-testid": "ocmap-countdown" });
    const tick = () => {
      const ms = l.expiresAtMs - now();
      left.textContent = countdown(l.expiresAtMs, now());
      progress.value = Math.max(0, Math.min(1000, Math.round((ms / l.ttlMs) * 1000)));
      progress.classList.toggle("ocmap-cp-progress--low", ms < 30_000);
      if (ms <= 0) {
        endLive("expired");
        void refresh();
      }
    };
    replaceKeepingFocus(
      liveBody,
      h(
        "p",
        {
          class: "ocmap-cp-code",
          "data-testid": "ocmap-code",
          "aria-label": `Pairing code ${l.code.split("").join(" ")}`,
        },
        l.code,
      ),
      h("p", { class: "ocmap-cp-timer", role: "timer", "aria-live": "off" }, "Expires in ", left),
      progress,
      h(
        "dl",
        { class: "ocmap-cp-facts" },
        h("dt", null, "Gateway URL"),
        h("dd", null, h("code", { "data-testid": "ocmap-gateway-url" }, l.gatewayUrl ?? "(see pairing link)")),
        h("dt", null, "Access"),
        h("dd", null, ACCESS_LABEL[l.access]),
        l.label ? h("dt", null, "Label") : null,
        l.label ? h("dd", null, l.label) : null,
      ),
      linkInput,
      h(
        "div",
        { class: "ocmap-cp-actions" },
        h(
          "button",
          {
            type: "button",
            class: "ocmap-cp-btn ocmap-cp-btn--primary",
            "data-key": "copy-link",
            onclick: () => void copy(l.pairingLink, "Pairing link", linkInput),
          },
          "Copy pairing link",
        ),
        h(
          "button",
          { type: "button", class: "ocmap-cp-btn", "data-key": "copy-code", onclick: () => void copy(l.code, "Code") },
          "Copy code",
        ),
        h(
          "button",
          {
            type: "button",
            class: "ocmap-cp-btn ocmap-cp-btn--danger-ghost",
            "data-key": "cancel-live",
            onclick: () => void cancelCode(l.codeId),
          },
          "Cancel code",
        ),
        flashEl,
      ),
    );
    tick();
    liveTick = tick;
  }
  function renderDevices() {
    const devices = [...(list?.devices ?? [])].sort(
      (a, b) => Number(Boolean(a.revokedAtMs)) - Number(Boolean(b.revokedAtMs)) || b.pairedAtMs - a.pairedAtMs,
    );
    const active = devices.filter((d) => !d.revokedAtMs);
    devicesCount.textContent = list ? `· ${active.length} active` : "";
    if (!list) return replaceKeepingFocus(devicesBody, h("p", { class: "ocmap-cp-empty" }, listError ?? "Loading…"));
    if (devices.length === 0)
      return replaceKeepingFocus(
        devicesBody,
        h("p", { class: "ocmap-cp-empty" }, "No desktop client has paired through a code yet."),
      );
    const rows = devices.map((d) => {
      const status = d.revokedAtMs
        ? h(
            "span",
            { class: "ocmap-cp-badge ocmap-cp-badge--revoked" },
            d.revokedBy === "self" ? "Forgot itself " : "Revoked ",
            time(d.revokedAtMs, relativeTime(d.revokedAtMs, now(), locale)),
          )
        : d.connected
          ? h(
              "span",
              { class: "ocmap-cp-badge ocmap-cp-badge--ok" },
              h("span", { class: "ocmap-cp-dot", "aria-hidden": "true" }),
              "Connected now",
            )
          : h(
              "span",
              { class: "ocmap-cp-badge" },
              h("span", { class: "ocmap-cp-dot ocmap-cp-dot--off", "aria-hidden": "true" }),
              "Offline",
            );
      const action = d.revokedAtMs
        ? h("span", { class: "ocmap-cp-muted" }, "—")
        : h(
            "button",
            {
              type: "button",
              class: "ocmap-cp-btn ocmap-cp-btn--danger-ghost ocmap-cp-btn--sm",
              "data-key": `revoke:${d.deviceId}`,
              "aria-label": `Revoke ${d.displayName ?? "device"} ${d.fingerprint}`,
              onclick: (ev: Event) => askRevoke(d, ev.currentTarget as HTMLElement),
            },
            "Revoke",
          );
      return h(
        "tr",
        {
          "data-device": d.deviceId,
          "data-connected": String(d.connected),
          "data-revoked": String(Boolean(d.revokedAtMs)),
          class: d.revokedAtMs ? "ocmap-cp-row--revoked" : null,
        },
        h("th", { scope: "row" }, d.displayName ?? "Unnamed client"),
        h("td", null, d.platform ?? "—"),
        h("td", null, h("span", { class: "ocmap-cp-fp", "data-testid": "ocmap-fingerprint" }, d.fingerprint)),
        h("td", null, ACCESS_LABEL[d.access] ?? d.access),
        h("td", null, time(d.pairedAtMs)),
        h(
          "td",
          null,
          d.connected
            ? "now"
            : d.lastSeenAtMs
              ? time(d.lastSeenAtMs, relativeTime(d.lastSeenAtMs, now(), locale))
              : "—",
        ),
        h("td", null, status),
        h("td", { class: "ocmap-cp-cell--action" }, action),
      );
    });
    replaceKeepingFocus(
      devicesBody,
      h(
        "div",
        { class: "ocmap-cp-table-wrap" },
        h(
          "table",
          { class: "ocmap-cp-table" },
          h("caption", { class: "ocmap-cp-sr" }, "Desktop clients paired through a code"),
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ...["Name", "Platform", "Fingerprint", "Access", "Paired at", "Last seen", "Status"].map((t) =>
                h("th", { scope: "col" }, t),
              ),
              h("th", { scope: "col" }, h("span", { class: "ocmap-cp-sr" }, "Actions")),
            ),
          ),
          h("tbody", null, ...rows),
        ),
      ),
    );
  }

  function renderCodes() {
    if (!list) return replaceKeepingFocus(codesBody, h("p", { class: "ocmap-cp-empty" }, listError ?? "Loading…"));
    const codes = [...list.codes].sort((a, b) => b.createdAtMs - a.createdAtMs).slice(0, MAX_CODES_SHOWN);
    if (codes.length === 0) return replaceKeepingFocus(codesBody, h("p", { class: "ocmap-cp-empty" }, "No codes yet."));
    const rows = codes.map((c) => {
      const status = c.status;
      return h(
        "tr",
        { "data-code": c.codeId, "data-status": status },
        h("th", { scope: "row" }, c.label ?? h("span", { class: "ocmap-cp-muted" }, "No label")),
        h("td", null, ACCESS_LABEL[c.access] ?? c.access),
        h("td", null, time(c.createdAtMs, relativeTime(c.createdAtMs, now(), locale))),
        h(
          "td",
          null,
          h("span", { class: `ocmap-cp-badge ocmap-cp-badge--${status}` }, STATUS_LABEL[status] ?? status),
          status === "active"
            ? h("span", { class: "ocmap-cp-muted" }, " until ", time(c.expiresAtMs, clockTime(c.expiresAtMs, locale)))
            : null,
        ),
        h(
          "td",
          null,
          c.deviceId
            ? h("span", { class: "ocmap-cp-fp", title: deviceName(c.deviceId) }, fingerprint(c.deviceId))
            : h("span", { class: "ocmap-cp-muted" }, "—"),
        ),
        h(
          "td",
          { class: "ocmap-cp-cell--action" },
          status === "active" && host.connection.canAdmin
            ? h(
                "button",
                {
                  type: "button",
                  class: "ocmap-cp-btn ocmap-cp-btn--ghost ocmap-cp-btn--sm",
                  "data-key": `cancel:${c.codeId}`,
                  "aria-label": c.label
                    ? `Cancel the code “${c.label}”`
                    : `Cancel the code created at ${clockTime(c.createdAtMs, locale)}`,
                  onclick: () => void cancelCode(c.codeId),
                },
                "Cancel",
              )
            : null,
        ),
      );
    });
    replaceKeepingFocus(
      codesBody,
      h(
        "div",
        { class: "ocmap-cp-table-wrap" },
        h(
          "table",
          { class: "ocmap-cp-table" },
          h("caption", { class: "ocmap-cp-sr" }, "Pairing codes, newest first"),
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ...["Label", "Access", "Created", "Status", "Used by"].map((t) => h("th", { scope: "col" }, t)),
              h("th", { scope: "col" }, h("span", { class: "ocmap-cp-sr" }, "Actions")),
            ),
          ),
          h("tbody", null, ...rows),
        ),
      ),
    );
  }

  function auditDetail(e: AuditEvent): Child[] {
    const parts: Child[][] = [];
    if (e.deviceId) parts.push([h("span", { class: "ocmap-cp-fp" }, fingerprint(e.deviceId))]);
    if (e.codeId && e.type !== "device.revoked" && e.type !== "device.forgotten") parts.push([codeLabel(e.codeId)]);
    if (e.reason) parts.push([h("span", { class: "ocmap-cp-reason" }, e.reason)]);
    if (e.remoteAddress) parts.push([h("span", { class: "ocmap-cp-muted" }, `from ${e.remoteAddress}`)]);
    return parts.flatMap((p, i) =>
      i === 0 ? p : [h("span", { class: "ocmap-cp-sep", "aria-hidden": "true" }, " · "), ...p],
    );
  }

  function renderAudit() {
    if (!list) return replaceKeepingFocus(auditBody, h("p", { class: "ocmap-cp-empty" }, listError ?? "Loading…"));
    const events = [...list.events].sort((a, b) => b.atMs - a.atMs).slice(0, MAX_EVENTS_SHOWN);
    if (events.length === 0)
      return replaceKeepingFocus(auditBody, h("p", { class: "ocmap-cp-empty" }, "Nothing happened yet."));
    replaceKeepingFocus(
      auditBody,
      h(
        "ol",
        { class: "ocmap-cp-audit", "aria-label": "Audit events, newest first" },
        ...events.map((e) =>
          h(
            "li",
            { "data-type": e.type },
            time(e.atMs, clockTime(e.atMs, locale)),
            h("span", { class: `ocmap-cp-badge ocmap-cp-badge--${auditTone(e.type)}` }, auditLabel(e.type)),
            h("span", { class: "ocmap-cp-audit__detail" }, ...auditDetail(e)),
          ),
        ),
      ),
    );
  }

  // ---------- live updates ----------
  disposers.push(host.onEvent(CHANGED_EVENT, soon));
  // Presence changes when a client connects or drops: the "connected now" column follows it.
  disposers.push(host.onEvent("presence", soon));
  disposers.push(
    host.subscribe(() => {
      const c = host.connection.connected;
      if (c && !wasConnected) soon();
      wasConnected = c;
      render();
    }),
  );
  const second = setInterval(() => liveTick?.(), 1_000);
  const slow = setInterval(() => {
    if (ctx.presented && document.visibilityState === "visible") void refresh();
    else render();
  }, SLOW_REFRESH_MS);

  renderLive();
  render();
  void refresh();

  return {
    update(next: ControlUiViewContext) {
      const wasPresented = ctx.presented;
      ctx = next;
      if (next.presented && !wasPresented) void refresh();
    },
    focus() {
      (shared.live && !shared.live.ended ? liveHeading : createBtn).focus();
    },
    dispose() {
      clearInterval(second);
      clearInterval(slow);
      clearTimeout(debounce);
      for (const d of disposers.splice(0)) {
        try {
          d();
        } catch {
          /* the host already retired it */
        }
      }
      if (dialog.open) dialog.close();
      container.replaceChildren();
    },
  };
}

const plugin: ControlUiPlugin = {
  id: PLUGIN_ID,
  activate(host) {
    const shared: Shared = { access: "standard", ttlSeconds: 300 };
    return host.ui.registerPage({
      id: PAGE_ID,
      label: "Clawpodz",
      mount: (container, context) => mountClawpodz(container, context, shared),
    });
  },
};

export default plugin;
