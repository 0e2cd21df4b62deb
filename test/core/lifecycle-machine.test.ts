// Unit tests of the lifecycle machine alone, on XState's SimulatedClock. The actors here are FAKES
// (named fake*): the real ones are proven end to end against the gateway in test/client/.
import { describe, expect, it } from "vitest";
import { harness } from "./lifecycle-harness.ts";

describe("lifecycle machine (SimulatedClock, fake actors)", () => {
  it("reconnects from stored trust at launch, with no input", async () => {
    const h = harness({ stored: true, connects: [{ ok: true }] });
    await h.start();
    expect(h.view().state).toBe("PAIRED_CONNECTED");
    expect(h.calls.connect).toBe(1);
  });

  it("backs off 0.5 s → 30 s and resets after a success", async () => {
    const h = harness({
      stored: true,
      connects: Array(12)
        .fill({ ok: false, code: "GATEWAY_UNREACHABLE" })
        .concat([{ ok: true }]),
    });
    await h.start();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const v = h.view();
      expect(v.state).toBe("PAIRED_DISCONNECTED");
      expect(v.activity).toBe("waiting");
      const delay = v.reconnect!.nextRetryAt! - h.clock.now();
      delays.push(delay);
      // One millisecond early is not enough: no attempt before the delay is up.
      await h.advance(delay - 1);
      expect(h.calls.connect).toBe(i + 1);
      await h.advance(1);
      expect(h.calls.connect).toBe(i + 2);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000, 30000]);
    expect(h.view().state).toBe("PAIRED_CONNECTED");
    h.sessions[0]!.drop(1006);
    await h.settle();
    expect(h.view().reconnect!.nextRetryAt! - h.clock.now()).toBe(500);
    expect(h.view().lastError?.code).toBe("CONNECTION_LOST");
  });

  it("honours the gateway's retryAfterMs", async () => {
    const h = harness({
      stored: true,
      connects: [{ ok: false, code: "AUTH_RATE_LIMITED", retryAfterMs: 7_000 }, { ok: true }],
    });
    await h.start();
    expect(h.view().reconnect!.nextRetryAt! - h.clock.now()).toBe(7_000);
    await h.advance(6_999);
    expect(h.calls.connect).toBe(1);
    await h.advance(1);
    expect(h.view().state).toBe("PAIRED_CONNECTED");
  });

  it("after a lost session: 0.5 s, then once a second while the gateway restarts", async () => {
    const h = harness({
      stored: true,
      connects: [{ ok: true }, ...Array(5).fill({ ok: false, code: "GATEWAY_UNREACHABLE" }), { ok: true }],
    });
    await h.start();
    h.sessions[0]!.drop(1012);
    await h.settle();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const d = h.view().reconnect!.nextRetryAt! - h.clock.now();
      delays.push(d);
      await h.advance(d);
    }
    expect(delays).toEqual([500, 1000, 1000, 1000, 1000, 1000]);
    expect(h.view().state).toBe("PAIRED_CONNECTED");
  });

  it("polls a lost session once a second for two minutes, then backs off to 30 s", async () => {
    const h = harness({ stored: true, connects: [{ ok: true }] });
    await h.start();
    h.sessions[0]!.drop(1006); // no close frame: a crash or a network cut
    await h.settle();
    const lostAt = h.clock.now();
    const delays: number[] = [];
    while (delays.length < 200) {
      const d = h.view().reconnect!.nextRetryAt! - h.clock.now();
      delays.push(d);
      if (d > 1000) break;
      await h.advance(d);
    }
    expect(delays[0]).toBe(500);
    expect(delays.slice(1, -1).every((d) => d === 1000)).toBe(true);
    expect(h.clock.now() - lostAt).toBeGreaterThanOrEqual(120_000);
    expect(delays.at(-1)).toBe(30_000);
  });

  it("a changed gateway identity after a lost session backs off to 30 s, keeps the trust, is not REVOKED", async () => {
    const h = harness({
      stored: true,
      connects: [{ ok: true }, ...Array(9).fill({ ok: false, code: "GATEWAY_IDENTITY_CHANGED" })],
    });
    await h.start();
    h.sessions[0]!.drop(1006);
    await h.settle();
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const d = h.view().reconnect!.nextRetryAt! - h.clock.now();
      delays.push(d);
      await h.advance(d);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(h.view()).toMatchObject({ state: "PAIRED_DISCONNECTED", lastError: { code: "GATEWAY_IDENTITY_CHANGED" } });
    expect(h.view().device).not.toBeNull();
    expect(h.calls.wipe).toBe(0);
  });

  it("treats silence for more than two ticks as a dead socket", async () => {
    const h = harness({ stored: true, connects: [{ ok: true }, { ok: true }] });
    await h.start();
    await h.advance(50_000);
    h.sessions[0]!.ping();
    await h.advance(61_999); // 2 × 30 s + 2 s grace since the last frame
    expect(h.view().state).toBe("PAIRED_CONNECTED");
    await h.advance(1);
    expect(h.view().state).toBe("PAIRED_DISCONNECTED");
    expect(h.view().reason.code).toBe("DEAD_SOCKET");
    expect(h.sessions[0]!.closedByClient).toBe(true);
  });

  it("forget during reconnect stops retrying and wipes", async () => {
    const h = harness({ stored: true });
    await h.start();
    expect(h.view().activity).toBe("waiting");
    h.actor.send({ type: "FORGET" });
    await h.settle();
    expect(h.view().state).toBe("UNPAIRED");
    expect(h.calls.forget).toEqual([null]);
    expect(h.view().notice?.code).toBe("FORGET_OFFLINE");
    const attempts = h.calls.connect;
    await h.advance(120_000);
    expect(h.calls.connect).toBe(attempts);
  });

  it("forget while connected passes the live session and says the gateway was told", async () => {
    const h = harness({ stored: true, connects: [{ ok: true }] });
    await h.start();
    h.actor.send({ type: "FORGET" });
    await h.settle();
    expect(h.calls.forget).toEqual([h.sessions[0]]);
    expect(h.view()).toMatchObject({ state: "UNPAIRED", notice: { code: "FORGOTTEN" }, device: null });
  });

  it("a revocation during pairing lands in REVOKED and wipes the identity", async () => {
    const h = harness({ pair: { ok: false, code: "DEVICE_REVOKED" } });
    await h.start();
    h.actor.send({ type: "PAIR", gatewayUrl: "wss://gw.example", code: "ABCD-EFGH" });
    await h.settle();
    expect(h.view().state).toBe("REVOKED");
    expect(h.calls.wipe).toBe(1);
  });

  it("a 4001 'device removed' close or a rejected token means REVOKED; pairing again is allowed", async () => {
    const h = harness({ stored: true, connects: [{ ok: true }, { ok: true }] });
    await h.start();
    h.sessions[0]!.drop(4001, "device removed");
    await h.settle();
    expect(h.view()).toMatchObject({ state: "REVOKED", device: null, reconnect: null });
    expect(h.calls.wipe).toBe(1);
    expect(h.calls.connect).toBe(1); // at once: no confirming reconnect for a removal
    h.actor.send({ type: "PAIR", gatewayUrl: "wss://gw.example", code: "ABCD-EFGH" });
    await h.settle();
    expect(h.view().state).toBe("PAIRED_CONNECTED");

    const h2 = harness({ stored: true, connects: [{ ok: false, code: "TOKEN_REJECTED" }] });
    await h2.start();
    expect(h2.view().state).toBe("REVOKED");
  });

  it("a failed pairing returns to UNPAIRED with the structured reason", async () => {
    const h = harness({ pair: { ok: false, code: "CODE_EXPIRED" } });
    await h.start();
    h.actor.send({ type: "PAIR", gatewayUrl: "wss://gw.example", code: "ABCD-EFGH" });
    await h.settle();
    expect(h.view()).toMatchObject({
      state: "UNPAIRED",
      lastError: { code: "CODE_EXPIRED" },
      reason: { code: "CODE_EXPIRED" },
    });
  });
});
