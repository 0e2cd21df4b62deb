// Which OS notifications fall due (unit test, no Electron, a test clock): revoked, identity changed,
// disconnected for three minutes, a new device on a gateway; each names its gateway, is shown once per
// occurrence, and stays quiet when its Settings switch is off.
import { describe, expect, it, vi } from "vitest";
import type { SettingsView } from "../../src/ipc/ipc-contract.std.ts";
import {
  cleanDeviceName,
  createNoticeTracker,
  deviceEventNotice,
  LONG_DISCONNECT_MS,
  type Notice,
} from "../../src/main/notices.std.ts";
import { startNotifier, type GatewaySource } from "../../src/main/notifier.std.ts";
import type { GatewayStatus } from "../../src/main/tray-status.std.ts";

const gw = (name: string, over: Partial<GatewayStatus> = {}): GatewayStatus => ({
  id: `id-${name}`,
  name,
  state: "PAIRED_CONNECTED",
  activity: "connected",
  identityChanged: false,
  deviceId: `device-on-${name}`,
  ...over,
});
const down = (name: string, over: Partial<GatewayStatus> = {}) =>
  gw(name, { state: "PAIRED_DISCONNECTED", activity: "waiting", ...over });
const kinds = (notices: Notice[]) => notices.map((notice) => `${notice.kind}:${notice.gatewayId}`);
const MINUTE = 60_000;

describe("the notice tracker", () => {
  it("says revoked once, naming the gateway", () => {
    const tracker = createNoticeTracker();
    expect(tracker.observe([gw("home")], 0)).toEqual([]);
    const notices = tracker.observe([gw("home", { state: "REVOKED", activity: "idle" })], 1000);
    expect(notices).toEqual([
      {
        kind: "revoked",
        gatewayId: "id-home",
        title: "Removed from home",
        body: "home revoked this device. To use it again, pair with a new code.",
      },
    ]);
    expect(tracker.observe([gw("home", { state: "REVOKED", activity: "idle" })], 2000)).toEqual([]);
  });

  it("says the identity changed once per episode, and no long-disconnect for the same outage", () => {
    const tracker = createNoticeTracker();
    tracker.observe([gw("home")], 0);
    const notices = tracker.observe([down("home", { identityChanged: true })], 10);
    expect(kinds(notices)).toEqual(["identity-changed:id-home"]);
    expect(notices[0]!.title).toBe("home's identity changed");
    expect(tracker.nextCheckAt()).toBeNull();
    expect(tracker.observe([down("home", { identityChanged: true })], 10 + 10 * MINUTE)).toEqual([]);
    // A retry that fails otherwise (unreachable), then the other identity again: the same episode, no news.
    expect(tracker.observe([down("home")], 11 * MINUTE)).toEqual([]);
    expect(tracker.observe([down("home", { identityChanged: true })], 11 * MINUTE + 1)).toEqual([]);
    expect(tracker.observe([down("home")], 30 * MINUTE)).toEqual([]);
    // Connected again, then changed again: a new episode.
    tracker.observe([gw("home")], 31 * MINUTE);
    expect(kinds(tracker.observe([down("home", { identityChanged: true })], 32 * MINUTE))).toEqual([
      "identity-changed:id-home",
    ]);
  });

  it("says 'not connected' only after three minutes down in a row, once per outage", () => {
    expect(LONG_DISCONNECT_MS).toBe(3 * MINUTE);
    const tracker = createNoticeTracker();
    tracker.observe([gw("home"), gw("work")], 0);
    expect(tracker.observe([down("home"), gw("work")], 1000)).toEqual([]);
    expect(tracker.nextCheckAt()).toBe(1000 + 3 * MINUTE);
    // Reconnecting attempts in between do not restart the clock.
    tracker.observe([down("home", { activity: "connecting" }), gw("work")], 2 * MINUTE);
    expect(tracker.observe([down("home"), gw("work")], 1000 + 3 * MINUTE - 1)).toEqual([]);
    const notices = tracker.observe([down("home"), gw("work")], 1000 + 3 * MINUTE);
    expect(notices).toEqual([
      {
        kind: "long-disconnect",
        gatewayId: "id-home",
        title: "Not connected to home",
        body: "OCMAP has not reached home for 3 minutes. It keeps trying.",
      },
    ]);
    expect(tracker.nextCheckAt()).toBeNull();
    expect(tracker.observe([down("home"), gw("work")], 30 * MINUTE)).toEqual([]);
  });

  it("a short outage stays quiet, and the next outage starts its own clock", () => {
    const tracker = createNoticeTracker();
    tracker.observe([down("home")], 0);
    tracker.observe([gw("home")], 2 * MINUTE);
    expect(tracker.nextCheckAt()).toBeNull();
    expect(tracker.observe([down("home")], 4 * MINUTE)).toEqual([]);
    expect(tracker.observe([down("home")], 6 * MINUTE)).toEqual([]);
    expect(kinds(tracker.observe([down("home")], 7 * MINUTE))).toEqual(["long-disconnect:id-home"]);
  });

  it("forgets a gateway that left the list (forgotten) without saying anything", () => {
    const tracker = createNoticeTracker();
    tracker.observe([down("home")], 0);
    expect(tracker.observe([], MINUTE)).toEqual([]);
    expect(tracker.nextCheckAt()).toBeNull();
  });
});

