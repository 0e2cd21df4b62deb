// The pairing logic, free of HTTP and WS framing. The gateway's SDK calls arrive as `deps` so that
// the checks read in the contract's order.
import { randomBytes, randomUUID } from "node:crypto";
import { codeFromRandom, formatCode, parsePairingCode } from "@ocmap/protocol/pairing-code";
import {
  ACCESS_SCOPES,
  SIGNED_AT_SKEW_MS,
  exchangeSignaturePayload,
  fingerprint,
  pairingLink,
  type Access,
  type AuditEvent,
  type CreateCodeResult,
  type ExchangeRequest,
  type ExchangeResponse,
  type PairingList,
  type RedeemResponse,
} from "@ocmap/protocol/pairing-protocol";
import type { PairingConfig } from "./config.ts";
import { deviceIdOf, hmacHex, sameHex, seal, unseal, verifyEd25519 } from "./crypto.ts";
import { fail, PairingError } from "./errors.ts";
import { FailureLimiter } from "./limiter.ts";
import type { CodeRecord, DeviceRecord, PairingStore, PluginState } from "./store.ts";

export interface PendingRequest {
  requestId: string;
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  role?: string;
  roles?: string[];
  scopes?: string[];
}
export interface PairedDeviceInfo {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  lastSeenAtMs?: number;
}

export interface ServiceDeps {
  now(): number;
  issueBootstrapToken(access: Access, scopes: string[]): Promise<{ token: string; expiresAtMs: number }>;
  revokeBootstrapToken(token: string): Promise<void>;
  listPairing(): Promise<{ pending: PendingRequest[]; paired: PairedDeviceInfo[] }>;
  /** approveDevicePairing with exactly the code's scopes; false when the request is gone or forbidden. */
  approve(requestId: string, scopes: string[]): Promise<boolean>;
  /** The gateway's own `device.pair.resolved`, which approveDevicePairing does not send. */
  broadcastResolved(payload: Record<string, unknown>): void;
  /** An invalidation for Clawpodz and other operator screens. */
  changed(reason: string): void;
  publicUrl(): string;
  log: { info(msg: string): void; warn(msg: string): void };
}

export class PairingService {
  private readonly limiter: FailureLimiter;

  constructor(
    private readonly store: PairingStore,
    private cfg: PairingConfig,
    private readonly deps: ServiceDeps,
  ) {
    this.limiter = new FailureLimiter({
      maxGlobal: cfg.maxFailuresGlobal,
      globalWindowMs: cfg.globalWindowSeconds * 1000,
      maxPerAddress: cfg.maxFailuresPerAddress,
      addressWindowMs: cfg.addressWindowSeconds * 1000,
    });
  }

  get enabled() {
    return this.cfg.enabled;
  }

  private assertEnabled() {
    if (!this.cfg.enabled) throw fail("PAIRING_DISABLED");
  }

  // ---------- operator methods ----------

  async createCode(
    p: { ttlSeconds?: number; access?: Access; label?: string },
    callerScopes: readonly string[],
  ): Promise<CreateCodeResult> {
    this.assertEnabled();
    const access = p.access ?? "standard";
    const scopes = [...ACCESS_SCOPES[access]];
    const admin = callerScopes.includes("operator.admin");
    if (!admin && !scopes.every((s) => callerScopes.includes(s)))
      throw fail("INVALID_REQUEST", "scopes exceed the caller's");
    const ttl = p.ttlSeconds ?? this.cfg.codeTtlSeconds;
    await this.sweep();
    const bootstrap = await this.deps.issueBootstrapToken(access, scopes);
    const now = this.deps.now();
    const result = await this.store.mutate((s) => {
      let code: string;
      do code = codeFromRandom(randomBytes(5));
      while (s.codes.some((c) => c.status === "active" && sameHex(c.hash, hmacHex(this.store.secret, code))));
      const rec: CodeRecord = {
        codeId: randomUUID(),
        hash: hmacHex(this.store.secret, code),
        nonce: randomBytes(24).toString("base64url"),
        sealedBootstrap: seal(this.store.secret, bootstrap.token),
        access,
        scopes,
        ...(p.label ? { label: p.label } : {}),
        createdAtMs: now,
        expiresAtMs: Math.min(now + ttl * 1000, bootstrap.expiresAtMs),
        status: "active",
        failures: 0,
      };
      s.codes.push(rec);
      audit(s, { atMs: now, type: "code.created", codeId: rec.codeId });
      const display = formatCode(code);
      return {
        codeId: rec.codeId,
        code: display,
        nonce: rec.nonce,
        bootstrapToken: bootstrap.token,
        expiresAtMs: rec.expiresAtMs,
        access,
        scopes,
        pairingLink: pairingLink(this.deps.publicUrl(), display),
      };
    });
    this.limiter.liftGlobal();
    this.deps.log.info(`ocmap-pairing: code ${result.codeId} created (${access}, ${ttl}s)`);
    this.deps.changed("code.created");
    return result;
  }

