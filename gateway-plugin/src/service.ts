// The operator side of pairing, free of HTTP and WS framing: codes (create, cancel, expire), the list, and
// device revocation. The unauthenticated v2 routes are `v2` (pake-service.ts); both share `core`
// (plugin-core.ts). The gateway's SDK calls arrive as `deps` (service-deps.ts).
import { randomUUID } from "node:crypto";
import { gatewayFingerprint } from "@ocmap/protocol/gateway-identity";
import { formatCode } from "@ocmap/protocol/pairing-code";
import { ACCESS_SCOPES, pairingLink, type CreateCodeResult, type PairingList } from "@ocmap/protocol/pairing-protocol";
import { discriminatorOf } from "@ocmap/protocol/pairing-v2";
import { expireAfterMs, type PairingConfig } from "./config.ts";
import { hmacHex, seal, unseal } from "./crypto.ts";
import { fail } from "./errors.ts";
import type { FailureLimiter } from "./limiter.ts";
import { EnrollmentKeys } from "./enrollment-keys.ts";
import { PakePairing } from "./pake-service.ts";
import { lastGatewayFacts, toPairingList } from "./pairing-list.ts";
import { PluginCore } from "./plugin-core.ts";
import type { CreateCodeParams } from "./request-validation.ts";
import type { PairedDeviceInfo, ServiceDeps } from "./service-deps.ts";
import { audit, commitChange, newUniqueCode } from "./state-changes.ts";
import type { CodeRecord, PairingStore } from "./store.ts";

const REVOKE_AUDIT = {
  self: "device.forgotten",
  ephemeral: "device.removed",
  expired: "device.expired",
  operator: "device.revoked",
} as const;

/** The webhook's `detail` for a revocation without a reason of its own. */
const REVOKED_BY = {
  operator: "revoked by an operator",
  self: "forgotten by the device itself",
  ephemeral: "ephemeral device removed after staying disconnected",
  expired: "removed after not being seen for too long",
} as const;

export class PairingService {
  readonly core: PluginCore;
  /** The unauthenticated pairing routes (protocol v2). */
  readonly v2: PakePairing;
  /** Enrollment keys, the operator's side (their PAKE runs through `v2`). */
  readonly keys: EnrollmentKeys;

  /** `limiter`: see PluginCore (index.ts keeps one per state dir). */
  constructor(store: PairingStore, cfg: PairingConfig, deps: ServiceDeps, limiter?: FailureLimiter) {
    this.core = new PluginCore(store, cfg, deps, limiter);
    this.v2 = new PakePairing(this.core);
    this.keys = new EnrollmentKeys(this.core);
  }

  /** The gateway identity fingerprint operators read out beside a code. */
  gatewayFingerprint(): string {
    return gatewayFingerprint(this.deps.gatewayIdentity().publicKey);
  }

  // ---------- operator methods ----------

  async createCode(params: CreateCodeParams, callerScopes: readonly string[]): Promise<CreateCodeResult> {
    this.assertEnabled();
    const access = params.access ?? "standard";
    const scopes = [...ACCESS_SCOPES[access]];
    const admin = callerScopes.includes("operator.admin");
    if (!admin && !scopes.every((scope) => callerScopes.includes(scope)))
      throw fail("INVALID_REQUEST", "scopes exceed the caller's");
    const ttlSeconds = params.ttlSeconds ?? this.core.cfg.codeTtlSeconds;
    await this.sweep();
    const bootstrap = await this.deps.issueBootstrapToken(access, scopes);
    const now = this.deps.now();
    const result = await commitChange(this.store, this.deps.log, (state) => {
      const code = newUniqueCode(state.codes, this.store.secret, this.deps.randomBytes);
      const record: CodeRecord = {
        codeId: randomUUID(),
        hash: hmacHex(this.store.secret, code),
        discriminator: discriminatorOf(code),
        sealedCode: seal(this.store.secret, code),
        nonce: this.deps.randomBytes(24).toString("base64url"),
        sealedBootstrap: seal(this.store.secret, bootstrap.token),
        access,
        scopes,
        ...(params.label ? { label: params.label } : {}),
        createdAtMs: now,
        expiresAtMs: Math.min(now + ttlSeconds * 1000, bootstrap.expiresAtMs),
        status: "active",
        failures: 0,
      };
      state.codes.push(record);
      audit(state, { atMs: now, type: "code.created", codeId: record.codeId });
      const display = formatCode(code);
      return {
        codeId: record.codeId,
        code: display,
        expiresAtMs: record.expiresAtMs,
        access,
        scopes,
        pairingLink: pairingLink(this.deps.publicUrl(), display),
        gatewayFingerprint: this.gatewayFingerprint(),
      };
    }).catch(async (err) => {
      await this.revokeBootstrap(bootstrap.token); // no code holds it: it must not stay valid
      throw err;
    });
    this.deps.log.info(`ocmap-pairing: code ${result.codeId} created (${access}, ${ttlSeconds}s)`);
    this.announceChange("code.created");
    return result;
  }