describe("device events", () => {
  const event = "plugin.ocmap-pairing.device-event";

  it("a paired or enrolled device on a gateway is news, naming the gateway and the device", () => {
    const home = gw("home");
    expect(
      deviceEventNotice(home, event, { kind: "paired", deviceId: "d2", displayName: "Ada's laptop", atMs: 1 }),
    ).toEqual({
      kind: "new-device",
      gatewayId: "id-home",
      title: "New device on home: Ada's laptop",
      body: "Ada's laptop was paired with home. If you do not know it, remove it on the gateway's Devices page.",
    });
    expect(deviceEventNotice(home, event, { kind: "enrolled", deviceId: "d3", atMs: 1 })!.body).toMatch(
      /^A device was enrolled with home\./,
    );
  });

  it("ignores other kinds, other events, malformed payloads and this device's own pairing", () => {
    const home = gw("home");
    for (const kind of ["revoked", "expired", "renamed", "access-changed"])
      expect(deviceEventNotice(home, event, { kind, deviceId: "d2" })).toBeNull();
    expect(deviceEventNotice(home, "device.pair.requested", { kind: "paired", deviceId: "d2" })).toBeNull();
    expect(deviceEventNotice(home, event, null)).toBeNull();
    expect(deviceEventNotice(home, event, "paired")).toBeNull();
    expect(deviceEventNotice(home, event, { kind: "paired", deviceId: "device-on-home" })).toBeNull();
  });

  it("shows a device name as one safe line", () => {
    expect(cleanDeviceName("  Ada\n\u202Eevil\u0007 laptop ")).toBe("Ada evil laptop");
    expect(cleanDeviceName("x".repeat(200))).toHaveLength(64);
    expect(cleanDeviceName("\u200B")).toBeNull();
    expect(cleanDeviceName(42)).toBeNull();
  });
});

describe("the notifier (test clock and timer)", () => {
  function harness(initial: GatewayStatus[]) {
    let statuses = initial;
    let clock = 0;
    const listeners = new Set<() => void>();
    const eventListeners = new Set<(id: string, event: string, payload: unknown) => void>();
    const timers: { at: number; run: () => void }[] = [];
    const source: GatewaySource = {
      statuses: () => statuses,
      subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
      onGatewayEvent: (listener) => (eventListeners.add(listener), () => void eventListeners.delete(listener)),
    };
    const settings: SettingsView = {
      openAtLogin: false,
      notifyRevoked: true,
      notifyIdentityChanged: true,
      notifyLongDisconnect: true,
      notifyNewDevice: true,
    };
    const shown: Notice[] = [];
    const stop = startNotifier({
      source,
      settings: () => settings,
      show: (notice) => shown.push(notice),
      now: () => clock,
      setTimer: (run, ms) => {
        const timer = { at: clock + ms, run };
        timers.push(timer);
        return timer;
      },
      clearTimer: (timer) => timers.splice(timers.indexOf(timer as (typeof timers)[0]) >>> 0, 1),
    });
    return {
      shown,
      settings,
      timers,
      stop,
      set(next: GatewayStatus[]) {
        statuses = next;
        for (const listener of listeners) listener();
      },
      emit: (id: string, name: string, payload: unknown) => {
        for (const listener of eventListeners) listener(id, name, payload);
      },
      /** Moves the clock on and fires each timer that fell due. */
      advance(ms: number) {
        clock += ms;
        for (const timer of timers.filter((t) => t.at <= clock)) {
          timers.splice(timers.indexOf(timer), 1);
          timer.run();
        }
      },
    };
  }

  it("fires the long-disconnect notice from its own timer, with no further change", () => {
    const run = harness([gw("home")]);
    run.set([down("home")]);
    expect(run.timers.map((timer) => timer.at)).toEqual([3 * MINUTE]);
    run.advance(3 * MINUTE - 1);
    expect(run.shown).toEqual([]);
    run.advance(1);
    expect(kinds(run.shown)).toEqual(["long-disconnect:id-home"]);
    expect(run.timers).toEqual([]);
  });

  it("a switch turned off in Settings silences that kind only", () => {
    const run = harness([gw("home"), gw("work")]);
    run.settings.notifyRevoked = false;
    run.settings.notifyNewDevice = false;
    run.set([gw("home", { state: "REVOKED", activity: "idle" }), down("work", { identityChanged: true })]);
    run.emit("id-home", "plugin.ocmap-pairing.device-event", { kind: "paired", deviceId: "x", displayName: "Bob" });
    expect(kinds(run.shown)).toEqual(["identity-changed:id-work"]);
    run.settings.notifyNewDevice = true;
    run.emit("id-home", "plugin.ocmap-pairing.device-event", { kind: "paired", deviceId: "x", displayName: "Bob" });
    expect(run.shown.at(-1)!.title).toBe("New device on home: Bob");
    run.emit("id-gone", "plugin.ocmap-pairing.device-event", { kind: "paired", deviceId: "x" });
    expect(run.shown).toHaveLength(2);
  });

  it("stops listening and clears its timer when stopped", () => {
    const run = harness([down("home")]);
    expect(run.timers).toHaveLength(1);
    run.stop();
    expect(run.timers).toHaveLength(0);
    run.set([gw("home", { state: "REVOKED" })]);
    expect(run.shown).toEqual([]);
    expect(vi.isFakeTimers()).toBe(false);
  });
});
