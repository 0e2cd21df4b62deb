// /v2/start and /v2/confirm for an enrollment key (docs/pairing-protocol.md, "Enrollment keys"). The PAKE is
// the codes' CPace keyed by the whole key (its id in clear). A valid confirmation makes one *use*: a code
// record of its own (bootstrap token, nonce, short lifetime, `keyId`) that /v2/exchange and /v2/abandon then
// treat exactly as a code, so each use pairs one distinct device through the gateway's own approval.
//
// Attempts: every /start counts one against the key at once (persisted), a valid confirmation gives it back.
// What is counted and no longer in flight (a wrong tag, a run that never confirmed, anything before a
// restart) is a failure; at `maxFailuresPerCode` of those the key is locked, as a code is. At most
// MAX_OPEN_RUNS_PER_KEY runs of one key may be in flight at once, so a burst of legitimate devices works and
// an attacker's unproven runs stay bounded (failures + open runs).
import { randomUUID } from "node:crypto";
import { sealJson } from "@ocmap/protocol/pairing-keys";
import {
  clientConfirmationValid,
  serverConfirmation,
  serverKeyPake,
  type ConfirmResponse,
  type SealedGrant,
  type StartResponse,
} from "@ocmap/protocol/pairing-v2";
import { seal, unseal } from "./crypto.ts";
import { assertKeyUsable } from "./enrollment-keys.ts";
import { fail } from "./errors.ts";
import type { PakeSession, PakeSessions } from "./pake-sessions.ts";
import type { PluginCore } from "./plugin-core.ts";
import { audit, commitChange } from "./state-changes.ts";
import type { CodeRecord, KeyRecord, PluginState } from "./store.ts";

export const MAX_OPEN_RUNS_PER_KEY = 64;
/** A key's run must confirm within this (a real client does in milliseconds); then it counts as failed. */
export const KEY_RUN_MS = 60_000;
const SESSION_ID_BYTES = 16;

export class EnrollmentPake {
  /** /starts counted under the lock whose session is not added yet (the PAKE step runs after the lock). */
  private readonly starting = new Map<string, number>();

  constructor(
    private readonly core: PluginCore,
    private readonly sessions: PakeSessions,
  ) {}

  async start(request: { keyId: string; sid: string; share: string }): Promise<StartResponse> {
    const now = this.core.deps.now();
    let reserved = false;
    try {
      // Everything under the state's lock, and the run counted as open from inside it: concurrent /starts of
      // one key each see the others (a count taken before the lock would be stale, and lock a busy key).
      // A refusal is returned, not thrown, so that a lock made on the way is saved.
      const verdict = await commitChange(this.core.store, this.core.deps.log, (state) => {
        const found = findKey(state, request.keyId);
        const open = this.openRuns(request.keyId, now);
        if (open >= MAX_OPEN_RUNS_PER_KEY)
          return { refusal: fail("RATE_LIMITED", "too many runs of this key in flight", 1000) };
        const locked = this.lockIfSpent(state, found, open, now);
        const refusal = refusalOf(() => assertKeyUsable(state, found, now));
        if (!refusal) {
          found.failures += 1;
          this.starting.set(found.keyId, (this.starting.get(found.keyId) ?? 0) + 1);
          reserved = true;
        }
        return { key: { ...found }, refusal, locked };
      });
      if (verdict.locked) this.core.announceChange("key.locked");
      if (verdict.refusal) throw verdict.refusal;
      return this.startSession(verdict.key!, request, now);
    } finally {
      if (reserved) this.starting.set(request.keyId, this.starting.get(request.keyId)! - 1);
    }
  }

  private startSession(key: KeyRecord, request: { sid: string; share: string }, now: number): StartResponse {
    const sessionId = this.core.deps.randomBytes(SESSION_ID_BYTES).toString("base64url");
    let pake: ReturnType<typeof serverKeyPake>;
    try {
      pake = serverKeyPake(unseal(this.core.store.secret, key.sealedKey), key.keyId, request, sessionId);
    } catch (err) {
      throw fail("INVALID_REQUEST", `share refused (${(err as Error).message})`);
    }
    const expiresAtMs = Math.min(now + KEY_RUN_MS, key.expiresAtMs);
    this.sessions.add({ sessionId, codeId: "", keyId: key.keyId, keys: pake.keys, stage: "started", expiresAtMs }, now);
    return { ok: true, sessionId, share: pake.share, expiresAtMs };
  }

