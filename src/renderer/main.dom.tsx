// The renderer's entry: small, so it runs at once. It asks for the state, and loads React while the
// answer comes; when index.html came with the first screen pre-rendered (app-protocol.node.ts), only
// after that screen is painted, so evaluating React does not hold the first frame back.
import { createOcmapApi, type OcmapApi } from "../ipc/ipc-contract.std.ts";
import { startAppViewSource } from "./app-view-source.std.ts";

// window.ocmap is missing only when the preload failed: then every request fails, and the window
// says it cannot reach its main process instead of staying blank.
const api =
  (window as { ocmap?: OcmapApi }).ocmap ??
  createOcmapApi({ invoke: () => Promise.reject(new Error("no preload")), listen: () => () => {} });
const source = startAppViewSource(api);
const container = document.getElementById("root")!;

const within = (ms: number, promise: Promise<unknown>) =>
  Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms))]);
// A frame callback, then a task: the frame has been painted. Bounded, as a hidden window may get no frames.
const painted = new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

const react = (container.firstChild ? within(100, painted) : Promise.resolve()).then(
  () => import("./start-react.dom.tsx"),
);
// The first render waits for the state (at most a second, then "Loading…"), so it is a real screen,
// and the same one the main process pre-rendered.
void Promise.all([react, within(1000, source.ready)]).then(([{ startReact }]) => startReact(container, api, source));
