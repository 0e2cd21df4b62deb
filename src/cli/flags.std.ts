// Flag parsing for `ocmap`: each verb declares the flags it takes (beside its code, in verbs/), and
// this reads them from anywhere on the command line, `--name value` or `--name=value`.

export interface FlagSpec {
  /** Long name without the dashes, e.g. "timeout". */
  name: string;
  /** Single-letter alias without the dash, e.g. "y". */
  short?: string;
  /** Takes a value (shown as `<value>` in help); otherwise a switch. */
  value?: string;
  help: string;
}

export type Flags = Record<string, string | true | undefined>;

export type ParsedArgs = { ok: true; flags: Flags; positionals: string[] } | { ok: false; message: string };

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const flags: Flags = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = specs.find((s) => name === `--${s.name}` || (s.short && name === `-${s.short}`));
    if (!spec) return { ok: false, message: `unknown flag ${name}` };
    if (!spec.value) {
      if (eq > 0) return { ok: false, message: `${name} takes no value` };
      flags[spec.name] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) return { ok: false, message: `${name} needs a value (${spec.value})` };
    flags[spec.name] = value;
  }
  return { ok: true, flags, positionals };
}

/** The flag names that take a value, so the dispatcher can skip their values when it looks for the verb. */
export function valueFlagNames(specs: readonly FlagSpec[]): Set<string> {
  const names = new Set<string>();
  for (const spec of specs) {
    if (!spec.value) continue;
    names.add(`--${spec.name}`);
    if (spec.short) names.add(`-${spec.short}`);
  }
  return names;
}

export function flagHelp(spec: FlagSpec): string {
  const name = `${spec.short ? `-${spec.short}, ` : ""}--${spec.name}${spec.value ? ` <${spec.value}>` : ""}`;
  return `${name.padEnd(24)} ${spec.help}`;
}
