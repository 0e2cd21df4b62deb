// Gateway, device and access, and "Forget this device…" behind an in-page confirmation.
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { CoreView } from "../../core/core-view.std.ts";
import type { GatewayItem, RenameResult } from "../../ipc/ipc-contract.std.ts";
import { RenameGateway } from "./rename-gateway.std.tsx";
import { describeScope, formatDateTime } from "../format.std.ts";
import { Field, InsecureWarning, ScreenHeading } from "../parts.std.tsx";

export interface SettingsProps {
  core: CoreView;
  /** The gateway shown, when this device holds a list of them. */
  gateway?: GatewayItem | null;
  onClose(): void;
  onForget(): void;
  onRename?(name: string): Promise<RenameResult>;
  /** This computer's own settings (desktop-settings.std.tsx). */
  desktop?: ReactNode;
}

export function SettingsPanel({ core, gateway, onClose, onForget, onRename, desktop }: SettingsProps) {
  const [confirming, setConfirming] = useState(false);
  const askRef = useRef<HTMLButtonElement>(null);
  const paired = core.device !== null;
  const canForget = paired || core.state === "REVOKED" || core.lastError?.code === "KEYCHAIN_CORRUPT";

  const returnFocus = useRef(false);

  useEffect(() => {
    // After Cancel, focus goes back to the button that opened the question.
    if (!confirming && returnFocus.current) askRef.current?.focus();
    returnFocus.current = false;
  }, [confirming]);

  const cancel = () => {
    returnFocus.current = true;
    setConfirming(false);
  };

  return (
    <>
      <ScreenHeading>Settings</ScreenHeading>
      <section aria-labelledby="settings-gateway">
        <h2 id="settings-gateway">Gateway</h2>
        {core.gateway && paired ? (
          <>
            <dl className="facts">
              <Field label="Address" value={core.gateway.url} mono />
              {core.gateway.fingerprint && <Field label="Identity" value={core.gateway.fingerprint} mono />}
              {core.gateway.stock && (
                <Field label="Paired with" value="The gateway's own setup code (no identity key)" />
              )}
              <Field label="Connection" value={core.gateway.insecure ? "Unencrypted (ws://)" : "Encrypted (wss://)"} />
              <Field label="Status" value={core.state === "PAIRED_CONNECTED" ? "Connected" : "Not connected"} />
            </dl>
            {core.gateway.insecure && <InsecureWarning host={core.gateway.host} />}
          </>
        ) : (
          <p>This device is not paired with a gateway.</p>
        )}
        {gateway && onRename && <RenameGateway key={gateway.id} name={gateway.name} onRename={onRename} />}
      </section>
      {core.device && (
        <section aria-labelledby="settings-device">
          <h2 id="settings-device">This device</h2>
          <dl className="facts">
            <Field label="Name" value={core.device.name} />
            <Field label="Fingerprint" value={core.device.fingerprint} mono />
            {core.pairedAtMs !== null && <Field label="Paired" value={formatDateTime(core.pairedAtMs)} />}
          </dl>
        </section>
      )}
      {paired && (
        <section aria-labelledby="settings-access">
          <h2 id="settings-access">Access</h2>
          <ul className="scopes">
            {core.scopes.map((scope) => (
              <li key={scope}>
                {describeScope(scope)} <span className="mono subtle">({scope})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {desktop}
      {canForget && (
        <section aria-labelledby="settings-forget" className="danger-zone">
          <h2 id="settings-forget">Forget this device</h2>
          <p>
            {core.gateway?.stock
              ? "OCMAP deletes this device's credentials from this computer and, where its access allows, removes it " +
                "from the gateway; otherwise it tells you that the gateway's operator must remove it."
              : "OCMAP asks the gateway to revoke this device and deletes its credentials from this computer."}
          </p>
          {confirming ? (
            <div className="confirm" role="group" aria-labelledby="forget-question">
              <p id="forget-question">
                <strong>Forget this device?</strong> You will need a new pairing code to use the gateway again.
              </p>
              <div className="actions">
                <button type="button" className="danger" onClick={onForget}>
                  Forget device
                </button>
                <button type="button" className="secondary" onClick={cancel} autoFocus>
                  Cancel
                </button>
              </div>
            </div>
          ) : (
            <button
              ref={askRef}
              type="button"
              className="danger-outline"
              onClick={() => setConfirming(true)}
              disabled={core.activity === "forgetting"}
            >
              Forget this device…
            </button>
          )}
        </section>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </>
  );
}
