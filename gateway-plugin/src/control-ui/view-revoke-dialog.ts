// The revoke confirmation: a native modal dialog (focus trap, Escape to cancel) that hands focus back
// to the button that opened it, unless the revoke went through (that row is gone then).
import type { TrustedClient } from "@ocmap/protocol/pairing-protocol";
import { element, returnFocusOnClose, uid } from "./dom.ts";

export interface RevokeDialogActions {
  /** Revoke the device; reports its own errors. */
  revoke(device: TrustedClient): Promise<void>;
  /** After the dialog closed on a confirmed revoke: refresh and place focus. */
  afterRevoke(): Promise<void>;
}

export interface RevokeDialog {
  element: HTMLDialogElement;
  ask(device: TrustedClient, returnTo: HTMLElement | null): void;
  close(): void;
}

export function revokeDialog(actions: RevokeDialogActions): RevokeDialog {
  const titleId = uid("dlg");
  const textId = uid("dlgtext");
  const text = element("p", { id: textId });
  const confirm = element(
    "button",
    { type: "button", class: "ocmap-cp-btn ocmap-cp-btn--danger", "data-testid": "ocmap-confirm-revoke" },
    "Revoke device",
  );
  const cancel = element("button", { type: "button", class: "ocmap-cp-btn", autofocus: true }, "Keep it");
  const dialog = element(
    "dialog",
    { class: "ocmap-cp-dialog", "aria-labelledby": titleId, "aria-describedby": textId },
    element("h2", { id: titleId }, "Revoke this desktop client?"),
    text,
    element("div", { class: "ocmap-cp-actions ocmap-cp-actions--end" }, cancel, confirm),
  );
  let pending: { device: TrustedClient; returnTo: HTMLElement | null } | undefined;

  cancel.addEventListener("click", () => dialog.close());
  confirm.addEventListener("click", async () => {
    const target = pending?.device;
    if (!target) return dialog.close();
    confirm.disabled = true;
    try {
      await actions.revoke(target);
    } finally {
      confirm.disabled = false;
      pending = undefined;
      dialog.close();
      await actions.afterRevoke();
    }
  });
  returnFocusOnClose(dialog, () => {
    const back = pending?.returnTo;
    pending = undefined;
    return back;
  });

  return {
    element: dialog,
    ask(device, returnTo) {
      pending = { device, returnTo };
      text.textContent =
        `${device.displayName ?? "This client"} (${device.fingerprint}) is disconnected at once if it is ` +
        "connected, and its device token stops working. To use it again, pair it with a new code.";
      dialog.showModal();
      cancel.focus();
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}
