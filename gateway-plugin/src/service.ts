// The pairing logic, free of HTTP and WS framing: it orchestrates request validation
// (request-validation.ts), the exchange's ordered checks (exchange-checks.ts) and the store. The
// gateway's SDK calls arrive as `deps` (service-deps.ts).
import { randomUUID } from "node:crypto";
import { formatCode } from "@ocmap/protocol/pairing-code";
import {
  ACCESS_SCOPES,
  pairingLink,
  type CreateCodeResult,
  type ExchangeResponse,
  type PairingList,
  type RedeemResponse,
} from "@ocmap/protocol/pairing-protocol";
import { failureLimits, type PairingConfig } from "./config.ts";
import { hmacHex, seal, unseal } from "./crypto.ts";
import { fail, PairingError } from "./errors.ts";
import { assertCodeUsable, checkExchange, findCode } from "./exchange-checks.ts";
import { FailureLimiter } from "./limiter.ts";
import { toPairingList } from "./pairing-list.ts";
import { parseExchangeBody, parseRedeemBody, type CreateCodeParams } from "./request-validation.ts";
import type { PairedDeviceInfo, ServiceDeps } from "./service-deps.ts";
import { audit, commitChange, countCodeFailure, newUniqueCode, recordExchange } from "./state-changes.ts";
import type { CodeRecord, PairingStore } from "./store.ts";

/** A failed request names its code (once known) so the failure counts toward that code's lock. */
type NamedCode = { codeId?: string };

export class PairingService {
  /** Passed in by index.ts so that it outlives a re-registration on config reload (one per state dir). */
  constructor(
    private readonly store: PairingStore,
    private readonly cfg: PairingConfig,
    private readonly deps: ServiceDeps,
    private readonly limiter = new FailureLimiter(failureLimits(cfg)),
  ) {}

  // ---------- operator methods ----------

  async createCode(params: CreateCodeParams, callerScopes: readonly string[]): Promise<CreateCodeResult> {
    this.assertEnabled();
    const access = params.access ?? "standard";
    const scopes = [...ACCESS_SCOPES[access]];
    const admin = callerScopes.includes("operator.admin");
    if (!admin && !scopes.every((scope) => callerScopes.includes(scope)))
      throw fail("INVALID_REQUEST", "scopes exceed the caller's");
    const ttlSeconds = params.ttlSeconds ?? this.cfg.codeTtlSeconds;
    await this.sweep();
    const bootstrap = await this.deps.issueBootstrapToken(access, scopes);
    const now = this.deps.now();
    const result = await commitChange(this.store, this.deps.log, (state) => {
      const code = newUniqueCode(state.codes, this.store.secret, this.deps.randomBytes);
      const record: CodeRecord = {
        codeId: randomUUID(),
        hash: hmacHex(this.store.secret, code),
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
        nonce: record.nonce,
        bootstrapToken: bootstrap.token,
        expiresAtMs: record.expiresAtMs,
        access,
        scopes,
        pairingLink: pairingLink(this.deps.publicUrl(), display),
      };
    }).catch(async (err) => {
      await this.revokeBootstrap(bootstrap.token); // no code holds it: it must not stay valid
      throw err;
    });
    this.limiter.liftGlobal();
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
    return toPairingList(this.store.read(), gateway.paired, isConnected, this.limiter.pausedUntil(this.deps.now()));
  }