  async cancelCode(codeId: string) {
    const now = this.deps.now();
    const token = await this.store.mutate((s) => {
      const c = s.codes.find((x) => x.codeId === codeId);
      if (!c) throw fail("INVALID_REQUEST", "unknown codeId");
      if (c.status !== "active" || c.expiresAtMs <= now)
        throw fail(c.status === "active" ? "CODE_EXPIRED" : "CODE_ALREADY_USED");
      c.status = "cancelled";
      audit(s, { atMs: now, type: "code.cancelled", codeId });
      return unseal(this.store.secret, c.sealedBootstrap);
    });
    await this.revokeBootstrap(token);
    this.deps.changed("code.cancelled");
    return { codeId, status: "cancelled" as const };
  }

  /** `isConnected` comes from the caller's gateway context (a live socket for the device right now). */
  async list(isConnected: (deviceId: string) => boolean = () => false): Promise<PairingList> {
    await this.sweep();
    const s = this.store.read();
    const gateway = await this.deps.listPairing().catch(() => ({ pending: [], paired: [] as PairedDeviceInfo[] }));
    const codes = s.codes.map(({ hash: _h, nonce: _n, sealedBootstrap: _b, failures: _f, ...summary }) => summary);
    const devices = s.devices.map((d) => {
      const g = gateway.paired.find((p) => p.deviceId === d.deviceId);
      return {
        deviceId: d.deviceId,
        fingerprint: fingerprint(d.deviceId),
        ...(d.displayName ? { displayName: d.displayName } : {}),
        ...(d.platform ? { platform: d.platform } : {}),
        access: d.access,
        scopes: d.scopes,
        pairedAtMs: d.pairedAtMs,
        ...(g?.lastSeenAtMs ? { lastSeenAtMs: g.lastSeenAtMs } : {}),
        connected: !d.revokedAtMs && isConnected(d.deviceId),
        ...(d.revokedAtMs ? { revokedAtMs: d.revokedAtMs, revokedBy: d.revokedBy } : {}),
      };
    });
    const paused = this.limiter.pausedUntil(this.deps.now());
    return { codes, devices, events: s.events.slice(-100), ...(paused ? { pausedUntilMs: paused } : {}) };
  }

  /** Marks a paired device revoked in our list; `remove` takes it out of the gateway. */
  async revokeDevice(
    deviceId: string,
    by: "operator" | "self",
    reason: string | undefined,
    remove: () => Promise<void>,
  ) {
    const now = this.deps.now();
    const known = this.store.read().devices.find((d) => d.deviceId === deviceId);
    if (!known) throw fail("INVALID_REQUEST", "not a device paired through a code");
    if (by === "operator") await remove();
    await this.store.mutate((s) => {
      const d = s.devices.find((x) => x.deviceId === deviceId)!;
      d.revokedAtMs ??= now;
      d.revokedBy ??= by;
      audit(s, {
        atMs: now,
        type: by === "self" ? "device.forgotten" : "device.revoked",
        deviceId,
        ...(reason ? { reason } : {}),
      });
    });
    this.deps.changed(by === "self" ? "device.forgotten" : "device.revoked");
    return { deviceId, revokedAtMs: now };
  }

  /** Devices this plugin paired and has not revoked: the only ones forgetSelf may remove. */
  isActiveDevice(deviceId: string): boolean {
    return this.store.read().devices.some((d) => d.deviceId === deviceId && !d.revokedAtMs);
  }

  // ---------- unauthenticated routes ----------

  /** `read` yields the parsed JSON body, or throws INVALID_REQUEST; its failures count like any other. */
  async redeem(read: () => Promise<unknown>, address: string): Promise<RedeemResponse> {
    return this.guarded(address, async (named) => {
      const { code } = closed(await read(), ["code"], []);
      const rec = this.findCode(code, named);
      await this.assertUsable(rec);
      const now = this.deps.now();
      await this.store.mutate((s) =>
        audit(s, { atMs: now, type: "code.redeemed", codeId: rec.codeId, remoteAddress: address }),
      );
      this.deps.changed("code.redeemed");
      return {
        ok: true,
        codeId: rec.codeId,
        nonce: rec.nonce,
        bootstrapToken: unseal(this.store.secret, rec.sealedBootstrap),
        scopes: rec.scopes,
        expiresAtMs: rec.expiresAtMs,
      };
    });
  }

