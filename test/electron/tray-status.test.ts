// The tray's decisions (unit test, no Electron): each gateway's state → icon, status line, tooltip and menu;
// with several gateways the worst state wins and the menu names each gateway with its own state.
import { describe, expect, it } from "vitest";
import {
  gatewayStatus,
  trayIcon,
  trayMenu,
  trayTooltip,
  type GatewayStatus,
  type TrayMenuEntry,
} from "../../src/main/tray-status.std.ts";
import { coreViewOf } from "./fake-core.ts";

const gw = (name: string, over: Partial<GatewayStatus> = {}): GatewayStatus => ({
  id: `id-${name}`,
  name,
  state: "PAIRED_CONNECTED",
  activity: "connected",
  identityChanged: false,
  deviceId: null,
  ...over,
});
const down = (name: string) => gw(name, { state: "PAIRED_DISCONNECTED", activity: "waiting" });
const revoked = (name: string) => gw(name, { state: "REVOKED", activity: "idle" });
const changed = (name: string) => ({ ...down(name), identityChanged: true });

const labels = (entries: TrayMenuEntry[]): unknown[] =>
  entries.map((entry) =>
    entry.kind === "separator" ? "---" : entry.kind === "item" ? entry.label : { [entry.label]: labels(entry.entries) },
  );

describe("tray icon", () => {
  it("follows one gateway's state", () => {
    expect(trayIcon([])).toBe("idle");
    expect(trayIcon([gw("home")])).toBe("connected");
    expect(trayIcon([down("home")])).toBe("disconnected");
    expect(trayIcon([gw("home", { state: "PAIRED_DISCONNECTED", activity: "connecting" })])).toBe("disconnected");
    expect(trayIcon([revoked("home")])).toBe("revoked");
    expect(trayIcon([changed("home")])).toBe("identity-changed");
    expect(trayIcon([gw("home", { state: "UNPAIRED", activity: "starting" })])).toBe("idle");
  });

  it("shows the worst state of several gateways, in any order", () => {
    expect(trayIcon([gw("a"), down("b"), gw("c")])).toBe("disconnected");
    expect(trayIcon([revoked("a"), down("b")])).toBe("revoked");
    expect(trayIcon([down("b"), revoked("a")])).toBe("revoked");
    expect(trayIcon([revoked("a"), changed("b"), gw("c")])).toBe("identity-changed");
    expect(trayIcon([gw("a"), gw("b", { state: "PAIRING_IN_PROGRESS", activity: "pairing" })])).toBe("connected");
  });

  it("reads identity changed from the gateway's CoreView (disconnected with GATEWAY_IDENTITY_CHANGED)", () => {
    const lastError = { code: "GATEWAY_IDENTITY_CHANGED" as const, message: "x", retryable: false };
    const view = coreViewOf({ state: "PAIRED_DISCONNECTED", activity: "waiting", lastError });
    expect(gatewayStatus("g1", "home", view)).toMatchObject({ identityChanged: true, name: "home", id: "g1" });
    expect(gatewayStatus("g1", "home", { ...view, lastError: null }).identityChanged).toBe(false);
    const device = { id: "dev-1", name: "n", fingerprint: "f" };
    expect(gatewayStatus("g1", "home", coreViewOf({ device })).deviceId).toBe("dev-1");
  });
});

describe("tray menu and tooltip", () => {
  it("with nothing paired: open, pair, quit", () => {
    expect(labels(trayMenu([]))).toEqual([
      "Open OCMAP",
      "---",
      "Not paired with a gateway",
      "---",
      "Pair with a gateway…",
      "---",
      "Quit OCMAP",
    ]);
    expect(trayTooltip([])).toBe("OCMAP: not paired with a gateway");
  });

  it("with one gateway: its status line, add, forget it by name", () => {
    const menu = trayMenu([down("home.lan")]);
    expect(labels(menu)).toEqual([
      "Open OCMAP",
      "---",
      "home.lan: Not connected",
      "---",
      "Add a gateway…",
      "Forget home.lan…",
      "---",
      "Quit OCMAP",
    ]);
    expect(menu.find((entry) => entry.kind === "item" && entry.label.startsWith("Forget"))).toMatchObject({
      action: { kind: "forget", id: "id-home.lan", name: "home.lan" },
    });
    expect(trayTooltip([gw("home.lan")])).toBe("OCMAP: home.lan: Connected");
  });

  it("with several gateways: a line per gateway with its own state, each opens it; forget picks one", () => {
    const statuses = [gw("home"), revoked("work"), changed("lab"), gw("new", { state: "PAIRING_IN_PROGRESS" })];
    const menu = trayMenu(statuses);
    expect(labels(menu)).toEqual([
      "Open OCMAP",
      "---",
      "home: Connected",
      "work: Revoked",
      "lab: Identity changed, not connecting",
      "new: Pairing…",
      "---",
      "Add a gateway…",
      { "Forget a gateway": ["home…", "work…", "lab…"] },
      "---",
      "Quit OCMAP",
    ]);
    expect(menu[3]).toMatchObject({ action: { kind: "show-gateway", id: "id-work" } });
    expect(trayTooltip(statuses)).toBe(
      "OCMAP: 1 of 4 gateways connected\nhome: Connected\nwork: Revoked\nlab: Identity changed, not connecting\n" +
        "new: Pairing…",
    );
  });

  it("keeps the tooltip within Windows' 127 characters", () => {
    const many = Array.from({ length: 12 }, (_, n) => gw(`gateway-number-${n}`));
    const tooltip = trayTooltip(many);
    expect(tooltip.length).toBeLessThanOrEqual(127);
    expect(tooltip.startsWith("OCMAP: 12 of 12 gateways connected")).toBe(true);
  });
});
