// The one IPC contract between the main process, the preload and the renderer (after GitHub
// Desktop's ipc-shared.ts): every channel, its argument shape, its result, and the only data that
// crosses. Nothing here may carry a token or a key: AppView is built from CoreView, which cannot.
import type { CoreActivity, CoreState, CoreView } from "../core/core-view.std.ts";

export interface PendingLink {
  host: string;
  gatewayUrl: string;
  code: string;
  insecure: boolean;
}

/** One line of the gateway list: its local name, address, identity fingerprint and state. */
export interface GatewayItem {
  id: string;
  name: string;
  url: string;
  host: string;
  fingerprint: string | null;
  state: CoreState;
  activity: CoreActivity;
  /** Its status sentence. */
  reason: string;
  /** The gateway `core` shows. */
  selected: boolean;
}

/** Everything the renderer is ever told. */
export interface AppView {
  /** The gateway shown (picked in the list), or the pairing of a new one ("Add a gateway"). */
  core: CoreView;
  /** Every gateway this device is paired with. */
  gateways: GatewayItem[];
  /** An ocmap:// link waiting for the user to confirm its gateway host. */
  pendingLink: PendingLink | null;
  /** Why the last ocmap:// link was refused, as a sentence for the user. */
  linkError: string | null;
  /** Bumps each time the menu's Settings is chosen. */
  settingsRequest: number;
  /** Bumps with every update, so the renderer can drop a snapshot older than one it has. */
  revision: number;
}

export interface SubmitCodeRequest {
  gatewayUrl: string;
  code: string;
}

export interface ConfirmLinkRequest {
  accept: boolean;
}

export interface GatewayRequest {
  id: string;
}

export interface AddGatewayRequest {
  open: boolean;
}

export interface RenameGatewayRequest {
  id: string;
  name: string;
}

export type RenameResult = { ok: true } | { ok: false; code: string; message: string };

/** The desktop app's own switches (Settings): open at login, and each kind of OS notification. */
export const SETTING_KEYS = [
  "openAtLogin",
  "notifyRevoked",
  "notifyIdentityChanged",
  "notifyLongDisconnect",
  "notifyNewDevice",
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
export type SettingsView = Record<SettingKey, boolean>;

export interface SetSettingRequest {
  key: SettingKey;
  value: boolean;
}

/** `ok: false`: the change did not happen (say, the login item could not be written); `settings` is what holds. */
export type SettingResult =
  { ok: true; settings: SettingsView } | { ok: false; message: string; settings: SettingsView };

/** Renderer → main, invoke/handle. */
export interface RequestChannels {
  "ocmap:get-state": () => AppView;
  "ocmap:submit-code": (request: SubmitCodeRequest) => void;
  /** Accept pairs with the pending link; decline drops it (and any link error). */
  "ocmap:confirm-link": (request: ConfirmLinkRequest) => void;
  "ocmap:retry-now": () => void;
  /** Forgets the gateway shown. */
  "ocmap:forget-device": () => void;
  /** Stops a pairing in progress (a wait for the gateway operator's approval, for one). */
  "ocmap:cancel-pairing": () => void;
  "ocmap:select-gateway": (request: GatewayRequest) => void;
  /** Opens (or closes) the pairing form for another gateway. */
  "ocmap:add-gateway": (request: AddGatewayRequest) => void;
  /** A local name only this computer sees. */
  "ocmap:rename-gateway": (request: RenameGatewayRequest) => RenameResult;
  "ocmap:forget-gateway": (request: GatewayRequest) => void;
  /** Null where this app has no desktop settings (a window without a tray, in tests). */
  "ocmap:get-settings": () => SettingsView | null;
  "ocmap:set-setting": (request: SetSettingRequest) => SettingResult;
}

/** Main → renderer, send/on. */
export interface EventChannels {
  "ocmap:state": (view: AppView) => void;
}

export type RequestChannel = keyof RequestChannels;
export type EventChannel = keyof EventChannels;
export type RequestArgs<C extends RequestChannel> = Parameters<RequestChannels[C]>;
export type RequestResult<C extends RequestChannel> = ReturnType<RequestChannels[C]>;
export type RequestHandlers = {
  [C in RequestChannel]: (...args: RequestArgs<C>) => RequestResult<C> | Promise<RequestResult<C>>;
};

export const STATE_EVENT = "ocmap:state" satisfies EventChannel;

export const MAX_GATEWAY_URL_CHARS = 2048;
/** A gateway's own setup code (a few hundred characters of base64url) travels in the code field too. */
export const MAX_CODE_CHARS = 4096;
export const MAX_GATEWAY_ID_CHARS = 64;
export const MAX_GATEWAY_NAME_CHARS = 256;

type Check<T> = (value: unknown) => value is T;

const boundedString =
  (min: number, max: number): Check<string> =>
  (v): v is string =>
    typeof v === "string" && v.length >= min && v.length <= max;

const isBoolean: Check<boolean> = (v): v is boolean => typeof v === "boolean";

const isSettingKey: Check<SettingKey> = (v): v is SettingKey =>
  typeof v === "string" && (SETTING_KEYS as readonly string[]).includes(v);

/** A plain object with exactly these keys, each passing its check. */
function closedObject<T extends object>(fields: { [K in keyof T]: Check<T[K]> }): Check<T> {
  const keys = Object.keys(fields);
  return (value): value is T => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    const own = Reflect.ownKeys(value);
    if (own.length !== keys.length || !own.every((k) => typeof k === "string" && keys.includes(k))) return false;
    return keys.every((k) => (fields as Record<string, Check<unknown>>)[k]!((value as Record<string, unknown>)[k]));
  };
}

