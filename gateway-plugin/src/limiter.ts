// Failure counting for the unauthenticated routes (docs/pairing-protocol.md, "Limits").
//
// - Each source (sourceKey: an IPv4 address or an IPv6 /48) has its own window: at most `maxPerAddress`
//   failures per `addressWindowMs`. A request answered RATE_LIMITED counts toward that window too, so a source
//   that keeps asking while limited stays limited.
// - The gateway-wide window counts every failure. When it is full, it holds back only the sources over their
//   share (SHARE_WHILE_FULL failures in that window); a source with fewer, such as a user with a fresh code, is
//   still served. A few attacking sources therefore cannot stop anyone else from pairing, and every source,
//   however many an attacker has, costs it the full window before it may fail more than the share again.
// - Nothing lifts these windows early: creating a code no longer does (it told an attacker when to try).
import type { AttackSource, AttackSummary } from "@ocmap/protocol/pairing-protocol";
import { sourceKey } from "./source-key.ts";

export interface LimitVerdict {
  limited: boolean;
  retryAfterMs: number;
}

export interface Limits {
  maxGlobal: number;
  globalWindowMs: number;
  maxPerAddress: number;
  addressWindowMs: number;
}

/** Failures a source may have in the gateway-wide window and still be served while that window is full. */
export const SHARE_WHILE_FULL = 2;
/** Sources remembered at most; the least recently seen is forgotten first. */
const MAX_SOURCES = 10_000;
const MINUTE_MS = 60_000;
/** Minutes the attack summary covers. */
export const SUMMARY_MINUTES = 10;
const BUSIEST_SHOWN = 5;
const OPEN: LimitVerdict = { limited: false, retryAfterMs: 0 };

/** Hit times, newest last, at most `keep` of them (only the newest `max` decide a verdict). */
class Window {
  private hits: number[] = [];
  check(now: number, max: number, windowMs: number): LimitVerdict {
    this.hits = this.hits.filter((t) => t > now - windowMs);
    if (this.hits.length < max) return OPEN;
    return { limited: true, retryAfterMs: this.hits[this.hits.length - max]! + windowMs - now };
  }
  add(now: number, keep: number) {
    this.hits.push(now);
    if (this.hits.length > keep) this.hits.splice(0, this.hits.length - keep);
  }
}

/** Failures and refusals per wall-clock minute, the last SUMMARY_MINUTES of them. */
class MinuteCounts {
  readonly byMinute = new Map<number, { failures: number; refused: number }>();
  add(now: number, kind: "failures" | "refused") {
    const minute = Math.floor(now / MINUTE_MS);
    const counts = this.byMinute.get(minute) ?? { failures: 0, refused: 0 };
    counts[kind] += 1;
    this.byMinute.set(minute, counts);
    for (const old of this.byMinute.keys()) if (old <= minute - SUMMARY_MINUTES) this.byMinute.delete(old);
  }
  totals(firstMinute: number) {
    let failures = 0;
    let refused = 0;
    for (const [minute, counts] of this.byMinute) {
      if (minute < firstMinute) continue;
      failures += counts.failures;
      refused += counts.refused;
    }
    return { failures, refused };
  }
}

class Source {
  /** Failures and RATE_LIMITED answers: the source's own window. */
  readonly own = new Window();
  /** Its newest failures: whether it is over its share of a full gateway-wide window. */
  readonly failed = new Window();
  readonly minutes = new MinuteCounts();
  lastAtMs = 0;
}

export class FailureLimiter {
  private readonly global = new Window();
  private readonly globalMinutes = new MinuteCounts();
  private readonly sources = new Map<string, Source>();

  constructor(private limits: Limits) {}

  /** New limits from a config reload; the failures counted so far stay. */
  configure(limits: Limits) {
    this.limits = limits;
  }

  check(address: string, now: number): LimitVerdict {
    return this.verdict(this.sources.get(sourceKey(address)), now);
  }

  /** A failed request: toward its source's window and the gateway-wide window. */
  fail(address: string, now: number) {
    this.global.add(now, this.limits.maxGlobal);
    this.globalMinutes.add(now, "failures");
    const source = this.touch(address, now);
    source.own.add(now, this.limits.maxPerAddress);
    source.failed.add(now, SHARE_WHILE_FULL);
    source.minutes.add(now, "failures");
  }

  /** A request answered RATE_LIMITED: toward its source's own window only. */
  refused(address: string, now: number) {
    this.globalMinutes.add(now, "refused");
    const source = this.touch(address, now);
    source.own.add(now, this.limits.maxPerAddress);
    source.minutes.add(now, "refused");
  }

  /** Until when the gateway-wide window stays full (sources over their share are held back until then). */
  pausedUntil(now: number): number | undefined {
    const verdict = this.global.check(now, this.limits.maxGlobal, this.limits.globalWindowMs);
    return verdict.limited ? now + verdict.retryAfterMs : undefined;
  }

  /** What Clawpodz shows: failures and refusals per minute, and the busiest sources. */
  summary(now: number): AttackSummary {
    const firstMinute = Math.floor(now / MINUTE_MS) - SUMMARY_MINUTES + 1;
    const minutes = Array.from({ length: SUMMARY_MINUTES }, (_, i) => this.globalMinutes.byMinute.get(firstMinute + i));
    const busiest: AttackSource[] = [];
    for (const [key, source] of this.sources) {
      const { failures, refused } = source.minutes.totals(firstMinute);
      if (failures + refused === 0) continue;
      const heldBack = this.verdict(source, now).limited;
      busiest.push({ source: key, failures, refused, lastAtMs: source.lastAtMs, heldBack });
    }
    busiest.sort((a, b) => b.failures + b.refused - (a.failures + a.refused) || b.lastAtMs - a.lastAtMs);
    return {
      sinceMs: firstMinute * MINUTE_MS,
      failuresPerMinute: minutes.map((counts) => counts?.failures ?? 0),
      refusedPerMinute: minutes.map((counts) => counts?.refused ?? 0),
      busiest: busiest.slice(0, BUSIEST_SHOWN),
    };
  }

  private verdict(source: Source | undefined, now: number): LimitVerdict {
    const { maxGlobal, globalWindowMs, maxPerAddress, addressWindowMs } = this.limits;
    const own = source?.own.check(now, maxPerAddress, addressWindowMs) ?? OPEN;
    const global = this.global.check(now, maxGlobal, globalWindowMs);
    const overShare = source?.failed.check(now, SHARE_WHILE_FULL, globalWindowMs) ?? OPEN;
    const heldBack = global.limited && overShare.limited;
    if (!own.limited && !heldBack) return OPEN;
    const shareWait = heldBack ? Math.min(global.retryAfterMs, overShare.retryAfterMs) : 0;
    return { limited: true, retryAfterMs: Math.max(own.limited ? own.retryAfterMs : 0, shareWait) };
  }

  /** The source's record, made most recently seen; the least recently seen one goes when there are too many. */
  private touch(address: string, now: number): Source {
    const key = sourceKey(address);
    const source = this.sources.get(key) ?? new Source();
    this.sources.delete(key);
    this.sources.set(key, source);
    if (this.sources.size > MAX_SOURCES) this.sources.delete(this.sources.keys().next().value!);
    source.lastAtMs = now;
    return source;
  }
}
