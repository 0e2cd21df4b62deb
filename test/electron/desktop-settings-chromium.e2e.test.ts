// "This computer" in Settings, in Debian's Chromium, bound to the real main-process handlers, core, keychain,
// settings file and Linux autostart writer (a temporary XDG_CONFIG_HOME): the switches show what is saved,
// change the file (and the autostart entry) through the guarded IPC, and a change that fails is said at once.
// The gateway's address answers with an impostor certificate, so the real core reaches "identity changed":
// the tray and the notification it gives name the gateway, and no secret appears in them, the DOM or the IPC.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createIdentity } from "../../src/core/identity.node.ts";
import { Keystore, type TrustRecord } from "../../src/core/keystore.node.ts";
import { createAppController, type AppController } from "../../src/main/app-controller.node.ts";
import { AUTOSTART_FILE_NAME, linuxLoginItem } from "../../src/main/autostart-linux.node.ts";
import { createSettingsPort } from "../../src/main/desktop-settings.std.ts";
import type { Notice } from "../../src/main/notices.std.ts";
import { startNotifier } from "../../src/main/notifier.std.ts";
import { openSettingsFile } from "../../src/main/settings-file.node.ts";
import { trayMenu, trayTooltip } from "../../src/main/tray-status.std.ts";
import { newKeychainService } from "../harness/cli.ts";
import { wipeAllGateways } from "../harness/gateway-keys.ts";
import { repoRoot } from "../harness/gateway.ts";
import { makeSelfSignedCertificate } from "../harness/tls-certs.ts";
import { openRenderer, type RendererSession } from "./renderer-in-chromium.ts";
import { secretScan } from "./secret-scan.ts";
import { serveDirectory, type StaticServer } from "./static-server.ts";

const SHOTS = join(repoRoot, "test-results/screenshots");
const keystore = new Keystore({ service: newKeychainService() });
let impostor: https.Server;
let dir: string;
let outDir: string;
let server: StaticServer;
let renderer: RendererSession;
let controller: AppController;
let trust: TrustRecord;
const shown: Notice[] = [];
let stopNotifier = () => {};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "ocmap-desktop-settings-"));
  impostor = https.createServer(makeSelfSignedCertificate("impostor"), (_req, res) => {
    res.writeHead(404, { "content-type": "application/json" }).end('{"ok":false}');
  });
  await new Promise<void>((resolve) => impostor.listen(0, "127.0.0.1", resolve));
  const identity = createIdentity();
  trust = {
    gatewayUrl: `wss://127.0.0.1:${(impostor.address() as AddressInfo).port}`,
    deviceId: identity.deviceId,
    deviceToken: "a-device-token-that-must-never-leave-the-keychain",
    role: "operator",
    scopes: ["operator.read"],
    pairedAtMs: Date.now(),
    displayName: "OCMAP on test",
    gatewayIdentity: {
      publicKey: Buffer.alloc(32, 7).toString("base64url"),
      tlsPin: Buffer.alloc(32, 9).toString("base64url"),
    },
  };
  await keystore.saveIdentity(identity);
  await keystore.saveTrust(trust);
  outDir = mkdtempSync(join(tmpdir(), "ocmap-renderer-"));
  await viteBuild({
    configFile: join(repoRoot, "src/renderer/vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true },
  });
  server = await serveDirectory(outDir);
  const settingsFile = openSettingsFile(join(dir, "userData", "settings.json"));
  const loginItem = linuxLoginItem({
    command: ["/opt/OCMAP/ocmap", "--hidden"],
    env: { XDG_CONFIG_HOME: join(dir, "config") },
  });
  controller = createAppController({ keystore, settings: createSettingsPort(settingsFile, loginItem) });
  stopNotifier = startNotifier({
    source: controller.gateways,
    settings: () => createSettingsPort(settingsFile, loginItem).view(),
    show: (notice) => shown.push(notice),
  });
  controller.start();
  renderer = await openRenderer(`${server.origin}/index.html`, controller);
}, 300_000);

