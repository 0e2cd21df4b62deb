// What the preload puts on window (src/preload/preload.preload.ts).
import type { OcmapApi } from "../ipc/ipc-contract.std.ts";

declare global {
  interface Window {
    readonly ocmap: OcmapApi;
  }
}

export {};