  async exchange(read: () => Promise<unknown>, address: string): Promise<ExchangeResponse> {
    return this.guarded(address, async (named) => {
      const req = parseExchange(await read());
      const rec = this.findCode(req.code, named);
      // One lock for every exchange: of two racing exchanges of one code exactly one wins.
      const outcome = await this.store.mutate(async (s) => {
        const c = s.codes.find((x) => x.codeId === rec.codeId)!;
        await this.assertUsable(c);
        const d = req.device;
        const now = this.deps.now();
        if (d.nonce !== c.nonce) throw fail("CODE_INVALID", "nonce mismatch");
        if (deviceIdOf(d.publicKey) !== d.id) throw fail("CODE_INVALID", "device id does not match public key");
        const signed = exchangeSignaturePayload({
          nonce: d.nonce,
          requestId: req.requestId ?? "",
          id: d.id,
          publicKey: d.publicKey,
          signedAt: d.signedAt,
        });
        if (!verifyEd25519(d.publicKey, signed, d.signature)) throw fail("CODE_INVALID", "bad signature");
        if (Math.abs(d.signedAt - now) > SIGNED_AT_SKEW_MS) throw fail("CODE_INVALID", "signedAt outside ±120 s");
        const gateway = await this.deps.listPairing();
        let info: { displayName?: string; platform?: string };
        if (req.requestId) {
          const pending = gateway.pending.find((p) => p.requestId === req.requestId);
          if (!pending || pending.deviceId !== d.id || pending.publicKey !== d.publicKey)
            throw fail("CODE_INVALID", "pending request missing or not this device's");
          const roles = pending.roles ?? (pending.role ? [pending.role] : []);
          if (roles.some((r) => r !== "operator") || !(pending.scopes ?? []).every((x) => c.scopes.includes(x)))
            throw fail("CODE_INVALID", "requested role or scopes exceed the code's");
          info = pending;
        } else {
          const paired = gateway.paired.find((p) => p.deviceId === d.id && p.publicKey === d.publicKey);
          if (!paired) throw fail("CODE_INVALID", "no requestId and the device is not paired");
          info = paired;
        }
        if (s.devices.some((x) => x.deviceId === d.id && x.revokedAtMs)) throw fail("DEVICE_REVOKED");
        if (req.requestId && !(await this.deps.approve(req.requestId, c.scopes)))
          throw fail("CODE_INVALID", "approval refused by the gateway");
        c.status = "used";
        c.usedAtMs = now;
        c.deviceId = d.id;
        s.devices = s.devices.filter((x) => x.deviceId !== d.id);
        const device: DeviceRecord = {
          deviceId: d.id,
          publicKey: d.publicKey,
          ...(info.displayName ? { displayName: info.displayName.slice(0, 128) } : {}),
          ...(info.platform ? { platform: info.platform.slice(0, 32) } : {}),
          access: c.access,
          scopes: c.scopes,
          pairedAtMs: now,
          codeId: c.codeId,
        };
        s.devices.push(device);
        audit(s, {
          atMs: now,
          type: "code.exchanged",
          codeId: c.codeId,
          deviceId: d.id,
          remoteAddress: address,
          ...(req.requestId ? {} : { reason: "already-paired" }),
        });
        return { now, scopes: c.scopes, requestId: req.requestId };
      });
      if (outcome.requestId) {
        this.deps.broadcastResolved({
          requestId: outcome.requestId,
          deviceId: req.device.id,
          decision: "approved",
          ts: outcome.now,
        });
      }
      this.deps.changed("code.exchanged");
      return { ok: true, deviceId: req.device.id, role: "operator", scopes: outcome.scopes, approvedAtMs: outcome.now };
    });
  }

  /** Rate limit first, then run; every failure is counted and audited, and names its code when it can. */
  private async guarded<T>(address: string, run: (named: { codeId?: string }) => Promise<T>): Promise<T> {
    this.assertEnabled();
    const now = this.deps.now();
    const verdict = this.limiter.check(address, now);
    if (verdict.limited) throw fail("RATE_LIMITED", "rate limited", Math.max(1000, verdict.retryAfterMs));
    const named: { codeId?: string } = {};
    try {
      return await run(named);
    } catch (err) {
      const e = err instanceof PairingError ? err : fail("INVALID_REQUEST", `internal: ${(err as Error).message}`);
      if (!(err instanceof PairingError))
        this.deps.log.warn(`ocmap-pairing: unexpected failure: ${(err as Error).message}`);
      this.limiter.fail(address, now);
      await this.recordFailure(e, named.codeId, address, now);
      throw e;
    }
  }

