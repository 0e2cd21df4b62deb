// Gateway, device and access, this computer's settings; Done and "Forget this device…" (behind an in-page
// confirmation) stay in view.
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { CoreView } from "../../core/core-view.std.ts";
import type { GatewayItem, RenameResult } from "../../ipc/ipc-contract.std.ts";
import { RenameGateway } from "./rename-gateway.std.tsx";
import { describeAccess, describeScope, formatDateTime } from "../format.std.ts";
import { Field, isLoopback, ScreenHeading } from "../parts.std.tsx";

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

const MOVED_HINT =
  "This pairing belongs to this address. If the gateway moved, forget this device and pair again at the new one.";

function connectionText(gateway: NonNullable<CoreView["gateway"]>): string {
  if (!gateway.insecure) return "Encrypted (wss://)";
  return isLoopback(gateway.host) ? "This computer only (ws://)" : "Unencrypted on your local network (ws://)";
}

export function SettingsPanel({ core, gateway, onClose, onForget, onRename, desktop }: SettingsProps) {
  const [confirming, setConfirming] = useState(false);
  const askRef = useRef<HTMLButtonElement>(null);
  const paired = core.device !== null;
  const revoked = core.state === "REVOKED";
  const canForget = paired || revoked || core.lastError?.code === "KEYCHAIN_CORRUPT";
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
  const access = core.access ? describeAccess(core.access) : null;

  return (
    <>
      <ScreenHeading>Settings</ScreenHeading>
      <section aria-labelledby="settings-gateway">
        <h2 id="settings-gateway">Gateway</h2>
        {core.gateway && paired ? (
          <dl className="facts">
            <Field label="Address" value={core.gateway.url} mono hint={MOVED_HINT} />
            {core.gateway.fingerprint && (
              <Field
                label="Gateway identity"
                value={core.gateway.fingerprint}
                mono
                hint="The gateway's own key, checked on every connection. Its operator can read the same one out."
              />
            )}
            {core.gateway.stock && <Field label="Paired with" value="The gateway's own setup code (no identity key)" />}
            <Field label="Connection" value={connectionText(core.gateway)} />
            <Field label="Status" value={core.state === "PAIRED_CONNECTED" ? "Connected" : "Not connected"} />
          </dl>
        ) : revoked ? (
          <p>
            {core.gateway?.host ?? "The gateway"} revoked this device. Its credentials were deleted from this computer;
            to use the gateway again, pair with a new code.
          </p>
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
            <Field
              label="Device fingerprint"
              value={core.device.fingerprint}
              mono
              hint="This computer's key, shorter than the gateway's. The gateway lists this device under it."
            />
            {core.pairedAtMs !== null && <Field label="Paired" value={formatDateTime(core.pairedAtMs)} />}
          </dl>
        </section>
      )}
      {paired && (
        <section aria-labelledby="settings-access">
          <h2 id="settings-access">Access</h2>
          {access && (
            <p>
              <strong>{access.level}.</strong> {access.allows}
            </p>
          )}
          <ul className="scopes">
            {(core.access?.scopes ?? core.scopes).map((scope) => (
              <li key={scope}>
                {describeScope(scope)} <span className="mono subtle">({scope})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {desktop}
      <div className="actions main-actions">
        {confirming ? (
          <div className="confirm" role="group" aria-labelledby="forget-question">
            <p id="forget-question">
              <strong>Forget this device?</strong>{" "}
              {core.gateway?.stock
                ? "OCMAP deletes its credentials here and, where its access allows, removes it from the gateway."
                : "OCMAP asks the gateway to revoke it and deletes its credentials here."}{" "}
              You will need a new pairing code to use the gateway again.
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
          <>
            <button type="button" className="primary" onClick={onClose}>
              Done
            </button>
            {canForget && (
              <button
                ref={askRef}
                type="button"
                className="danger-outline"
                onClick={() => (revoked ? onForget() : setConfirming(true))}
                disabled={core.activity === "forgetting"}
              >
                {revoked ? "Remove from OCMAP" : "Forget this device…"}
              </button>
            )}
          </>
        )}
      </div>
    </>
  );
}
