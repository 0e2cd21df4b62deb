// The real app in real Electron (Playwright's _electron), against the real gateway and keychain:
// the app:// origin, pairing with a code, revoke → REVOKED, relaunch → reconnected without input,
// forget from the menu, and an ocmap:// link that waits for confirmation; after every step no
// secret in the DOM, in local storage or in any IPC message. It runs wherever an Electron binary
// can be had (see electron-binary.ts) and reports itself SKIPPED, with the reason, elsewhere.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keystore } from "../../src/core/keystore.node.ts";
import { newKeychainService } from "../harness/cli.ts";
import { gatewayInstalled, repoRoot, startGateway, type Gateway } from "../harness/gateway.ts";
import { launchApp, type RunningApp } from "./electron-app-driver.ts";
import { findDisplay, findElectronBinary } from "./electron-binary.ts";
import { secretScan } from "./secret-scan.ts";

const electron = findElectronBinary();
const display = electron.ok ? await findDisplay() : null;
const skipReason = !electron.ok ? electron.reason : !display?.ok ? display?.reason : null;
const noGateway = gatewayInstalled() ? null : "the test gateway (.gateway/, Linux only) is not installed";
for (const reason of [skipReason, noGateway])
  if (reason) process.stderr.write(`electron-app.e2e: SKIPPED: ${reason}\n`);
// CI sets this where it provides Electron, so a lost binary fails the run instead of skipping.
if (skipReason && process.env.OCMAP_REQUIRE_ELECTRON === "1")
  throw new Error(`Electron is required here: ${skipReason}`);
const withGateway = (name: string) => (noGateway ? `${name} (SKIPPED: ${noGateway})` : name);

const service = newKeychainService();
const keystore = new Keystore({ service });
const scan = secretScan(keystore);
let gateway: Gateway;
let run: RunningApp;

function env(): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const xvfb: Record<string, string> = display?.ok && display.display ? { DISPLAY: display.display } : {};
  // Unpackaged (`electron .`) the app honours OCMAP_KEYCHAIN_SERVICE; a packaged one ignores it.
  return { ...base, ...xvfb, OCMAP_KEYCHAIN_SERVICE: service, ELECTRON_ENABLE_LOGGING: "1" };
}

const heading = (name: string) => run.page.getByRole("heading", { level: 1, name, exact: true });

async function newCode() {
  // v2: createCode carries no bootstrap token (it travels sealed to the core); `scan` reads the keychain's secrets.
  return (await gateway.call("pairing.createCode", {})) as { code: string; codeId: string };
}

async function pairFromForm() {
  const issued = await newCode();
  await run.page.getByLabel("Gateway address").fill(gateway.url);
  await run.page.getByLabel("Pairing code").fill("");
  await run.page.getByLabel("Pairing code").pressSequentially(issued.code.replace("-", ""));
  await run.page.getByRole("button", { name: "Pair", exact: true }).click();
  await heading("Connected").waitFor({ timeout: 30_000 });
}

/** No secret in the DOM, local storage, any IPC message the main process saw, or get-state's answer. */
async function expectNoSecrets(step: string) {
  await scan.expectNoneIn(step, {
    "the DOM": await run.page.content(),
    localStorage: await run.page.evaluate(() => JSON.stringify({ ...(globalThis as any).localStorage })),
    "an IPC message": (await run.ipcLog()).join("\n"),
    "get-state's answer": await run.stateAnswer(),
  });
}

const submits = async () => (await run.ipcLog()).filter((m) => m.includes('"ocmap:submit-code"')).length;

