import { StrictMode } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { createOcmapApi, type OcmapApi } from "../ipc/ipc-contract.std.ts";
import { App } from "./app.dom.tsx";
import { startAppViewSource } from "./use-app-view.dom.ts";

// window.ocmap is missing only when the preload failed: then every request fails, and the window
// says it cannot reach its main process instead of staying blank.
const api =
  (window as { ocmap?: OcmapApi }).ocmap ??
  createOcmapApi({ invoke: () => Promise.reject(new Error("no preload")), listen: () => () => {} });
// Ask for the state first; React loads meanwhile. The first render waits for the answer (at most a
// second, then "Loading…"), so the first screen is a real one, drawn in one synchronous pass.
const source = startAppViewSource(api);
const root = createRoot(document.getElementById("root")!);
const render = () =>
  root.render(
    <StrictMode>
      <App api={api} source={source} />
    </StrictMode>,
  );
void Promise.race([source.ready, new Promise((resolve) => setTimeout(resolve, 1000))]).then(() => flushSync(render));