  /** Marks a paired device revoked in our list; `remove` takes it out of the gateway. */
  async revokeDevice(
    deviceId: string,
    by: "operator" | "self",
    reason: string | undefined,
    remove: () => Promise<void>,
  ) {
    const now = this.deps.now();
    if (!this.store.read().devices.some((device) => device.deviceId === deviceId))
      throw fail("INVALID_REQUEST", "not a device paired through a code");
    await remove(); // only a device the gateway removed is marked revoked
    const type = by === "self" ? "device.forgotten" : "device.revoked";
    await commitChange(this.store, this.deps.log, (state) => {
      const device = state.devices.find((candidate) => candidate.deviceId === deviceId)!;
      device.revokedAtMs ??= now;
      device.revokedBy ??= by;
      audit(state, { atMs: now, type, deviceId, ...(reason ? { reason } : {}) });
    });
    this.announceChange(type);
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

  // ---------- unauthenticated routes ----------

  /** `read` yields the parsed JSON body, or throws INVALID_REQUEST; its failures count like any other. */
  async redeem(read: () => Promise<unknown>, address: string): Promise<RedeemResponse> {
    return this.guarded(address, async (named) => {
      const request = parseRedeemBody(await read());
      const code = this.findNamedCode(request.code, named);
      assertCodeUsable(code, this.deps.now());
      const now = this.deps.now();
      await commitChange(this.store, this.deps.log, (state) =>
        audit(state, { atMs: now, type: "code.redeemed", codeId: code.codeId, remoteAddress: address }),
      );
      this.announceChange("code.redeemed");
      return {
        ok: true,
        codeId: code.codeId,
        nonce: code.nonce,
        bootstrapToken: unseal(this.store.secret, code.sealedBootstrap),
        scopes: code.scopes,
        expiresAtMs: code.expiresAtMs,
      };
    });
  }

  async exchange(read: () => Promise<unknown>, address: string): Promise<ExchangeResponse> {
    return this.guarded(address, async (named) => {
      const request = parseExchangeBody(await read());
      const { codeId } = this.findNamedCode(request.code, named);
      const deviceId = request.device.id;
      // One lock for every exchange: of two racing exchanges of one code exactly one wins.
      const outcome = await commitChange(this.store, this.deps.log, async (state) => {
        const code = state.codes.find((candidate) => candidate.codeId === codeId)!;
        const now = this.deps.now();
        const listPairing = () => this.deps.listPairing();
        const description = await checkExchange({ request, code, devices: state.devices, now, listPairing });
        if (request.requestId && !(await this.deps.approve(request.requestId, code.scopes)))
          throw fail("CODE_INVALID", "approval refused by the gateway");
        recordExchange(state, code, request.device, description, now);
        audit(state, {
          atMs: now,
          type: "code.exchanged",
          codeId,
          deviceId,
          remoteAddress: address,
          ...(request.requestId ? {} : { reason: "already-paired" }),
        });
        return { now, scopes: code.scopes };
      });
      // The approval is committed: from here on nothing may turn the answer into a failure.
      const { requestId } = request;
      if (requestId) {
        const resolved = { requestId, deviceId, decision: "approved", ts: outcome.now };
        this.announce("device.pair.resolved", () => this.deps.broadcastResolved(resolved));
      }
      this.announceChange("code.exchanged");
      return { ok: true, deviceId, role: "operator", scopes: outcome.scopes, approvedAtMs: outcome.now };
    });
  }

  /** Marks lapsed codes expired and revokes their unused bootstrap tokens. */
  async sweep() {
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

  // ---------- internals ----------

  /** What `enabled: false` and damaged files refuse: creating codes and the pairing routes. */
  private assertEnabled() {
    if (!this.cfg.enabled) throw fail("PAIRING_DISABLED");
    this.store.assertHealthy();
  }

  private findNamedCode(input: string, named: NamedCode): CodeRecord {
    const code = findCode(this.store.read().codes, this.store.secret, input);
    named.codeId = code.codeId;
    return code;
  }

  /** Rate limit first, then run; every failure is counted and audited, and names its code when it can. */
  private async guarded<T>(address: string, run: (named: NamedCode) => Promise<T>): Promise<T> {
    this.assertEnabled();
    const now = this.deps.now();
    const verdict = this.limiter.check(address, now);
    if (verdict.limited) throw fail("RATE_LIMITED", "rate limited", Math.max(1000, verdict.retryAfterMs));
    const named: NamedCode = {};
    try {
      return await run(named);
    } catch (err) {
      const error = err instanceof PairingError ? err : fail("INVALID_REQUEST", `internal: ${(err as Error).message}`);
      if (!(err instanceof PairingError))
        this.deps.log.warn(`ocmap-pairing: unexpected failure: ${(err as Error).message}`);
      this.limiter.fail(address, now);
      await this.recordFailure(error, named.codeId, address, now).catch((recordErr) =>
        this.deps.log.warn(`ocmap-pairing: failure not recorded: ${(recordErr as Error).message}`),
      );
      throw error;
    }
  }

  private async recordFailure(error: PairingError, codeId: string | undefined, address: string, now: number) {
    const lockedToken = await commitChange(this.store, this.deps.log, (state) => {
      const code = codeId ? state.codes.find((candidate) => candidate.codeId === codeId) : undefined;
      const locked = code ? countCodeFailure(code, this.cfg.maxFailuresPerCode) : false;
      audit(state, {
        atMs: now,
        type: "code.failed",
        ...(code ? { codeId: code.codeId } : {}),
        reason: error.reason,
        remoteAddress: address,
      });
      return locked ? unseal(this.store.secret, code!.sealedBootstrap) : undefined;
    });
    if (lockedToken) await this.revokeBootstrap(lockedToken);
    this.announceChange("code.failed");
  }

  private announceChange(reason: string) {
    this.announce("change event", () => this.deps.changed(reason));
  }

  /** Notifications follow a committed change: their failure is logged, never the caller's answer. */
  private announce(what: string, send: () => void) {
    try {
      send();
    } catch (err) {
      this.deps.log.warn(`ocmap-pairing: ${what} not sent: ${(err as Error).message}`);
    }
  }

  private async revokeBootstrap(token: string) {
    await this.deps
      .revokeBootstrapToken(token)
      .catch((err) => this.deps.log.warn(`ocmap-pairing: bootstrap revoke failed: ${(err as Error).message}`));
  }
}
