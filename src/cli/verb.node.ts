// The shape of one `ocmap` verb (one file each in verbs/, its flags beside it) and what the
// dispatcher hands it when it runs.
import type { OcmapCore } from "../core/core.node.ts";
import type { CoreView } from "../core/core-view.std.ts";
import type { FlagSpec, Flags } from "./flags.std.ts";
import type { Out } from "./output.node.ts";

export interface VerbContext {
  flags: Flags;
  positionals: string[];
  out: Out;
  timeoutMs: number;
  /** The client core, created on first use and stopped when the verb returns. */
  core(): OcmapCore;
  /** Prints this verb's usage (after `problem`, if given) to stderr; returns the usage exit code. */
  usage(problem?: string): number;
}

export interface Verb {
  name: string;
  /** One line per form: [arguments, what it does]. */
  usage: ReadonlyArray<readonly [string, string]>;
  flags: readonly FlagSpec[];
  run(ctx: VerbContext): Promise<number>;
}

/** Not in the middle of reading the keychain or forgetting: a view a verb can act on. */
export const settled = (v: CoreView) => v.activity !== "starting" && v.activity !== "forgetting";
