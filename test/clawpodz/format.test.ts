// The Clawpodz tab's pure helpers (no gateway, no browser).
import { describe, expect, it } from "vitest";
import {
  auditLabel,
  countdown,
  describeError,
  gatewayFromLink,
  LIFETIMES,
  relativeTime,
} from "../../gateway-plugin/src/control-ui/format.ts";
import { pairingLink } from "@ocmap/protocol/pairing-protocol";

describe("Clawpodz helpers", () => {
  it("counts down in m:ss, rounding up and never below zero", () => {
    expect(countdown(300_000, 0)).toBe("5:00");
    expect(countdown(300_000, 1)).toBe("5:00");
    expect(countdown(61_000, 0)).toBe("1:01");
    expect(countdown(999, 0)).toBe("0:01");
    expect(countdown(0, 0)).toBe("0:00");
    expect(countdown(0, 5_000)).toBe("0:00");
  });

  it("reads the gateway URL back from the plugin's pairing link, and nothing else", () => {
    expect(gatewayFromLink(pairingLink("ws://127.0.0.1:18789", "7KQ2-M9XD"))).toBe("ws://127.0.0.1:18789");
    expect(gatewayFromLink(pairingLink("wss://gw.example.com/openclaw", "7KQ2-M9XD"))).toBe(
      "wss://gw.example.com/openclaw",
    );
    expect(gatewayFromLink("ocmap://pair?gateway=javascript%3Aalert(1)&code=7KQ2-M9XD")).toBeUndefined();
    expect(gatewayFromLink("https://evil.example/?gateway=ws%3A%2F%2Fx")).toBeUndefined();
  });

  it("offers exactly the contract's lifetimes (2 to 5 minutes)", () => {
    expect([...LIFETIMES]).toEqual([120, 180, 240, 300]);
  });

  it("words times, audit events and errors for people", () => {
    expect(relativeTime(1_000, 0)).toBe("just now");
    expect(relativeTime(0, 5 * 60_000)).toMatch(/5 min/);
    expect(auditLabel("code.exchanged")).toBe("Device paired");
    expect(describeError(Object.assign(new Error("x"), { details: { code: "RATE_LIMITED" } }))).toMatch(/paused/);
    expect(describeError(new Error("boom"))).toBe("boom");
  });
});
