// `ocmap forget`: ask the gateway to remove this device, then wipe the local trust in any case.
import { JSON_FLAG, TIMEOUT_FLAG, STORE_FLAG } from "../common-flags.std.ts";
import { EXIT } from "../exit-codes.std.ts";
import { fail } from "../output.node.ts";
import { settled, type Verb } from "../verb.node.ts";

export const forgetVerb: Verb = {
  name: "forget",
  usage: [["", "remove this device from the gateway, and wipe local trust in any case"]],
  flags: [JSON_FLAG, TIMEOUT_FLAG, STORE_FLAG],
  async run({ usage, positionals, out, timeoutMs, core: getCore }) {
    if (positionals.length > 0) return usage("forget takes no arguments");
    const core = getCore();
    core.start();
    const view = await core.waitFor((x) => settled(x) && x.activity !== "connecting", timeoutMs);
    if (view.state === "UNPAIRED" && !view.lastError) {
      out.info("Not paired: nothing to forget.");
      return EXIT.OK;
    }
    core.forget();
    const end = await core.waitFor((x) => x.state === "UNPAIRED" && x.activity === "idle", timeoutMs);
    if (end.lastError) return fail(out, end.lastError.code, end.lastError.message);
    // Only a gateway that removed this device is a success; refused, unconfirmed and offline each say so.
    const notice = end.notice ?? { code: "FORGOTTEN", message: end.reason.message };
    if (notice.code !== "FORGOTTEN") return fail(out, notice.code, notice.message);
    out.info(notice.message, { notice: notice.code });
    return EXIT.OK;
  },
};
