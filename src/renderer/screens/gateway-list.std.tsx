// Every gateway this device is paired with, each with its own state; picking one shows its screens,
// "Add a gateway" opens the pairing form for another.
import type { GatewayItem } from "../../ipc/ipc-contract.std.ts";

export interface GatewayListProps {
  gateways: GatewayItem[];
  /** The pairing form for another gateway is open (no gateway is shown). */
  adding: boolean;
  onSelect(id: string): void;
  onAdd(): void;
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

export function GatewayList({ gateways, adding, onSelect, onAdd }: GatewayListProps) {
  return (
    <nav className="gateway-list" aria-label="Gateways">
      <h2 id="gateway-list-title">Gateways</h2>
      <ul aria-labelledby="gateway-list-title">
        {gateways.map((gateway) => {
          const label = stateLabel(gateway);
          return (
            <li key={gateway.id}>
              <button
                type="button"
                className="gateway-item"
                aria-current={gateway.selected ? "true" : undefined}
                onClick={() => onSelect(gateway.id)}
                title={gateway.reason}
              >
                <span className="gateway-name">{gateway.name}</span>
                {gateway.name !== gateway.host && <span className="gateway-host mono">{gateway.host}</span>}
                {gateway.fingerprint && <span className="gateway-fingerprint mono subtle">{gateway.fingerprint}</span>}
                <span className={`gateway-state ${label.tone}`} data-state={gateway.state}>
                  <span className="dot" aria-hidden="true" />
                  {label.text}
                </span>
              </button>
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
