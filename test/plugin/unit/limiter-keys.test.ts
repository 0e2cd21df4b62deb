// Who a failure is counted against (pure FailureLimiter, fake clock): an IPv6 client per /64, an
// IPv4-mapped IPv6 address as its IPv4, and counts that survive new limits from a config reload.
import { describe, expect, it } from "vitest";
import { FailureLimiter, limitKey } from "../../../gateway-plugin/src/limiter.ts";

const limits = { maxGlobal: 1000, globalWindowMs: 600_000, maxPerAddress: 3, addressWindowMs: 60_000 };

describe("FailureLimiter keys and reloads (pure, fake clock)", () => {
  it("counts every address of one IPv6 /64 together, and another /64 apart", () => {
    const limiter = new FailureLimiter(limits);
    limiter.fail("2001:db8:1:2::1", 0);
    limiter.fail("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 0);
    limiter.fail("[2001:0db8:0001:0002::ffff]", 0);
    expect(limiter.check("2001:db8:1:2::9999", 0).limited).toBe(true);
    expect(limiter.check("2001:db8:1:3::1", 0).limited).toBe(false);
    expect(limitKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(limitKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(limitKey("::1")).toBe("0:0:0:0::/64");
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", () => {
    const limiter = new FailureLimiter(limits);
    limiter.fail("::ffff:198.51.100.7", 0);
    limiter.fail("198.51.100.7", 0);
    limiter.fail("::FFFF:198.51.100.7", 0);
    expect(limiter.check("198.51.100.7", 0).limited).toBe(true);
    expect(limiter.check("198.51.100.8", 0).limited).toBe(false);
    expect(limitKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
  });

  it("keeps the failures counted so far when a reload brings new limits, and applies the new ones", () => {
    const limiter = new FailureLimiter(limits);
    for (let i = 0; i < 3; i++) limiter.fail("192.0.2.1", 0);
    limiter.configure({ ...limits, maxPerAddress: 5 });
    expect(limiter.check("192.0.2.1", 0).limited).toBe(false);
    limiter.fail("192.0.2.1", 0);
    limiter.fail("192.0.2.1", 0);
    expect(limiter.check("192.0.2.1", 0).limited).toBe(true);
  });
});
