// New pairing code: access level, lifetime and an optional label. Built once per mount so the inputs
// keep what the operator typed; `update` follows the connection's rights.
import type { Access } from "@ocmap/protocol/pairing-protocol";
import { element, uid } from "./dom.ts";
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
    element("input", {
      type: "radio",
      name: headingId + "-access",
      value: access,
      checked: access === shared.access,
      onchange: () => (shared.access = access),
    }),
  );
  const accessField = element(
    "fieldset",
    { class: "ocmap-cp-access" },
    element("legend", null, "Access level"),
    ...accessInputs.map((input) =>
      element(
        "label",
        { class: "ocmap-cp-choice" },
        input,
        element(
          "span",
          { class: "ocmap-cp-choice__text" },
          element("strong", null, ACCESS_LABEL[input.value as Access]),
          element("span", { class: "ocmap-cp-muted" }, ACCESS_HINT[input.value as Access]),
        ),
      ),
    ),
  );
  const ttlSelect = element(
    "select",
    { id: ttlId, class: "ocmap-cp-input", onchange: () => (shared.ttlSeconds = Number(ttlSelect.value)) },
    ...LIFETIMES.map((s) => element("option", { value: s, selected: s === shared.ttlSeconds }, `${s / 60} minutes`)),
  );
  const labelInput = element("input", {
    id: labelId,
    class: "ocmap-cp-input",
    type: "text",
    maxlength: 64,
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "e.g. Ana's laptop",
  });
  const createButton = element(
    "button",
    { type: "submit", class: "ocmap-cp-btn ocmap-cp-btn--primary" },
    "Create pairing code",
  );
  const note = element("p", { class: "ocmap-cp-note" });
  const form = element(
    "form",
    {
      class: "ocmap-cp-form",
      "aria-labelledby": headingId,
      onsubmit: (ev: Event) => (ev.preventDefault(), onCreate()),
    },
    accessField,
    element(
      "div",
      { class: "ocmap-cp-row" },
      element("div", { class: "ocmap-cp-field" }, element("label", { for: ttlId }, "Lifetime"), ttlSelect),
      element(
        "div",
        { class: "ocmap-cp-field ocmap-cp-field--grow" },
        element("label", { for: labelId }, "Label ", element("span", { class: "ocmap-cp-muted" }, "(optional)")),
        labelInput,
      ),
    ),
    element("div", { class: "ocmap-cp-actions" }, createButton),
    note,
  );

  return {
    element: form,
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