  private async recordFailure(e: PairingError, codeId: string | undefined, address: string, now: number) {
    let locked = false;
    await this.store.mutate((s) => {
      const c = codeId ? s.codes.find((x) => x.codeId === codeId) : undefined;
      if (c) {
        c.failures += 1;
        if (c.status === "active" && c.failures >= this.cfg.maxFailuresPerCode) {
          c.status = "locked";
          locked = true;
        }
      }
      audit(s, {
        atMs: now,
        type: "code.failed",
        ...(c ? { codeId: c.codeId } : {}),
        reason: e.reason,
        remoteAddress: address,
      });
    });
    if (locked && codeId) await this.revokeBootstrap(this.bootstrapOf(codeId));
    this.deps.changed("code.failed");
  }

  private findCode(input: unknown, named: { codeId?: string }): CodeRecord {
    const parsed = parsePairingCode(input);
    if (!parsed.ok) throw fail("CODE_INVALID", `malformed code (${parsed.reason})`);
    const hash = hmacHex(this.store.secret, parsed.code);
    const rec = this.store.read().codes.find((c) => sameHex(c.hash, hash));
    if (!rec) throw fail("CODE_INVALID", "unknown code");
    named.codeId = rec.codeId;
    return rec;
  }

  private async assertUsable(c: CodeRecord) {
    if (c.status === "expired" || (c.status === "active" && c.expiresAtMs <= this.deps.now()))
      throw fail("CODE_EXPIRED");
    if (c.status !== "active") throw fail("CODE_ALREADY_USED", `code ${c.status}`);
  }

  /** Marks lapsed codes expired and revokes their unused bootstrap tokens. */
  async sweep() {
    const now = this.deps.now();
    if (!this.store.read().codes.some((c) => c.status === "active" && c.expiresAtMs <= now)) return;
    const tokens = await this.store.mutate((s) =>
      s.codes
        .filter((c) => c.status === "active" && c.expiresAtMs <= now)
        .map((c) => {
          c.status = "expired";
          audit(s, { atMs: now, type: "code.expired", codeId: c.codeId });
          return unseal(this.store.secret, c.sealedBootstrap);
        }),
    );
    for (const t of tokens) await this.revokeBootstrap(t);
    this.deps.changed("code.expired");
  }

  private bootstrapOf(codeId: string): string {
    return unseal(this.store.secret, this.store.read().codes.find((c) => c.codeId === codeId)!.sealedBootstrap);
  }

  private async revokeBootstrap(token: string) {
    await this.deps
      .revokeBootstrapToken(token)
      .catch((e) => this.deps.log.warn(`ocmap-pairing: bootstrap revoke failed: ${(e as Error).message}`));
  }
}

function audit(s: PluginState, e: AuditEvent) {
  s.events.push(e);
}

/** A closed object: exactly the allowed keys, string values (bounded). */
function closed(body: unknown, required: string[], optional: string[]): Record<string, string> {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw fail("INVALID_REQUEST", "body is not an object");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (![...required, ...optional].includes(k)) throw fail("INVALID_REQUEST", `unknown key ${k.slice(0, 32)}`);
    if (typeof v !== "string" || v.length > 256) throw fail("INVALID_REQUEST", `bad ${k}`);
    out[k] = v;
  }
  for (const k of required) if (!(k in out)) throw fail("INVALID_REQUEST", `missing ${k}`);
  return out;
}

function parseExchange(body: unknown): ExchangeRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw fail("INVALID_REQUEST", "body is not an object");
  const { device, ...rest } = body as Record<string, unknown>;
  const top = closed(rest, ["code"], ["requestId"]);
  if (!device || typeof device !== "object" || Array.isArray(device)) throw fail("INVALID_REQUEST", "device missing");
  const { signedAt, ...strings } = device as Record<string, unknown>;
  const dev = closed(strings, ["id", "publicKey", "signature", "nonce"], []);
  if (typeof signedAt !== "number" || !Number.isSafeInteger(signedAt) || signedAt < 0)
    throw fail("INVALID_REQUEST", "bad signedAt");
  return {
    code: top.code!,
    ...(top.requestId ? { requestId: top.requestId } : {}),
    device: { id: dev.id!, publicKey: dev.publicKey!, signature: dev.signature!, nonce: dev.nonce!, signedAt },
  };
}
