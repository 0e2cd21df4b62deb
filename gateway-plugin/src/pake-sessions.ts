// PAKE sessions (docs/pairing-protocol.md, /v2/start): in memory only, so a restart forgets them and a
// recorded session can never be resumed. Bounded in count; each lives until its code expires (an exchanged
// one a little longer, so that its client can still abandon it).
import type { PairingKeys } from "@ocmap/protocol/pairing-keys";

export type SessionStage = "started" | "confirmed" | "exchanged" | "abandoned";

export interface PakeSession {
  sessionId: string;
  /** The code, or for an enrollment key the use its confirmation made ("" until then). */
  codeId: string;
  /** Set for a run keyed by an enrollment key. */
  keyId?: string;
  keys: PairingKeys;
  stage: SessionStage;
  expiresAtMs: number;
  /** The device approved through this session (stage exchanged or abandoned). */
  deviceId?: string;
  /** While an abandon removes that device: its removal, which a repeat waits for. */
  removal?: Promise<void>;
}

export const MAX_SESSIONS = 1024;
/** How long after a successful exchange its client may still abandon it. */
export const ABANDON_WINDOW_MS = 10 * 60_000;

export class PakeSessions {
  private readonly sessions = new Map<string, PakeSession>();

  constructor(private readonly max = MAX_SESSIONS) {}

  add(session: PakeSession, now: number) {
    this.prune(now);
    // Over the bound the oldest session goes (Map keeps insertion order). Every session counted an
    // attempt against its code, so this only happens when codes are being burnt anyway.
    while (this.sessions.size >= this.max) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(session.sessionId, session);
  }

  /** The live session with this id, or undefined (unknown, expired, or not a string). */
  get(sessionId: unknown, now: number): PakeSession | undefined {
    this.prune(now);
    return typeof sessionId === "string" ? this.sessions.get(sessionId) : undefined;
  }

  drop(sessionId: string) {
    this.sessions.delete(sessionId);
  }

  /** The session that exchanged may abandon until the window closes (its code's other sessions now fail). */
  exchanged(session: PakeSession, deviceId: string, now: number) {
    session.stage = "exchanged";
    session.deviceId = deviceId;
    session.expiresAtMs = Math.max(session.expiresAtMs, now + ABANDON_WINDOW_MS);
  }

  /** Live sessions that satisfy `predicate`. */
  count(predicate: (session: PakeSession) => boolean, now: number): number {
    this.prune(now);
    let matching = 0;
    for (const session of this.sessions.values()) if (predicate(session)) matching++;
    return matching;
  }

  get size() {
    return this.sessions.size;
  }

  private prune(now: number) {
    for (const [id, session] of this.sessions) if (session.expiresAtMs <= now) this.sessions.delete(id);
  }
}
