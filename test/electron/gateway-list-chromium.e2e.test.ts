// The desktop app's gateway list in Debian's Chromium, bound to the real main-process handlers, fleet, keychain
// and two real gateways: pair one, "Add a gateway" pairs the second, rename one locally, revoke the other (only
// it shows Revoked), forget one; then each entry's own Forget (with its confirmation). Screenshots go to
// docs/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Keystore } from "../../src/core/keystore.node.ts";
import { createAppController, type AppController } from "../../src/main/app-controller.node.ts";
import { trayIcon, trayTooltip } from "../../src/main/tray-status.std.ts";
import { newKeychainService } from "../harness/cli.ts";
import { repoRoot, startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeysFor, wipeAllGateways } from "../harness/gateway-keys.ts";
import { openRenderer, type RendererSession } from "./renderer-in-chromium.ts";
import { serveDirectory, type StaticServer } from "./static-server.ts";

const SHOTS = join(repoRoot, "docs/screenshots");
const service = newKeychainService();
let home: Gateway;
let work: Gateway;
let outDir: string;
let server: StaticServer;
let renderer: RendererSession;
let page: Page;
let controller: AppController;
const secrets = new Set<string>();

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const list = () => page.getByRole("navigation", { name: "Gateways" });
const entry = (name: string) => list().getByRole("button", { name: new RegExp(name.replace(/\./g, "\\.")) });
const hostOf = (gateway: Gateway) => `127.0.0.1:${gateway.port}`;

