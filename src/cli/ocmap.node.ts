// `ocmap`: the headless client over the same core as the desktop app. This file only dispatches:
// each verb lives in verbs/ with its flags beside it.
import { createCore, type OcmapCore } from "../core/core.node.ts";
import { createGatewayFleet, type FleetMember } from "../core/gateway-fleet.node.ts";
import { GatewayStore } from "../core/gateway-store.node.ts";
import { timeoutOf } from "./common-flags.std.ts";
import { restingView } from "../core/core-view.std.ts";
import { STATUS } from "../core/lifecycle-reasons.std.ts";
import { EXIT, exitCodeFor } from "./exit-codes.std.ts";
import { parseArgs, valueFlagNames } from "./flags.std.ts";
import { fail, print, reporter } from "./output.node.ts";
import { selectGateway } from "./select-gateway.node.ts";
import { usageOf, verbUsageOf } from "./usage.std.ts";
import type { Verb } from "./verb.node.ts";
import { connectVerb } from "./verbs/connect.node.ts";
import { forgetVerb } from "./verbs/forget.node.ts";
import { listVerb } from "./verbs/list.node.ts";
import { pairVerb } from "./verbs/pair.node.ts";
import { renameVerb } from "./verbs/rename.node.ts";
import { statusVerb } from "./verbs/status.node.ts";
import { callVerb } from "./verbs/call.node.ts";
import { chooseStore } from "./store-option.node.ts";

export const VERBS: readonly Verb[] = [pairVerb, listVerb, statusVerb, connectVerb, callVerb, forgetVerb, renameVerb];

const HELP = new Set(["--help", "-h"]);

export async function main(argv: string[]): Promise<number> {
  const at = verbIndex(argv);
  const verb = VERBS.find((v) => v.name === argv[at]);
  if (!verb) return print(usageOf(VERBS), argv.some((arg) => HELP.has(arg)) ? EXIT.OK : EXIT.USAGE);
  const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (rest.some((arg) => HELP.has(arg))) return print(verbUsageOf(verb), EXIT.OK);
  const usage = (problem?: string) => print(`${problem ? `ocmap ${problem}\n` : ""}${verbUsageOf(verb)}`, EXIT.USAGE);
  const parsed = parseArgs(rest, verb.flags);
  if (!parsed.ok) return usage(`${verb.name}: ${parsed.message}`);
  const timeoutMs = timeoutOf(parsed.flags);
  if (timeoutMs === null) return usage(`${verb.name}: --timeout takes a positive number of milliseconds`);
  const store = chooseStore(typeof parsed.flags.store === "string" ? parsed.flags.store : undefined);
  if (!store.ok) return usage(`${verb.name}: ${store.message}`);
  const { keystore } = store;
  const out = reporter(parsed.flags.json === true);
  const oneShot = !verb.stays;
  const fleet = createGatewayFleet({ keystore, oneShot });
  let spare: OcmapCore | undefined; // a core with nothing stored, when a verb needs a gateway and none is paired
  try {
    await fleet.load();
    const { error, notice } = fleet.view();
    if (notice?.code === "OLD_PAIRING_DAMAGED") out.info(notice.message, { notice: notice.code });
    const needsGateway = (verb.needs ?? "gateway") === "gateway";
    if (error && !needsGateway) return fail(out, error.code, error.message);
    // The list of gateways cannot be read (keychain locked, store damaged): said as the state it leaves.
    if (error) return (out.view(restingView(STATUS.unpaired, "idle", { lastError: error })), exitCodeFor(error.code));
    let gateway: FleetMember | null = null;
    if (needsGateway) {
      const wanted = parsed.flags.gateway;
      const selected = selectGateway(fleet.members(), typeof wanted === "string" ? wanted : undefined, out);
      if (typeof selected === "number") return selected;
      gateway = selected;
    }
    return await verb.run({
      flags: parsed.flags,
      positionals: parsed.positionals,
      out,
      timeoutMs,
      fleet,
      gateway,
      core: () => gateway?.core ?? (spare ??= createCore({ keystore: new GatewayStore(keystore), oneShot })),
      usage,
    });
  } finally {
    spare?.stop();
    fleet.stop();
  }
}

/** The first argument that is neither a flag nor a flag's value. */
function verbIndex(argv: readonly string[]): number {
  const takesValue = valueFlagNames(VERBS.flatMap((v) => v.flags));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) return i;
    if (takesValue.has(arg)) i++;
  }
  return -1;
}
