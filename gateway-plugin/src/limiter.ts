// Failure counting for the unauthenticated routes: a gateway-wide window (what bounds guessing,
// since a wrong guess cannot be tied to a code) and a per-address window. An IPv6 client is
// counted per /64 (one host usually holds a whole /64), an IPv4-mapped IPv6 address as its IPv4.
import { isIPv4, isIPv6 } from "node:net";

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

/** Failure times; the window's size and cap are passed in, so a config reload applies at once. */
class Window {
  private hits: number[] = [];
  check(now: number, max: number, windowMs: number): LimitVerdict {
    this.hits = this.hits.filter((t) => t > now - windowMs);
    if (this.hits.length < max) return { limited: false, retryAfterMs: 0 };
    return { limited: true, retryAfterMs: this.hits[this.hits.length - max]! + windowMs - now };
  }
  add(now: number) {
    this.hits.push(now);
  }
  clear() {
    this.hits = [];
  }
}

export class FailureLimiter {
  private readonly global = new Window();
  private readonly perAddress = new Map<string, Window>();

  constructor(private limits: Limits) {}

  /** New limits from a config reload; the failures counted so far stay. */
  configure(limits: Limits) {
    this.limits = limits;
  }

  check(address: string, now: number): LimitVerdict {
    const { maxGlobal, globalWindowMs, maxPerAddress, addressWindowMs } = this.limits;
    const globalVerdict = this.global.check(now, maxGlobal, globalWindowMs);
    const addressVerdict = this.perAddress.get(limitKey(address))?.check(now, maxPerAddress, addressWindowMs) ?? {
      limited: false,
      retryAfterMs: 0,
    };
    return {
      limited: globalVerdict.limited || addressVerdict.limited,
      retryAfterMs: Math.max(globalVerdict.retryAfterMs, addressVerdict.retryAfterMs),
    };
  }

  fail(address: string, now: number) {
    this.global.add(now);
    const key = limitKey(address);
    let addressWindow = this.perAddress.get(key);
    if (!addressWindow) {
      if (this.perAddress.size > 10_000) this.perAddress.clear(); // bounded memory under address spraying
      addressWindow = new Window();
      this.perAddress.set(key, addressWindow);
    }
    addressWindow.add(now);
  }

  /** An operator creating a code lifts the gateway-wide pause (an attacker cannot). */
  liftGlobal() {
    this.global.clear();
  }

  pausedUntil(now: number): number | undefined {
    const verdict = this.global.check(now, this.limits.maxGlobal, this.limits.globalWindowMs);
    return verdict.limited ? now + verdict.retryAfterMs : undefined;
  }
}

/** What one client is counted as: an IPv4 address, or an IPv6 /64 prefix; anything else as it is. */
export function limitKey(address: string): string {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(bare)) return address;
  return `${expandIPv6(bare).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, as lowercase hex without leading zeros. */
function expandIPv6(address: string): string[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [octet1, octet2, octet3, octet4] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text =
      text.slice(0, -dotted[1]!.length) +
      `${((octet1 << 8) | octet2).toString(16)}:${((octet3 << 8) | octet4).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16));
}
