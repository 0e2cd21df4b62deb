// React takes over the page: hydrates the first screen the main process put into index.html, or
// renders it when the page came without one (static hosting, tests). Loaded by main.dom.tsx.
import { StrictMode, useEffect, type ReactNode } from "react";
import { flushSync } from "react-dom";
import { createRoot, hydrateRoot } from "react-dom/client";
import type { OcmapApi } from "../ipc/ipc-contract.std.ts";
import { App, type GatewayMemory } from "./app.std.tsx";
import type { AppViewSource } from "./app-view-source.std.ts";
import { INTERACTIVE_MARK } from "./interactive-mark.std.ts";

const GATEWAY_STORAGE_KEY = "ocmap.gatewayUrl";
const memory: GatewayMemory = {
  load: () => localStorage.getItem(GATEWAY_STORAGE_KEY) ?? "",
  save: (gatewayUrl) => localStorage.setItem(GATEWAY_STORAGE_KEY, gatewayUrl),
};

/** Marks the moment React owns the page (hydrated or rendered): the bench and tests wait on it. */
function Interactive({ container, children }: { container: HTMLElement; children: ReactNode }) {
  useEffect(() => {
    if (container.dataset.interactive !== undefined) return;
    performance.mark(INTERACTIVE_MARK);
    container.dataset.interactive = "";
  }, [container]);
  return children;
}

/** Call once get-state answered (or did not in time): the first render then draws the same screen. */
export function startReact(container: HTMLElement, api: OcmapApi, source: AppViewSource): void {
  const app = (
    <StrictMode>
      <Interactive container={container}>
        <App api={api} source={source} memory={memory} />
      </Interactive>
    </StrictMode>
  );
  // One synchronous pass either way, so the page answers input as soon as this returns.
  if (container.firstChild) {
    // Should the view have changed since the page was served (or get-state be late), React renders
    // the client's screen in its place: expected, not an error for the console.
    const onRecoverableError = () => void (container.dataset.recovered = "client-render");
    flushSync(() => hydrateRoot(container, app, { onRecoverableError }));
  } else {
    flushSync(() => createRoot(container).render(app));
  }
}
