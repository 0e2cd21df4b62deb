import type { Limits } from "./limiter.ts";

export interface PairingConfig {
  enabled: boolean;
  codeTtlSeconds: number;
  maxFailuresPerCode: number;
  maxFailuresGlobal: number;
  globalWindowSeconds: number;
  maxFailuresPerAddress: number;
  addressWindowSeconds: number;
  publicUrl?: string;
  /** Host names (besides IP literals, localhost and the names the gateway is configured with) the routes answer. */
  allowedHosts?: string[];
  /** When set, only sources in these CIDR ranges may use the pairing routes. */
  allowedAddresses?: string[];
  /** How long an ephemeral device may stay disconnected before the plugin removes it (ephemeral-devices.ts). */
  ephemeralRemoveAfterSeconds: number;
  /** Devices not seen for this many days are removed (device-expiry.ts); 0 turns expiry off. */
  expireAfterDays: number;
  /** For tests: the same in seconds, used instead of expireAfterDays when set. */
  expireAfterSeconds?: number;
  /** Signed event delivery (webhook-sender.ts); validated beyond the schema by webhook-config.ts. */
  webhook?: { url: string; secret: string; timeoutSeconds?: number };
}

const DEFAULTS: PairingConfig = {
  enabled: true,
  codeTtlSeconds: 300,
  maxFailuresPerCode: 5,
  maxFailuresGlobal: 20,
  globalWindowSeconds: 600,
  maxFailuresPerAddress: 10,
  addressWindowSeconds: 60,
  ephemeralRemoveAfterSeconds: 600,
  expireAfterDays: 90,
};

/** How long a device may go unseen before it is removed; 0 = never. */
export const expireAfterMs = (cfg: PairingConfig) => (cfg.expireAfterSeconds ?? cfg.expireAfterDays * 86_400) * 1000;

/** The gateway validates against the manifest's closed schema first; this only fills defaults. */
export function resolveConfig(raw: Record<string, unknown> | undefined): PairingConfig {
  return { ...DEFAULTS, ...(raw as Partial<PairingConfig>) };
}

export function failureLimits(cfg: PairingConfig): Limits {
  return {
    maxGlobal: cfg.maxFailuresGlobal,
    globalWindowMs: cfg.globalWindowSeconds * 1000,
    maxPerAddress: cfg.maxFailuresPerAddress,
    addressWindowMs: cfg.addressWindowSeconds * 1000,
  };
}
