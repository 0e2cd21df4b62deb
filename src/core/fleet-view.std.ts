// The picture of every gateway this client holds, for the CLI's `list` and the desktop app: each
// gateway's own secret-free CoreView with its index line (name, address, fingerprint), nothing more.
import type { ClientErrorInfo } from "./client-errors.std.ts";
import type { CoreView } from "./core-view.std.ts";

export interface GatewayView {
  id: string;
  /** The local display name (renamable). */
  name: string;
  url: string;
  host: string;
  fingerprint: string | null;
  core: CoreView;
}

export interface FleetView {
  /** "loading" while the index is read (an old single record migrated); "failed" (with `error`) if it cannot be. */
  status: "loading" | "ready" | "failed";
  error: ClientErrorInfo | null;
  gateways: GatewayView[];
  /** The pairing of a new gateway ("Add a gateway"), from its first attempt until it is a gateway of the list. */
  adding: CoreView | null;
  /** What the last gateway to leave the list (forgotten, or its line had no trust) said, with its name. */
  notice: { name: string; code: string; message: string } | null;
  /** The gateway the last successful "Add a gateway" pairing added, and how many pairings have added one. */
  added: { id: string; count: number } | null;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}
