// Failure counting for the unauthenticated routes: a gateway-wide window (what bounds guessing,
// since a wrong guess cannot be tied to a code) and a per-address window.

export interface LimitVerdict {
  limited: boolean;
  retryAfterMs: number;
}

class Window {
  private hits: number[] = [];
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}
  check(now: number): LimitVerdict {
    this.hits = this.hits.filter((t) => t > now - this.windowMs);
    if (this.hits.length < this.max) return { limited: false, retryAfterMs: 0 };
    return { limited: true, retryAfterMs: this.hits[this.hits.length - this.max]! + this.windowMs - now };
  }
  add(now: number) {
    this.hits.push(now);
  }
  clear() {
    this.hits = [];
  }
  pausedUntil(now: number): number | undefined {
    const v = this.check(now);
    return v.limited ? now + v.retryAfterMs : undefined;
  }
}

export class FailureLimiter {
  private readonly global: Window;
  private readonly perAddress = new Map<string, Window>();

  constructor(
    private readonly o: { maxGlobal: number; globalWindowMs: number; maxPerAddress: number; addressWindowMs: number },
  ) {
    this.global = new Window(o.maxGlobal, o.globalWindowMs);
  }

  check(address: string, now: number): LimitVerdict {
    const g = this.global.check(now);
    const a = this.perAddress.get(address)?.check(now) ?? { limited: false, retryAfterMs: 0 };
    return { limited: g.limited || a.limited, retryAfterMs: Math.max(g.retryAfterMs, a.retryAfterMs) };
  }

  fail(address: string, now: number) {
    this.global.add(now);
    let w = this.perAddress.get(address);
    if (!w) {
      if (this.perAddress.size > 10_000) this.perAddress.clear(); // bounded memory under address spraying
      w = new Window(this.o.maxPerAddress, this.o.addressWindowMs);
      this.perAddress.set(address, w);
    }
    w.add(now);
  }

  /** An operator creating a code lifts the gateway-wide pause (an attacker cannot). */
  liftGlobal() {
    this.global.clear();
  }

  pausedUntil(now: number): number | undefined {
    return this.global.pausedUntil(now);
  }
}
