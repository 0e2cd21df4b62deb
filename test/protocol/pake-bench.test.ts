// benchPake runs the whole PAKE per round and reports positive, finite per-side costs.
import { describe, expect, it } from "vitest";
import { benchPake } from "@ocmap/protocol/pake-bench";

describe("benchPake", () => {
  it("measures both sides", () => {
    const cost = benchPake(5);
    console.log(`PAKE cost: client ${cost.clientMedianMs.toFixed(2)} ms, plugin ${cost.serverMedianMs.toFixed(2)} ms`);
    expect(cost.rounds).toBe(5);
    for (const ms of [cost.clientMedianMs, cost.serverMedianMs]) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(1000);
    }
  });

  it("uses the clock it is given (a fake clock, unit test)", () => {
    let tick = 0;
    expect(benchPake(3, () => (tick += 1))).toEqual({ rounds: 3, clientMedianMs: 3, serverMedianMs: 2 });
  });
});
