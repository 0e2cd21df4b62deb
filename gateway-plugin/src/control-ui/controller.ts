// Clawpodz controller: owns the list (one request in flight, debounced on change events, a slow fallback timer),
// the actions and which view renders where. Secrets: createCode returns no bootstrap token (protocol v2 seals it
// to the client); this page reads only codeId, code, expiresAtMs, access and pairingLink out of the result.
import type { ControlUiHost, ControlUiViewContext } from "openclaw/plugin-sdk/control-ui";
import {
  CHANGED_EVENT,
  fingerprint,
  type CodeSummary,
  type CreateCodeResult,
  type PairingList,
  type TrustedClient,
} from "@ocmap/protocol/pairing-protocol";
import { replaceKeepingFocus, uid } from "./dom.ts";
import { describeError, gatewayFromLink } from "./format.ts";
import { pageLayout } from "./layout.ts";
import { deviceName, type Shared, type ViewState } from "./model.ts";
import { notifyPanel } from "./notify-panel.ts";
import { attackView } from "./view-attack.ts";
import { auditView } from "./view-audit.ts";
import { certificatesView } from "./view-certificates.ts";
import { codesView } from "./view-codes.ts";
import { devicesPanel } from "./devices-panel.ts";
import { keysPanel, keysView } from "./view-keys.ts";
import { liveCodeView, spelled } from "./view-live-code.ts";
import { newCodeForm } from "./view-new-code.ts";
import { revokeDialog } from "./view-revoke-dialog.ts";

const SLOW_REFRESH_MS = 10_000; // a fallback refresh while open (expiry, last seen); change events do the rest
const DEBOUNCE_MS = 150;

