// Enrollment keys, the operator's side (docs/pairing-protocol.md, "Enrollment keys"): create, revoke (and
// optionally remove every device a key enrolled), list with uses left, expire. The PAKE routes' side is
// enrollment-pake.ts. A key is stored sealed under the install secret (the PAKE needs it); it is shown once.
import { gatewayFingerprint } from "@ocmap/protocol/gateway-identity";
import { keyFromRandom } from "@ocmap/protocol/enrollment-key";
import { ACCESS_SCOPES, type CreateKeyResult, type KeySummary } from "@ocmap/protocol/pairing-protocol";
import { seal, unseal } from "./crypto.ts";
import { fail } from "./errors.ts";
import type { PluginCore } from "./plugin-core.ts";
import type { CreateKeyParams } from "./request-validation.ts";
import { audit, commitChange } from "./state-changes.ts";
import type { CodeRecord, KeyRecord, PluginState } from "./store.ts";

/** Keys kept in the state: every non-final one, and the latest final ones up to this many in all. */
const MAX_KEYS = 256;
const DEFAULT_KEY_TTL_SECONDS = 24 * 3600;

/** Uses of `key` confirmed but not yet exchanged, cancelled or expired: they hold a use until they end. */
export const usesInFlight = (state: Readonly<PluginState>, keyId: string, now: number) =>
  state.codes.filter((code) => code.keyId === keyId && code.status === "active" && code.expiresAtMs > now).length;

export const usesLeft = (state: Readonly<PluginState>, key: KeyRecord, now: number) =>
  Math.max(0, key.uses - key.used - usesInFlight(state, key.keyId, now));

/** Active and unexpired with a use left; else the error a /start or /confirm answers. */
export function assertKeyUsable(state: Readonly<PluginState>, key: KeyRecord, now: number): void {
  if (key.status === "expired" || (key.status === "active" && key.expiresAtMs <= now))
    throw fail("CODE_EXPIRED", "enrollment key expired");
  if (key.status !== "active") throw fail("CODE_ALREADY_USED", `enrollment key ${key.status}`);
  if (usesLeft(state, key, now) === 0) throw fail("CODE_ALREADY_USED", "enrollment key has no use left");
}

export class EnrollmentKeys {
  constructor(private readonly core: PluginCore) {}

  async create(params: CreateKeyParams, callerScopes: readonly string[]): Promise<CreateKeyResult> {
    this.core.assertEnabled();
    const access = params.access ?? "standard";
    const scopes = [...ACCESS_SCOPES[access]];
    if (!callerScopes.includes("operator.admin") && !scopes.every((scope) => callerScopes.includes(scope)))
      throw fail("INVALID_REQUEST", "scopes exceed the caller's");
    const now = this.core.deps.now();
    const ttlSeconds = params.ttlSeconds ?? DEFAULT_KEY_TTL_SECONDS;
    const result = await commitChange(this.core.store, this.core.deps.log, (state) => {
      const taken = new Set(state.keys.map((key) => key.keyId));
      let drawn: { key: string; keyId: string };
      do drawn = keyFromRandom(this.core.deps.randomBytes(3), this.core.deps.randomBytes(13));
      while (taken.has(drawn.keyId));
      const record: KeyRecord = {
        keyId: drawn.keyId,
        sealedKey: seal(this.core.store.secret, drawn.key),
        ...(params.label ? { label: params.label } : {}),
        access,
        scopes,
        namePrefix: params.namePrefix ?? "ocmap",
        ephemeral: params.ephemeral ?? false,
        uses: params.uses,
        used: 0,
        createdAtMs: now,
        expiresAtMs: now + ttlSeconds * 1000,
        status: "active",
        failures: 0,
      };
      state.keys = pruneKeys([...state.keys, record]);
      audit(state, { atMs: now, type: "key.created", keyId: record.keyId });
      return { record, key: drawn.key };
    });
    this.core.deps.log.info(
      `ocmap-pairing: enrollment key ${result.record.keyId} created (${access}, ${params.uses} uses, ${ttlSeconds}s)`,
    );
    this.core.announceChange("key.created");
    const { record } = result;
    return {
      keyId: record.keyId,
      key: result.key,
      expiresAtMs: record.expiresAtMs,
      uses: record.uses,
      access,
      scopes,
      namePrefix: record.namePrefix,
      ephemeral: record.ephemeral,
      gatewayFingerprint: gatewayFingerprint(this.core.deps.gatewayIdentity().publicKey),
    };
  }