const noArgs = (args: readonly unknown[]): args is [] => args.length === 0;
const oneArg =
  <T>(check: Check<T>) =>
  (args: readonly unknown[]): args is [T] =>
    args.length === 1 && check(args[0]);

export const REQUEST_VALIDATORS: { [C in RequestChannel]: (args: readonly unknown[]) => args is RequestArgs<C> } = {
  "ocmap:get-state": noArgs,
  "ocmap:submit-code": oneArg(
    closedObject<SubmitCodeRequest>({
      gatewayUrl: boundedString(1, MAX_GATEWAY_URL_CHARS),
      code: boundedString(1, MAX_CODE_CHARS),
    }),
  ),
  "ocmap:confirm-link": oneArg(closedObject<ConfirmLinkRequest>({ accept: isBoolean })),
  "ocmap:retry-now": noArgs,
  "ocmap:forget-device": noArgs,
  "ocmap:cancel-pairing": noArgs,
  "ocmap:select-gateway": oneArg(closedObject<GatewayRequest>({ id: boundedString(1, MAX_GATEWAY_ID_CHARS) })),
  "ocmap:add-gateway": oneArg(closedObject<AddGatewayRequest>({ open: isBoolean })),
  "ocmap:rename-gateway": oneArg(
    closedObject<RenameGatewayRequest>({
      id: boundedString(1, MAX_GATEWAY_ID_CHARS),
      name: boundedString(0, MAX_GATEWAY_NAME_CHARS),
    }),
  ),
  "ocmap:forget-gateway": oneArg(closedObject<GatewayRequest>({ id: boundedString(1, MAX_GATEWAY_ID_CHARS) })),
  "ocmap:get-settings": noArgs,
  "ocmap:set-setting": oneArg(closedObject<SetSettingRequest>({ key: isSettingKey, value: isBoolean })),
};

export const REQUEST_CHANNELS = Object.keys(REQUEST_VALIDATORS) as RequestChannel[];

export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === "string" && Object.hasOwn(REQUEST_VALIDATORS, channel);
}

export type IpcErrorCode = "IPC_FORBIDDEN" | "IPC_INVALID_ARGS";

/** What a refused request throws. Its message names the channel, never the arguments. */
export class IpcError extends Error {
  override readonly name = "IpcError";
  constructor(
    readonly code: IpcErrorCode,
    channel: string,
  ) {
    super(
      code === "IPC_FORBIDDEN"
        ? `IPC_FORBIDDEN: ${channel} is only answered for the OCMAP window.`
        : `IPC_INVALID_ARGS: invalid arguments for ${channel}.`,
    );
  }
}

