// Which gateway a verb acts on: the one --gateway names (by local name, address or id), or the only
// one paired. With several and no choice, or a name that matches none, it says which there are.
import type { FleetMember } from "../core/gateway-fleet.node.ts";
import { gatewayMatches } from "../core/gateway-index.std.ts";
import { parseGatewayUrl } from "../core/gateway-url.std.ts";
import { EXIT } from "./exit-codes.std.ts";
import { fail, type Out } from "./output.node.ts";

/** The member, null when none is paired (and none was asked for), or the exit code after saying why not. */
export function selectGateway(
  members: FleetMember[],
  wanted: string | undefined,
  out: Out,
): FleetMember | null | number {
  if (wanted === undefined) {
    if (members.length <= 1) return members[0] ?? null;
    return refuse(out, "GATEWAY_REQUIRED", "Several gateways are paired: choose one with --gateway", members);
  }
  const hits = members.filter((member) => matches(member, wanted));
  if (hits.length === 1) return hits[0]!;
  return refuse(out, "GATEWAY_UNKNOWN", `No paired gateway is called "${wanted}": choose one`, members);
}

function matches(member: FleetMember, wanted: string): boolean {
  const url = parseGatewayUrl(wanted);
  return gatewayMatches(member.entry, wanted, url.ok ? url : null);
}

function refuse(out: Out, code: string, lead: string, members: FleetMember[]): number {
  const choices = members.map((member) => ({ name: member.entry.name, url: member.entry.url, id: member.id }));
  const named = choices.length
    ? choices.map((choice) => `"${choice.name}" (${choice.url})`).join(", ")
    : "none is paired yet (ocmap pair)";
  return fail(out, code, `${lead}: ${named}.`, EXIT.USAGE, { choices });
}
