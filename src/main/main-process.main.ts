// The Electron main process: one instance, one hardened window, the ocmap:// protocol, the menu,
// and the IPC handlers of the Electron-free AppController.
import { app, BrowserWindow, dialog, Menu, session, type MessageBoxOptions } from "electron";
import { join, resolve } from "node:path";
import type { AppController } from "./app-controller.node.ts";
import { APP_INDEX_URL } from "./app-origin.std.ts";
import { registerAppScheme, serveAppScheme } from "./app-protocol.main.ts";
import { startBackground, type Background } from "./background.main.ts";
import { DEFAULT_SETTINGS, type SettingsStore } from "./desktop-settings.std.ts";
import { controlUiUrlsOf, DOCS_URL } from "./external-links.std.ts";
import { firstScreenOf } from "./first-screen.std.ts";
import { appSenderCheck, registerIpcHandlers, sendState } from "./ipc-main.main.ts";
import { openedAtLogin } from "./login-item.main.ts";
import { buildAppMenu, canForgetFromMenu, FORGET_ITEM_ID } from "./menu.main.ts";
import { linkFromArgv, PROTOCOL_SCHEME } from "./protocol-link.std.ts";
import { SMOKE_TEST_FLAG, SMOKE_TEST_TIMEOUT_MS, smokeTestBlocked, startSmokeTest } from "./smoke-test.main.ts";
import {
  createAppWindow,
  hardenWebContents,
  installSessionPolicy,
  openExternalIfAllowed,
  type AppPaths,
} from "./window.main.ts";

export interface MainProcessOptions {
  /** The directory of the built main.cjs (dist/main); preload and renderer sit beside it. */
  appDir: string;
  createController(): AppController;
  /** Loads the native modules (keytar) the way the app does; the smoke test checks they load. */
  loadNativeModules?: () => Promise<unknown>;
  smokeTestTimeoutMs?: number;
  /** The desktop settings file (settings-file.node.ts); kept in memory when absent. */
  settings?: SettingsStore;
}

function memorySettings(): SettingsStore {
  let settings = { ...DEFAULT_SETTINGS };
  return {
    get: () => ({ ...settings }),
    update: async (change) => void (settings = { ...settings, ...change }),
  };
}

export function appPaths(appDir: string): AppPaths {
  return { preload: join(appDir, "../preload/preload.cjs"), rendererDir: join(appDir, "../renderer") };
}

const FORGET_DIALOG: MessageBoxOptions = {
  type: "warning",
  buttons: ["Forget", "Cancel"],
  defaultId: 1,
  cancelId: 1,
  title: "Forget this device",
  message: "Forget this device?",
  detail:
    "OCMAP asks the gateway to revoke this device and deletes its credentials from this computer. " +
    "To use the gateway again you need a new pairing code.",
};

