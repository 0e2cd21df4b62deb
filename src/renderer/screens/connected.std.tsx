import type { CoreView } from "../../core/core-view.std.ts";
import { formatDateTime } from "../format.std.ts";
import { Field, InsecureWarning, ScreenHeading } from "../parts.std.tsx";

export function ConnectedScreen({ core }: { core: CoreView }) {
  return (
    <>
      <ScreenHeading>Connected</ScreenHeading>
      <p className="ok-line">
        <span className="dot ok" aria-hidden="true" /> OCMAP is connected to{" "}
        <strong className="host">{core.gateway?.host}</strong>.
      </p>
      {core.notice?.code === "GATEWAY_CERT_RENEWED" && (
        <p className="notice" role="status" data-testid="renewal-notice">
          {core.notice.message}
        </p>
      )}
      {core.activity === "forgetting" && (
        <p className="busy" role="status">
          Forgetting this device…
        </p>
      )}
      <dl className="facts">
        <Field label="Gateway" value={core.gateway?.host} />
        <Field label="Connected since" value={core.connectedSince ? formatDateTime(core.connectedSince) : "—"} />
        <Field label="This device" value={core.device?.name} />
        <Field label="Device fingerprint" value={core.device?.fingerprint} mono />
      </dl>
      <p className="hint">
        {core.gateway?.stock
          ? "Its operator sees this device in the gateway's Devices page (openclaw devices list)."
          : "Compare the fingerprint with the one Clawpodz shows for this device."}
      </p>
      {core.gateway?.insecure && <InsecureWarning host={core.gateway.host} />}
    </>
  );
}
