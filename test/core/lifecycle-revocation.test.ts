// The lifecycle machine's failure paths on XState's SimulatedClock with FAKE actors: how a
// 4001 close is judged, and what forgetting says. Real-gateway counterparts: test/client/failure-paths.
import { describe, expect, it } from "vitest";
import { harness, trust } from "./lifecycle-harness.ts";

// The gateway's own 4001 reasons (openclaw 2026.9.6 dist): only a removal says the device is gone.
const NOT_A_REMOVAL = [
  "gateway auth changed",
  "gateway policy changed",
  "operator role changed",
  "Gateway access is no longer active; ask a Gateway administrator to restore it.",
  "client invalidated: gateway-policy-changed",
  "agent runtime authority closed",
];

describe("a 4001 close is judged by its reason (SimulatedClock, fake actors)", () => {
  it.each(NOT_A_REMOVAL)("'%s': trust kept, one reconnect at once, connected again", async (reason) => {
    const rig = harness({ stored: true, connects: [{ ok: true }, { ok: true }] });
    await rig.start();
    rig.sessions[0]!.drop(4001, reason);
    await rig.settle();
    // No clock advance: the confirming reconnect does not wait for a backoff delay.
    expect(rig.calls.connect).toBe(2);
    expect(rig.calls.wipe).toBe(0);
    expect(rig.view()).toMatchObject({ state: "PAIRED_CONNECTED", device: { id: trust.deviceId } });
  });

  it("an access change, then the stored token refused (mismatch or NOT_PAIRED) → REVOKED", async () => {
    const rig = harness({ stored: true, connects: [{ ok: true }, { ok: false, code: "TOKEN_REJECTED" }] });
    await rig.start();
    rig.sessions[0]!.drop(4001, "gateway auth changed");
    await rig.settle();
    expect(rig.calls.connect).toBe(2);
    expect(rig.view()).toMatchObject({ state: "REVOKED", reason: { code: "REVOKED" }, device: null });
    expect(rig.calls.wipe).toBe(1);
  });

  it("an access change with the gateway unreachable keeps the trust and keeps retrying", async () => {
    const rig = harness({
      stored: true,
      connects: [{ ok: true }, { ok: false, code: "GATEWAY_UNREACHABLE" }, { ok: true }],
    });
    await rig.start();
    rig.sessions[0]!.drop(4001, "operator role changed");
    await rig.settle();
    expect(rig.view()).toMatchObject({
      state: "PAIRED_DISCONNECTED",
      activity: "waiting",
      device: { id: trust.deviceId },
    });
    expect(rig.calls.wipe).toBe(0);
    await rig.advance(rig.view().reconnect!.nextRetryAt! - rig.clock.now());
    expect(rig.view().state).toBe("PAIRED_CONNECTED");
  });

  it("ACCESS_CHANGED is what the view says while it checks", async () => {
    const rig = harness({ stored: true, connects: [{ ok: true }, "hold"] });
    await rig.start();
    rig.sessions[0]!.drop(4001, "gateway policy changed");
    await rig.settle();
    expect(rig.view()).toMatchObject({
      state: "PAIRED_DISCONNECTED",
      activity: "connecting",
      lastError: { code: "ACCESS_CHANGED" },
      device: { id: trust.deviceId },
    });
  });
});

describe("forget says what the gateway did (SimulatedClock, fake actors)", () => {
  it.each([
    ["told", "FORGOTTEN"],
    ["refused", "FORGET_REFUSED"],
    ["unconfirmed", "FORGET_UNCONFIRMED"],
    ["offline", "FORGET_OFFLINE"],
  ] as const)("outcome %s → notice %s, trust cleared either way", async (outcome, code) => {
    const rig = harness({ stored: true, connects: [{ ok: true }], forget: outcome });
    await rig.start();
    rig.actor.send({ type: "FORGET" });
    await rig.settle();
    expect(rig.view()).toMatchObject({ state: "UNPAIRED", device: null, notice: { code } });
    expect(rig.view().notice!.message.length).toBeGreaterThan(20);
  });
});

describe("leaving an attempt aborts it (SimulatedClock, fake actors that never settle)", () => {
  it("forget or stop while a reconnect is opening: the attempt's signal is aborted, nothing is borrowed", async () => {
    const rig = harness({ stored: true, connects: ["hold"] });
    await rig.start();
    expect(rig.view().activity).toBe("connecting");
    rig.actor.send({ type: "FORGET" });
    await rig.settle();
    expect(rig.calls.signals[0]!.aborted).toBe(true);
    expect(rig.calls.forget).toEqual([null]); // forget opens its own session; the held one is not reused
    expect(rig.view().state).toBe("UNPAIRED");

    const stopped = harness({ stored: true, connects: ["hold"] });
    await stopped.start();
    stopped.actor.stop();
    expect(stopped.calls.signals[0]!.aborted).toBe(true);
  });

  it("cancel or forget during pairing aborts the pairing; pairing again starts a fresh one", async () => {
    for (const leave of ["CANCEL_PAIRING", "FORGET"] as const) {
      const rig = harness({ pair: "hold" });
      await rig.start();
      rig.actor.send({ type: "PAIR", gatewayUrl: "wss://gw.example", code: "ABCD-EFGH" });
      await rig.settle();
      rig.actor.send({ type: leave });
      await rig.settle();
      expect(rig.calls.signals[0]!.aborted).toBe(true);
      expect(rig.view()).toMatchObject({ state: "UNPAIRED", activity: "idle" });
      rig.actor.send({ type: "PAIR", gatewayUrl: "wss://gw.example", code: "ABCD-EFGH" });
      await rig.settle();
      expect(rig.calls.signals).toHaveLength(2);
      expect(rig.calls.signals[1]!.aborted).toBe(false);
    }
  });
});