describe.skipIf(skipReason !== null)(`OCMAP in real Electron${skipReason ? ` (SKIPPED: ${skipReason})` : ""}`, () => {
  beforeAll(async () => {
    if (!noGateway) gateway = await startGateway();
    run = await launchApp({ executablePath: (electron as { path: string }).path, env: env() });
  });

  afterAll(async () => {
    await run?.close().catch(() => undefined);
    await gateway?.dispose();
    await keystore.wipe().catch(() => undefined);
    if (display?.ok) display.stop();
  });

  it("loads the renderer from app://ocmap/, sandboxed, and the sender check accepts Electron's own frame URL", async () => {
    await run.page.locator('[data-screen="form"]').waitFor({ timeout: 30_000 });
    expect(run.page.url()).toBe("app://ocmap/index.html");
    const probe = await run.page.evaluate(() => {
      const rendererGlobal = globalThis as any;
      const keys = Object.keys(rendererGlobal.ocmap).sort();
      return {
        require: typeof rendererGlobal.require,
        process: typeof rendererGlobal.process,
        frozen: Object.isFrozen(rendererGlobal.ocmap),
        keys,
      };
    });
    expect(probe).toEqual({
      require: "undefined",
      process: "undefined",
      frozen: true,
      keys: ["cancelPairing", "confirmLink", "forgetDevice", "getState", "onState", "retryNow", "submitCode"],
    });
    // get-state answered: the guard's exact-origin check matched what Electron reports for the frame.
    expect(JSON.parse(await run.stateAnswer()).core.state).toBe("UNPAIRED");
    const main = await run.app.evaluate(async ({ BrowserWindow, net }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents;
      const index = await net.fetch("app://ocmap/index.html");
      const escape = await net.fetch("app://ocmap/%2e%2e/main/main.cjs");
      return {
        windows: BrowserWindow.getAllWindows().length,
        frameUrl: contents.mainFrame.url,
        origin: contents.mainFrame.origin,
        csp: index.headers.get("content-security-policy"),
        escapeStatus: escape.status,
      };
    });
    expect(main).toMatchObject({
      windows: 1,
      frameUrl: "app://ocmap/index.html",
      origin: "app://ocmap",
      escapeStatus: 404,
    });
    expect(main.csp).toMatch(/^default-src 'none'/);
  });

  it.skipIf(noGateway !== null)(
    withGateway("pairs with a code through real Electron IPC: PAIRED_CONNECTED"),
    async () => {
      await pairFromForm();
      expect(await submits(), "the recorder saw the renderer's request").toBeGreaterThan(0);
      await expectNoSecrets("paired");
    },
  );

  it.skipIf(noGateway !== null)(withGateway("shows REVOKED when the gateway revokes the device"), async () => {
    const identity = await keystore.loadIdentity();
    await gateway.call("pairing.revokeDevice", { deviceId: identity!.deviceId });
    await heading("This device was revoked").waitFor({ timeout: 30_000 });
    expect(await keystore.loadTrust(), "the keychain entry is wiped").toBeNull();
    await expectNoSecrets("revoked");
  });

  it.skipIf(noGateway !== null)(withGateway("after a relaunch reconnects by itself, without input"), async () => {
    await run.page.getByRole("button", { name: "Pair again" }).click();
    await pairFromForm();
    await run.close();
    run = await launchApp({ executablePath: (electron as { path: string }).path, env: env() });
    await heading("Connected").waitFor({ timeout: 30_000 });
    expect(await submits(), "no code was submitted in the new process").toBe(0);
    await expectNoSecrets("relaunched");
  });

  it.skipIf(noGateway !== null)(
    withGateway("forgets the device from the menu: removed here and on the gateway"),
    async () => {
      const { deviceId } = (await keystore.loadIdentity())!;
      // The native confirmation cannot be clicked by Playwright: answer it with "Forget".
      await run.app.evaluate(({ dialog, Menu }) => {
        (dialog as any).showMessageBox = async () => ({ response: 0, checkboxChecked: false });
        Menu.getApplicationMenu()!.getMenuItemById("forget-device")!.click();
      });
      await heading("Pair with your gateway").waitFor({ timeout: 30_000 });
      const list = await gateway.call("pairing.list", {});
      expect(list.devices.find((d: any) => d.deviceId === deviceId)).toMatchObject({ revokedBy: "self" });
      expect(await keystore.loadTrust()).toBeNull();
      await expectNoSecrets("forgotten");
    },
  );

  it.skipIf(noGateway !== null)(
    withGateway("an ocmap:// link from a second launch asks for confirmation and pairs only after Pair"),
    async () => {
      const issued = await newCode();
      const link = `ocmap://pair?gateway=${encodeURIComponent(gateway.url)}&code=${issued.code}`;
      // As the OS does: start the app again with the link; the second instance hands it over and quits.
      const rootOnly = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
      const second = spawn((electron as { path: string }).path, [...rootOnly, repoRoot, link], { env: env() });
      const exitCode = await new Promise<number | null>((resolve) => second.once("exit", resolve));
      expect(exitCode).toBe(0);
      await heading(`Pair with 127.0.0.1:${gateway.port}?`).waitFor({ timeout: 30_000 });
      const code = (await gateway.call("pairing.list", {})).codes.find((x: any) => x.codeId === issued.codeId);
      expect(code.status, "nothing was redeemed before the user confirmed").toBe("active");
      await run.page.getByRole("button", { name: "Pair", exact: true }).click();
      await heading("Connected").waitFor({ timeout: 30_000 });
      await expectNoSecrets("paired from a link");
    },
  );
});
