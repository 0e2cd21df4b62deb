// Electron's side of the IPC contract (after GitHub Desktop's ipc-main.ts): every handler is
// registered through handle(), which checks the sender and the arguments before it runs.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from "electron";
import {
  REQUEST_CHANNELS,
  STATE_EVENT,
  type AppView,
  type RequestArgs,
  type RequestChannel,
  type RequestHandlers,
  type RequestResult,
} from "../ipc/ipc-contract.std.ts";
import { checkedCall, isAppSender } from "./ipc-guard.std.ts";

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export function handle<C extends RequestChannel>(
  channel: C,
  isTrustedSender: SenderCheck,
  handler: (...args: RequestArgs<C>) => RequestResult<C> | Promise<RequestResult<C>>,
): void {
  ipcMain.handle(channel, (event, ...args: unknown[]) => checkedCall(channel, isTrustedSender(event), args, handler));
}

/** Trusts only the main frame of the current app window, showing `indexUrl`. */
export function appSenderCheck(getWindow: () => BrowserWindow | null, indexUrl: string): SenderCheck {
  return (event) => {
    const win = getWindow();
    if (!win || win.isDestroyed()) return false;
    return isAppSender(event, { webContentsId: win.webContents.id, mainFrame: win.webContents.mainFrame, indexUrl });
  };
}

export function registerIpcHandlers(handlers: RequestHandlers, isTrustedSender: SenderCheck): void {
  const register = <C extends RequestChannel>(channel: C) => handle(channel, isTrustedSender, handlers[channel]);
  for (const channel of REQUEST_CHANNELS) register(channel);
}

export function sendState(win: BrowserWindow | null, view: AppView): void {
  if (win && !win.isDestroyed()) win.webContents.send(STATE_EVENT, view);
}
