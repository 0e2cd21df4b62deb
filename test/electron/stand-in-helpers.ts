// Shared by the tests that drive the Electron glue through a STAND-IN for the `electron` module.
import { vi } from "vitest";
import { APP_INDEX_URL } from "../../src/main/app-origin.std.ts";
import {
  electronStandIn as electron,
  FakeBrowserWindow,
  FakeNotification,
  FakeTray,
  type FakeFrame,
} from "./electron-stand-in.ts";

/** What the app window's main frame reports once the renderer is loaded from its own origin. */
export const INDEX_URL = APP_INDEX_URL;

export function resetStandIn(): void {
  vi.clearAllMocks();
  electron.ipcHandlers.clear();
  electron.app.removeAllListeners();
  electron.app.restart();
  FakeBrowserWindow.all.length = 0;
  FakeTray.all.length = 0;
  FakeNotification.shown.length = 0;
  FakeNotification.supported = true;
  electron.app.loginItem = { openAtLogin: false, wasOpenedAtLogin: false, args: [] };
}

/** A window whose main frame shows the app's index page. */
export function appWindow(): FakeBrowserWindow {
  const win = new FakeBrowserWindow({});
  win.webContents.mainFrame.url = INDEX_URL;
  return win;
}

/** An IPC event from `win`'s main frame, with `frame` fields overridden (null: the frame is gone). */
export function event(win: FakeBrowserWindow, frame: Partial<FakeFrame> | null = {}, senderId = win.webContents.id) {
  return { sender: { id: senderId }, senderFrame: frame === null ? null : { ...win.webContents.mainFrame, ...frame } };
}

export async function refusal(pending: unknown): Promise<{ code: string; message: string }> {
  try {
    await pending;
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error("the request was not refused");
}
