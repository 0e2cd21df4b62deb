// The reconnect probe in the lifecycle machine, on XState's SimulatedClock with FAKE actors (lifecycle-harness.ts):
// between handshakes the machine asks a fake probe whether the gateway serves, and the fake gateway's timeline
// decides both the probe's answers and the handshakes' outcomes. The real probe is tested against the real
// gateway in test/client/reconnect-probe.test.ts.
import { describe, expect, it } from "vitest";
import { HANDSHAKE_GAP_MS, PROBE_FAST_MS, PROBE_STALE_MS } from "../../src/core/backoff.std.ts";
import type { ProbeAnswer } from "../../src/core/lifecycle-machine.std.ts";
import { harness } from "./lifecycle-harness.ts";

type Phase = "down" | "starting" | "serving";

/** A gateway that is lost at `lostAt`, refuses connections until `startingAt`, starts until `servingAt`. */
function timeline(lostAt: number, startingAt: number, servingAt: number) {
  const phase = (now: number): Phase =>
    now < lostAt ? "serving" : now < startingAt ? "down" : now < servingAt ? "starting" : "serving";
  const answer: Record<Phase, ProbeAnswer> = { down: "refused", starting: "starting", serving: "serving" };
  return {
    probe: (now: number) => answer[phase(now)],
    connects: (now: number) =>
      phase(now) === "serving"
        ? ({ ok: true } as const)
        : { ok: false, code: phase(now) === "down" ? "GATEWAY_UNREACHABLE" : "GATEWAY_STARTING", retryAfterMs: 500 },
  };
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe("reconnect probe (SimulatedClock, fake actors and a fake gateway timeline)", () => {
  it("after a crash: no handshake while the probe says down or starting, one as soon as it says serving", async () => {
    const lostAt = 10_000;
    const gateway = timeline(lostAt, 18_000, 19_537);
    const rig = harness({ stored: true, connects: gateway.connects, probe: gateway.probe });
    await rig.start();
    expect(rig.view().state).toBe("PAIRED_CONNECTED");
    await rig.advance(lostAt);
    rig.sessions[0]!.drop(1006);
    await rig.settle();
    const seen = new Set<string>();
    while (rig.view().state !== "PAIRED_CONNECTED" && rig.clock.now() < 60_000) {
      await rig.advance(10);
      if (rig.view().lastError) seen.add(rig.view().lastError!.code);
    }
    expect(rig.view().state).toBe("PAIRED_CONNECTED");
    // Launch, the one retry 0.5 s after the loss (refused), then the one the probe started.
    expect(rig.calls.connectTimes).toEqual([0, lostAt + 500, expect.any(Number)]);
    const lastHandshake = rig.calls.connectTimes.at(-1)!;
    expect(lastHandshake).toBeGreaterThanOrEqual(19_537);
    expect(lastHandshake - 19_537).toBeLessThanOrEqual(PROBE_FAST_MS + 10);
    // The skipped handshakes still count as the failures they would have been, in the view.
    expect([...seen]).toEqual(expect.arrayContaining(["CONNECTION_LOST", "GATEWAY_UNREACHABLE", "GATEWAY_STARTING"]));
    // Probing ran at its fast pace while the gateway was away.
    const probes = rig.calls.probeTimes.filter((t) => t > lostAt + 2_000 && t < 19_000);
    expect(probes.length).toBeGreaterThan(60);
    expect(Math.max(...gaps(probes))).toBeLessThanOrEqual(2 * PROBE_FAST_MS + 10);
  });

  it("never starts two handshakes within a second, whatever the probe answers (random timelines)", async () => {
    let seed = 20_261_207;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 4; run++) {
      // A flapping gateway: each 30–400 ms it answers something else, and a handshake fails unless it serves
      // and a coin says the handshake gets through (a gateway that answers its probe but still refuses).
      const answers: Array<{ until: number; answer: ProbeAnswer; accepts: boolean }> = [];
      for (let t = 0; t < 120_000;) {
        t += 30 + Math.floor(random() * 370);
        const pick = random();
        const answer: ProbeAnswer =
          pick < 0.35 ? "serving" : pick < 0.6 ? "refused" : pick < 0.85 ? "starting" : "unknown";
        answers.push({ until: t, answer, accepts: false });
      }
      const at = (now: number) => answers.find((a) => now < a.until) ?? answers.at(-1)!;
      const rig = harness({
        stored: true,
        connects: (now) => (now === 0 ? { ok: true } : { ok: false, code: "GATEWAY_STARTING", retryAfterMs: 100 }),
        probe: (now) => at(now).answer,
      });
      await rig.start();
      await rig.advance(5_000);
      rig.sessions[0]!.drop(1012);
      await rig.settle();
      while (rig.clock.now() < 60_000) await rig.advance(25);
      const handshakes = rig.calls.connectTimes.slice(1);
      expect(handshakes.length).toBeGreaterThan(10);
      expect(Math.min(...gaps(handshakes))).toBeGreaterThanOrEqual(HANDSHAKE_GAP_MS);
      expect(handshakes.length).toBeLessThanOrEqual((60_000 - 5_000) / 1_000 + 1);
    }
  });

  it("a probe that stops answering (a slow, starting gateway) holds back the handshakes only for a while", async () => {
    const lostAt = 10_000;
    const hangsFrom = lostAt + 3_000;
    const servesFrom = hangsFrom + PROBE_STALE_MS + 1_000;
    const rig = harness({
      stored: true,
      connects: (now) => (now === 0 || now >= servesFrom ? { ok: true } : { ok: false, code: "GATEWAY_UNREACHABLE" }),
      probe: (now) => (now < hangsFrom ? "refused" : "hang"),
    });
    await rig.start();
    await rig.advance(lostAt);
    rig.sessions[0]!.drop(1006);
    await rig.settle();
    while (rig.view().state !== "PAIRED_CONNECTED" && rig.clock.now() < lostAt + 30_000) await rig.advance(10);
    // Skipped while the probe said "refused" and while its last answer still holds; once a probe has hung for
    // PROBE_STALE_MS the backoff's own handshakes (1 s apart) go ahead.
    expect(rig.view().state).toBe("PAIRED_CONNECTED");
    expect(rig.clock.now()).toBeLessThanOrEqual(servesFrom + 1_000 + 20);
    const whileHeld = rig.calls.connectTimes.filter((t) => t > lostAt + 600 && t < hangsFrom + PROBE_STALE_MS);
    expect(whileHeld).toEqual([]);
    expect(rig.calls.connectTimes.filter((t) => t > hangsFrom + PROBE_STALE_MS).length).toBeGreaterThan(1);
    expect(Math.min(...gaps(rig.calls.connectTimes.slice(1)))).toBeGreaterThanOrEqual(HANDSHAKE_GAP_MS);
  });

  it("a probe that answers slowly (but answers) still holds back the handshakes it says would fail", async () => {
    const lostAt = 10_000;
    const rig = harness({
      stored: true,
      connects: (now) => (now === 0 ? { ok: true } : { ok: false, code: "GATEWAY_UNREACHABLE" }),
      // Slower than the gap between probes, so a handshake often falls due while one is in flight.
      probe: () => ({ answer: "refused", afterMs: 3 * PROBE_FAST_MS }),
    });
    await rig.start();
    await rig.advance(lostAt);
    rig.sessions[0]!.drop(1006);
    await rig.settle();
    while (rig.clock.now() < lostAt + 12_000) await rig.advance(10);
    // The one retry 0.5 s after the loss (no probe has answered yet), then none: each due one is skipped.
    expect(rig.calls.connectTimes).toEqual([0, lostAt + 500]);
    expect(rig.view()).toMatchObject({ state: "PAIRED_DISCONNECTED", lastError: { code: "GATEWAY_UNREACHABLE" } });
  });

  it("a handshake that found the gateway starting: its first 'serving' starts the next (a second after)", async () => {
    const lostAt = 10_000;
    const servesAt = 13_000;
    const rig = harness({
      stored: true,
      // Each handshake takes 0.7 s to be told "starting"; the probe cannot tell until the gateway serves.
      connects: (now) =>
        now === 0 || now >= servesAt ? { ok: true } : { ok: false, code: "GATEWAY_STARTING", afterMs: 700 },
      probe: (now) => (now >= servesAt ? "serving" : "unknown"),
    });
    await rig.start();
    await rig.advance(lostAt);
    rig.sessions[0]!.drop(1012);
    await rig.settle();
    while (rig.view().state !== "PAIRED_CONNECTED" && rig.clock.now() < lostAt + 10_000) await rig.advance(10);
    // 10.5 s (told at 11.2), 12.2 s (told at 12.9); the backoff alone would wait until 13.9 s.
    expect(rig.calls.connectTimes.slice(0, 3)).toEqual([0, lostAt + 500, lostAt + 2_200]);
    const last = rig.calls.connectTimes.at(-1)!;
    expect(rig.calls.connectTimes).toHaveLength(4);
    expect(last).toBe(lostAt + 2_200 + HANDSHAKE_GAP_MS);
    expect(rig.view().state).toBe("PAIRED_CONNECTED");
  });

  it("a gateway that serves but refuses this device (another identity) is not retried at probe speed", async () => {
    const rig = harness({
      stored: true,
      connects: (now) => (now === 0 ? { ok: true } : { ok: false, code: "GATEWAY_IDENTITY_CHANGED" }),
      probe: () => "serving",
    });
    await rig.start();
    await rig.advance(10_000);
    rig.sessions[0]!.drop(1006);
    await rig.settle();
    while (rig.clock.now() < 10_000 + 62_000) await rig.advance(50);
    // The backoff alone: 0.5 s, then 1, 2, 4, 8, 16, 30 s apart.
    expect(gaps(rig.calls.connectTimes.slice(1))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    expect(rig.view()).toMatchObject({ state: "PAIRED_DISCONNECTED", lastError: { code: "GATEWAY_IDENTITY_CHANGED" } });
  });

  it("a probe that cannot tell (a proxy's page, a timeout) leaves the backoff as it was", async () => {
    const rig = harness({
      stored: true,
      connects: (now) => (now === 0 ? { ok: true } : { ok: false, code: "GATEWAY_UNREACHABLE" }),
      probe: () => "unknown",
    });
    await rig.start();
    await rig.advance(10_000);
    rig.sessions[0]!.drop(1006);
    await rig.settle();
    while (rig.clock.now() < 10_000 + 5_600) await rig.advance(50);
    expect(rig.calls.connectTimes.slice(1)).toEqual([10_500, 11_500, 12_500, 13_500, 14_500, 15_500]);
    expect(rig.calls.probeTimes.length).toBeGreaterThan(20);
  });
});
