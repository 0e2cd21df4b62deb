// The app window and the rules every web contents lives under: sandboxed, isolated, no navigation,
// no new windows, no webviews, no permissions, and the CSP on every response.
import {
  app,
  BrowserWindow,
  dialog,
  shell,
  type BrowserWindowConstructorOptions,
  type Session,
  type WebContents,
} from "electron";
import { APP_INDEX_URL } from "./app-origin.std.ts";
import { CONTENT_SECURITY_POLICY } from "./content-security-policy.std.ts";
import { allowedExternalUrl } from "./external-links.std.ts";
import {
  isLoadFailure,
  loadFailedMessage,
  loadFailureOf,
  onRendererGone,
  PRELOAD_FAILED_MESSAGE,
  RENDERER_GONE_MESSAGE,
  type LoadFailure,
} from "./renderer-recovery.std.ts";
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE } from "./window-size.std.ts";

export interface AppPaths {
  preload: string;
  /** The built renderer folder, served as app://ocmap/. */
  rendererDir: string;
}

export function appWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    ...DEFAULT_WINDOW_SIZE,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: "OCMAP",
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false, // no dictionary downloads
    },
  };
}

/** What to do when the page does not load; by default the user is asked (try again or quit). */
export type LoadFailedHandler = (win: BrowserWindow, failure: LoadFailure, retry: () => void) => void;

export function createAppWindow(paths: AppPaths, onLoadFailed: LoadFailedHandler = askToRetry): BrowserWindow {
  const win = new BrowserWindow(appWindowOptions(paths.preload));
  win.once("ready-to-show", () => win.show());
  watchRenderer(win);
  // One failure shows up twice (did-fail-load, then loadURL's rejection): reported once per load.
  let reported = false;
  const failed = (failure: LoadFailure) => {
    if (reported || win.isDestroyed()) return;
    reported = true;
    console.error(`OCMAP: the window could not load ${failure.url}: ${failure.description} (${failure.code})`);
    onLoadFailed(win, failure, load);
  };
  function load() {
    reported = false;
    win.loadURL(APP_INDEX_URL).catch((err: unknown) => {
      const failure = loadFailureOf(err, APP_INDEX_URL);
      if (isLoadFailure(failure.code, true)) failed(failure);
    });
  }
  win.webContents.on("did-fail-load", (_event, code, description, url, isMainFrame) => {
    if (isLoadFailure(code, isMainFrame)) failed({ code, description, url: url || APP_INDEX_URL });
  });
  load();
  return win;
}

/** Never a blank window: it is shown with a native dialog that offers to try again or quit. */
const askToRetry: LoadFailedHandler = (win, failure, retry) => {
  win.show();
  const text = loadFailedMessage(failure);
  void dialog.showMessageBox(win, { type: "error", ...text }).then(({ response }) => {
    if (response === 1) app.quit();
    else if (!win.isDestroyed()) retry();
  });
};

/** A crashed renderer is reloaded (a few times), a failed preload is reported: never a blank window. */
function watchRenderer(win: BrowserWindow): void {
  const reloads: number[] = [];
  const ask = async (text: typeof RENDERER_GONE_MESSAGE | typeof PRELOAD_FAILED_MESSAGE) => {
    if (win.isDestroyed()) return;
    win.show();
    const { response } = await dialog.showMessageBox(win, { type: "error", ...text, buttons: [...text.buttons] });
    if (response === 1) app.quit();
    else if (!win.isDestroyed()) win.webContents.reload();
  };
  win.webContents.on("render-process-gone", (_event, details) => {
    const action = onRendererGone(details.reason, reloads, Date.now());
    if (action === "reload") {
      reloads.push(Date.now());
      win.webContents.reload();
    } else if (action === "tell-user") void ask(RENDERER_GONE_MESSAGE);
  });
  win.webContents.on("preload-error", (_event, preloadPath, error) => {
    console.error(`OCMAP: the preload ${preloadPath} failed: ${error.message}`);
    void ask(PRELOAD_FAILED_MESSAGE);
  });
}

/** Session-wide: the CSP header on every response, and every permission denied. */
export function installSessionPolicy(ses: Session): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, "Content-Security-Policy": [CONTENT_SECURITY_POLICY] } });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** For every web contents the app ever creates; `controlUiUrls`: the paired gateways' Control UIs, now. */
export function hardenWebContents(contents: WebContents, controlUiUrls: () => string[] = () => []): void {
  contents.on("will-navigate", (event) => {
    event.preventDefault();
    openExternalIfAllowed(event.url, controlUiUrls());
  });
  contents.on("will-redirect", (event) => event.preventDefault());
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url, controlUiUrls());
    return { action: "deny" };
  });
}

export function openExternalIfAllowed(url: string, controlUiUrls: readonly string[] = []): void {
  const allowed = allowedExternalUrl(url, controlUiUrls);
  if (allowed) shell.openExternal(allowed).catch(() => undefined);
}
