// The app window and the rules every web contents lives under: sandboxed, isolated, no navigation,
// no new windows, no webviews, no permissions, and the CSP on every response.
import { BrowserWindow, shell, type BrowserWindowConstructorOptions, type Session, type WebContents } from "electron";
import { CONTENT_SECURITY_POLICY } from "./content-security-policy.std.ts";
import { allowedExternalUrl } from "./external-links.std.ts";

export interface AppPaths {
  preload: string;
  indexHtml: string;
}

export function appWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 760,
    height: 680,
    minWidth: 360,
    minHeight: 420,
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
    },
  };
}

export function createAppWindow(paths: AppPaths): BrowserWindow {
  const win = new BrowserWindow(appWindowOptions(paths.preload));
  win.once("ready-to-show", () => win.show());
  void win.loadFile(paths.indexHtml);
  return win;
}

/** Session-wide: the CSP header on every response, and every permission denied. */
export function installSessionPolicy(ses: Session): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, "Content-Security-Policy": [CONTENT_SECURITY_POLICY] } });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** For every web contents the app ever creates. */
export function hardenWebContents(contents: WebContents): void {
  contents.on("will-navigate", (event) => {
    event.preventDefault();
    openExternalIfAllowed(event.url);
  });
  contents.on("will-redirect", (event) => event.preventDefault());
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url);
    return { action: "deny" };
  });
}

export function openExternalIfAllowed(url: string): void {
  const allowed = allowedExternalUrl(url);
  if (allowed) shell.openExternal(allowed).catch(() => undefined);
}
