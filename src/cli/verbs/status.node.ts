// `ocmap status`: connect once with the stored trust and report.
import { JSON_FLAG, TIMEOUT_FLAG, STORE_FLAG } from "../common-flags.std.ts";
import { EXIT, exitCodeFor } from "../exit-codes.std.ts";
import { tellRenewal } from "../output.node.ts";
import { settled, type Verb } from "../verb.node.ts";

export const statusVerb: Verb = {
  name: "status",
  usage: [["", "connect once with the stored trust and report"]],
  flags: [JSON_FLAG, TIMEOUT_FLAG, STORE_FLAG],
  async run({ usage, positionals, out, timeoutMs, core: getCore }) {
    if (positionals.length > 0) return usage("status takes no arguments");
    const core = getCore();
    core.start();
    const view = await core.waitFor(
      (x) => settled(x) && x.activity !== "connecting" && x.activity !== "pairing",
      timeoutMs,
    );
    tellRenewal(view, out);
    out.view(view);
    if (view.state === "PAIRED_CONNECTED") return EXIT.OK;
    if (view.state === "REVOKED") return EXIT.REVOKED;
    if (view.state === "UNPAIRED") return view.lastError ? exitCodeFor(view.lastError.code) : EXIT.NOT_PAIRED;
    return exitCodeFor(view.lastError?.code ?? "GATEWAY_UNREACHABLE");
  },
};
