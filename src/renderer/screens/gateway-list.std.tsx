// Every gateway this device is paired with, each with its own state; picking one shows its screens,
// "Add a gateway" opens the pairing form for another, and each one can be forgotten on its own (after a
// confirmation in place).
import { useState } from "react";
import type { GatewayItem } from "../../ipc/ipc-contract.std.ts";

export interface GatewayListProps {
  gateways: GatewayItem[];
  /** The pairing form for another gateway is open (no gateway is shown). */
  adding: boolean;
  onSelect(id: string): void;
  onAdd(): void;
  onForget(id: string): void;
}

export function stateLabel(gateway: Pick<GatewayItem, "state" | "activity">): { text: string; tone: string } {
  switch (gateway.state) {
    case "PAIRED_CONNECTED":
      return gateway.activity === "forgetting"
        ? { text: "Forgetting…", tone: "busy" }
        : { text: "Connected", tone: "ok" };
    case "PAIRED_DISCONNECTED":
      return gateway.activity === "connecting"
        ? { text: "Connecting…", tone: "busy" }
        : { text: "Not connected", tone: "warn" };
    case "REVOKED":
      return { text: "Revoked", tone: "bad" };
    case "PAIRING_IN_PROGRESS":
      return { text: "Pairing…", tone: "busy" };
    default:
      return gateway.activity === "starting"
        ? { text: "Starting…", tone: "busy" }
        : { text: "Not paired", tone: "warn" };
  }
}

export function GatewayList({ gateways, adding, onSelect, onAdd, onForget }: GatewayListProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <nav className="gateway-list" aria-label="Gateways">
      <h2 id="gateway-list-title">Gateways</h2>
      <ul aria-labelledby="gateway-list-title">
        {gateways.map((gateway) => {
          const label = stateLabel(gateway);
          const nameId = `gateway-name-${gateway.id}`;
          return (
            <li key={gateway.id} className="gateway-entry">
              <button
                type="button"
                className="gateway-item"
                aria-current={gateway.selected ? "true" : undefined}
                onClick={() => onSelect(gateway.id)}
                title={gateway.reason}
              >
                <span className="gateway-name" id={nameId}>
                  {gateway.name}
                </span>
                {gateway.name !== gateway.host && <span className="gateway-host mono">{gateway.host}</span>}
                {gateway.fingerprint && <span className="gateway-fingerprint mono subtle">{gateway.fingerprint}</span>}
                <span className={`gateway-state ${label.tone}`} data-state={gateway.state}>
                  <span className="dot" aria-hidden="true" />
                  {label.text}
                </span>
              </button>
              {confirming === gateway.id ? (
                <ForgetConfirm
                  gateway={gateway}
                  onConfirm={() => (setConfirming(null), onForget(gateway.id))}
                  onCancel={() => setConfirming(null)}
                />
              ) : (
                <button
                  type="button"
                  className="danger-outline gateway-forget"
                  aria-describedby={nameId}
                  onClick={() => setConfirming(gateway.id)}
                  disabled={gateway.activity === "forgetting"}
                >
                  Forget…
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <button type="button" className="secondary" onClick={onAdd} aria-pressed={adding}>
        Add a gateway
      </button>
    </nav>
  );
}

function ForgetConfirm(props: { gateway: GatewayItem; onConfirm(): void; onCancel(): void }) {
  const { gateway } = props;
  const questionId = `forget-question-${gateway.id}`;
  return (
    <div className="confirm gateway-confirm" role="group" aria-labelledby={questionId}>
      <p id={questionId}>
        <strong>Forget {gateway.name}?</strong>{" "}
        {gateway.state === "REVOKED"
          ? "The gateway already revoked this device; OCMAP removes it from this list."
          : "OCMAP asks this gateway to remove this device where it can, and deletes its credentials from this " +
            "computer. Your other gateways stay as they are. Using it again needs a new pairing."}
      </p>
      <div className="actions">
        <button type="button" className="danger" onClick={props.onConfirm}>
          Forget<span className="visually-hidden"> {gateway.name}</span>
        </button>
        <button type="button" className="secondary" onClick={props.onCancel} autoFocus>
          Cancel
        </button>
      </div>
    </div>
  );
}