/** `window.ocmap`, as the preload exposes it. */
export interface OcmapApi {
  getState(): Promise<AppView>;
  /** Returns a function that unsubscribes. */
  onState(listener: (view: AppView) => void): () => void;
  submitCode(gatewayUrl: string, code: string): Promise<void>;
  confirmLink(accept: boolean): Promise<void>;
  retryNow(): Promise<void>;
  forgetDevice(): Promise<void>;
  cancelPairing(): Promise<void>;
  selectGateway(id: string): Promise<void>;
  addGateway(open: boolean): Promise<void>;
  renameGateway(id: string, name: string): Promise<RenameResult>;
  forgetGateway(id: string): Promise<void>;
  getSettings(): Promise<SettingsView | null>;
  setSetting(key: SettingKey, value: boolean): Promise<SettingResult>;
}

export interface OcmapTransport {
  invoke(channel: RequestChannel, args: unknown[]): Promise<unknown>;
  /** Subscribes to the state event; returns a function that unsubscribes. */
  listen(listener: (view: AppView) => void): () => void;
}

/**
 * Builds the frozen `window.ocmap` object over a transport (ipcRenderer in the preload, a
 * Playwright binding in the Chromium test). Self-contained on purpose: the Chromium test injects
 * this function's source into the page, so it may use only its parameter and JS built-ins.
 *
 * It asks for the state at once (the preload runs before the page's scripts load, so the answer is
 * usually there before the renderer asks) and listens from the same moment, so getState() always
 * answers the newest view it knows: no update between the two is lost.
 */
export function createOcmapApi(transport: OcmapTransport): OcmapApi {
  // Electron wraps a handler's error as "Error invoking remote method '…': IpcError: IPC_…".
  const call = <T = void>(channel: RequestChannel, args: unknown[]): Promise<T> =>
    transport.invoke(channel, args).then(
      (result) => result as T,
      (err: unknown) => {
        const text = String((err as { message?: unknown } | null)?.message ?? err);
        const code = /IPC_(FORBIDDEN|INVALID_ARGS)/.exec(text);
        throw new Error(code ? `${code[0]}: the request was refused.` : "The OCMAP main process did not answer.");
      },
    );
  let latest: AppView | null = null;
  transport.listen((view) => {
    if (!latest || view.revision > latest.revision) latest = view;
  });
  const ask = () => call<AppView>("ocmap:get-state", []);
  let early: Promise<AppView> | null = ask();
  early.catch(() => undefined);
  const newest = (view: AppView) => (latest && view && latest.revision > view.revision ? latest : view);
  return Object.freeze({
    getState: () => {
      // The early request is only a head start: if it failed, ask again now.
      const answer = early ? early.catch(ask) : ask();
      early = null;
      return answer.then(newest);
    },
    onState: (listener: (view: AppView) => void) => {
      if (typeof listener !== "function") throw new TypeError("onState needs a function");
      return transport.listen((view) => listener(view));
    },
    submitCode: (gatewayUrl: string, code: string) => call("ocmap:submit-code", [{ gatewayUrl, code }]),
    confirmLink: (accept: boolean) => call("ocmap:confirm-link", [{ accept }]),
    retryNow: () => call("ocmap:retry-now", []),
    forgetDevice: () => call("ocmap:forget-device", []),
    cancelPairing: () => call("ocmap:cancel-pairing", []),
    selectGateway: (id: string) => call("ocmap:select-gateway", [{ id }]),
    addGateway: (open: boolean) => call("ocmap:add-gateway", [{ open }]),
    renameGateway: (id: string, name: string) => call<RenameResult>("ocmap:rename-gateway", [{ id, name }]),
    forgetGateway: (id: string) => call("ocmap:forget-gateway", [{ id }]),
    getSettings: () => call<SettingsView | null>("ocmap:get-settings", []),
    setSetting: (key: SettingKey, value: boolean) => call<SettingResult>("ocmap:set-setting", [{ key, value }]),
  });
}
