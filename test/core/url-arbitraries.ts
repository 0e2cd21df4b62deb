// fast-check generators shared by the gateway-URL and pairing-link tests.
import fc from "fast-check";
import { codeFromRandom, formatCode } from "@ocmap/protocol/pairing-code";

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const octet = fc.integer({ min: 0, max: 255 });
const hextet = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));

export const hostArb = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join(".")),
  fc.array(label, { minLength: 1, maxLength: 2 }).map((l) => `${l.join(".")}.local`),
  fc.constantFrom(
    "localhost",
    "LOCALHOST",
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.0.1",
    "172.32.0.1",
    "192.168.1.2",
    "169.254.1.1",
    "8.8.8.8",
  ),
  fc.tuple(octet, octet, octet, octet).map((o) => o.join(".")),
  fc.array(hextet, { minLength: 8, maxLength: 8 }).map((h) => `[${h.join(":")}]`),
  fc.constantFrom(
    "[::1]",
    "[fc00::1]",
    "[fd12:3456::1]",
    "[fe80::1]",
    "[febf::1]",
    "[fec0::1]",
    "[2001:db8::1]",
    "[::ffff:192.168.0.1]",
    "[::ffff:8.8.8.8]",
  ),
);

const segment = fc.stringMatching(/^[A-Za-z0-9._~%-]{0,8}$/);
export const pathArb = fc.array(segment, { maxLength: 4 }).map((s) => (s.length ? `/${s.join("/")}` : ""));
const portArb = fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined });

/** Strings shaped like what people type or paste as a gateway address, valid or not. */
export const urlLikeArb = fc
  .record({
    scheme: fc.constantFrom("", "ws://", "wss://", "http://", "https://", "WSS://", "ftp://", "ws:"),
    userinfo: fc.constantFrom("", "", "", "user@", "user:pw@", "@"),
    host: hostArb,
    port: portArb,
    path: pathArb,
    slash: fc.constantFrom("", "/", "//"),
    tail: fc.constantFrom("", "", "", "?x=1", "#frag", "?"),
  })
  .map(
    (r) => `${r.scheme}${r.userinfo}${r.host}${r.port === undefined ? "" : `:${r.port}`}${r.path}${r.slash}${r.tail}`,
  );

/** Valid pairing codes in display form. */
export const displayCodeArb = fc.uint8Array({ minLength: 5, maxLength: 5 }).map((b) => formatCode(codeFromRandom(b)));
