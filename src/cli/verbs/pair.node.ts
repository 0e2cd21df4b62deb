// `ocmap pair <gateway-url> <code>` and `ocmap pair '<ocmap://pair?...>'`.
import { parseGatewayUrl } from "../../core/gateway-url.std.ts";
import { parsePairingLink } from "../../core/pairing-link.std.ts";
import { JSON_FLAG, TIMEOUT_FLAG, YES_FLAG } from "../common-flags.std.ts";
import { confirm } from "../confirm.node.ts";
import { EXIT } from "../exit-codes.std.ts";
import { fail } from "../output.node.ts";
import type { Verb } from "../verb.node.ts";

export const pairVerb: Verb = {
  name: "pair",
  usage: [
    ["<gateway-url> <code>", "pair with a code from Clawpodz (or openclaw gateway call pairing.createCode)"],
    ["'<ocmap://pair?...>'", "pair from a pairing link (asks to confirm the gateway; --yes to skip)"],
  ],
  flags: [JSON_FLAG, TIMEOUT_FLAG, YES_FLAG],
  needs: "fleet",
  async run({ usage, flags, positionals, out, timeoutMs, fleet }) {
    let gatewayUrl: string;
    let code: string;
    if (positionals.length === 1 && /^ocmap:/i.test(positionals[0]!)) {
      const link = parsePairingLink(positionals[0]);
      if (!link.ok) return fail(out, link.code, link.message);
      out.info(`This link pairs with the gateway at ${link.host}${link.insecure ? " over unencrypted ws://" : ""}.`, {
        host: link.host,
      });
      if (!flags.yes && !(await confirm(`Pair with ${link.host}? [y/N] `)))
        return fail(
          out,
          "LINK_NOT_CONFIRMED",
          "Not paired: the gateway was not confirmed (use --yes in scripts).",
          EXIT.USAGE,
        );
      ({ gatewayUrl, code } = link);
    } else if (positionals.length === 2) {
      [gatewayUrl, code] = positionals as [string, string];
      const url = parseGatewayUrl(gatewayUrl);
      if (!url.ok) return fail(out, url.code, url.message);
      if (url.insecure)
        out.info(
          `Warning: ${url.host} is reached over unencrypted ws:// (allowed only on this computer or your local network).`,
        );
    } else {
      return usage("pair takes a gateway URL and a code, or one pairing link");
    }
    // A gateway not in the list yet joins it; one already there is refused (forget it first).
    let watching = true;
    const started = await fleet.pair(gatewayUrl, code, (v) => watching && out.view(v));
    if (!started.ok) return fail(out, started.code, started.message);
    const end = await started.core.waitFor(
      (v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "forgetting",
      timeoutMs,
    );
    watching = false;
    if (end.state === "PAIRED_CONNECTED") return EXIT.OK;
    return fail(out, end.lastError?.code ?? end.reason.code, end.lastError?.message ?? end.reason.message);
  },
};
