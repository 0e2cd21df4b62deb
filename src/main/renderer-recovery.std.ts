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
