// New pairing code: access level, lifetime and an optional label. Built once per mount so the inputs
// keep what the operator typed; `update` follows the connection's rights.
import type { Access } from "@ocmap/protocol/pairing-protocol";
import { h, uid } from "./dom.ts";
import { ACCESS_HINT, ACCESS_LABEL, LIFETIMES } from "./format.ts";
import type { Shared } from "./model.ts";

export interface NewCodeForm {
  element: HTMLFormElement;
  createButton: HTMLButtonElement;
  labelInput: HTMLInputElement;
  update(canAdmin: boolean, connected: boolean): void;
}

export function newCodeForm(headingId: string, shared: Shared, onCreate: () => void): NewCodeForm {
  const ttlId = uid("ttl");
  const labelId = uid("label");
  const accessInputs = (Object.keys(ACCESS_LABEL) as Access[]).map((access) =>
    h("input", {
      type: "radio",
      name: headingId + "-access",
      value: access,
      checked: access === shared.access,
      onchange: () => (shared.access = access),
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
    { id: ttlId, class: "ocmap-cp-input", onchange: () => (shared.ttlSeconds = Number(ttlSelect.value)) },
    ...LIFETIMES.map((s) => h("option", { value: s, selected: s === shared.ttlSeconds }, `${s / 60} minutes`)),
  );
  const labelInput = h("input", {
    id: labelId,
    class: "ocmap-cp-input",
    type: "text",
    maxlength: 64,
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "e.g. Ana's laptop",
  });
  const createButton = h(
    "button",
    { type: "submit", class: "ocmap-cp-btn ocmap-cp-btn--primary" },
    "Create pairing code",
  );
  const note = h("p", { class: "ocmap-cp-note" });
  const element = h(
    "form",
    {
      class: "ocmap-cp-form",
      "aria-labelledby": headingId,
      onsubmit: (ev: Event) => (ev.preventDefault(), onCreate()),
    },
    accessField,
    h(
      "div",
      { class: "ocmap-cp-row" },
      h("div", { class: "ocmap-cp-field" }, h("label", { for: ttlId }, "Lifetime"), ttlSelect),
      h(
        "div",
        { class: "ocmap-cp-field ocmap-cp-field--grow" },
        h("label", { for: labelId }, "Label ", h("span", { class: "ocmap-cp-muted" }, "(optional)")),
        labelInput,
      ),
    ),
    h("div", { class: "ocmap-cp-actions" }, createButton),
    note,
  );

  return {
    element,
    createButton,
    labelInput,
    update(canAdmin, connected) {
      createButton.disabled = !canAdmin || !connected;
      note.textContent = !canAdmin
        ? "Creating codes needs operator.admin; this connection can only list and revoke."
        : shared.access === "full"
          ? "Full access gives the client admin rights over this gateway. Prefer Standard."
          : "Read the code out to the person pairing OCMAP, with the gateway URL.";
      note.classList.toggle("ocmap-cp-note--warn", canAdmin && shared.access === "full");
    },
  };
}
