// Who may use the pairing routes, checked before anything else and never counted toward a limit (a request
// refused here cannot be a guess: nothing was tried):
// - its `Host` names the gateway: an IP literal, localhost, or a name the gateway is configured with. A page
//   whose own name was rebound to the gateway's address (DNS rebinding) names its own and is refused, so it
//   cannot guess from inside the user's network or the operator's allow-list;
// - its source is in the operator's allow-list of address ranges, when there is one.
// /v2/identity is exempt: it is public, never counted, and the renewals of clients paired by any name need it.
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import type { PairingConfig } from "./config.ts";
import { PairingError } from "./errors.ts";
import type { AddressAllowList } from "./source-key.ts";

export interface RouteAccess {
  /** Host names besides IP literals and localhost. */
  hosts: ReadonlySet<string>;
  allowList?: AddressAllowList;
}

export function assertRouteAccess(req: IncomingMessage, address: string, { hosts, allowList }: RouteAccess): void {
  const host = hostName(req.headers.host);
  if (!host || !(isIP(host) || host === "localhost" || host.endsWith(".localhost") || hosts.has(host)))
    throw new PairingError(
      "INVALID_REQUEST",
      "This gateway does not answer pairing requests for that host name; its operator can add it to allowedHosts.",
      undefined,
      `host ${host ?? "missing"}`,
    );
  if (allowList && !allowList.allows(address))
    throw new PairingError(
      "PAIRING_DISABLED",
      "Pairing is not open to this address on this gateway; ask its operator.",
      undefined,
      "address not in allowedAddresses",
    );
}

/** The lowercase host name of a `Host` header (no port, brackets or final dot); undefined when malformed. */
export function hostName(header: string | undefined): string | undefined {
  const match = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9._-]+))(?::\d{1,5})?$/i.exec(header?.trim() ?? "");
  const name = (match?.[1] ?? match?.[2])?.toLowerCase().replace(/\.$/, "");
  return name || undefined;
}

/**
 * The host names the pairing routes answer besides IP literals and localhost: `allowedHosts`, publicUrl's
 * host, and the hosts of the gateway's own `controlUi.allowedOrigins`.
 */
export function gatewayHostNames(cfg: PairingConfig, gateway: { controlUi?: { allowedOrigins?: unknown } } = {}) {
  const names = new Set((cfg.allowedHosts ?? []).map((name) => name.toLowerCase().replace(/\.$/, "")));
  const origins = Array.isArray(gateway.controlUi?.allowedOrigins) ? gateway.controlUi.allowedOrigins : [];
  for (const url of [cfg.publicUrl, ...origins]) {
    if (typeof url !== "string") continue;
    try {
      const host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "");
      if (host) names.add(host);
    } catch {
      /* "*" or not a URL: names no host */
    }
  }
  return names;
}
