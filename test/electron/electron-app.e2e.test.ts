// The packaged-shape app in real Electron with Playwright's _electron: runs wherever the Electron
// binary is installed, and reports itself as SKIPPED here (the binary cannot be downloaded).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { _electron, type ElectronApplication, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keystore } from "../../src/core/keystore.node.ts";
import { newKeychainService } from "../harness/cli.ts";
import { repoRoot, startGateway, type Gateway } from "../harness/gateway.ts";

const require = createRequire(import.meta.url);

/**
 * The path `require("electron")` answers, if that file exists. Looked up without calling
 * require("electron") first when it is missing: that call would try to download the binary.
 */
function electronBinary(): string | null {
  try {
    const dir = dirname(require.resolve("electron/package.json"));
    const pathFile = join(dir, "path.txt");
    if (
      !process.env.ELECTRON_OVERRIDE_DIST_PATH &&
      (!existsSync(pathFile) || !existsSync(join(dir, "dist", readFileSync(pathFile, "utf8"))))
    )
      return null;
    const path = require("electron") as unknown;
    return typeof path === "string" && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electronPath = electronBinary();
const electronBinaryPresent = electronPath !== null;

describe.skipIf(!electronBinaryPresent)("OCMAP in Electron (needs the Electron binary)", () => {
  let g: Gateway;
  let app: ElectronApplication;
  let page: Page;
  const service = newKeychainService();

  beforeAll(async () => {
    g = await startGateway();
    app = await _electron.launch({
      executablePath: electronPath!,
      args: [repoRoot],
      cwd: repoRoot,
      env: { ...process.env, OCMAP_KEYCHAIN_SERVICE: service },
    });
    page = await app.firstWindow();
  });

  afterAll(async () => {
    await app?.close();
    await g?.dispose();
    await new Keystore({ service }).wipe().catch(() => undefined);
  });

  it("runs the renderer from the app's file without Node, with one frozen window.ocmap", async () => {
    const probe = await page.evaluate(() => {
      const w = globalThis as any;
      return {
        require: typeof w.require,
        process: typeof w.process,
        frozen: Object.isFrozen(w.ocmap),
        keys: Object.keys(w.ocmap).sort(),
      };
    });
    expect(probe).toEqual({
      require: "undefined",
      process: "undefined",
      frozen: true,
      keys: ["confirmLink", "forgetDevice", "getState", "onState", "retryNow", "submitCode"],
    });
    expect(page.url()).toMatch(/^file:\/\/.*\/dist\/renderer\/index\.html$/);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it("pairs through real Electron IPC and shows the connected screen", async () => {
    const c = await g.call("pairing.createCode", {});
    await page.getByLabel("Gateway address").fill(g.url);
    await page.getByLabel("Pairing code").pressSequentially(c.code.replace("-", ""));
    await page.getByRole("button", { name: "Pair", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Connected", exact: true }).waitFor({ timeout: 30_000 });
    const trust = await new Keystore({ service }).loadTrust();
    expect(await page.content()).not.toContain(trust!.deviceToken);
  });
});
