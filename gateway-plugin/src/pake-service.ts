// The v2 routes (docs/pairing-protocol.md, "HTTP routes"): /start runs the plugin's CPace step for the one
// active code with the discriminator and counts the attempt at once; /confirm checks the client's tag and
// answers the server's tag and the sealed grant; /exchange checks the MAC under the PAKE key, then v1's checks,
// then approves; /abandon takes back what that session's pairing approved. Every failure goes through `guarded`.
import type { ExchangeResponse } from "@ocmap/protocol/pairing-protocol";
import { exchangeMac, sealJson, tagMatches } from "@ocmap/protocol/pairing-keys";
import {
  clientConfirmationValid,
  serverConfirmation,
  serverPake,
  type ConfirmResponse,
  type SealedGrant,
  type StartResponse,
} from "@ocmap/protocol/pairing-v2";
import { abandonSession } from "./abandon.ts";
import { enrolledDeviceName } from "@ocmap/protocol/enrollment-key";
import { unseal } from "./crypto.ts";
import { recordKeyUse } from "./enrollment-keys.ts";
import { EnrollmentPake } from "./enrollment-pake.ts";
import { fail } from "./errors.ts";
import { assertCodeUsable, checkExchange, findByDiscriminator } from "./exchange-checks.ts";
import { PakeSessions, type PakeSession, type SessionStage } from "./pake-sessions.ts";
import type { NamedCode, PluginCore } from "./plugin-core.ts";
import { parseAbandonBody, parseConfirmBody, parseExchangeBody, parseStartBody } from "./request-validation.ts";
import { audit, commitChange, countAttempt, recordExchange } from "./state-changes.ts";
import type { CodeRecord } from "./store.ts";

type Read = () => Promise<unknown>;
const SESSION_ID_BYTES = 16;

export class PakePairing {
  readonly sessions = new PakeSessions();
  private readonly keys: EnrollmentPake;

  constructor(private readonly core: PluginCore) {
    this.keys = new EnrollmentPake(core, this.sessions);
  }

  async start(read: Read, address: string): Promise<StartResponse> {
    return this.core.guarded(address, async (named) => {
      const request = parseStartBody(await read());
      if ("keyId" in request) return this.keys.start(request);
      const found = findByDiscriminator(this.core.store.read().codes, request.discriminator);
      named.codeId = found.codeId;
      assertCodeUsable(found, this.core.deps.now());
      await this.countAttempt(found.codeId);
      named.attemptCounted = true;
      const code = this.code(found.codeId);
      assertCodeUsable(code, this.core.deps.now()); // the attempt may have found the code spent: locked now
      const sessionId = this.core.deps.randomBytes(SESSION_ID_BYTES).toString("base64url");
      let pake: ReturnType<typeof serverPake>;
      try {
        pake = serverPake(unseal(this.core.store.secret, code.sealedCode), request, sessionId);
      } catch (err) {
        throw fail("INVALID_REQUEST", `share refused (${(err as Error).message})`);
      }
      const now = this.core.deps.now();
      const session = { sessionId, codeId: code.codeId, keys: pake.keys, stage: "started" as const };
      this.sessions.add({ ...session, expiresAtMs: code.expiresAtMs }, now);
      return { ok: true, sessionId, share: pake.share, expiresAtMs: code.expiresAtMs };
    });
  }

  async confirm(read: Read, address: string): Promise<ConfirmResponse> {
    return this.core.guarded(address, async (named) => {
      const request = parseConfirmBody(await read());
      const session = this.session(request.sessionId, named, ["started"]);
      if (session.keyId) return this.keys.confirm(session, request.confirm, address);
      named.attemptCounted = true; // counted at /start: a wrong tag is that same attempt failing
      assertCodeUsable(this.code(session.codeId), this.core.deps.now());
      if (!clientConfirmationValid(session.keys, session.sessionId, request.confirm)) {
        this.sessions.drop(session.sessionId);
        throw fail("CODE_INVALID", "confirmation failed");
      }
      const now = this.core.deps.now();
      session.stage = "confirmed"; // at once: a concurrent replay of this tag finds the session past /start
      // The attempt stays counted even though it proved the code: a PAKE relayed by a TLS man in the middle proves
      // it too, and its client then refuses the grant's pin. The exchange gives it back as it spends the code.
      const code = await commitChange(this.core.store, this.core.deps.log, (state) => {
        const record = state.codes.find((candidate) => candidate.codeId === session.codeId)!;
        audit(state, { atMs: now, type: "code.redeemed", codeId: record.codeId, remoteAddress: address });
        return record;
      }).catch((err) => {
        this.sessions.drop(session.sessionId); // nothing was handed out: the client starts again
        throw err;
      });
      this.core.announceChange("code.redeemed");
      const grant: SealedGrant = {
        codeId: code.codeId,
        nonce: code.nonce,
        bootstrapToken: unseal(this.core.store.secret, code.sealedBootstrap),
        scopes: code.scopes,
        expiresAtMs: code.expiresAtMs,
        gatewayIdentity: this.core.deps.gatewayIdentity(),
      };
      return {
        ok: true,
        confirm: serverConfirmation(session.keys, session.sessionId),
        sealed: sealJson(session.keys, session.sessionId, grant),
      };
    });
  }

