// The steps of the contract's pairing sequence, as the core reports them, and Cancel (a hung gateway would
// otherwise hold the user for a whole timeout per step).
import type { CoreView } from "../../core/core-view.std.ts";
import { ScreenHeading } from "../parts.std.tsx";

const STEPS = [
  ["proving-code", "Checking the code with the gateway"],
  ["requesting-approval", "Introducing this device to the gateway"],
  ["approving", "Receiving the gateway's approval, vouched for by the code"],
  ["connecting", "Connecting as the paired device"],
  ["saving", "Saving the pairing in the system keychain"],
] as const;

export function PairingProgressScreen({ core, onCancel }: { core: CoreView; onCancel(): void }) {
  const current = Math.max(
    0,
    STEPS.findIndex(([step]) => step === core.pairingStep),
  );
  return (
    <>
      <ScreenHeading>Pairing…</ScreenHeading>
      <p>
        Pairing with <strong className="host">{core.gateway?.host}</strong>. This takes a few seconds.
      </p>
      <ol className="steps" aria-label="Pairing steps">
        {STEPS.map(([step, label], i) => (
          <li
            key={step}
            className={i < current ? "done" : i === current ? "current" : "todo"}
            aria-current={i === current ? "step" : undefined}
          >
            <span className="step-mark" aria-hidden="true">
              {i < current ? "✓" : i + 1}
            </span>
            {label}
            {i < current && <span className="visually-hidden"> (done)</span>}
          </li>
        ))}
      </ol>
      <p role="status" aria-live="polite" className="busy">
        {STEPS[current]![1]}…
      </p>
      <div className="actions main-actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel pairing
        </button>
      </div>
    </>
  );
}
