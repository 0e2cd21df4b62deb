// The gateway answered with a certificate its pinned identity key did not vouch for (GATEWAY_IDENTITY_CHANGED):
// what happened, that nothing was sent and the pairing is kept, and what to do about it.
import type { CoreView } from "../../core/core-view.std.ts";
import { ErrorAlert, Field, ScreenHeading } from "../parts.std.tsx";

export function IdentityChangedScreen({ core, onRetry }: { core: CoreView; onRetry(): void }) {
  const connecting = core.activity === "connecting";
  return (
    <>
      <ScreenHeading>The gateway's identity changed</ScreenHeading>
      <ErrorAlert>
        <p>
          <strong className="host">{core.gateway?.host}</strong> answered with a certificate that the gateway you paired
          with did not sign. OCMAP sent nothing to it, and this device's pairing is kept.
        </p>
      </ErrorAlert>
      <p>
        Someone on this network may be intercepting the connection. Do not pair again from here. Ask the gateway's
        operator whether it was reinstalled, and compare the identity below with the one the gateway shows its operator.
      </p>
      <p>If it was reinstalled, forget this device in Settings and pair again with a new code.</p>
      {core.gateway?.fingerprint && (
        <dl className="facts">
          <Field label="Paired gateway identity" value={core.gateway.fingerprint} mono />
        </dl>
      )}
      <div className="actions main-actions">
        <button type="button" className="primary" onClick={onRetry} disabled={connecting}>
          {connecting ? "Checking…" : "Check again"}
        </button>
      </div>
    </>
  );
}
