// The renderer end to end in Debian's Chromium, bound to the real main-process handlers and core, against the real
// gateway + plugin and keyring; index.html comes pre-rendered from the controller's view, as main serves it.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keystore } from "../../src/core/keystore.node.ts";
import { fingerprint } from "@ocmap/protocol/pairing-protocol";
import { createOcmapApi } from "../../src/ipc/ipc-contract.std.ts";
import { createAppController, type AppController } from "../../src/main/app-controller.node.ts";
import { firstScreenOf } from "../../src/main/first-screen.std.ts";
import { newKeychainService } from "../harness/cli.ts";
import { gatewayKeys, wipeAllGateways } from "../harness/gateway-keys.ts";
import { repoRoot, startGateway, type Gateway } from "../harness/gateway.ts";
import { openRenderer, type RendererSession } from "./renderer-in-chromium.ts";
import { secretScan } from "./secret-scan.ts";
import { serveDirectory, type StaticServer } from "./static-server.ts";

const SHOTS = join(repoRoot, "test-results/screenshots");
const APP_VIEW_KEYS = ["core", "gateways", "linkError", "pendingLink", "revision", "settingsRequest"];

let gateway: Gateway;
let outDir: string;
let server: StaticServer;
let renderer: RendererSession;
let page: Page;
let controller: AppController;
const service = newKeychainService();
const keystore = new Keystore({ service });
const scan = secretScan(keystore);
let deviceId = "";

// v2: the bootstrap token travels sealed to the core only; the keychain's secrets are collected by `scan`.
const newCode = (): Promise<{ code: string; codeId: string; gatewayFingerprint: string }> =>
  gateway.call("pairing.createCode", {});
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const heading = (name: string) => page.getByRole("heading", { level: 1, name, exact: true });

/** The whole DOM, the page as served now, local storage and every IPC crossing so far: no secret anywhere. */
async function expectNoSecrets(step: string) {
  await scan.expectNoneIn(step, {
    "the DOM": await page.content(),
    "the pre-rendered page": await (await fetch(`${server.origin}/index.html`)).text(),
    localStorage: await page.evaluate(() => JSON.stringify({ ...(globalThis as any).localStorage })),
    "a message across the IPC binding": JSON.stringify(renderer.crossings),
  });
  for (const crossing of renderer.crossings) {
    if (crossing.kind === "event")
      expect(Object.keys(crossing.view).sort(), "an event carries exactly AppView").toEqual(APP_VIEW_KEYS);
    if (crossing.kind === "result" && crossing.channel === "ocmap:get-state")
      expect(Object.keys(crossing.value as object).sort()).toEqual(APP_VIEW_KEYS);
  }
}

async function typeCode(code: string) {
  const input = page.getByLabel("Pairing code");
  await input.fill("");
  // Lower case and without the dash, as a person might type it: the field formats it.
  await input.pressSequentially(code.replace("-", "").toLowerCase());
  expect(await input.inputValue()).toBe(code);
}

/** Requests on `channel` that passed the guard and reached the handler. */
const requests = (channel: string) =>
  renderer.crossings.filter((c) => c.kind === "result" && c.channel === channel).length;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  outDir = mkdtempSync(join(tmpdir(), "ocmap-renderer-"));
  // The renderer is built from the current sources with the app's own vite config.
  await viteBuild({
    configFile: join(repoRoot, "src/renderer/vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true },
  });
  const firstScreen = () => firstScreenOf(controller)(); // the page then hydrates it
  [gateway, server] = await Promise.all([startGateway(), serveDirectory(outDir, { firstScreen })]);
  controller = createAppController({ keystore });
  controller.start();
  renderer = await openRenderer(`${server.origin}/index.html`, controller);
  page = renderer.page;
});