afterAll(async () => {
  stopNotifier();
  controller?.stop();
  await renderer?.close();
  await server?.close();
  impostor?.close();
  await wipeAllGateways(keystore.service).catch(() => undefined);
  for (const folder of [dir, outDir]) if (folder) rmSync(folder, { recursive: true, force: true });
});

it("Settings → This computer: switches saved through the IPC, open at login writes the autostart entry", async () => {
  const page = renderer.page;
  const host = `127.0.0.1:${(impostor.address() as AddressInfo).port}`;
  await page.locator('[data-screen="identity-changed"]').waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: "Settings" }).click();
  const section = page.getByRole("region", { name: "This computer" });
  await section.waitFor();
  const box = (name: string) => section.getByRole("checkbox", { name });
  const atLogin = box("Open OCMAP at login");
  const newDevice = box("A new device was paired with a gateway");
  await atLogin.waitFor();
  expect(await atLogin.isChecked()).toBe(false);
  for (const name of [
    "A gateway revoked this device",
    "A gateway's identity changed",
    "A gateway has been unreachable for 3 minutes",
  ])
    expect(await box(name).isChecked(), name).toBe(true);
  expect(await section.getByRole("group", { name: "Notify me when" }).getByRole("checkbox").count()).toBe(4);
  await page.screenshot({ path: join(SHOTS, "settings-this-computer.png"), fullPage: true });

  const settingsPath = join(dir, "userData", "settings.json");
  await newDevice.focus();
  await page.keyboard.press("Space");
  await expect
    .poll(() => existsSync(settingsPath) && JSON.parse(readFileSync(settingsPath, "utf8")).notifyNewDevice)
    .toBe(false);
  await expect.poll(() => newDevice.isChecked()).toBe(false);

  const entry = join(dir, "config", "autostart", AUTOSTART_FILE_NAME);
  await atLogin.click();
  await expect.poll(() => existsSync(entry)).toBe(true);
  expect(readFileSync(entry, "utf8")).toContain("Exec=/opt/OCMAP/ocmap --hidden\n");
  await expect.poll(() => atLogin.isChecked()).toBe(true);
  await atLogin.click();
  await expect.poll(() => existsSync(entry)).toBe(false);

  // The autostart folder cannot be made (a file stands in its way): said at once, and the switch stays off.
  rmSync(join(dir, "config"), { recursive: true, force: true });
  writeFileSync(join(dir, "config"), "not a folder");
  await atLogin.click();
  const alert = section.getByRole("alert");
  await alert.waitFor();
  expect(await alert.textContent()).toBe(
    `OCMAP could not change “Open at login”: ${entry} cannot be written (ENOTDIR).`,
  );
  expect(await atLogin.isChecked()).toBe(false);
  expect(JSON.parse(readFileSync(settingsPath, "utf8")).openAtLogin).toBe(false);

  // Only the setting channels' own shapes crossed for them.
  const settingCrossings = renderer.crossings.filter(
    (crossing) =>
      "channel" in crossing && crossing.channel.startsWith("ocmap:") && crossing.channel.includes("setting"),
  );
  expect(settingCrossings.length).toBeGreaterThan(4);

  // The tray and the notification the real core's identity change gives name the gateway; no secret anywhere.
  await expect.poll(() => shown.map((notice) => notice.kind)).toEqual(["identity-changed"]);
  expect(shown[0]!.title).toBe(`${host}'s identity changed`);
  const statuses = controller.gateways.statuses();
  expect(trayTooltip(statuses)).toBe(`OCMAP: ${host}: Identity changed, not connecting`);
  const scan = secretScan(keystore);
  await scan.expectNoneIn("desktop settings", {
    dom: await page.content(),
    ipc: JSON.stringify(renderer.crossings),
    tray: JSON.stringify(trayMenu(statuses)) + trayTooltip(statuses),
    notifications: JSON.stringify(shown),
    settingsFile: readFileSync(settingsPath, "utf8"),
  });
});
