// A stand-in for the `electron` module (the real one cannot be imported in plain Node): records
// what the main process and the preload ask of Electron, so tests can drive and inspect it.
import { EventEmitter } from "node:events";
import { vi } from "vitest";

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame: FakeFrame = { url: "about:blank", parent: null, processId: 11, routingId: 1 };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly send = vi.fn();
  readonly reload = vi.fn();
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  destroyed = false;
  readonly loadURL = vi.fn(async (_url: string) => undefined);
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  constructor(readonly options: any) {
    super();
    FakeBrowserWindow.all.push(this);
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
}

class FakeApp extends EventEmitter {
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly quit = vi.fn();
  readonly setAsDefaultProtocolClient = vi.fn(() => true);
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly isReady = vi.fn(() => true);
  isPackaged = true;
  // Login items (macOS, Windows): what was set is what get answers.
  loginItem = { openAtLogin: false, wasOpenedAtLogin: false, args: [] as string[] };
  readonly setLoginItemSettings = vi.fn((settings: { openAtLogin?: boolean; args?: string[] }) => {
    this.loginItem = { ...this.loginItem, openAtLogin: settings.openAtLogin ?? false, args: settings.args ?? [] };
  });
  readonly getLoginItemSettings = vi.fn((_options?: { args?: string[] }) => ({ ...this.loginItem }));
  readonly getPath = vi.fn((_name: string) => "/nonexistent/ocmap-user-data");
}

/** A tray icon: its image (the path it was made from), tooltip, menu template, and click events. */
export class FakeTray extends EventEmitter {
  static readonly all: FakeTray[] = [];
  image: { path: string };
  tooltip = "";
  menu: { template: any[] } | null = null;
  destroyed = false;
  readonly setImage = vi.fn((image: { path: string }) => void (this.image = image));
  readonly setToolTip = vi.fn((text: string) => void (this.tooltip = text));
  readonly setContextMenu = vi.fn((menu: { template: any[] }) => void (this.menu = menu));
  readonly destroy = vi.fn(() => void (this.destroyed = true));
  constructor(image: { path: string }) {
    super();
    this.image = image;
    FakeTray.all.push(this);
  }
  isDestroyed() {
    return this.destroyed;
  }
}

/** An OS notification: `shown` lists every one shown; `supported` is what Notification.isSupported() says. */
export class FakeNotification extends EventEmitter {
  static readonly shown: FakeNotification[] = [];
  static supported = true;
  static isSupported() {
    return FakeNotification.supported;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show() {
    FakeNotification.shown.push(this);
  }
}

export function createStandIn() {
  const ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const rendererListeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    ipcHandlers,
    ipcMain: {
      handle: vi.fn(
        (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => void ipcHandlers.set(channel, fn),
      ),
    },
    protocol: { registerSchemesAsPrivileged: vi.fn() },
    session: {
      defaultSession: {
        protocol: { handle: vi.fn() },
        webRequest: { onHeadersReceived: vi.fn() },
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
      },
    },
    shell: { openExternal: vi.fn(async (_url: string) => undefined) },
    dialog: { showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 1, checkboxChecked: false })) },
    Menu: { buildFromTemplate: vi.fn((template: unknown[]) => ({ template })), setApplicationMenu: vi.fn() },
    contextBridge: { exposeInMainWorld: vi.fn() },
    Tray: FakeTray,
    Notification: FakeNotification,
    nativeImage: { createFromPath: vi.fn((path: string) => ({ path })) },
    rendererListeners,
    ipcRenderer: {
      invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => undefined),
      on: vi.fn((channel: string, fn: (...args: unknown[]) => void) => {
        if (!rendererListeners.has(channel)) rendererListeners.set(channel, new Set());
        rendererListeners.get(channel)!.add(fn);
      }),
      removeListener: vi.fn(
        (channel: string, fn: (...args: unknown[]) => void) => void rendererListeners.get(channel)?.delete(fn),
      ),
    },
  };
}

/** The one instance `vi.mock("electron", …)` hands out. */
export const electronStandIn = createStandIn();
