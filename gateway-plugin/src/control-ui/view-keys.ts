// Enrollment keys: a form to create one (uses, lifetime, access, device-name prefix, ephemeral), the key shown
// once after creation, and the keys with their uses left, with Revoke and "Revoke with its devices".
import type { ControlUiHost } from "openclaw/plugin-sdk/control-ui";
import type { Access, KeySummary } from "@ocmap/protocol/pairing-protocol";
import { element, uid } from "./dom.ts";
import { ACCESS_LABEL, describeError, relativeTime } from "./format.ts";
import type { ViewState } from "./model.ts";
import { muted, placeholder, table, time } from "./parts.ts";

export interface NewKey {
  uses: number;
  ttlSeconds: number;
  access: Access;
  namePrefix: string;
  ephemeral: boolean;
}

const LIFETIMES: Array<[string, number]> = [
  ["1 hour", 3600],
  ["1 day", 86_400],
  ["7 days", 7 * 86_400],
  ["30 days", 30 * 86_400],
  ["90 days", 90 * 86_400],
];

const KEY_STATUS: Record<KeySummary["status"], string> = {
  active: "Active",
  exhausted: "Used up",
  expired: "Expired",
  revoked: "Revoked",
  locked: "Locked after failures",
};

export interface KeyForm {
  element: HTMLElement;
  createButton: HTMLButtonElement;
  /** Shows a key just created (once; it is never fetched again), or clears it. */
  show(key: string | undefined): void;
  update(canAdmin: boolean, connected: boolean): void;
}

export function newKeyForm(create: (params: NewKey) => void): KeyForm {
  const field = (label: string, input: HTMLElement) => {
    const id = uid("key-field");
    input.id = id;
    return element("div", { class: "ocmap-cp-field" }, element("label", { for: id }, label), input);
  };
  const uses = element("input", { type: "number", min: 1, max: 1000, value: 10, "data-testid": "ocmap-key-uses" });
  const lifetime = element(
    "select",
    { "data-testid": "ocmap-key-ttl" },
    ...LIFETIMES.map(([label, seconds]) => element("option", { value: seconds, selected: seconds === 86_400 }, label)),
  );
  const access = element(
    "select",
    { "data-testid": "ocmap-key-access" },
    ...(["read-only", "standard", "full"] as const).map((value) =>
      element("option", { value, selected: value === "read-only" }, ACCESS_LABEL[value]),
    ),
  );
  const prefix = element("input", { type: "text", value: "agent", maxlength: 32, "data-testid": "ocmap-key-prefix" });
  const ephemeral = element("input", { type: "checkbox", checked: true, "data-testid": "ocmap-key-ephemeral" });
  const createButton = element(
    "button",
    {
      type: "button",
      class: "ocmap-cp-btn",
      "data-testid": "ocmap-key-create",
      onclick: () =>
        create({
          uses: Number(uses.value),
          ttlSeconds: Number(lifetime.value),
          access: access.value as Access,
          namePrefix: prefix.value.trim(),
          ephemeral: ephemeral.checked,
        }),
    },
    "Create enrollment key",
  );
  const shown = element("div", { class: "ocmap-cp-key", hidden: true, "data-testid": "ocmap-key-shown" });
  const root = element(
    "div",
    { class: "ocmap-cp-keyform" },
    field("Uses (devices)", uses),
    field("Key lifetime", lifetime),
    field("Access", access),
    field("Device name prefix", prefix),
    element(
      "label",
      { class: "ocmap-cp-check" },
      ephemeral,
      " Ephemeral: remove a device once it stays disconnected (containers)",
    ),
    createButton,
    shown,
  );
  function show(key: string | undefined) {
    {
      shown.hidden = !key;
      shown.replaceChildren();
      if (!key) return;
      const value = element("input", { type: "text", readonly: true, value: key, "data-testid": "ocmap-key-value" });
      const copy = element(
        "button",
        {
          type: "button",
          class: "ocmap-cp-btn ocmap-cp-btn--ghost ocmap-cp-btn--sm",
          onclick: () => void navigator.clipboard?.writeText(key),
        },
        "Copy key",
      );
      const dismiss = element(
        "button",
        { type: "button", class: "ocmap-cp-btn ocmap-cp-btn--ghost ocmap-cp-btn--sm", onclick: () => show(undefined) },
        "Done",
      );
      shown.append(
        element("p", null, "Shown once: give it to the machines as a file (ocmap pair <url> --enroll-key-file FILE)."),
        value,
        copy,
        dismiss,
      );
    }
  }
  return {
    element: root,
    createButton,
    show,
    update(canAdmin, connected) {
      createButton.disabled = !canAdmin || !connected;
    },
  };
}

