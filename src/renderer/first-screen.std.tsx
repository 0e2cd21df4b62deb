// The first screen as HTML, rendered outside the browser from the same components and the same
// AppView the window gets over IPC: the main process puts it into index.html (app-protocol.node.ts),
// so the window paints a real screen before React has loaded, then hydrates it (main.dom.tsx).
import { StrictMode } from "react";
import { renderToString } from "react-dom/server";
import { createOcmapApi, type AppView } from "../ipc/ipc-contract.std.ts";
import { App } from "./app.std.tsx";
import type { AppViewSource } from "./use-app-view.std.ts";

// Rendering calls no handler; should one ever be called here, it fails rather than pretend.
const inert = createOcmapApi({
  invoke: () => Promise.reject(new Error("the pre-rendered page has no main process")),
  listen: () => () => {},
});

/** The markup that goes inside <div id="root">: HTML-escaped by React, with no state beyond what it shows. */
export function renderFirstScreen(view: AppView): string {
  const snapshot = { view, failed: false };
  const source: AppViewSource = { get: () => snapshot, subscribe: () => () => {}, ready: Promise.resolve() };
  return renderToString(
    <StrictMode>
      <App api={inert} source={source} />
    </StrictMode>,
  );
}