  async confirm(session: PakeSession, confirm: string, address: string): Promise<ConfirmResponse> {
    const keyId = session.keyId!;
    if (!clientConfirmationValid(session.keys, session.sessionId, confirm)) {
      this.sessions.drop(session.sessionId);
      await commitChange(this.core.store, this.core.deps.log, (state) => {
        this.lockIfSpent(
          state,
          findKey(state, keyId),
          this.openRuns(keyId, this.core.deps.now()),
          this.core.deps.now(),
        );
      });
      throw fail("CODE_INVALID", "confirmation failed");
    }
    session.stage = "confirmed"; // at once: a concurrent replay of this tag finds the session past /start
    // Until its give-back below is saved, this run still counts as open (else a concurrent /start would see
    // its counted attempt as a failure).
    this.starting.set(keyId, (this.starting.get(keyId) ?? 0) + 1);
    const settled = () => this.starting.set(keyId, this.starting.get(keyId)! - 1);
    const now = this.core.deps.now();
    let issued: string | undefined;
    const made = await commitChange(this.core.store, this.core.deps.log, async (state) => {
      const key = findKey(state, keyId);
      key.failures = Math.max(0, key.failures - 1); // proven: not a failure (saved even when refused below)
      const refusal = refusalOf(() => assertKeyUsable(state, key, now));
      if (refusal) return { refusal };
      const bootstrap = await this.core.deps.issueBootstrapToken(key.access, key.scopes);
      issued = bootstrap.token;
      const use: CodeRecord = {
        codeId: randomUUID(),
        hash: "",
        discriminator: "",
        sealedCode: "", // never found by a discriminator: only this session reaches it
        nonce: this.core.deps.randomBytes(24).toString("base64url"),
        sealedBootstrap: seal(this.core.store.secret, bootstrap.token),
        access: key.access,
        scopes: [...key.scopes],
        label: key.label ?? key.namePrefix,
        createdAtMs: now,
        expiresAtMs: Math.min(now + this.core.cfg.codeTtlSeconds * 1000, bootstrap.expiresAtMs),
        status: "active",
        failures: 0,
        keyId,
      };
      state.codes.push(use);
      audit(state, { atMs: now, type: "code.redeemed", codeId: use.codeId, keyId, remoteAddress: address });
      return { use, key: { ...key } };
    })
      .finally(settled)
      .then((outcome) => {
        if ("refusal" in outcome) throw outcome.refusal;
        return outcome;
      })
      .catch(async (err) => {
        this.sessions.drop(session.sessionId); // nothing was handed out: the client starts again
        if (issued) await this.core.revokeBootstrap(issued); // no use holds it: it must not stay valid
        throw err;
      });
    session.codeId = made.use.codeId;
    session.expiresAtMs = made.use.expiresAtMs;
    this.core.announceChange("code.redeemed");
    const grant: SealedGrant = {
      codeId: made.use.codeId,
      nonce: made.use.nonce,
      bootstrapToken: issued!,
      scopes: made.use.scopes,
      expiresAtMs: made.use.expiresAtMs,
      gatewayIdentity: this.core.deps.gatewayIdentity(),
      enrollment: { keyId, namePrefix: made.key.namePrefix, ephemeral: made.key.ephemeral },
    };
    return {
      ok: true,
      confirm: serverConfirmation(session.keys, session.sessionId),
      sealed: sealJson(session.keys, session.sessionId, grant),
    };
  }

  /** Runs of this key started and not yet confirmed: live sessions, and /starts between the lock and the session. */
  private openRuns(keyId: string, now: number): number {
    const live = this.sessions.count((session) => session.keyId === keyId && session.stage === "started", now);
    return live + (this.starting.get(keyId) ?? 0);
  }

  /** Counted attempts no longer in flight are failures; at the limit an active key is locked. */
  private lockIfSpent(state: PluginState, key: KeyRecord, openRuns: number, now: number): boolean {
    if (key.status !== "active" || key.failures - openRuns < this.core.cfg.maxFailuresPerCode) return false;
    key.status = "locked";
    audit(state, { atMs: now, type: "key.locked", keyId: key.keyId, reason: "attempts spent: key locked" });
    return true;
  }
}

/** The key with this id (an active one first), else CODE_INVALID (a gateway-wide failure). */
function findKey(state: PluginState, keyId: string): KeyRecord {
  const named = state.keys.filter((key) => key.keyId === keyId);
  const found = named.find((key) => key.status === "active") ?? named.at(-1);
  if (!found) throw fail("CODE_INVALID", "unknown enrollment key");
  return found;
}

function refusalOf(check: () => void): Error | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    return err as Error;
  }
}