export interface KeysActions {
  revoke(keyId: string, withDevices: boolean): void;
}

export interface PanelHooks {
  showError(text?: string): void;
  say(text: string): void;
  refresh(): void;
  alive(): boolean;
}

/** The form and the revoke actions, over the Control UI's own connection (the operator's scopes). */
export function keysPanel(host: ControlUiHost, hooks: PanelHooks): KeysActions & { form: KeyForm } {
  const form = newKeyForm((params) => void create(params));
  async function create(params: NewKey) {
    if (form.createButton.disabled) return;
    form.createButton.disabled = true;
    hooks.showError();
    try {
      const created = await host.request<{ key: string; keyId: string }>("pairing.createEnrollmentKey", {
        ...params,
      });
      if (!hooks.alive()) return;
      form.show(created.key); // shown once, never fetched again
      hooks.say(`Enrollment key ${created.keyId} created.`);
      hooks.refresh();
    } catch (err) {
      if (hooks.alive()) hooks.showError(`Could not create an enrollment key: ${describeError(err)}`);
    } finally {
      form.update(host.connection.canAdmin, host.connection.connected);
    }
  }
  async function revoke(keyId: string, revokeDevices: boolean) {
    hooks.showError();
    try {
      await host.request("pairing.revokeEnrollmentKey", { keyId, revokeDevices });
      hooks.say(`Enrollment key ${keyId} revoked${revokeDevices ? " with its devices" : ""}.`);
    } catch (err) {
      hooks.showError(`Could not revoke the enrollment key: ${describeError(err)}`);
    }
    hooks.refresh();
  }
  return { form, revoke: (keyId, withDevices) => void revoke(keyId, withDevices) };
}

export function keysView(state: ViewState, actions: KeysActions): HTMLElement {
  const keys = [...(state.list?.keys ?? [])].sort((a, b) => b.createdAtMs - a.createdAtMs);
  const empty = placeholder(state, keys.length, "No enrollment keys yet.");
  if (empty) return empty;
  const rows = keys.map((key) =>
    element(
      "tr",
      { "data-key-id": key.keyId, "data-status": key.status },
      element("th", { scope: "row" }, key.label ?? key.namePrefix, muted(` · ${key.keyId}`)),
      element("td", null, ACCESS_LABEL[key.access] ?? key.access, key.ephemeral ? muted(" · ephemeral") : null),
      element("td", { "data-testid": "ocmap-key-uses-left" }, `${key.usesLeft} of ${key.uses} left`),
      element("td", null, KEY_STATUS[key.status] ?? key.status),
      element(
        "td",
        null,
        time(key.expiresAtMs, state.locale, relativeTime(key.expiresAtMs, state.nowMs, state.locale)),
      ),
      element(
        "td",
        { class: "ocmap-cp-cell--action" },
        state.canAdmin && key.status !== "revoked" ? revokeButton(key, false, actions) : null,
        state.canAdmin ? revokeButton(key, true, actions) : null,
      ),
    ),
  );
  return table("Enrollment keys, newest first", ["Key", "Access", "Uses", "Status", "Expires"], rows);
}

function revokeButton(key: KeySummary, withDevices: boolean, actions: KeysActions): HTMLElement {
  const text = withDevices ? "Revoke with its devices" : "Revoke";
  return element(
    "button",
    {
      type: "button",
      class: "ocmap-cp-btn ocmap-cp-btn--ghost ocmap-cp-btn--sm",
      "data-key": `revoke-key:${withDevices ? "all" : "key"}:${key.keyId}`,
      "aria-label": `${text}: enrollment key ${key.keyId}`,
      onclick: () => {
        const question = withDevices
          ? `Revoke enrollment key ${key.keyId} and remove every device it enrolled?`
          : `Revoke enrollment key ${key.keyId}? Devices it enrolled stay paired.`;
        if (window.confirm(question)) actions.revoke(key.keyId, withDevices);
      },
    },
    text,
  );
}
