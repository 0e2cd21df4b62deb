// What the operator methods (service.ts) and the v2 routes (pake-service.ts) share: the store, the config,
// the gateway's SDK calls, the failure limits, and how a failed unauthenticated request is counted.
import type { DeviceEvent } from "@ocmap/protocol/device-events";
import { failureLimits, type PairingConfig } from "./config.ts";
import { unseal } from "./crypto.ts";
import { fail, PairingError } from "./errors.ts";
import { FailureLimiter } from "./limiter.ts";
import type { ServiceDeps } from "./service-deps.ts";
import { audit, commitChange, countCodeFailure, lockIfSpent } from "./state-changes.ts";
import type { PairingStore } from "./store.ts";

/**
 * A failed request names its code (once known) so the failure counts toward that code's lock.
 * `attemptCounted`: the request's attempt was already counted against the code (a PAKE session's
 * /start), so its failure must not count a second time; it only locks a code whose attempts are spent.
 */
export type NamedCode = { codeId?: string; attemptCounted?: boolean };

export class PluginCore {
  /** `limiter` is passed in by index.ts so that it outlives a re-registration on config reload (one per state dir). */
  constructor(
    readonly store: PairingStore,
    readonly cfg: PairingConfig,
    readonly deps: ServiceDeps,
    readonly limiter = new FailureLimiter(failureLimits(cfg)),
  ) {}

  /** What `enabled: false` and damaged files refuse: creating codes and the pairing routes. */
  assertEnabled() {
    if (!this.cfg.enabled) throw fail("PAIRING_DISABLED");
    this.store.assertHealthy();
  }

  /** Rate limit first, then run; every failure is counted and audited, and names its code when it can. */
  async guarded<T>(address: string, run: (named: NamedCode) => Promise<T>): Promise<T> {
    this.assertEnabled();
    const now = this.deps.now();
    const verdict = this.limiter.check(address, now);
    if (verdict.limited) {
      this.limiter.refused(address, now); // asking while limited is not free: it keeps the source limited
      this.announce("guessing notice", () => this.deps.failureCounted?.(now));
      throw fail("RATE_LIMITED", "rate limited", Math.max(1000, verdict.retryAfterMs));
    }
    const named: NamedCode = {};
    try {
      return await run(named);
    } catch (err) {
      const error = err instanceof PairingError ? err : fail("INVALID_REQUEST", `internal: ${(err as Error).message}`);
      if (!(err instanceof PairingError))
        this.deps.log.warn(`ocmap-pairing: unexpected failure: ${(err as Error).message}`);
      this.limiter.fail(address, now);
      this.announce("guessing notice", () => this.deps.failureCounted?.(now));
      await this.recordFailure(error, named, address, now).catch((recordErr) =>
        this.deps.log.warn(`ocmap-pairing: failure not recorded: ${(recordErr as Error).message}`),
      );
      throw error;
    }
  }

  private async recordFailure(error: PairingError, named: NamedCode, address: string, now: number) {
    const max = this.cfg.maxFailuresPerCode;
    const lockedToken = await commitChange(this.store, this.deps.log, (state) => {
      const code = named.codeId ? state.codes.find((candidate) => candidate.codeId === named.codeId) : undefined;
      const locked = code ? (named.attemptCounted ? lockIfSpent(code, max) : countCodeFailure(code, max)) : false;
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

  /**
   * The one call for each device event (paired, enrolled, revoked, expired, access-changed, renamed), after the
   * change is committed: operators' live notice, desktop notifications and the webhook. Never throws, never waits.
   */
  notifyDevice(event: DeviceEvent, detail?: string) {
    this.announce("device event", () => this.deps.deviceEvent?.(event, detail));
  }

  announceChange(reason: string) {
    this.announce("change event", () => this.deps.changed(reason));
  }

  /** Notifications follow a committed change: their failure is logged, never the caller's answer. */
  announce(what: string, send: () => void) {
    try {
      send();
    } catch (err) {
      this.deps.log.warn(`ocmap-pairing: ${what} not sent: ${(err as Error).message}`);
    }
  }

  async revokeBootstrap(token: string) {
    await this.deps
      .revokeBootstrapToken(token)
      .catch((err) => this.deps.log.warn(`ocmap-pairing: bootstrap revoke failed: ${(err as Error).message}`));
  }
}
