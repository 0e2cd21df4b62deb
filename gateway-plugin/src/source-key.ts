// Who a request comes from, as the limits and the operator's allow-list see it.
//
// One source is one IPv4 address, or one IPv6 /48. Not /64: a single subscriber often holds a /56 or a
// /48 (256 or 65 536 /64s; a tunnel broker hands out a /48 for free), so /64 would give one attacker
// thousands of fresh sources and, with them, the share every fresh source gets while the gateway-wide window
// is full. A /48 is the largest block commonly assigned to a single site; the price is that subscribers of
// one provider who share a /48 (some mobile networks) are counted together, as users behind one IPv4 NAT are.
import { BlockList, isIPv4, isIPv6 } from "node:net";

/** The source an address is counted as: an IPv4 address, an IPv6 /48 prefix, anything else as it is. */
export function sourceKey(address: string): string {
  const bare = bareAddress(address);
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return address;
  return `${expandIPv6(bare).slice(0, 3).join(":")}::/48`;
}

/** Without brackets and zone; an IPv4-mapped IPv6 address as its IPv4 address. */
export function bareAddress(address: string): string {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return mapped && isIPv4(mapped[1]!) ? mapped[1]! : bare;
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

/**
 * The operator's allow-list of address ranges (`allowedAddresses`, CIDR). Undefined: everyone may use the
 * pairing routes. An entry that does not parse adds nothing (an allow-list fails closed) and is reported.
 */
export class AddressAllowList {
  private readonly list = new BlockList();
  readonly invalid: string[] = [];

  constructor(ranges: readonly string[]) {
    for (const range of ranges) {
      const [address = "", prefixText] = range.trim().split("/");
      const type = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
      const max = type === "ipv4" ? 32 : 128;
      const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
      if (!type || !(prefix >= 0 && prefix <= max)) this.invalid.push(range);
      else this.list.addSubnet(address, prefix, type);
    }
  }

  allows(address: string): boolean {
    const bare = bareAddress(address);
    const type = isIPv4(bare) ? "ipv4" : isIPv6(bare) ? "ipv6" : undefined;
    return type !== undefined && this.list.check(bare, type);
  }
}
