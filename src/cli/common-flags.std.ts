// Flags several verbs share; a verb lists the ones it takes in its own `flags`.
import type { FlagSpec, Flags } from "./flags.std.ts";

export const JSON_FLAG: FlagSpec = { name: "json", help: "print one JSON object per line" };
export const TIMEOUT_FLAG: FlagSpec = { name: "timeout", value: "ms", help: "bound each wait (default 30000)" };
export const STORE_FLAG: FlagSpec = {
  name: "store",
  value: "dir",
  help: "keep the trust in files in this folder, not the keychain (or OCMAP_STORE)",
};
export const YES_FLAG: FlagSpec = { name: "yes", short: "y", help: "confirm a pairing link's gateway without asking" };

export const DEFAULT_TIMEOUT_MS = 30_000;

/** The --timeout value, or null when it is not a positive number. */
export function timeoutOf(flags: Flags): number | null {
  const raw = flags.timeout;
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = Number(raw);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}
