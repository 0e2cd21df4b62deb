// Unit tests of the lifecycle machine alone, on XState's SimulatedClock. The actors here are FAKES
// (named fake*): the real ones are proven end to end against the gateway in test/client/.
import { describe, expect, it } from "vitest";
import { harness, trust } from "./lifecycle-harness.ts";

describe("lifecycle machine (SimulatedClock, fake actors)", () => {
  it("reconnects from stored trust at launch, with no input", async () => {
    const rig = harness({ stored: true, connects: [{ ok: true }] });
    await rig.start();
    expect(rig.view().state).toBe("PAIRED_CONNECTED");
    expect(rig.calls.connect).toBe(1);
  });

  it("backs off 1 s → 30 s at launch (never two handshakes within a second) and resets after a success", async () => {
    const rig = harness({
      stored: true,
      connects: Array(12)
        .fill({ ok: false, code: "GATEWAY_UNREACHABLE" })
        .concat([{ ok: true }]),
    });
    await rig.start();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const view = rig.view();
      expect(view.state).toBe("PAIRED_DISCONNECTED");
      expect(view.activity).toBe("waiting");
      const delay = view.reconnect!.nextRetryAt! - rig.clock.now();
      delays.push(delay);
      // One millisecond early is not enough: no attempt before the delay is up.
      await rig.advance(delay - 1);
      expect(rig.calls.connect).toBe(i + 1);
      await rig.advance(1);
      expect(rig.calls.connect).toBe(i + 2);
    }
    // The first retry would be 0.5 s, but the failed launch handshake started less than a second before.
    expect(delays).toEqual([1000, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000, 30000]);
    expect(rig.view().state).toBe("PAIRED_CONNECTED");
    await rig.advance(10_000); // a session that lived a while: the 0.5 s retry is allowed
    rig.sessions[0]!.drop(1006);
    await rig.settle();
    expect(rig.view().reconnect!.nextRetryAt! - rig.clock.now()).toBe(500);
    expect(rig.view().lastError?.code).toBe("CONNECTION_LOST");
  });

  it("honours the gateway's retryAfterMs", async () => {
    const rig = harness({
      stored: true,
      connects: [{ ok: false, code: "AUTH_RATE_LIMITED", retryAfterMs: 7_000 }, { ok: true }],
    });
    await rig.start();
    expect(rig.view().reconnect!.nextRetryAt! - rig.clock.now()).toBe(7_000);
    await rig.advance(6_999);
    expect(rig.calls.connect).toBe(1);
    await rig.advance(1);
    expect(rig.view().state).toBe("PAIRED_CONNECTED");
  });

  it("after a lost session: 0.5 s, then once a second while the gateway restarts", async () => {
    const rig = harness({
      stored: true,
      connects: [{ ok: true }, ...Array(5).fill({ ok: false, code: "GATEWAY_UNREACHABLE" }), { ok: true }],
    });
    await rig.start();
    await rig.advance(10_000);
    rig.sessions[0]!.drop(1012);
    await rig.settle();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const delayMs = rig.view().reconnect!.nextRetryAt! - rig.clock.now();
      delays.push(delayMs);
      await rig.advance(delayMs);
    }
    expect(delays).toEqual([500, 1000, 1000, 1000, 1000, 1000]);
    expect(rig.view().state).toBe("PAIRED_CONNECTED");
  });

  it("polls a lost session once a second for two minutes, then backs off to 30 s", async () => {
    const rig = harness({ stored: true, connects: [{ ok: true }] });
    await rig.start();
    await rig.advance(10_000);
    rig.sessions[0]!.drop(1006); // no close frame: a crash or a network cut
    await rig.settle();
    const lostAt = rig.clock.now();
    const delays: number[] = [];
    while (delays.length < 200) {
      const delayMs = rig.view().reconnect!.nextRetryAt! - rig.clock.now();
      delays.push(delayMs);
      if (delayMs > 1000) break;
      await rig.advance(delayMs);
    }
    expect(delays[0]).toBe(500);
    expect(delays.slice(1, -1).every((d) => d === 1000)).toBe(true);
    expect(rig.clock.now() - lostAt).toBeGreaterThanOrEqual(120_000);
    expect(delays.at(-1)).toBe(30_000);
  });

  it("a changed gateway identity after a lost session backs off to 30 s, keeps the trust, is not REVOKED", async () => {
    const rig = harness({
      stored: true,
      connects: [{ ok: true }, ...Array(9).fill({ ok: false, code: "GATEWAY_IDENTITY_CHANGED" })],
    });
    await rig.start();
    await rig.advance(10_000);
    rig.sessions[0]!.drop(1006);
    await rig.settle();
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const delayMs = rig.view().reconnect!.nextRetryAt! - rig.clock.now();
      delays.push(delayMs);
      await rig.advance(delayMs);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(rig.view()).toMatchObject({ state: "PAIRED_DISCONNECTED", lastError: { code: "GATEWAY_IDENTITY_CHANGED" } });
    expect(rig.view().device).not.toBeNull();
    expect(rig.calls.wipe).toBe(0);
  });

  it("treats silence for more than two ticks as a dead socket", async () => {
    const rig = harness({ stored: true, connects: [{ ok: true }, { ok: true }] });
    await rig.start();
    await rig.advance(50_000);
    rig.sessions[0]!.ping();
    await rig.advance(61_999); // 2 × 30 s + 2 s grace since the last frame
    expect(rig.view().state).toBe("PAIRED_CONNECTED");
    await rig.advance(1);
    expect(rig.view().state).toBe("PAIRED_DISCONNECTED");
    expect(rig.view().reason.code).toBe("DEAD_SOCKET");
    expect(rig.sessions[0]!.closedByClient).toBe(true);
  });

  it("forget during reconnect stops retrying and wipes", async () => {
    const rig = harness({ stored: true });
    await rig.start();
    expect(rig.view().activity).toBe("waiting");
    rig.actor.send({ type: "FORGET" });
    await rig.settle();
    expect(rig.view().state).toBe("UNPAIRED");
    expect(rig.calls.forget).toEqual([null]);
    expect(rig.view().notice?.code).toBe("FORGET_OFFLINE");
    const attempts = rig.calls.connect;
    await rig.advance(120_000);
    expect(rig.calls.connect).toBe(attempts);
  });

  it("forget while connected passes the live session and says the gateway was told", async () => {
    const rig = harness({ stored: true, connects: [{ ok: true }] });
    await rig.start();
    rig.actor.send({ type: "FORGET" });
    await rig.settle();
    expect(rig.calls.forget).toEqual([rig.sessions[0]]);
    expect(rig.view()).toMatchObject({ state: "UNPAIRED", notice: { code: "FORGOTTEN" }, device: null });
  });

  it("a revocation during pairing lands in REVOKED and wipes the identity", async () => {
    const rig = harness({ pair: { ok: false, code: "DEVICE_REVOKED" } });
    await rig.start();
    rig.actor.send({ type: "PAIR", gatewayUrl: "wss://gw.example", code: "ABCD-EFGH" });
    await rig.settle();
    expect(rig.view().state).toBe("REVOKED");
    expect(rig.calls.wipe).toBe(1);
  });

  it("a 4001 'device removed' close then a rejected token means REVOKED; pairing again is allowed", async () => {
    const rig = harness({
      stored: true,
      connects: [{ ok: true }, { ok: false, code: "TOKEN_REJECTED" }, { ok: true }],
    });
    await rig.start();
    rig.sessions[0]!.drop(4001, "device removed");
    await rig.settle();
    expect(rig.view()).toMatchObject({ state: "REVOKED", device: null, reconnect: null });
    expect(rig.calls.wipe).toBe(1);
    // One confirming reconnect, at once: a token rotated to a lower access closes with the same reason.
    expect(rig.calls.connect).toBe(2);
    rig.actor.send({ type: "PAIR", gatewayUrl: "wss://gw.example", code: "ABCD-EFGH" });
    await rig.settle();
    expect(rig.view().state).toBe("PAIRED_CONNECTED");

    const h2 = harness({ stored: true, connects: [{ ok: false, code: "TOKEN_REJECTED" }] });
    await h2.start();
    expect(h2.view().state).toBe("REVOKED");
  });

  it("a 4001 'device removed' close after an access change: one reconnect, connected again, trust kept", async () => {
    const rig = harness({ stored: true, connects: [{ ok: true }, { ok: true }] });
    await rig.start();
    rig.sessions[0]!.drop(4001, "device removed");
    await rig.settle();
    expect(rig.calls.connect).toBe(2);
    expect(rig.calls.wipe).toBe(0);
    expect(rig.view()).toMatchObject({ state: "PAIRED_CONNECTED", device: { id: trust.deviceId } });
  });

  it("a failed pairing returns to UNPAIRED with the structured reason", async () => {
    const rig = harness({ pair: { ok: false, code: "CODE_EXPIRED" } });
    await rig.start();
    rig.actor.send({ type: "PAIR", gatewayUrl: "wss://gw.example", code: "ABCD-EFGH" });
    await rig.settle();
    expect(rig.view()).toMatchObject({
      state: "UNPAIRED",
      lastError: { code: "CODE_EXPIRED" },
      reason: { code: "CODE_EXPIRED" },
    });
  });
});
