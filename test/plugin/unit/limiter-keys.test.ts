// Who a failure is counted against (pure FailureLimiter, fake clock): an IPv6 client per /48, an
// IPv4-mapped IPv6 address as its IPv4; counts that survive new limits from a config reload; the
// operator's allow-list of address ranges; the Host names the routes answer.
import { describe, expect, it } from "vitest";
import { FailureLimiter } from "../../../gateway-plugin/src/limiter.ts";
import { resolveConfig } from "../../../gateway-plugin/src/config.ts";
import { gatewayHostNames, hostName } from "../../../gateway-plugin/src/route-access.ts";
import { AddressAllowList, sourceKey } from "../../../gateway-plugin/src/source-key.ts";

const limits = { maxGlobal: 1000, globalWindowMs: 600_000, maxPerAddress: 3, addressWindowMs: 60_000 };

describe("FailureLimiter keys and reloads (pure, fake clock)", () => {
  it("counts every address of one IPv6 /48 together (its /64s and /56s too), and another /48 apart", () => {
    const limiter = new FailureLimiter(limits);
    limiter.fail("2001:db8:1:2::1", 0);
    limiter.fail("2001:db8:1:ff00:aaaa:bbbb:cccc:dddd", 0);
    limiter.fail("[2001:0db8:0001:0002::ffff]", 0);
    expect(limiter.check("2001:db8:1:abcd::9999", 0).limited).toBe(true);
    expect(limiter.check("2001:db8:2::1", 0).limited).toBe(false);
    expect(sourceKey("2001:db8:1:2::1")).toBe("2001:db8:1::/48");
    expect(sourceKey("fe80::1%eth0")).toBe("fe80:0:0::/48");
    expect(sourceKey("::1")).toBe("0:0:0::/48");
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", () => {
    const limiter = new FailureLimiter(limits);
    limiter.fail("::ffff:198.51.100.7", 0);
    limiter.fail("198.51.100.7", 0);
    limiter.fail("::FFFF:198.51.100.7", 0);
    expect(limiter.check("198.51.100.7", 0).limited).toBe(true);
    expect(limiter.check("198.51.100.8", 0).limited).toBe(false);
    expect(sourceKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
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

describe("allowedAddresses and allowedHosts (pure)", () => {
  it("allows exactly the listed ranges, IPv4-mapped addresses as IPv4, and ignores entries that do not parse", () => {
    const list = new AddressAllowList(["192.0.2.0/24", "2001:db8:5::/48", "198.51.100.7", "10.0.0.0/33", "nonsense"]);
    expect(list.invalid).toEqual(["10.0.0.0/33", "nonsense"]);
    expect(list.allows("192.0.2.200")).toBe(true);
    expect(list.allows("::ffff:192.0.2.9")).toBe(true);
    expect(list.allows("192.0.3.1")).toBe(false);
    expect(list.allows("198.51.100.7")).toBe(true);
    expect(list.allows("198.51.100.8")).toBe(false);
    expect(list.allows("2001:db8:5:1::7")).toBe(true);
    expect(list.allows("2001:db8:6::7")).toBe(false);
    expect(list.allows("10.0.0.1")).toBe(false); // the broken entry allows nothing
    expect(list.allows("unknown")).toBe(false);
    expect(new AddressAllowList([]).allows("127.0.0.1")).toBe(false);
  });

  it("reads host names from Host headers, and gathers the configured names", () => {
    expect(hostName("Gateway.Example.com.:8443")).toBe("gateway.example.com");
    expect(hostName("[::1]:18789")).toBe("::1");
    expect(hostName("127.0.0.1")).toBe("127.0.0.1");
    expect(hostName("evil.example/x")).toBeUndefined();
    expect(hostName("")).toBeUndefined();
    expect(hostName(undefined)).toBeUndefined();
    const cfg = resolveConfig({ allowedHosts: ["Pair.Example.org."], publicUrl: "wss://gw.example.net:443" });
    const names = gatewayHostNames(cfg, { controlUi: { allowedOrigins: ["https://ui.example.com", "*"] } });
    expect([...names].sort()).toEqual(["gw.example.net", "pair.example.org", "ui.example.com"]);
  });
});
