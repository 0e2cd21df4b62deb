import { StrictMode, useEffect, type ReactNode } from "react";
import { flushSync } from "react-dom";
import { createRoot, hydrateRoot } from "react-dom/client";
import { createOcmapApi, type OcmapApi } from "../ipc/ipc-contract.std.ts";
import { App, type GatewayMemory } from "./app.std.tsx";
import { INTERACTIVE_MARK } from "./interactive-mark.std.ts";
import { startAppViewSource } from "./use-app-view.std.ts";

// window.ocmap is missing only when the preload failed: then every request fails, and the window
// says it cannot reach its main process instead of staying blank.
const api =
  (window as { ocmap?: OcmapApi }).ocmap ??
  createOcmapApi({ invoke: () => Promise.reject(new Error("no preload")), listen: () => () => {} });
// Ask for the state first; React loads meanwhile. The first render waits for the answer (at most a
// second, then "Loading…"), so it is a real screen, and the same one the main process pre-rendered.
const source = startAppViewSource(api);

// The last gateway address typed lives in this window's storage, which the main process cannot read:
// the pre-render shows the form empty, and App fills the address in as it takes the page over.
const GATEWAY_STORAGE_KEY = "ocmap.gatewayUrl";
const memory: GatewayMemory = {
  load: () => localStorage.getItem(GATEWAY_STORAGE_KEY) ?? "",
  save: (gatewayUrl) => localStorage.setItem(GATEWAY_STORAGE_KEY, gatewayUrl),
};

const container = document.getElementById("root")!;

/** Marks the moment React owns the page (hydrated or rendered): the bench and tests wait on it. */
function Interactive({ children }: { children: ReactNode }) {
  useEffect(() => {
    if (container.dataset.interactive !== undefined) return;
    performance.mark(INTERACTIVE_MARK);
    container.dataset.interactive = "";
  }, []);
  return children;
}

const app = (
  <StrictMode>
    <Interactive>
      <App api={api} source={source} memory={memory} />
    </Interactive>
  </StrictMode>
);

/** Text typed into the pre-rendered page's fields before React owned them (React resets it). */
function typedBeforeHydration(): [string, string][] {
  return [...container.querySelectorAll("input")]
    .filter((input) => input.id && input.value !== input.defaultValue)
    .map((input) => [input.id, input.value]);
}

/** Types it again, as input events React handles like the user's own. */
function retype(typed: [string, string][]): void {
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!;
  for (const [id, value] of typed) {
    const input = document.getElementById(id);
    if (!(input instanceof HTMLInputElement) || !container.contains(input)) continue;
    setValue.call(input, value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

// One synchronous pass either way, so the page answers input as soon as it is done.
void Promise.race([source.ready, new Promise((resolve) => setTimeout(resolve, 1000))]).then(() => {
  if (container.firstChild) {
    // The main process pre-rendered the first screen (app-protocol.node.ts): take it over. Should the
    // view have changed since (or the answer be late), React renders the client's screen in its place;
    // that is expected, not an error worth a console message.
    const typed = typedBeforeHydration();
    flushSync(() =>
      hydrateRoot(container, app, { onRecoverableError: () => (container.dataset.recovered = "client-render") }),
    );
    retype(typed);
  } else {
    flushSync(() => createRoot(container).render(app));
  }
});
