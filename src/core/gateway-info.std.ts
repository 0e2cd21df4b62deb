// What a gateway's hello-ok says that a person wants to see once connected: the access this device got, the
// gateway's version and health, and where its Control UI is. Read defensively: every field is the gateway's word.

export interface GatewayAccess {
  role: string;
  scopes: string[];
}

export interface GatewayHealth {
  /** "ok": the gateway reports itself healthy; "degraded": it reports a problem; "unknown": it says nothing. */
  status: "ok" | "degraded" | "unknown";
  uptimeMs: number | null;
}

export interface GatewayInfo {
  access: GatewayAccess | null;
  version: string | null;
  health: GatewayHealth;
  /** The Control UI's http(s) address the gateway announced (null: derive it from the gateway's own address). */
  controlUiUrl: string | null;
}

const MAX_TEXT = 200;
const text = (value: unknown): string | null =>
  typeof value === "string" && value.length > 0 && value.length <= MAX_TEXT && !/[\u0000-\u001f]/.test(value)
    ? value
    : null;
const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

function healthOf(snapshot: Record<string, unknown>): GatewayHealth {
  const health = record(snapshot.health);
  const uptime = snapshot.uptimeMs;
  return {
    status: health.ok === true ? "ok" : health.ok === false ? "degraded" : "unknown",
    uptimeMs: typeof uptime === "number" && Number.isFinite(uptime) && uptime >= 0 ? uptime : null,
  };
}

function httpUrl(value: unknown): string | null {
  const candidate = text(value);
  if (!candidate) return null;
  try {
    const url = new URL(candidate);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password ? url.href : null;
  } catch {
    return null;
  }
}

/** From a hello-ok payload (the device token in it is never read here). */
export function gatewayInfoOf(hello: unknown): GatewayInfo {
  const payload = record(hello);
  const auth = record(payload.auth);
  const role = text(auth.role);
  const scopes = Array.isArray(auth.scopes) ? auth.scopes.map(text).filter((s): s is string => s !== null) : [];
  return {
    access: role ? { role, scopes: scopes.slice(0, 32) } : null,
    version: text(record(payload.server).version),
    health: healthOf(record(payload.snapshot)),
    controlUiUrl: httpUrl(payload.controlUiUrl),
  };
}

/** The Control UI lives at the gateway's own address over http(s): ws://host:port → http://host:port/. */
export function controlUiUrlOf(gatewayUrl: string, announced: string | null): string | null {
  if (announced) return announced;
  try {
    const url = new URL(gatewayUrl);
    if (url.protocol !== "ws:" && url.protocol !== "wss:") return null;
    return `${url.protocol === "wss:" ? "https:" : "http:"}//${url.host}/`;
  } catch {
    return null;
  }
}