  async exchange(read: Read, address: string): Promise<ExchangeResponse> {
    return this.core.guarded(address, async (named) => {
      const request = parseExchangeBody(await read());
      const session = this.session(request.sessionId, named, ["confirmed"]);
      const { device, requestId } = request;
      const expected = exchangeMac(session.keys, {
        sessionId: session.sessionId,
        requestId: requestId ?? "",
        deviceId: device.id,
        publicKey: device.publicKey,
      });
      if (!tagMatches(expected, request.mac)) throw fail("CODE_INVALID", "bad exchange mac");
      // One lock for every exchange: of two racing exchanges of one code exactly one wins.
      const outcome = await commitChange(this.core.store, this.core.deps.log, async (state) => {
        const code = state.codes.find((candidate) => candidate.codeId === session.codeId)!;
        const now = this.core.deps.now();
        const listPairing = () => this.core.deps.listPairing();
        const description = await checkExchange({ request, code, devices: state.devices, now, listPairing });
        const key = code.keyId ? state.keys.find((candidate) => candidate.keyId === code.keyId) : undefined;
        const enrolledName = key && enrolledDeviceName(key.namePrefix, device.id);
        if (requestId && enrolledName && description.displayName !== enrolledName)
          throw fail("CODE_INVALID", "device name is not the enrollment key's");
        if (requestId && !(await this.core.deps.approve(requestId, code.scopes)))
          throw fail("CODE_INVALID", "approval refused by the gateway");
        recordExchange(
          state,
          code,
          device,
          enrolledName ? { ...description, displayName: enrolledName } : description,
          now,
        );
        if (key) {
          recordKeyUse(state, code, now);
          const enrolled = state.devices.at(-1)!;
          enrolled.keyId = key.keyId;
          if (key.ephemeral) enrolled.ephemeral = true;
        }
        code.failures = Math.max(0, code.failures - 1); // the attempt counted at /start succeeded: not a failure
        audit(state, {
          atMs: now,
          type: "code.exchanged",
          codeId: code.codeId,
          ...(code.keyId ? { keyId: code.keyId } : {}),
          deviceId: device.id,
          remoteAddress: address,
          ...(requestId ? {} : { reason: "already-paired" }),
        });
        const displayName = state.devices.at(-1)!.displayName;
        return { now, scopes: code.scopes, enrolled: Boolean(key), displayName };
      });
      // The approval is committed: from here on nothing may turn the answer into a failure.
      this.sessions.exchanged(session, device.id, outcome.now);
      if (requestId) {
        const resolved = { requestId, deviceId: device.id, decision: "approved", ts: outcome.now };
        this.core.announce("device.pair.resolved", () => this.core.deps.broadcastResolved(resolved));
      }
      this.core.announceChange("code.exchanged");
      const { enrolled, displayName } = outcome;
      const kind = enrolled ? "enrolled" : "paired";
      this.core.notifyDevice({ kind, deviceId: device.id, ...(displayName ? { displayName } : {}), atMs: outcome.now });
      return { ok: true, deviceId: device.id, role: "operator", scopes: outcome.scopes, approvedAtMs: outcome.now };
    });
  }

  /** Takes back what this session's pairing approved (abandon.ts). */
  async abandon(read: Read, address: string): Promise<{ ok: true }> {
    return this.core.guarded(address, async (named) => {
      const request = parseAbandonBody(await read());
      const session = this.session(request.sessionId, named, ["confirmed", "exchanged", "abandoned"]);
      await abandonSession(this.core, session, request);
      return { ok: true as const };
    });
  }

  private session(sessionId: string, named: NamedCode, stages: SessionStage[]): PakeSession {
    const session = this.sessions.get(sessionId, this.core.deps.now());
    if (!session || !stages.includes(session.stage)) throw fail("CODE_INVALID", "unknown or finished session");
    named.codeId = session.codeId;
    return session;
  }

  private code(codeId: string): CodeRecord {
    const code = this.core.store.read().codes.find((candidate) => candidate.codeId === codeId);
    if (!code) throw fail("CODE_INVALID", "code gone");
    return code;
  }

  /** Counts the /start against the code before any PAKE work; locks a code whose attempts are spent. */
  private async countAttempt(codeId: string) {
    const max = this.core.cfg.maxFailuresPerCode;
    const now = this.core.deps.now();
    const lockedToken = await commitChange(this.core.store, this.core.deps.log, (state) => {
      const code = state.codes.find((candidate) => candidate.codeId === codeId)!;
      if (!countAttempt(code, max)) return undefined;
      audit(state, { atMs: now, type: "code.failed", codeId, reason: "attempts spent: code locked" });
      return unseal(this.core.store.secret, code.sealedBootstrap);
    });
    if (lockedToken) {
      await this.core.revokeBootstrap(lockedToken);
      this.core.announceChange("code.failed");
    }
  }
}
