// A stand-in for the `electron` module (the real one cannot be imported in plain Node): records
// what the main process and the preload ask of Electron, so tests can drive and inspect it. Where tests rely on
// it, it behaves as Electron 45 does: a second ipcMain.handle for a channel throws, Menu.buildFromTemplate
// checks its template and roles, and the app becomes ready later (whenReady resolves on a later turn).
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
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
  readonly getURL = vi.fn(() => this.mainFrame.url);
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  destroyed = false;
  /** What loadURL returns (Electron's: resolves once the page loaded, rejects when the load failed). */
  static readonly loadOutcome = vi.fn(async (_url: string): Promise<void> => undefined);
  readonly loadURL = vi.fn((url: string) => FakeBrowserWindow.loadOutcome(url));
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  readonly isMinimized = vi.fn(() => false);
  constructor(readonly options: any) {
    super();
    FakeBrowserWindow.all.push(this);
  }
  isDestroyed() {
    return this.destroyed;
  }
}

/** Electron's app is ready some time after the main script ran: `ready` comes on a later turn of the loop. */
class FakeApp extends EventEmitter {
  private ready = false;
  private readyPromise = Promise.resolve();
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly setAsDefaultProtocolClient = vi.fn(() => true);
  readonly whenReady = vi.fn(() => this.readyPromise);
  readonly isReady = vi.fn(() => this.ready);
  isPackaged = true;
  // Login items (macOS, Windows): what was set is what get answers.
  loginItem = { openAtLogin: false, wasOpenedAtLogin: false, args: [] as string[] };
  readonly setLoginItemSettings = vi.fn((settings: { openAtLogin?: boolean; args?: string[] }) => {
    this.loginItem = { ...this.loginItem, openAtLogin: settings.openAtLogin ?? false, args: settings.args ?? [] };
  });
  readonly getLoginItemSettings = vi.fn((_options?: { args?: string[] }) => ({ ...this.loginItem }));
  readonly getPath = vi.fn((_name: string) => "/nonexistent/ocmap-user-data");
  constructor() {
    super();
    this.restart();
  }
  /** A fresh, not yet ready app (each test's). */
  restart() {
    this.ready = false;
    this.readyPromise = new Promise<void>((resolve) =>
      setImmediate(() => {
        this.ready = true;
        resolve();
      }),
    );
  }
}

// Electron 45's menu roles, from its own declarations (MenuItemConstructorOptions.role), compared lower-cased
// as Electron does.
function electronMenuRoles(): Set<string> {
  const declarations = readFileSync(createRequire(import.meta.url).resolve("electron/electron.d.ts"), "utf8");
  const options = declarations.slice(declarations.indexOf("interface MenuItemConstructorOptions"));
  const union = /\brole\?: \(([^)]*)\)/.exec(options)![1]!;
  return new Set([...union.matchAll(/'([^']+)'/g)].map((match) => match[1]!.toLowerCase()));
}
const MENU_ROLES = electronMenuRoles();
const MENU_ITEM_TYPES = ["normal", "separator", "submenu", "checkbox", "radio", "header", "palette"];
const ROLES_WITH_SUBMENU = ["appmenu", "filemenu", "editmenu", "viewmenu", "windowmenu", "sharemenu"];

export class FakeMenu {
  readonly items: FakeMenuItem[] = [];
  /** The template it was built from. */
  constructor(readonly template: unknown[] = []) {}
  getMenuItemById(id: string): FakeMenuItem | null {
    for (const item of this.items) {
      const found = item.id === id ? item : (item.submenu?.getMenuItemById(id) ?? null);
      if (found) return found;
    }
    return null;
  }
}

export class FakeMenuItem {
  readonly id: string | undefined;
  readonly label: string;
  readonly role: string | undefined;
  readonly type: string;
  readonly submenu: FakeMenu | null;
  enabled: boolean;
  visible: boolean;
  private readonly onClick: ((item: FakeMenuItem) => void) | undefined;
  constructor(options: any) {
    this.id = options.id;
    this.label = options.label ?? "";
    this.role = typeof options.role === "string" ? options.role.toLowerCase() : undefined;
    // Stricter than Electron, which gives an unknown role an empty label and no action: a typo fails here.
    if (this.role !== undefined && !MENU_ROLES.has(this.role))
      throw new Error(`Unknown menu item role: ${options.role} (not one of Electron's roles)`);
    this.submenu = options.submenu
      ? options.submenu instanceof FakeMenu
        ? options.submenu
        : buildMenuFromTemplate(options.submenu)
      : ROLES_WITH_SUBMENU.includes(this.role ?? "")
        ? new FakeMenu()
        : null;
    this.type = options.type ?? (this.submenu ? "submenu" : "normal");
    if (this.type === "submenu" && !this.submenu) throw new Error("Invalid submenu");
    if (!MENU_ITEM_TYPES.includes(this.type)) throw new Error(`Unknown menu item type: ${this.type}`);
    this.enabled = options.enabled ?? true;
    this.visible = options.visible ?? true;
    this.onClick = options.click;
  }
  click() {
    this.onClick?.(this);
  }
}

/** Menu.buildFromTemplate's checks, with Electron's messages. */
function buildMenuFromTemplate(template: unknown): FakeMenu {
  if (!Array.isArray(template)) throw new TypeError("Invalid template for Menu: Menu template must be an array");
  const valid = (item: any) =>
    item != null &&
    typeof item === "object" &&
    (Object.hasOwn(item, "label") || Object.hasOwn(item, "role") || item.type === "separator");
  if (!template.every(valid))
    throw new TypeError("Invalid template for MenuItem: must have at least one of label, role or type");
  const menu = new FakeMenu(template);
  for (const options of template) menu.items.push(new FakeMenuItem(options));
  return menu;
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
  let applicationMenu: FakeMenu | null = null;
  const rendererListeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    ipcHandlers,
    ipcMain: {
      // Electron's ipc-main-impl: one handler per channel.
      handle: vi.fn((channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => {
        if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        if (typeof fn !== "function")
          throw new Error(`Expected handler to be a function, but found type '${typeof fn}'`);
        ipcHandlers.set(channel, fn);
      }),
      removeHandler: vi.fn((channel: string) => void ipcHandlers.delete(channel)),
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
    Menu: {
      buildFromTemplate: vi.fn((template: unknown[]) => buildMenuFromTemplate(template)),
      setApplicationMenu: vi.fn((menu: FakeMenu | null) => {
        if (menu && !(menu instanceof FakeMenu)) throw new TypeError("Invalid menu");
        applicationMenu = menu;
      }),
      getApplicationMenu: vi.fn(() => applicationMenu),
    },
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
