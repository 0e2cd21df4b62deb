// Dates, countdowns, scope names, access levels and gateway health as the renderer shows them.
import type { GatewayAccess, GatewayHealth } from "../core/gateway-info.std.ts";

export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

const SCOPES: Record<string, string> = {
  "operator.read": "Read the gateway's state",
  "operator.write": "Send commands and messages",
  "operator.admin": "Administer the gateway",
  "operator.pairing": "Manage paired devices",
};

export function describeScope(scope: string): string {
  return SCOPES[scope] ?? scope;
}

/** The access level's name and, in one line, what it lets this device do. */
export function describeAccess(access: GatewayAccess): { level: string; allows: string } {
  const has = (scope: string) => access.scopes.includes(scope);
  if (has("operator.admin"))
    return { level: "Full access", allows: "Everything an operator can do, including the gateway's settings." };
  if (has("operator.write"))
    return { level: "Standard access", allows: "Read the gateway's state and send it commands and messages." };
  if (has("operator.read"))
    return { level: "Read-only access", allows: "See the gateway's state; it cannot change anything." };
  return { level: "Limited access", allows: "The gateway granted no operator scope to this device." };
}

export function formatUptime(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days`;
}

export function describeHealth(health: GatewayHealth | null): string {
  const up = health?.uptimeMs != null ? `, up ${formatUptime(health.uptimeMs)}` : "";
  if (health?.status === "ok") return `Healthy${up}`;
  if (health?.status === "degraded") return `Reports a problem${up}: see its Control UI`;
  return health ? `Answering${up}` : "Not known yet";
}