async function pairThroughForm(gateway: Gateway) {
  const { code } = await gateway.call("pairing.createCode", {});
  await page.getByLabel("Gateway address").fill(gateway.url);
  await page.getByLabel("Pairing code").fill(code);
  await page.getByRole("button", { name: "Pair", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Connected", exact: true }).waitFor({ timeout: 60_000 });
  const keys = await gatewayKeysFor(service, gateway.url);
  const identity = (await keys.loadIdentity())!;
  secrets.add((await keys.loadTrust())!.deviceToken).add(identity.privateKey);
  return identity.deviceId;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  outDir = mkdtempSync(join(tmpdir(), "ocmap-gateway-list-"));
  await viteBuild({
    configFile: join(repoRoot, "src/renderer/vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true },
  });
  [home, work, server] = await Promise.all([startGateway(), startGateway(), serveDirectory(outDir)]);
  controller = createAppController({ keystore: new Keystore({ service }) });
  controller.start();
  renderer = await openRenderer(`${server.origin}/index.html`, controller);
  page = renderer.page;
}, 300_000);

afterAll(async () => {
  controller?.stop();
  await renderer?.close();
  await server?.close();
  await Promise.all([home?.dispose(), work?.dispose()]);
  await wipeAllGateways(service).catch(() => undefined);
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

it("lists each gateway with its own state; adds, renames, survives a revoke of one, forgets one", async () => {
  await page.locator('[data-screen="form"]').waitFor({ timeout: 30_000 });
  expect(await list().count(), "no list before the first gateway").toBe(0);
  await pairThroughForm(home);
  await entry(hostOf(home)).waitFor();

  await list().getByRole("button", { name: "Add a gateway" }).click();
  await page.locator('[data-screen="form"]').waitFor();
  const workDevice = await pairThroughForm(work);
  await expect.poll(() => list().getByText("Connected", { exact: true }).count(), { timeout: 30_000 }).toBe(2);
  expect(await entry(hostOf(work)).getAttribute("aria-current"), "the new gateway is the one shown").toBe("true");
  await shot("gateway-list-two-connected");

  await entry(hostOf(home)).click();
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByLabel("Name on this computer").fill("Home");
  await page.getByRole("button", { name: "Rename" }).click();
  await page.getByRole("status").filter({ hasText: "Renamed." }).waitFor();
  await page.getByLabel("Name on this computer").fill(hostOf(work));
  await page.getByRole("button", { name: "Rename" }).click();
  await page.getByRole("alert").filter({ hasText: "Another gateway already has that name" }).waitFor();
  await page.getByRole("button", { name: "Done" }).click();
  await entry("Home").waitFor();
  await shot("gateway-list-renamed");

  await work.call("pairing.revokeDevice", { deviceId: workDevice });
  await list().getByText("Revoked", { exact: true }).waitFor({ timeout: 30_000 });
  const states = Object.fromEntries(controller.view().gateways.map((g) => [g.name, g.state]));
  expect(states).toEqual({ Home: "PAIRED_CONNECTED", [hostOf(work)]: "REVOKED" });
  // The tray: the worst state wins the icon, the menu names each gateway with its own state.
  const statuses = controller.gateways.statuses();
  expect(trayIcon(statuses)).toBe("revoked");
  expect(trayTooltip(statuses)).toBe(`OCMAP: 1 of 2 gateways connected\nHome: Connected\n${hostOf(work)}: Revoked`);
  await shot("gateway-list-one-revoked");

  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Forget this device…" }).click();
  await page.getByRole("button", { name: "Forget device" }).click();
  await expect.poll(() => controller.view().gateways.map((g) => g.name), { timeout: 30_000 }).toEqual([hostOf(work)]);

  const dom = await page.content();
  const crossings = JSON.stringify(renderer.crossings);
  expect(secrets.size).toBe(4);
  for (const secret of secrets) {
    expect(dom.includes(secret), "a secret in the DOM").toBe(false);
    expect(crossings.includes(secret), "a secret across IPC").toBe(false);
  }
}, 240_000);

it("forgets one entry from the list after a confirmation; Cancel keeps it; the other stays connected", async () => {
  // After the first test: only the revoked entry is left. Pair both gateways again (the revoked one from its entry).
  const forgetOf = (name: string) =>
    list().getByRole("listitem").filter({ hasText: name }).getByRole("button", { name: "Forget…" });
  await list().getByRole("button", { name: "Add a gateway" }).click();
  await page.locator('[data-screen="form"]').waitFor();
  await pairThroughForm(home);
  await list().getByRole("button", { name: "Add a gateway" }).click();
  await page.locator('[data-screen="form"]').waitFor();
  const workDevice = await pairThroughForm(work);
  await expect.poll(() => list().getByText("Connected", { exact: true }).count(), { timeout: 30_000 }).toBe(2);
  const before = Object.fromEntries(controller.view().gateways.map((g) => [g.name, g.state]));
  expect(before).toEqual({ [hostOf(home)]: "PAIRED_CONNECTED", [hostOf(work)]: "PAIRED_CONNECTED" });
  const homeTrust = await (await gatewayKeysFor(service, home.url)).loadTrust();
  const workKeys = await gatewayKeysFor(service, work.url); // taken now: forgetting drops its index line

  await forgetOf(hostOf(work)).click();
  const question = list().getByRole("group", { name: `Forget ${hostOf(work)}?` });
  await question.waitFor();
  await shot("gateway-list-forget-confirm");
  await question.getByRole("button", { name: "Cancel" }).click();
  await question.waitFor({ state: "detached" });
  expect(controller.view().gateways).toHaveLength(2);
  expect(await workKeys.loadTrust()).not.toBeNull();

  await forgetOf(hostOf(work)).click();
  await list()
    .getByRole("button", { name: `Forget ${hostOf(work)}`, exact: true })
    .click();
  await expect.poll(() => controller.view().gateways.map((g) => g.name), { timeout: 30_000 }).toEqual([hostOf(home)]);
  await entry(hostOf(work)).waitFor({ state: "detached" });
  expect(controller.view().gateways[0]!.state).toBe("PAIRED_CONNECTED");
  expect(await workKeys.loadTrust()).toBeNull();
  expect(await workKeys.loadIdentity()).toBeNull();
  expect(await (await gatewayKeysFor(service, home.url)).loadTrust()).toEqual(homeTrust);
  // The gateway was told: the device is gone from its list.
  const devices = (await work.call("pairing.list", {})).devices as Array<{ deviceId: string; revokedAtMs?: number }>;
  const gone = devices.find((d) => d.deviceId === workDevice);
  expect(gone === undefined || gone.revokedAtMs !== undefined).toBe(true);

  const dom = await page.content();
  const crossings = JSON.stringify(renderer.crossings);
  for (const secret of secrets) {
    expect(dom.includes(secret), "a secret in the DOM").toBe(false);
    expect(crossings.includes(secret), "a secret across IPC").toBe(false);
  }
}, 240_000);