afterAll(async () => {
  controller?.stop();
  await renderer?.close();
  await server?.close();
  await gateway?.dispose();
  await wipeAllGateways(service).catch(() => undefined);
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("renderer in Chromium, bound to the real main-process handlers, core, gateway and keychain", () => {
  it("exposes one frozen window.ocmap and keeps to the CSP", async () => {
    await page.locator('[data-screen="form"]').waitFor();
    const api = await page.evaluate(() => {
      const exposed = (globalThis as any).ocmap;
      return {
        frozen: Object.isFrozen(exposed),
        keys: Object.keys(exposed).sort(),
        require: typeof (globalThis as any).require,
        process: typeof (globalThis as any).process,
      };
    });
    expect(api).toEqual({
      frozen: true,
      keys: Object.keys(createOcmapApi({ invoke: async () => ({}), listen: () => () => {} })).sort(),
      require: "undefined",
      process: "undefined",
    });
    // The guard behind the binding refuses malformed arguments without echoing them.
    const refused = await page.evaluate(() =>
      (globalThis as any)
        .__ocmapInvoke("ocmap:submit-code", [{ gatewayUrl: "ws://x", code: "SECRET-ARG-VALUE", extra: 1 }])
        .then(() => "accepted")
        .catch((e: Error) => e.message),
    );
    expect(refused).toMatch(/IPC_INVALID_ARGS/);
    expect(refused).not.toContain("SECRET-ARG-VALUE");
    expect(controller.view().core.state).toBe("UNPAIRED");
  });

  it("pairs from the form: formatted code, a typo caught before any request, progress, then connected", async () => {
    await heading("Pair with your gateway").waitFor();
    await shot("01-unpaired-form");
    await page.getByLabel("Gateway address").fill(gateway.url);
    expect(await page.getByRole("note").count()).toBe(0); // ws:// to this computer: allowed, nothing crosses a network

    const issued = await newCode();
    const last = issued.code.at(-1)!;
    const typo = issued.code.slice(0, -1) + (last === "0" ? "1" : "0");
    await typeCode(typo);
    await page.getByRole("alert").filter({ hasText: "typo" }).waitFor();
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    expect(requests("ocmap:submit-code"), "a code with a wrong check symbol is never sent").toBe(0);
    expect(await page.getByLabel("Pairing code").getAttribute("aria-invalid")).toBe("true");
    await shot("02-form-typo");

    await typeCode(issued.code);
    // Freeze the gateway so the progress screen holds still for its screenshot.
    gateway.signal("SIGSTOP");
    try {
      await page.getByRole("button", { name: "Pair", exact: true }).click();
      await heading("Pairing…").waitFor();
      await page.locator('li[aria-current="step"]', { hasText: "Checking the code" }).waitFor();
      await shot("03-pairing-progress");
    } finally {
      gateway.signal("SIGCONT");
    }
    await heading("Connected").waitFor({ timeout: 30_000 });
    const { identity } = await scan.remember();
    deviceId = identity!.deviceId;
    await page.getByText(fingerprint(deviceId), { exact: true }).waitFor();
    await page.getByText(`127.0.0.1:${gateway.port}`, { exact: true }).first().waitFor();
    expect(await page.getByText(/ since /).count()).toBe(1);
    await shot("04-connected");
    await expectNoSecrets("connected");
  });

  it("shows settings with gateway, device, access, and asks in the page before forgetting", async () => {
    await page.getByRole("button", { name: "Settings" }).click();
    await heading("Settings").waitFor();
    await page.getByText("operator.read", { exact: false }).first().waitFor();
    await page.getByText("operator.write", { exact: false }).first().waitFor();
    await page.getByText(fingerprint(deviceId), { exact: true }).waitFor();
    await shot("05-settings");
    await page.getByRole("button", { name: "Forget this device…" }).click();
    await page.getByRole("group", { name: /Forget this device\?/ }).waitFor();
    // The safe choice has focus.
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe("Cancel");
    await shot("06-settings-forget-confirm");
    await page.keyboard.press("Enter"); // Cancel, by keyboard
    await expect
      .poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.textContent))
      .toBe("Forget this device…");
    expect(requests("ocmap:forget-device")).toBe(0);
    await page.getByRole("button", { name: "Done" }).click();
    await heading("Connected").waitFor();
    // The menu's Settings reaches the renderer through AppView.settingsRequest.
    controller.requestSettings();
    await heading("Settings").waitFor();
    await page.getByRole("button", { name: "Done" }).click();
    await expectNoSecrets("settings");
  });

  it("stays readable at 200% zoom and in the dark theme", async () => {
    await heading("Connected").waitFor();
    await page.setViewportSize({ width: 450, height: 380 }); // a 900×760 window at 200%
    const overflow = await page.evaluate(() => {
      const root = (globalThis as any).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow, "no horizontal scrolling at 200%").toBeLessThanOrEqual(0);
    await shot("07-connected-200-percent");
    await page.setViewportSize({ width: 900, height: 760 });
    await page.emulateMedia({ colorScheme: "dark" });
    await shot("08-connected-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("shows the disconnected state with a countdown, and Retry now reaches the core", async () => {
    await gateway.kill();
    await heading("Not connected").waitFor({ timeout: 30_000 });
    await page.getByText(/Next attempt in \d+|OCMAP tries again by itself/).waitFor({ timeout: 30_000 });
    await shot("09-disconnected");
    const attempts = controller.view().core.reconnect!.attempt;
    await page.getByRole("button", { name: "Retry now" }).click();
    await expect.poll(() => requests("ocmap:retry-now"), { timeout: 10_000 }).toBe(1);
    await controller.waitFor(
      (v) => (v.core.reconnect?.attempt ?? 0) > attempts && v.core.activity === "waiting",
      20_000,
    );
    await gateway.start();
    // No input needed: the core keeps retrying with backoff (at most 30 s apart).
    await controller.waitFor((x) => x.core.state === "PAIRED_CONNECTED", 45_000);
    await heading("Connected").waitFor();
    await expectNoSecrets("reconnected");
  }, 90_000);

  it("shows REVOKED when the gateway revokes the device, then pairs again from the form", async () => {
    await gateway.call("pairing.revokeDevice", { deviceId });
    await heading("This device was revoked").waitFor({ timeout: 30_000 });
    await shot("10-revoked");
    await expectNoSecrets("revoked");
    await page.getByRole("button", { name: "Pair again" }).click();
    await heading("Pair with your gateway").waitFor();
    const rememberedGateway = await page.getByLabel("Gateway address").inputValue();
    expect(rememberedGateway, "the gateway address is remembered").toBe(gateway.url);
    const issued = await newCode();
    await typeCode(issued.code);
    await page.getByLabel("Pairing code").press("Enter");
    await heading("Connected").waitFor({ timeout: 30_000 });
    const { identity } = await scan.remember();
    expect(identity!.deviceId, "pairing again makes a new identity").not.toBe(deviceId);
    deviceId = identity!.deviceId;
    await page.getByText(fingerprint(deviceId), { exact: true }).waitFor();
    await expectNoSecrets("paired again");
  });

  it("reconnects by itself after a restart of the main process (new core, same keychain)", async () => {
    controller.stop();
    controller = createAppController({ keystore: new Keystore({ service }) });
    renderer.attach(controller);
    controller.start();
    const submits = requests("ocmap:submit-code");
    await page.reload();
    await heading("Connected").waitFor({ timeout: 30_000 });
    expect(controller.view().core.state).toBe("PAIRED_CONNECTED");
    expect(requests("ocmap:submit-code"), "no user input was needed").toBe(submits);
    await shot("11-reconnected-after-restart");
    await expectNoSecrets("restarted");
  });

  it("forgets the device from settings: removed here and on the gateway", async () => {
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Forget this device…" }).click();
    await page.getByRole("button", { name: "Forget device" }).click();
    await heading("Pair with your gateway").waitFor({ timeout: 30_000 });
    await page.getByRole("status").filter({ hasText: "removed from this computer and from the gateway" }).waitFor();
    await shot("12-forgotten");
    const list = await gateway.call("pairing.list", {});
    expect(list.devices.find((d: any) => d.deviceId === deviceId)).toMatchObject({ revokedBy: "self" });
    expect(await (await gatewayKeys(service)).loadTrust()).toBeNull();
    await expectNoSecrets("forgotten");
  });

  it("asks to confirm a pairing link's host, refuses a malformed link, and pairs only after Pair", async () => {
    const issued = await newCode();
    const link = `ocmap://pair?gateway=${encodeURIComponent(gateway.url)}&code=${issued.code}`;
    controller.openLink(link);
    await heading(`Pair with 127.0.0.1:${gateway.port}?`).waitFor();
    expect(await page.getByRole("note").count()).toBe(0);
    await shot("13-link-confirm");
    const codes = (await gateway.call("pairing.list", {})).codes;
    const codeStatus = codes.find((x: any) => x.codeId === issued.codeId).status;
    expect(codeStatus, "nothing was redeemed before the user confirmed").toBe("active");
    expect(controller.view().core.state).toBe("UNPAIRED");

    await page.getByRole("button", { name: "Cancel" }).click();
    await heading("Pair with your gateway").waitFor();
    expect(await page.getByLabel("Pairing code").inputValue(), "the link filled the form").toBe(issued.code);
    expect(await page.getByLabel("Gateway address").inputValue()).toBe(gateway.url);

    controller.openLink("ocmap://pair?gateway=ws%3A%2F%2Fevil.example.com&code=" + issued.code);
    await page.getByRole("alert").filter({ hasText: "pairing link" }).waitFor();
    await shot("14-link-malformed");
    await page.getByRole("button", { name: "Dismiss" }).click();
    await page.getByRole("alert").filter({ hasText: "pairing link" }).waitFor({ state: "detached" });

    controller.openLink(link);
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    await heading("Connected").waitFor({ timeout: 30_000 });
    await expectNoSecrets("paired from a link");
    const violations = await page.evaluate(() => (globalThis as any).__cspViolations);
    expect(violations, "no CSP violation in the whole run").toEqual([]);
  });
});
