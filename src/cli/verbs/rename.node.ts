// `ocmap rename <new-name>`: a gateway's local name (what `list` shows and --gateway accepts).
import { toClientError } from "../../core/client-errors.std.ts";
import { GATEWAY_FLAG, JSON_FLAG, STORE_FLAG } from "../common-flags.std.ts";
import { EXIT } from "../exit-codes.std.ts";
import { fail } from "../output.node.ts";
import type { Verb } from "../verb.node.ts";

export const renameVerb: Verb = {
  name: "rename",
  usage: [["<new-name>", "give a gateway a local name (only this computer sees it)"]],
  flags: [JSON_FLAG, STORE_FLAG, GATEWAY_FLAG],
  async run({ usage, positionals, out, fleet, gateway }) {
    if (positionals.length !== 1) return usage("rename takes the new name (quote it if it has spaces)");
    if (!gateway)
      return fail(out, "NOT_PAIRED", "Not paired with any gateway yet: nothing to rename.", EXIT.NOT_PAIRED);
    try {
      await fleet.rename(gateway.id, positionals[0]);
    } catch (err) {
      const error = toClientError(err);
      return fail(out, error.code, error.message);
    }
    const renamed = fleet.member(gateway.id)!.entry;
    out.info(`Renamed ${gateway.entry.name} to ${renamed.name}.`, { id: renamed.id, name: renamed.name });
    return EXIT.OK;
  },
};
