// The checks every IPC request passes before its handler runs: who sent it, and what it carries.
// Electron-free, so the Electron glue (ipc-main.main.ts) and the Chromium test share them.
import { IpcError, REQUEST_VALIDATORS, type RequestArgs, type RequestChannel } from "../ipc/ipc-contract.std.ts";

/** The parts of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
  readonly processId: number;
  readonly routingId: number;
}

export interface SenderLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

export interface AppWindowFrame {
  webContentsId: number;
  mainFrame: FrameLike;
  /** The app's own document, app://ocmap/index.html (APP_INDEX_URL). */
  indexUrl: string;
}

/** True only for the app window's own top frame, showing the app's own index page. */
export function isAppSender(event: SenderLike, app: AppWindowFrame | null): boolean {
  if (!app) return false;
  let frame: FrameLike | null;
  try {
    frame = event.senderFrame; // Electron may throw or answer null once the frame navigated away
  } catch {
    return false;
  }
  return (
    event.sender.id === app.webContentsId &&
    frame !== null &&
    frame.parent === null &&
    frame.processId === app.mainFrame.processId &&
    frame.routingId === app.mainFrame.routingId &&
    isAppDocumentUrl(frame.url, app.indexUrl)
  );
}

/**
 * Exactly the app's document, as Chromium reports it, apart from a fragment (the renderer's own
 * business). Compared as strings, not re-parsed: the app's origin is one spelling, and anything
 * else (another case, a port, user info, a query, another path) is not the app.
 */
export function isAppDocumentUrl(url: string, indexUrl: string): boolean {
  return url === indexUrl || url.startsWith(`${indexUrl}#`);
}

/** Runs `handler` only for a trusted sender and valid arguments; otherwise throws an IpcError. */
export async function checkedCall<C extends RequestChannel>(
  channel: C,
  trusted: boolean,
  args: readonly unknown[],
  handler: (...args: RequestArgs<C>) => unknown,
): Promise<unknown> {
  if (!trusted) throw new IpcError("IPC_FORBIDDEN", channel);
  const valid = REQUEST_VALIDATORS[channel] as (a: readonly unknown[]) => a is RequestArgs<C>;
  if (!valid(args)) throw new IpcError("IPC_INVALID_ARGS", channel);
  return handler(...args);
}
