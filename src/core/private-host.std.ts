// Which hosts may be reached over plain ws://: this computer and the local network only.

/**
 * `hostname` as the WHATWG URL parser normalizes it: lowercase, IPv4 in dotted decimal, IPv6 in
 * brackets and compressed. Loopback: 127.0.0.0/8, ::1, localhost. Private LAN: 10/8, 172.16/12,
 * 192.168/16, 169.254/16, fc00::/7, fe80::/10, *.local (also IPv4-mapped IPv6 forms of those).
 */
export function isLoopbackOrPrivateHost(hostname: string): boolean {
  if (hostname === "localhost") return true;
  if (hostname.endsWith(".local") && hostname.length > ".local".length) return true;
  if (hostname.startsWith("[") && hostname.endsWith("]")) {
    const groups = ipv6Groups(hostname.slice(1, -1));
    return groups !== null && isPrivateIpv6(groups);
  }
  const v4 = ipv4Octets(hostname);
  return v4 !== null && isPrivateIpv4(v4);
}

/** This computer only: localhost, 127.0.0.0/8, ::1 (and ::ffff:127.x.y.z). Same normalized form as above. */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === "localhost") return true;
  if (hostname.startsWith("[") && hostname.endsWith("]")) {
    const groups = ipv6Groups(hostname.slice(1, -1));
    if (!groups) return false;
    const zeros = (n: number) => groups.slice(0, n).every((x) => x === 0);
    return (zeros(7) && groups[7] === 1) || (zeros(5) && groups[5] === 0xffff && groups[6]! >> 8 === 127);
  }
  return ipv4Octets(hostname)?.[0] === 127;
}

function isPrivateIpv4([firstOctet, secondOctet]: number[]): boolean {
  return (
    firstOctet === 127 ||
    firstOctet === 10 ||
    (firstOctet === 172 && secondOctet! >= 16 && secondOctet! <= 31) ||
    (firstOctet === 192 && secondOctet === 168) ||
    (firstOctet === 169 && secondOctet === 254)
  );
}

function isPrivateIpv6(hextets: number[]): boolean {
  const [g0, , , , , g5, g6, g7] = hextets as [number, number, number, number, number, number, number, number];
  const zeros = (n: number) => hextets.slice(0, n).every((x) => x === 0);
  if (zeros(7) && g7 === 1) return true; // ::1
  if ((g0 & 0xfe00) === 0xfc00) return true; // fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return true; // fe80::/10
  if (zeros(5) && g5 === 0xffff) return isPrivateIpv4([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]); // ::ffff:a.b.c.d
  return false;
}

function ipv4Octets(host: string): number[] | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return null;
  const octets = match.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

/** Expands a compressed IPv6 address (no zone, no embedded dotted IPv4) to 8 groups. */
function ipv6Groups(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === "" ? [] : s.split(":"));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.every((h) => /^[0-9a-f]{1,4}$/i.test(h))) return null;
  return all.map((h) => parseInt(h, 16));
}
