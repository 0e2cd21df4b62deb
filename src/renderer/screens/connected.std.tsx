// Connected: what this device may now do on the gateway, the gateway's version and health, its Control UI, and the
// fingerprint its operator sees for this device.
import type { CoreView } from "../../core/core-view.std.ts";
import { describeAccess, describeHealth, formatDateTime } from "../format.std.ts";
import { CopyableFingerprint, Field, ScreenHeading } from "../parts.std.tsx";

export function ConnectedScreen({ core }: { core: CoreView }) {
  const access = core.access ? describeAccess(core.access) : null;
  return (
    <>
      <ScreenHeading>Connected</ScreenHeading>
      <p className="ok-line">
        <span className="dot ok" aria-hidden="true" /> OCMAP is connected to{" "}
        <strong className="host">{core.gateway?.host}</strong>
        {core.connectedSince ? <span className="subtle"> since {formatDateTime(core.connectedSince)}</span> : null}.
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
        {access && <Field label="Access" value={access.level} hint={access.allows} />}
        <Field
          label="Gateway"
          value={core.gatewayVersion ? `OpenClaw ${core.gatewayVersion}` : "Version not reported"}
        />
        <Field label="Health" value={describeHealth(core.health)} />
        {core.device && (
          <Field
            label="Device fingerprint"
            value={<CopyableFingerprint value={core.device.fingerprint} label="device fingerprint" />}
            hint={
              core.gateway?.stock
                ? "Its operator finds this device by it in the gateway's Devices page."
                : "Its operator sees the same one for this device in the gateway's device list."
            }
          />
        )}
      </dl>
      {core.controlUiUrl && (
        <div className="actions main-actions">
          <a className="button primary" href={core.controlUiUrl} target="_blank" rel="noreferrer">
            Open Control UI
          </a>
        </div>
      )}
    </>
  );
}
