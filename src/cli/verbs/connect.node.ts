// `ocmap connect`: stay connected, one line per state change, until a signal, a revocation or a wipe.
import { GATEWAY_FLAG, JSON_FLAG, STORE_FLAG } from "../common-flags.std.ts";
import { EXIT, exitCodeFor } from "../exit-codes.std.ts";
import { tellRenewal } from "../output.node.ts";
import type { Verb } from "../verb.node.ts";

export const connectVerb: Verb = {
  name: "connect",
  stays: true,
  usage: [["", "stay connected; one line per state change; exits 4 when revoked"]],
  flags: [JSON_FLAG, STORE_FLAG, GATEWAY_FLAG],
  async run({ usage, positionals, out, core: getCore }) {
    if (positionals.length > 0) return usage("connect takes no arguments");
    const core = getCore();
    core.start();
    out.view(core.view());
    return new Promise<number>((resolve) => {
      const stop = (code: number) => {
        off();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        resolve(code);
      };
      const onSignal = () => stop(EXIT.OK);
      let told: string | undefined;
      const off = core.subscribe((view) => {
        if (view.notice?.code !== told) told = tellRenewal(view, out);
        out.view(view);
        if (view.state === "REVOKED") {
          if (view.activity !== "forgetting") stop(EXIT.REVOKED); // exit only once the keychain wipe is done
        } else if (view.state === "UNPAIRED" && view.activity === "idle")
          stop(view.lastError ? exitCodeFor(view.lastError.code) : EXIT.NOT_PAIRED);
      });
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      const view = core.view();
      if (view.state === "UNPAIRED" && view.activity === "idle") stop(EXIT.NOT_PAIRED);
    });
  },
};
