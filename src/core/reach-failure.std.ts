// Why a gateway could not be reached, told apart from the socket's own error codes, with the host and port it was
// tried at: a typo in the name, a gateway that is not running and a network that drops packets need different fixes.

export type ReachKind = "dns" | "refused" | "timeout" | "network";

export interface ReachFailure {
  kind: ReachKind;
  host: string;
  port: number;
}

const KIND_BY_CODE: Record<string, ReachKind> = {
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_NONAME: "dns",
  EAI_FAIL: "dns",
  ECONNREFUSED: "refused",
  ETIMEDOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
};

/** The kind, from the first error code or timeout found along the `cause` chain; "network" when none says more. */
export function reachKindOf(error: unknown): ReachKind {
  for (
    let e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 6;
    e = e.cause as typeof e, depth++
  ) {
    const kind = typeof e.code === "string" ? KIND_BY_CODE[e.code] : undefined;
    if (kind) return kind;
    if (e.name === "TimeoutError" || /timed out|in time/i.test(String(e.message ?? ""))) return "timeout";
  }
  return "network";
}

/** Host and port as the user typed them (the scheme's default port when none was given). */
export function reachTarget(url: string): { host: string; port: number } | null {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : /^(wss|https):$/.test(parsed.protocol) ? 443 : 80;
    return { host: parsed.hostname.replace(/^\[|\]$/g, ""), port };
  } catch {
    return null;
  }
}

export function reachFailure(error: unknown, url: string): ReachFailure | undefined {
  const target = reachTarget(url);
  return target ? { kind: reachKindOf(error), ...target } : undefined;
}

const WHY: Record<ReachKind, string> = {
  dns: "no such host name (the DNS lookup failed). Check the address for a typo",
  refused: "the connection was refused. Check that the gateway is running and listens on that port",
  timeout: "no answer in time. Check that the address is right and that no firewall drops the connection",
  network: "the network is unreachable. Check this computer's network connection",
};

/** "Cannot reach host:port: why. What to check." */
export function reachSentence(reach: ReachFailure): string {
  const where = reach.host.includes(":") ? `[${reach.host}]:${reach.port}` : `${reach.host}:${reach.port}`;
  return `Cannot reach ${where}: ${WHY[reach.kind]}.`;
}