  async cancelCode(codeId: string) {
    const now = this.deps.now();
    const token = await commitChange(this.store, this.deps.log, (state) => {
      const code = state.codes.find((candidate) => candidate.codeId === codeId);
      if (!code) throw fail("INVALID_REQUEST", "unknown codeId");
      if (code.status !== "active" || code.expiresAtMs <= now)
        throw fail(code.status === "active" ? "CODE_EXPIRED" : "CODE_ALREADY_USED");
      code.status = "cancelled";
      audit(state, { atMs: now, type: "code.cancelled", codeId });
      return unseal(this.store.secret, code.sealedBootstrap);
    });
    await this.revokeBootstrap(token);
    this.announceChange("code.cancelled");
    return { codeId, status: "cancelled" as const };
  }

  /** `isConnected` comes from the caller's gateway context (a live socket for the device right now). */
  async list(isConnected: (deviceId: string) => boolean = () => false): Promise<PairingList> {
    await this.sweep();
    const gateway = await this.deps.listPairing().catch(() => ({ paired: [] as PairedDeviceInfo[] }));
    const now = this.deps.now();
    const limits = { pausedUntilMs: this.core.limiter.pausedUntil(now), attack: this.core.limiter.summary(now) };
    const expiry = expireAfterMs(this.core.cfg);
    const list = toPairingList(this.store.read(), gateway.paired, isConnected, limits, now, expiry);
    if (this.store.damage) return list; // the identity key may be what is damaged: no fingerprint then
    return { ...list, gatewayFingerprint: this.gatewayFingerprint() };
  }

  /** Marks a paired device revoked in our list; `remove` takes it out of the gateway. */
  async revokeDevice(
    deviceId: string,
    by: "operator" | "self" | "ephemeral" | "expired",
    reason: string | undefined,
    remove: () => Promise<void>,
  ) {
    const now = this.deps.now();
    if (!this.store.read().devices.some((device) => device.deviceId === deviceId))
      throw fail("INVALID_REQUEST", "not a device paired through a code");
    // The gateway's record goes with the device: what it said (name, last seen, address) is kept for the list.
    const gateway = await this.deps.listPairing().catch(() => ({ paired: [] as PairedDeviceInfo[] }));
    const last = lastGatewayFacts(gateway.paired.find((known) => known.deviceId === deviceId));
    await remove(); // only a device the gateway removed is marked revoked
    const type = REVOKE_AUDIT[by];
    const displayName = await commitChange(this.store, this.deps.log, (state) => {
      const device = state.devices.find((candidate) => candidate.deviceId === deviceId)!;
      if (!device.revokedAtMs && last) device.lastGatewayFacts = last;
      device.revokedAtMs ??= now;
      device.revokedBy ??= by;
      audit(state, { atMs: now, type, deviceId, ...(reason ? { reason } : {}) });
      return device.displayName;
    });
    this.announceChange(type);
    const detail = reason ?? REVOKED_BY[by];
    const kind = by === "expired" ? "expired" : "revoked";
    this.core.notifyDevice({ kind, deviceId, ...(displayName ? { displayName } : {}), atMs: now }, detail);
    return { deviceId, revokedAtMs: now };
  }

  /** forgetSelf was answered but the gateway did not remove the device: it stays active, revocable. */
  async auditForgetFailure(deviceId: string, reason: string) {
    const now = this.deps.now();
    await commitChange(this.store, this.deps.log, (state) =>
      audit(state, { atMs: now, type: "device.forget-failed", deviceId, reason: reason.slice(0, 200) }),
    );
    this.announceChange("device.forget-failed");
  }

  /** Devices this plugin paired and has not revoked: the only ones forgetSelf may remove. */
  isActiveDevice(deviceId: string): boolean {
    return this.store.read().devices.some((device) => device.deviceId === deviceId && !device.revokedAtMs);
  }

  /** Marks lapsed codes expired and revokes their unused bootstrap tokens. */
  async sweep() {
    await this.keys.sweep();
    const now = this.deps.now();
    const lapsed = (code: CodeRecord) => code.status === "active" && code.expiresAtMs <= now;
    if (this.store.damage || !this.store.read().codes.some(lapsed)) return; // damaged: touch nothing
    const tokens = await commitChange(this.store, this.deps.log, (state) =>
      state.codes.filter(lapsed).map((code) => {
        code.status = "expired";
        audit(state, { atMs: now, type: "code.expired", codeId: code.codeId });
        return unseal(this.store.secret, code.sealedBootstrap);
      }),
    );
    for (const token of tokens) await this.revokeBootstrap(token);
    this.announceChange("code.expired");
  }

  private async revokeBootstrap(token: string) {
    await this.core.revokeBootstrap(token);
  }

  private announceChange(reason: string) {
    this.core.announceChange(reason);
  }

  private assertEnabled() {
    this.core.assertEnabled();
  }

  private get store() {
    return this.core.store;
  }

  private get deps() {
    return this.core.deps;
  }
}
