// What the polite live region says when the screen changes.
import type { AppView } from "../ipc/ipc-contract.std.ts";

export function announcement(view: AppView): string {
  const core = view.core;
  const host = core.gateway?.host ?? "the gateway";
  if (view.pendingLink && core.activity === "idle")
    return `A pairing link asks to pair with ${view.pendingLink.host}. Confirm or cancel.`;
  switch (core.state) {
    case "PAIRED_CONNECTED":
      return core.activity === "forgetting" ? "Forgetting this device." : `Connected to ${host}.`;
    case "PAIRED_DISCONNECTED":
      return core.activity === "connecting" ? `Connecting to ${host}.` : `Not connected to ${host}.`;
    case "PAIRING_IN_PROGRESS":
      return core.pairingStep === "waiting-for-approval"
        ? `Waiting for ${host}'s operator to approve this device.`
        : `Pairing with ${host}.`;
    case "REVOKED":
      return "This device was revoked.";
    default:
      return core.activity === "starting"
        ? "Starting."
        : core.activity === "forgetting"
          ? "Forgetting this device."
          : "Not paired.";
  }
}