export function mountClawpodz(container: HTMLElement, first: ControlUiViewContext, shared: Shared) {
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
  /** Moves the live code's countdown on; set while a live code is shown. */
  let liveTick: ((nowMs: number) => number) | undefined;
  let wasConnected = host.connection.connected;
  const alive = () => !ctx.signal.aborted;
  const viewState = (): ViewState => ({
    list,
    listError,
    nowMs: Date.now(),
    locale,
    canAdmin: host.connection.canAdmin,
  });

  const createHeadingId = uid("create");
  const form = newCodeForm(createHeadingId, shared, () => void createCode());
  const dialog = revokeDialog({ revoke, afterRevoke });
  const keys = keysPanel(host, {
    showError: (text) => showError(text),
    say: (text) => say(text),
    refresh: () => void refresh(),
    alive,
  });
  const keyForm = keys.form;
  const notify = notifyPanel(host, locale, { showError: (text) => showError(text), say: (text) => say(text) });
  const page = pageLayout({
    createHeadingId,
    form: form.element,
    keyForm: keyForm.element,
    dialog: dialog.element,
    notify: notify.elements,
    onRefresh: () => void refresh(),
  });
  container.replaceChildren(page.root);

  const say = (text: string) => {
    page.announcer.textContent = "";
    // A fresh text node after clearing makes screen readers announce repeats too.
    queueMicrotask(() => (page.announcer.textContent = text));
  };
  const showError = (text?: string) => {
    page.alertBox.hidden = !text;
    page.alertBox.textContent = text ?? "";
  };
  const devices = devicesPanel(host, { showError, say, refresh, askRevoke: (d, button) => dialog.ask(d, button) });
  page.root.append(devices.dialog.element);
  devices.attach(page.devicesBody, page.devicesCount);

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
            lastOkAtMs = Date.now();
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
    debounce = setTimeout(() => void refresh(), DEBOUNCE_MS);
  };

  async function createCode() {
    const { createButton, labelInput } = form;
    if (createButton.disabled) return;
    createButton.disabled = true;
    showError();
    const label = labelInput.value.trim();
    const ttlMs = shared.ttlSeconds * 1000;
    const sentAt = Date.now();
    try {
      const params = { access: shared.access, ttlSeconds: shared.ttlSeconds, ...(label ? { label } : {}) };
      const created = await host.request<CreateCodeResult>("pairing.createCode", params);
      // Only these fields leave the result.
      const { codeId, code, expiresAtMs, access, pairingLink } = created;
      // The countdown runs on this browser's clock: if it disagrees with the gateway's, count from
      // when the request was sent (a little early, never late).
      const skewed = Math.abs(expiresAtMs - (sentAt + ttlMs)) > 5_000;
      const localExpiry = skewed ? sentAt + ttlMs : expiresAtMs;
      const gatewayUrl = gatewayFromLink(pairingLink);
      shared.live = { codeId, code, expiresAtMs: localExpiry, ttlMs, access, pairingLink, gatewayUrl };
      if (label) shared.live.label = label;
      if (!alive()) return;
      labelInput.value = "";
      renderLive();
      page.liveHeading.focus();
      const minutes = Math.round((localExpiry - Date.now()) / 60_000);
      say(`Pairing code ${spelled(code)} created. It expires in ${minutes} minutes.`);
      void refresh();
    } catch (err) {
      if (alive()) showError(`Could not create a code: ${describeError(err)}`);
    } finally {
      createButton.disabled = !host.connection.canAdmin;
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

  async function revoke(target: TrustedClient) {
    showError();
    try {
      await host.request("pairing.revokeDevice", { deviceId: target.deviceId, reason: "revoked in Clawpodz" });
      say(`${target.displayName ?? "Device"} ${target.fingerprint} revoked.`);
    } catch (err) {
      showError(`Could not revoke ${target.fingerprint}: ${describeError(err)}`);
    }
  }

  async function retireCertificates() {
    showError();
    try {
      const { minSerial } = await host.request<{ minSerial: number }>("pairing.retireCertificates", {});
      say(`Certificates below serial ${minSerial} retired.`);
    } catch (err) {
      showError(`Could not retire the older certificates: ${describeError(err)}`);
    }
    void refresh();
  }

  async function afterRevoke() {
    await refresh();
    // The row's button is gone now: keep focus in the devices section.
    if (alive()) (page.devicesBody.querySelector<HTMLElement>("button[data-key]") ?? page.devicesHeading).focus();
  }

  function endLive(status: CodeSummary["status"], deviceId?: string) {
    const live = shared.live;
    if (!live || live.ended) return;
    // The code is useless now: forget it, keep only what the operator needs to read.
    live.code = "";
    live.pairingLink = "";
    live.ended = { status, ...(deviceId ? { deviceId } : {}) };
    renderLive();
    if (status === "used")
      say(`Code used: ${deviceName(list, deviceId)} ${deviceId ? fingerprint(deviceId) : ""} paired.`);
    else if (status === "expired") say("The pairing code expired.");
  }

  function tickLive() {
    if (liveTick && liveTick(Date.now()) <= 0) {
      endLive("expired");
      void refresh();
    }
  }

  function renderLive() {
    const view = liveCodeView(shared.live, list, {
      say,
      cancel: (codeId) => void cancelCode(codeId),
      dismiss: () => ((shared.live = undefined), renderLive(), form.labelInput.focus()),
    });
    liveTick = undefined;
    replaceKeepingFocus(page.liveBody, ...view.children);
    liveTick = view.tick;
    tickLive();
  }

  function render() {
    const state = viewState();
    form.update(state.canAdmin, host.connection.connected);
    keyForm.update(state.canAdmin, host.connection.connected);
    page.renderStatus(state, lastOkAtMs);
    notify.render(state, host.connection.connected);
    const live = shared.live;
    if (live && !live.ended && list) {
      const code = list.codes.find((c) => c.codeId === live.codeId);
      if (code && code.status !== "active") endLive(code.status, code.deviceId);
    }
    // Relative times move on, so the key includes the half-minute.
    const key = JSON.stringify([list, Math.floor(state.nowMs / 30_000)]);
    if (key === renderedListKey) return;
    renderedListKey = key;
    if (shared.live?.ended) renderLive();
    devices.render(state);
    replaceKeepingFocus(page.codesBody, codesView(state, { cancel: (codeId) => void cancelCode(codeId) }));
    replaceKeepingFocus(page.keysBody, keysView(state, keys));
    replaceKeepingFocus(page.auditBody, auditView(state));
    replaceKeepingFocus(page.attackBody, attackView(state));
    replaceKeepingFocus(
      page.certificatesBody,
      certificatesView(state, { retireOlder: () => void retireCertificates() }),
    );
  }

  // Presence changes when a client connects or drops: the "connected now" column follows it.
  disposers.push(host.onEvent(CHANGED_EVENT, soon), host.onEvent("presence", soon), notify.dispose);
  disposers.push(
    host.subscribe(() => {
      const connected = host.connection.connected;
      if (connected && !wasConnected) soon();
      wasConnected = connected;
      render();
    }),
  );
  const second = setInterval(tickLive, 1_000);
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
      (shared.live && !shared.live.ended ? page.liveHeading : form.createButton).focus();
    },
    dispose() {
      clearInterval(second);
      clearInterval(slow);
      clearTimeout(debounce);
      for (const dispose of disposers.splice(0)) {
        try {
          dispose();
        } catch {
          /* the host already retired it */
        }
      }
      dialog.close();
      devices.dialog.close();
      container.replaceChildren();
    },
  };
}
