// The device list's filter and sort (Clawpodz, pure: no gateway, no browser), on devices made up for the test.
// The real tab with a real gateway's devices: clawpodz-devices.test.ts.
import { describe, expect, it } from "vitest";
import type { TrustedClient } from "@ocmap/protocol/pairing-protocol";
import { filterDevices, type DeviceFilter } from "../../gateway-plugin/src/control-ui/view-devices.ts";

const NOW = Date.UTC(2026, 11, 7, 12);
const DAY = 86_400_000;

function device(name: string, fields: Partial<TrustedClient>): TrustedClient {
  return {
    deviceId: name.padEnd(64, "0"),
    fingerprint: name,
    displayName: name,
    access: "standard",
    scopes: ["operator.read", "operator.write"],
    pairedAtMs: NOW - 100 * DAY,
    connected: false,
    ...fields,
  };
}

const DEVICES = [
  device("a-connected", { connected: true, lastSeenAtMs: NOW - 5 * DAY }),
  device("b-hour", { lastSeenAtMs: NOW - 3_600_000, access: "read-only" }),
  device("c-3days", { lastSeenAtMs: NOW - 3 * DAY, access: "full", scopes: ["operator.admin"] }),
  device("d-40days", { lastSeenAtMs: NOW - 40 * DAY, access: "read-only" }),
  device("e-never", { pairedAtMs: NOW - 2 * DAY }), // never connected since pairing two days ago
  device("f-revoked", { lastSeenAtMs: NOW - 2_000, revokedAtMs: NOW - 1_000, revokedBy: "operator" }),
];

const shown = (filter: Partial<DeviceFilter>) =>
  filterDevices(
    DEVICES,
    { state: "all", access: "all", seen: "any", sort: "last-seen", limit: 100, ...filter },
    NOW,
  ).map((d) => d.fingerprint);

describe("Clawpodz device filter and sort", () => {
  it("sorts by last seen (connected first), revoked last whatever the order", () => {
    expect(shown({})).toEqual(["a-connected", "b-hour", "c-3days", "d-40days", "e-never", "f-revoked"]);
    expect(shown({ sort: "name" })).toEqual(["a-connected", "b-hour", "c-3days", "d-40days", "e-never", "f-revoked"]);
    expect(shown({ sort: "paired" }).at(0)).toBe("e-never");
    expect(shown({ sort: "paired" }).at(-1)).toBe("f-revoked");
  });

  it("filters by state and by access level", () => {
    expect(shown({ state: "connected" })).toEqual(["a-connected"]);
    expect(shown({ state: "offline" })).toEqual(["b-hour", "c-3days", "d-40days", "e-never"]);
    expect(shown({ state: "revoked" })).toEqual(["f-revoked"]);
    expect(shown({ access: "read-only" })).toEqual(["b-hour", "d-40days"]);
    expect(shown({ access: "full", state: "offline" })).toEqual(["c-3days"]);
  });

  it("filters by last seen: connected is seen now; never seen since pairing counts from the pairing", () => {
    expect(shown({ seen: "day" })).toEqual(["a-connected", "b-hour", "f-revoked"]);
    expect(shown({ seen: "week" })).toEqual(["a-connected", "b-hour", "c-3days", "e-never", "f-revoked"]);
    expect(shown({ seen: "quiet-30" })).toEqual(["d-40days"]);
  });
});
