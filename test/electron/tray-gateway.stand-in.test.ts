// The tray and the OS notifications against a real gateway, the real fleet and keychain, with a STAND-IN for
// the `electron` module only: pair from the window's IPC, rename the gateway locally, another device pairs on
// that gateway (the plugin's device event reaches this operator device: "New device on <name>"), the gateway
// revokes this device ("Removed from <name>", the tray's icon turns revoked). No secret in any notification,
// tray menu, tooltip or IPC message.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { createCore, type OcmapCore } from "../../src/core/core.node.ts";
import { Keystore } from "../../src/core/keystore.node.ts";
import { createAppController, type AppController } from "../../src/main/app-controller.node.ts";
import { startMainProcess } from "../../src/main/main-process.main.ts";
import { openSettingsFile } from "../../src/main/settings-file.node.ts";
import { newKeychainService } from "../harness/cli.ts";
import { wipeAllGateways } from "../harness/gateway-keys.ts";
import { repoRoot, startGateway, type Gateway } from "../harness/gateway.ts";
import { electronStandIn as electron, FakeBrowserWindow, FakeNotification, FakeTray } from "./electron-stand-in.ts";
import { secretScan } from "./secret-scan.ts";
import { event, INDEX_URL, resetStandIn } from "./stand-in-helpers.ts";

vi.mock("electron", async () => (await import("./electron-stand-in.ts")).electronStandIn);

const service = newKeychainService();
const otherService = newKeychainService();
const keystore = new Keystore({ service });
let gateway: Gateway;
let dir: string;
let controller: AppController;
let other: OcmapCore | null = null;

beforeAll(async () => {
  resetStandIn();
  dir = mkdtempSync(join(tmpdir(), "ocmap-tray-gateway-"));
  gateway = await startGateway();
}, 300_000);
afterAll(async () => {
  other?.stop();
  electron.app.emit("will-quit");
  await gateway?.dispose();
  await Promise.all([wipeAllGateways(service), wipeAllGateways(otherService)].map((p) => p.catch(() => undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("names the gateway in the tray and in each notification, from pairing to a new device to revocation", async () => {
  const settings = openSettingsFile(join(dir, "settings.json"));
  controller = createAppController({ keystore });
  startMainProcess({ appDir: join(repoRoot, "dist/main"), settings, createController: () => controller });
  await vi.waitFor(() => expect(FakeTray.all).toHaveLength(1));
  const tray = FakeTray.all[0]!;
  const win = FakeBrowserWindow.all[0]!;
  win.webContents.mainFrame.url = INDEX_URL;
  const ipc = (channel: string, ...args: unknown[]) => electron.ipcHandlers.get(channel)!(event(win), ...args);
  const titles = () => FakeNotification.shown.map((shown) => shown.options.title);
  const labels = () => tray.menu!.template.map((entry: any) => entry.label ?? "---");
  await controller.waitFor((view) => view.core.activity !== "starting");
  expect(tray.image.path).toMatch(/idle(Template)?\.png$/);

  const { code } = (await gateway.call("pairing.createCode", {})) as { code: string };
  await ipc("ocmap:submit-code", { gatewayUrl: gateway.url, code });
  const paired = await controller.waitFor((view) => view.gateways[0]?.state === "PAIRED_CONNECTED", 60_000);
  const scan = secretScan(keystore);
  await scan.remember();
  expect(tray.image.path).toMatch(/connected(Template)?\.png$/);
  expect(await ipc("ocmap:rename-gateway", { id: paired.gateways[0]!.id, name: "Home lab" })).toEqual({ ok: true });
  await vi.waitFor(() => expect(labels()).toContain("Home lab: Connected"));
  expect(tray.tooltip).toBe("OCMAP: Home lab: Connected");

  // Another device pairs on this gateway: the gateway tells this operator device, which says so, by name.
  other = createCore({ keystore: new Keystore({ service: otherService }), displayName: "Ada's laptop" });
  other.start();
  await other.waitFor((view) => view.activity !== "starting");
  other.pair(gateway.url, ((await gateway.call("pairing.createCode", {})) as { code: string }).code);
  await other.waitFor((view) => view.state === "PAIRED_CONNECTED", 60_000);
  await vi.waitFor(() => expect(titles()).toContain("New device on Home lab: Ada's laptop"), { timeout: 30_000 });
  expect(titles()).toEqual(["New device on Home lab: Ada's laptop"]);

  // The gateway revokes this device: the icon turns, and the notification names the gateway.
  await gateway.call("pairing.revokeDevice", { deviceId: paired.core.device!.id });
  await vi.waitFor(() => expect(titles()).toContain("Removed from Home lab"), { timeout: 30_000 });
  expect(tray.image.path).toMatch(/revoked(Template)?\.png$/);
  expect(labels()).toContain("Home lab: Revoked");

  const sent = win.webContents.send.mock.calls.map((call) => JSON.stringify(call));
  const menus = tray.setContextMenu.mock.calls.map((call) => JSON.stringify(call[0].template));
  await scan.expectNoneIn("tray and notifications", {
    notifications: JSON.stringify(FakeNotification.shown.map((shown) => shown.options)),
    menus: menus.join("\n"),
    tooltips: tray.setToolTip.mock.calls.map((call) => call[0]).join("\n"),
    ipc: sent.join("\n"),
  });
}, 240_000);
