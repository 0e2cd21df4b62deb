// The shape of one `ocmap` verb (one file each in verbs/, its flags beside it) and what the
// dispatcher hands it when it runs.
import type { OcmapCore } from "../core/core.node.ts";
import type { CoreView } from "../core/core-view.std.ts";
import type { FleetMember, GatewayFleet } from "../core/gateway-fleet.node.ts";
import type { FlagSpec, Flags } from "./flags.std.ts";
import type { Out } from "./output.node.ts";

export interface VerbContext {
  flags: Flags;
  positionals: string[];
  out: Out;
  timeoutMs: number;
  /** Every gateway this client holds, its index read (none of their cores started); stopped when the verb returns. */
  fleet: GatewayFleet;
  /** With `needs: "gateway"`: the one the verb acts on (--gateway, or the only one); null when none is paired. */
  gateway: FleetMember | null;
  /** With `needs: "gateway"`: that gateway's core, or with none paired one with nothing stored (it says UNPAIRED). */
  core(): OcmapCore;
  /** Prints this verb's usage (after `problem`, if given) to stderr; returns the usage exit code. */
  usage(problem?: string): number;
}

export interface Verb {
  name: string;
  /** One line per form: [arguments, what it does]. */
  usage: ReadonlyArray<readonly [string, string]>;
  flags: readonly FlagSpec[];
  /**
   * "gateway" (the default): acts on one gateway, which the dispatcher picks before `run` (list --gateway
   * in `flags`). "fleet": works with the whole list (pair adds to it, list shows it).
   */
  needs?: "gateway" | "fleet";
  /** Keeps its connection until stopped (connect); every other verb connects for one answer (CoreOptions.oneShot). */
  stays?: true;
  run(ctx: VerbContext): Promise<number>;
}

/** Not in the middle of reading the keychain or forgetting: a view a verb can act on. */
export const settled = (v: CoreView) => v.activity !== "starting" && v.activity !== "forgetting";
