// `--smoke-test`: the packaged app checks that it starts, then exits (the hosted workflow launches each OS's
// installed app this way). It passes (exit 0) once the window loaded app://ocmap/index.html through the app's
// own scheme, its renderer asked for the state through the preload and the IPC guard, and keytar, the one native
// module, loaded. It fails (exit 1) on a failed load, a gone renderer, a failed preload, or at the time limit.
// A smoke run never starts the core (no keychain, no network) and registers nothing with the OS.
import { app, type BrowserWindow } from "electron";
import { APP_INDEX_URL } from "./app-origin.std.ts";

export const SMOKE_TEST_FLAG = "--smoke-test";
export const SMOKE_TEST_TIMEOUT_MS = 60_000;

export interface SmokeTest {
  watch(win: BrowserWindow): void;
  /** The renderer's first get-state reached its handler (past the IPC guard). */
  rendererAsked(): void;
  fail(why: string): void;
}

/** Another OCMAP holds the single-instance lock: this run cannot start the app, so it fails. */
export function smokeTestBlocked(): void {
  console.error("OCMAP smoke test: failed: another OCMAP is running (quit it, then run the smoke test again)");
  app.exit(1);
}

export function startSmokeTest(loadNativeModules: () => Promise<unknown>, timeoutMs: number): SmokeTest {
  let loaded = false;
  let asked = false;
  let done = false;
  const finish = (code: 0 | 1, line: string) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (code === 0) console.log(`OCMAP smoke test: ${line}`);
    else console.error(`OCMAP smoke test: ${line}`);
    app.exit(code);
  };
  const timer = setTimeout(() => {
    const missing = [!loaded && `${APP_INDEX_URL} did not finish loading`, !asked && "the renderer never asked"];
    finish(1, `failed after ${timeoutMs} ms: ${missing.filter(Boolean).join("; ")}`);
  }, timeoutMs);
  const check = () => {
    if (!loaded || !asked || done) return;
    loadNativeModules().then(
      () => finish(0, `passed: the first screen loaded from ${APP_INDEX_URL}, the renderer is running, keytar loaded`),
      (err: unknown) => finish(1, `failed: keytar did not load: ${(err as Error)?.message ?? err}`),
    );
  };
  return {
    watch(win) {
      win.webContents.on("did-finish-load", () => {
        loaded = win.webContents.getURL() === APP_INDEX_URL;
        check();
      });
      win.webContents.on("render-process-gone", (_event, details) =>
        finish(1, `failed: the renderer is gone (${details.reason})`),
      );
      win.webContents.on("preload-error", (_event, preloadPath, error) =>
        finish(1, `failed: the preload ${preloadPath} failed: ${error.message}`),
      );
    },
    rendererAsked() {
      asked = true;
      check();
    },
    fail: (why) => finish(1, `failed: ${why}`),
  };
}
