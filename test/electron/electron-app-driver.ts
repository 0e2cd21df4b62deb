// Launches the built app (`electron .`, as `npm start` does) with Playwright's _electron and records
// every IPC message the main process sends or receives, for the end-to-end test's secret scan.
import { _electron, type ElectronApplication, type Page } from "playwright-core";
import { repoRoot } from "../harness/gateway.ts";

export interface RunningApp {
  app: ElectronApplication;
  page: Page;
  /** Every IPC message seen in the main process so far, as JSON (both directions). */
  ipcLog(): Promise<string[]>;
  /** What `window.ocmap.getState()` answers now (the payload of the invoke result). */
  stateAnswer(): Promise<string>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  executablePath: string;
  env: Record<string, string>;
  /** Extra command-line arguments after the app path (an ocmap:// link, say). */
  args?: string[];
}

/**
 * Runs in Electron's main process. `webContents.send` is the only way main talks to the renderer
 * in this app. Requests arrive as the internal `-ipc-invoke` event that ipcMain.handle's dispatch
 * listens to: on the session in recent Electron (event, channel, args), on the web contents in
 * older ones (event, internal, channel, args); both are recorded (a duplicate does no harm here).
 */
function recordIpc({ BrowserWindow }: typeof import("electron")) {
  const electronGlobal = globalThis as any;
  electronGlobal.__ocmapIpcLog ??= [];
  const record = (to: string, channel: unknown, args: unknown) =>
    electronGlobal.__ocmapIpcLog.push(JSON.stringify({ to, channel, args }));
  for (const win of BrowserWindow.getAllWindows()) {
    const contents = win.webContents as any;
    if (contents.__ocmapRecorded) continue;
    contents.__ocmapRecorded = true;
    const send = contents.send.bind(contents);
    contents.send = (channel: string, ...args: unknown[]) => {
      record("renderer", channel, args);
      return send(channel, ...args);
    };
    contents.on("-ipc-invoke", (_event: unknown, ...rest: unknown[]) =>
      typeof rest[0] === "boolean" ? record("main", rest[1], rest[2]) : record("main", rest[0], rest[1]),
    );
    const session = contents.session as any;
    if (!session.__ocmapRecorded) {
      session.__ocmapRecorded = true;
      session.on("-ipc-invoke", (_event: unknown, channel: unknown, args: unknown) => record("main", channel, args));
    }
  }
}

export async function launchApp(options: LaunchOptions): Promise<RunningApp> {
  // As root, Chromium refuses to start with its sandbox on; everyone else keeps it.
  const rootOnly = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
  const app = await _electron.launch({
    executablePath: options.executablePath,
    args: [...rootOnly, repoRoot, ...(options.args ?? [])],
    cwd: repoRoot,
    env: options.env,
    timeout: 60_000,
  });
  const page = await app.firstWindow();
  await page.waitForLoadState("domcontentloaded");
  // The main process pre-renders the first screen: it is visible before React owns it (main.dom.tsx).
  await page.locator("#root[data-interactive]").waitFor({ timeout: 30_000 });
  await app.evaluate(recordIpc);
  return {
    app,
    page,
    ipcLog: () => app.evaluate(() => [...((globalThis as any).__ocmapIpcLog ?? [])] as string[]),
    stateAnswer: () =>
      page.evaluate(() => (globalThis as any).ocmap.getState().then((v: unknown) => JSON.stringify(v))),
    close: () => app.close(),
  };
}
