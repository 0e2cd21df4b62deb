// The approval wait of a setup-code pairing in the lifecycle machine (SimulatedClock, FAKE actors from the
// harness): the step and its sentence while the gateway's operator has not approved, and a cancel that ends it.
import { describe, expect, it } from "vitest";
import { harness } from "./lifecycle-harness.ts";

describe("lifecycle: waiting for a gateway operator's approval (fake actors)", () => {
  it("shows PAIRING_IN_PROGRESS with the waiting step and a sentence saying who must act", async () => {
    const machine = harness({ pair: "hold" });
    await machine.start();
    machine.actor.send({ type: "PAIR", gatewayUrl: "wss://gw.example", code: "setup-code", access: "full" });
    machine.actor.send({ type: "PAIR_STEP", step: "requesting-approval" });
    expect(machine.view().reason.code).toBe("PAIRING");
    machine.actor.send({ type: "PAIR_STEP", step: "waiting-for-approval" });
    const view = machine.view();
    expect(view).toMatchObject({ state: "PAIRING_IN_PROGRESS", pairingStep: "waiting-for-approval" });
    expect(view.reason.code).toBe("AWAITING_APPROVAL");
    expect(view.reason.message).toMatch(/operator to approve this device.*openclaw devices approve/);
    expect(view.gateway?.host).toBe("gw.example");
  });

  it("a cancel during the wait aborts the pairing and returns to UNPAIRED, saying so", async () => {
    const machine = harness({ pair: "hold" });
    await machine.start();
    machine.actor.send({ type: "PAIR", gatewayUrl: "wss://gw.example", code: "setup-code" });
    machine.actor.send({ type: "PAIR_STEP", step: "waiting-for-approval" });
    const signal = machine.calls.signals.at(-1)!;
    machine.actor.send({ type: "CANCEL_PAIRING" });
    await machine.settle();
    expect(signal.aborted).toBe(true);
    expect(machine.view()).toMatchObject({ state: "UNPAIRED", activity: "idle", pairingStep: null, gateway: null });
    expect(machine.view().reason.code).toBe("CANCELLED");
    expect(machine.calls.wipe).toBe(0);
  });
});
