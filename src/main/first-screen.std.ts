// What app-protocol.node.ts puts into index.html: the first screen for the main process's current
// AppView (the view the window then gets over IPC, so hydration finds the same screen).
import type { AppView } from "../ipc/ipc-contract.std.ts";
import { renderFirstScreen } from "../renderer/first-screen.std.tsx";

/** How long the page may wait for the core to leave "starting" (reading the keychain) before it is served. */
export const FIRST_SCREEN_WAIT_MS = 200;

interface ViewSource {
  view(): AppView;
  waitFor(predicate: (view: AppView) => boolean, timeoutMs?: number): Promise<AppView>;
}

/** Renders the current view's screen; right after launch, the one after "starting" if it comes soon. */
export function firstScreenOf(controller: ViewSource, waitMs = FIRST_SCREEN_WAIT_MS): () => Promise<string> {
  return async () => {
    await controller.waitFor((view) => view.core.activity !== "starting", waitMs).catch(() => undefined);
    return renderFirstScreen(controller.view());
  };
}
