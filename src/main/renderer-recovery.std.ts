// What the main process does when the window's renderer goes away or its preload fails: reload a
// crashed renderer a few times, then stop and tell the user. Never leave a blank window.
export const MAX_RELOADS = 3;
export const RELOAD_WINDOW_MS = 60_000;

export type RecoveryAction = "ignore" | "reload" | "tell-user";

/** `reason` is Electron's RenderProcessGoneDetails.reason; `recentReloads` the reload times so far. */
export function onRendererGone(reason: string, recentReloads: readonly number[], nowMs: number): RecoveryAction {
  if (reason === "clean-exit") return "ignore";
  const recent = recentReloads.filter((t) => nowMs - t < RELOAD_WINDOW_MS).length;
  return recent < MAX_RELOADS ? "reload" : "tell-user";
}

export const RENDERER_GONE_MESSAGE = {
  title: "OCMAP",
  message: "OCMAP's window stopped working.",
  detail: "It was restarted several times and stopped again. Your pairing is unaffected.",
  buttons: ["Reload", "Quit"],
} as const;

export const PRELOAD_FAILED_MESSAGE = {
  title: "OCMAP",
  message: "OCMAP could not start its window.",
  detail: "A part of the app failed to load. Reinstalling OCMAP should fix this. Your pairing is unaffected.",
  buttons: ["Reload", "Quit"],
} as const;

/** Why the window's page did not load: Chromium's net error (code, name) and the URL. */
export interface LoadFailure {
  code: number;
  description: string;
  url: string;
}

/** ERR_ABORTED: a newer navigation or reload replaced the load; that one reports for itself. */
const ERR_ABORTED = -3;

/** A failed load worth telling the user about: the main frame's, not one a newer load replaced. */
export function isLoadFailure(code: number, isMainFrame: boolean): boolean {
  return isMainFrame && code !== ERR_ABORTED;
}

/** loadURL's rejection (Electron: `code` "ERR_…", `errno` −N) as a LoadFailure. */
export function loadFailureOf(err: unknown, url: string): LoadFailure {
  const { code, errno, message } = (err ?? {}) as { code?: unknown; errno?: unknown; message?: unknown };
  return {
    code: typeof errno === "number" ? errno : -2,
    description: typeof code === "string" ? code : typeof message === "string" ? message : "ERR_FAILED",
    url,
  };
}

export function loadFailedMessage(failure: LoadFailure) {
  return {
    title: "OCMAP",
    message: "OCMAP could not load its window.",
    detail:
      `${failure.description} (${failure.code}) loading ${failure.url}. ` +
      "Try again; if it keeps failing, reinstalling OCMAP should fix this. Your pairing is unaffected.",
    buttons: ["Try again", "Quit"],
  };
}