export function startMainProcess(options: MainProcessOptions): void {
  const smokeRun = process.argv.includes(SMOKE_TEST_FLAG);
  if (!app.requestSingleInstanceLock()) {
    // A smoke run that only woke the running instance has started nothing: it must not pass.
    if (smokeRun) smokeTestBlocked();
    else app.quit(); // the first instance gets our argv (and any link in it) through `second-instance`
    return;
  }
  const smoke = smokeRun
    ? startSmokeTest(
        options.loadNativeModules ?? (async () => undefined),
        options.smokeTestTimeoutMs ?? SMOKE_TEST_TIMEOUT_MS,
      )
    : null;
  if (!smoke) registerProtocolClient();
  registerAppScheme(); // before ready

  const controller = options.createController();
  const paths = appPaths(options.appDir);
  const settings = options.settings ?? memorySettings();
  let win: BrowserWindow | null = null;
  let menu: Menu | null = null;
  let background: Background | null = null;
  let quitting = false;

  // A second launch or a link brings the window back from wherever it is: minimized, hidden, behind others.
  const showWindow = () => {
    if (!app.isReady()) return;
    if (!win) return openWindow();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  const openWindow = () => {
    const newWindow = createAppWindow(
      paths,
      smoke
        ? (_win, failure) => smoke.fail(`${failure.description} (${failure.code}) loading ${failure.url}`)
        : undefined,
    );
    smoke?.watch(newWindow);
    win = newWindow;
    // The renderer also asks with get-state once it listens; revisions order the two.
    newWindow.webContents.on("did-finish-load", () => sendState(newWindow, controller.view()));
    newWindow.on("closed", () => {
      if (win === newWindow) win = null;
      if (!quitting) background?.windowClosed();
    });
  };
  const askForget = async (gatewayName?: string) => {
    const question = gatewayName
      ? { ...FORGET_DIALOG, title: `Forget ${gatewayName}`, message: `Forget this device on ${gatewayName}?` }
      : FORGET_DIALOG;
    const { response } = win ? await dialog.showMessageBox(win, question) : await dialog.showMessageBox(question);
    return response === 0;
  };
  const confirmForget = async () => {
    if (!canForgetFromMenu(controller.view())) return;
    if (await askForget()) await controller.handlers["ocmap:forget-device"]();
  };

  app.on("open-url", (event, url) => {
    event.preventDefault();
    controller.openLink(url);
    showWindow();
  });
  app.on("second-instance", (_event, argv) => {
    const link = linkFromArgv(argv);
    if (link) controller.openLink(link);
    showWindow();
  });
  app.on("web-contents-created", (_event, contents) =>
    hardenWebContents(contents, () => controlUiUrlsOf(controller.view())),
  );
  // The window closes, the app and its connections stay (in the tray); Quit in the tray menu quits.
  app.on("window-all-closed", () => {
    if (!background) app.quit();
  });
  app.on("before-quit", () => (quitting = true));
  app.on("activate", showWindow);
  app.on("will-quit", () => {
    background?.stop();
    controller.stop();
  });

  const firstLink = linkFromArgv(process.argv);
  if (firstLink) controller.openLink(firstLink);
  const getState = controller.handlers["ocmap:get-state"];
  registerIpcHandlers(
    smoke
      ? { ...controller.handlers, "ocmap:get-state": () => (smoke.rendererAsked(), getState()) }
      : controller.handlers,
    appSenderCheck(() => win, APP_INDEX_URL),
  );
  controller.subscribe((view) => {
    sendState(win, view);
    const forget = menu?.getMenuItemById(FORGET_ITEM_ID);
    if (forget) forget.enabled = canForgetFromMenu(view);
  });

  void app.whenReady().then(() => {
    installSessionPolicy(session.defaultSession);
    serveAppScheme(session.defaultSession, paths.rendererDir, { firstScreen: firstScreenOf(controller) });
    menu = buildAppMenu(
      {
        showSettings: () => {
          controller.requestSettings();
          showWindow();
        },
        forgetDevice: () => void confirmForget(),
        openDocs: () => openExternalIfAllowed(DOCS_URL),
      },
      process.platform,
      !app.isPackaged,
      canForgetFromMenu(controller.view()),
    );
    Menu.setApplicationMenu(menu);
    try {
      background = startBackground({
        controller,
        settings,
        iconDir: join(options.appDir, "tray"),
        showWindow,
        confirmForget: askForget,
      });
    } catch (err) {
      // Without a tray, closing the window quits as it used to: the app never runs unseen.
      console.error(`OCMAP: no tray icon (${(err as Error).message}); closing the window quits.`);
    }
    if (!background || smoke || !openedAtLogin(process.argv)) openWindow(); // at login: the tray only
    if (!smoke) controller.start(); // with stored trust the core reconnects by itself
  });
}

function registerProtocolClient(): void {
  // Unpackaged (`electron .`) the OS must start Electron with our app path in front of the link.
  if (process.defaultApp && process.argv[1])
    app.setAsDefaultProtocolClient(PROTOCOL_SCHEME, process.execPath, [resolve(process.argv[1])]);
  // Installed on Windows, the installer registers ocmap:// and the uninstaller removes it (assets/installer.nsh):
  // a registration at each start would leave a key behind for every user of a per-machine install.
  else if (process.platform !== "win32") app.setAsDefaultProtocolClient(PROTOCOL_SCHEME);
}
