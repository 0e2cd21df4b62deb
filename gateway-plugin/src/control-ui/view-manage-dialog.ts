// The "Manage device" dialog: its name (the gateway's own `device.pair.rename`) and its access level
// (`pairing.setAccess`): lower takes effect at once, higher at the device's next connection. Native modal
// dialog; focus goes back to the button that opened it.
import { ACCESS_SCOPES, type Access, type TrustedClient } from "@ocmap/protocol/pairing-protocol";
import { element, returnFocusOnClose, uid } from "./dom.ts";
import { ACCESS_HINT, ACCESS_LABEL } from "./format.ts";
import { deviceLabel } from "./view-devices.ts";

export interface ManageDialogActions {
  /** Applies the changes; reports its own errors; true when everything asked went through. */
  save(device: TrustedClient, changes: { label?: string; access?: Access }): Promise<boolean>;
}

const RANK: Record<Access, number> = { "read-only": 0, standard: 1, full: 2 };
const LEVELS = Object.keys(ACCESS_SCOPES) as Access[];

export function effectNote(from: Access, to: Access): string {
  if (to === from) return "The access level stays as it is.";
  if (RANK[to] < RANK[from])
    return (
      "Takes effect at once: the device is disconnected, loses the removed permissions, and reconnects by " +
      "itself at the new level. It stays paired."
    );
  return "Takes effect at the device's next connection, when it asks the gateway for the wider access.";
}

export function manageDialog(actions: ManageDialogActions) {
  const titleId = uid("manage");
  const title = element("h2", { id: titleId }, "Manage device");
  const nameInput = element("input", {
    type: "text",
    class: "ocmap-cp-input",
    maxlength: 128,
    "data-testid": "ocmap-manage-name",
  });
  const note = element("p", { class: "ocmap-cp-muted", "data-testid": "ocmap-manage-effect" });
  const group = uid("access");
  const radios = LEVELS.map((level) =>
    element("input", { type: "radio", name: group, value: level, "data-testid": `ocmap-manage-access-${level}` }),
  );
  const save = element(
    "button",
    { type: "button", class: "ocmap-cp-btn ocmap-cp-btn--primary", "data-testid": "ocmap-manage-save" },
    "Save",
  );
  const cancel = element("button", { type: "button", class: "ocmap-cp-btn" }, "Cancel");
  const dialog = element(
    "dialog",
    { class: "ocmap-cp-dialog", "aria-labelledby": titleId, "data-testid": "ocmap-manage-dialog" },
    title,
    element("label", { class: "ocmap-cp-field" }, element("span", null, "Name"), nameInput),
    element(
      "fieldset",
      { class: "ocmap-cp-field" },
      element("legend", null, "Access level"),
      ...LEVELS.map((level, i) =>
        element(
          "label",
          null,
          radios[i],
          ` ${ACCESS_LABEL[level]} `,
          element("span", { class: "ocmap-cp-muted" }, ACCESS_HINT[level]),
        ),
      ),
    ),
    note,
    element("div", { class: "ocmap-cp-actions ocmap-cp-actions--end" }, cancel, save),
  );
  let pending: { device: TrustedClient; returnTo: HTMLElement | null } | undefined;
  const chosen = () => (radios.find((radio) => radio.checked)?.value ?? pending?.device.access) as Access;
  const showEffect = () => pending && (note.textContent = effectNote(pending.device.access, chosen()));
  for (const radio of radios) radio.addEventListener("change", showEffect);

  cancel.addEventListener("click", () => dialog.close());
  save.addEventListener("click", async () => {
    const device = pending?.device;
    if (!device) return dialog.close();
    const label = nameInput.value.trim();
    const access = chosen();
    const changes = {
      ...(label && label !== deviceLabel(device) ? { label } : {}),
      ...(access !== (device.pendingAccess ?? device.access) ? { access } : {}),
    };
    save.disabled = true;
    try {
      if (await actions.save(device, changes)) dialog.close();
    } finally {
      save.disabled = false;
    }
  });
  returnFocusOnClose(dialog, () => {
    const back = pending?.returnTo;
    pending = undefined;
    return back;
  });

  return {
    element: dialog,
    ask(device: TrustedClient, returnTo: HTMLElement | null) {
      pending = { device, returnTo };
      title.textContent = `Manage ${deviceLabel(device)} (${device.fingerprint})`;
      nameInput.value = deviceLabel(device);
      for (const radio of radios) radio.checked = radio.value === (device.pendingAccess ?? device.access);
      showEffect();
      dialog.showModal();
      nameInput.focus();
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}
