// The Node API for agent programs (package entry "ocmap/api"): the paired device's session, nothing else.
// Its types are ocmap-api.d.ts (shipped as dist/api/index.d.ts); the checks below keep them true.
import type * as Declared from "./ocmap-api.d.ts";
import { GatewayCallError, OcmapError, openPairedSession } from "./paired-session.node.ts";

export { GatewayCallError, OcmapError, openPairedSession };
export type { OpenPairedSessionOptions, PairedSession, SessionState } from "./ocmap-api.d.ts";

const declared: {
  openPairedSession: typeof Declared.openPairedSession;
  OcmapError: typeof Declared.OcmapError;
  GatewayCallError: Pick<typeof Declared.GatewayCallError, "prototype">;
} = { openPairedSession, OcmapError, GatewayCallError };
void declared;