  /** Stops new uses at once (uses in flight are cancelled: their bootstrap tokens revoked). */
  async revoke(keyId: string): Promise<{ keyId: string; revokedAtMs: number; deviceIds: string[] }> {
    const now = this.core.deps.now();
    const { tokens, deviceIds } = await commitChange(this.core.store, this.core.deps.log, (state) => {
      const key = state.keys.find((candidate) => candidate.keyId === keyId);
      if (!key) throw fail("INVALID_REQUEST", "unknown keyId");
      if (key.status !== "revoked") {
        key.status = "revoked";
        key.revokedAtMs = now;
        audit(state, { atMs: now, type: "key.revoked", keyId });
      }
      const inFlight = state.codes.filter((code) => code.keyId === keyId && code.status === "active");
      for (const use of inFlight) use.status = "cancelled";
      return {
        tokens: inFlight.map((use) => unseal(this.core.store.secret, use.sealedBootstrap)),
        deviceIds: state.devices
          .filter((device) => device.keyId === keyId && !device.revokedAtMs)
          .map((device) => device.deviceId),
      };
    });
    for (const token of tokens) await this.core.revokeBootstrap(token);
    this.core.announceChange("key.revoked");
    return { keyId, revokedAtMs: now, deviceIds };
  }

  /** Marks lapsed keys expired; true when something changed. */
  async sweep(): Promise<void> {
    const now = this.core.deps.now();
    const lapsed = (key: KeyRecord) => key.status === "active" && key.expiresAtMs <= now;
    if (this.core.store.damage || !this.core.store.read().keys.some(lapsed)) return;
    await commitChange(this.core.store, this.core.deps.log, (state) => {
      for (const key of state.keys.filter(lapsed)) {
        key.status = "expired";
        audit(state, { atMs: now, type: "key.expired", keyId: key.keyId });
      }
    });
    this.core.announceChange("key.expired");
  }
}

export function keySummaries(state: Readonly<PluginState>, now: number): KeySummary[] {
  return state.keys.map(({ sealedKey: _k, failures: _f, ...key }) => ({
    ...key,
    usesLeft: key.status === "active" && key.expiresAtMs > now ? usesLeft(state, key as KeyRecord, now) : 0,
  }));
}

/** A use of a key spent by an exchange: counted on the key, which is exhausted by its last use. */
export function recordKeyUse(state: PluginState, use: CodeRecord, now: number): KeyRecord | undefined {
  const key = use.keyId ? state.keys.find((candidate) => candidate.keyId === use.keyId) : undefined;
  if (!key) return undefined;
  key.used += 1;
  if (key.used >= key.uses && key.status === "active") {
    key.status = "exhausted";
    audit(state, { atMs: now, type: "key.exhausted", keyId: key.keyId });
  }
  return key;
}

function pruneKeys(keys: KeyRecord[]): KeyRecord[] {
  if (keys.length <= MAX_KEYS) return keys;
  const live = keys.filter((key) => key.status === "active");
  if (live.length >= MAX_KEYS) throw fail("INVALID_REQUEST", "too many active enrollment keys");
  const rest = keys.filter((key) => key.status !== "active").slice(-(MAX_KEYS - live.length));
  return [...rest, ...live].sort((a, b) => a.createdAtMs - b.createdAtMs);
}
