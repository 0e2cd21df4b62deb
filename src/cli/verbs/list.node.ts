// `ocmap list`: every paired gateway, one line each: name, address, state, identity fingerprint. Each
// gateway connects once on its own (as `status` does), side by side, so one that is down delays no other.
import type { GatewayView } from "../../core/fleet-view.std.ts";
import { JSON_FLAG, STORE_FLAG, TIMEOUT_FLAG } from "../common-flags.std.ts";
import { EXIT } from "../exit-codes.std.ts";
import { settled, type Verb } from "../verb.node.ts";

export const listVerb: Verb = {
  name: "list",
  usage: [["", "every paired gateway: name, address, state, identity fingerprint"]],
  flags: [JSON_FLAG, TIMEOUT_FLAG, STORE_FLAG],
  needs: "fleet",
  async run({ usage, flags, positionals, out, timeoutMs, fleet }) {
    if (positionals.length > 0) return usage("list takes no arguments");
    const members = fleet.members();
    if (members.length === 0) {
      out.info("Not paired with any gateway yet (ocmap pair <gateway-url> <code>).", { gateways: 0 });
      return EXIT.OK;
    }
    for (const member of members) member.core.start();
    // A gateway that has not answered within the timeout is listed as it is by then.
    await Promise.all(
      members.map((member) =>
        member.core
          .waitFor((x) => settled(x) && x.activity !== "connecting" && x.activity !== "pairing", timeoutMs)
          .catch(() => undefined),
      ),
    );
    const gateways = fleet.view().gateways;
    if (flags.json) for (const gateway of gateways) process.stdout.write(`${JSON.stringify(jsonLine(gateway))}\n`);
    else process.stdout.write(table(gateways));
    return EXIT.OK;
  },
};

function jsonLine(gateway: GatewayView) {
  const { core, ...line } = gateway;
  return {
    type: "gateway",
    ...line,
    state: core.state,
    activity: core.activity,
    reason: core.reason,
    lastError: core.lastError,
    device: core.device,
  };
}

function table(gateways: GatewayView[]): string {
  const rows = [
    ["NAME", "URL", "STATE", "FINGERPRINT"],
    ...gateways.map((g) => [g.name, g.url, stateText(g), g.fingerprint ?? "-"]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map(
      (row) =>
        row
          .map((cell, column) => cell.padEnd(widths[column]!))
          .join("  ")
          .trimEnd() + "\n",
    )
    .join("");
}

function stateText(gateway: GatewayView): string {
  const { state, lastError } = gateway.core;
  return lastError && state !== "PAIRED_CONNECTED" ? `${state} (${lastError.code})` : state;
}
