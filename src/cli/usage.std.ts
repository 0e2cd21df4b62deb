// The help text, put together from the verbs' own usage lines and flags.
import { flagHelp, type FlagSpec } from "./flags.std.ts";

interface Described {
  name: string;
  usage: ReadonlyArray<readonly [string, string]>;
  flags: readonly FlagSpec[];
}

const EXIT_CODES = `exit codes: 0 ok, 1 internal, 2 usage, 3 not paired, 4 revoked, 5 unreachable, 6 code rejected,
  7 keychain or store, 8 refused, 9 gateway identity changed, 10 the gateway refused a call
  (forget: 0 only when the gateway removed the device; 5 gateway offline, 8 refused or not confirmed)`;

const STORE = `store: the OS keychain, unless --store DIR or OCMAP_STORE=DIR asks for files in DIR (0700, yours;
  files 0600); OCMAP_STORE_KEY_FILE=FILE seals those files with a key read from FILE`;

const synopsis = (verb: Described) =>
  verb.usage.map(([args, what]) => `  ${`ocmap ${verb.name}${args ? ` ${args}` : ""}`.padEnd(36)} ${what}`);

export function usageOf(verbs: readonly Described[]): string {
  const flags = new Map<string, FlagSpec>();
  for (const verb of verbs) for (const flag of verb.flags) flags.set(flag.name, flag);
  return [
    "usage:",
    ...verbs.flatMap(synopsis),
    "options:",
    ...[...flags.values()].map((flag) => `  ${flagHelp(flag)}`),
    STORE,
    EXIT_CODES,
    "ocmap <verb> --help lists the options one verb takes.",
  ].join("\n");
}

export function verbUsageOf(verb: Described): string {
  return ["usage:", ...synopsis(verb), "options:", ...verb.flags.map((flag) => `  ${flagHelp(flag)}`)].join("\n");
}
