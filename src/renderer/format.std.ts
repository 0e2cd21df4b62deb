// Dates, countdowns and scope names as the renderer shows them.
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
