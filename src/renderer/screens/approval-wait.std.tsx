// Pairing with a gateway's own setup code: the gateway asked its operator to approve this device. Says who must
// do what, that the wait ends when the setup code expires, and lets the user cancel.
import type { CoreView } from "../../core/core-view.std.ts";
import { ScreenHeading } from "../parts.std.tsx";
import { StockGatewayNote } from "./stock-gateway-note.std.tsx";

export function ApprovalWaitScreen({ core, onCancel }: { core: CoreView; onCancel(): void }) {
  const host = core.gateway?.host ?? "the gateway";
  return (
    <>
      <ScreenHeading>Waiting for approval</ScreenHeading>
      <p>
        <strong className="host">{host}</strong> asks its operator to approve this device before it may connect.
      </p>
      <p role="status" aria-live="polite" className="busy">
        {core.reason.message}
      </p>
      <p className="hint">
        The operator approves it in the gateway&rsquo;s Control UI (Devices page) or with{" "}
        <code>openclaw devices approve</code>. OCMAP stops waiting when the setup code expires.
      </p>
      <StockGatewayNote host={host} />
      <div className="actions main-actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel pairing
        </button>
      </div>
    </>
  );
}
