import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairingLink } from "@ocmap/protocol/pairing-protocol";
import { parseGatewayUrl } from "../../src/core/gateway-url.std.ts";
import {
  detectPairingInput,
  MAX_SETUP_CODE_LENGTH,
  normalizeTlsFingerprint,
  parseSetupCode,
} from "../../src/core/setup-code.std.ts";
import { displayCodeArb, urlLikeArb } from "./url-arbitraries.ts";

// Printed by a real openclaw 2026.9.6 gateway (`device.pair.setupCode` with its own TLS, bind custom 127.0.0.1);
// that gateway and its token are long gone.
const REAL_CODE =
  "eyJ1cmwiOiJ3c3M6Ly8xMjcuMC4wLjE6NDU5MzkiLCJib290c3RyYXBUb2tlbiI6IktzOFpZVlVBVThlUmtnQXlSUXhndVJpWWJpSVEyUmpKYU1v" +
  "N2VBZlFhSUkiLCJleHBpcmVzQXRNcyI6MTc5NjYxMjgxMDA5OSwidGxzRmluZ2VycHJpbnQiOiJhZjYzMDFmODE3ZmUwMGZhZGI3NTljNWM5MjFm" +
  "MWRkYzNkNGFhY2RhNGEwYjdmZjI5MGM5OTg4MGUxMDE0Yjk0In0";
const REAL_NOW = 1796612810099 - 60_000;
const TOKEN = "Ks8ZYVUAU8eRkgAyRQxguRiYbiIQ2RjJaMo7eAfQaII";
const NOW = 1_800_000_000_000;

const encode = (payload: unknown) => Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
const base = { url: "wss://gw.example.com", bootstrapToken: TOKEN, expiresAtMs: NOW + 600_000 };

function refused(input: unknown, code: "SETUP_CODE_INVALID" | "SETUP_CODE_EXPIRED", why?: RegExp) {
  const result = parseSetupCode(input, NOW);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  expect(result.code).toBe(code);
  expect(result.message).toMatch(/^[A-Z].*\.\)?$/);
  expect(result.message).not.toContain(TOKEN);
  if (why) expect(result.message).toMatch(why);
}

describe("parseSetupCode: examples", () => {
  it("reads a setup code the real gateway printed, with its certificate fingerprint", () => {
    expect(parseSetupCode(REAL_CODE, REAL_NOW)).toEqual({
      ok: true,
      form: "code",
      gatewayUrl: "wss://127.0.0.1:45939",
      host: "127.0.0.1:45939",
      insecure: false,
      bootstrapToken: TOKEN,
      expiresAtMs: 1796612810099,
      tlsFingerprint: "af6301f817fe00fadb759c5c921f1ddc3d4aacda4a0b7ff290c99880e1014b94",
    });
  });

  it.each([`oc-pair://${REAL_CODE}`, `OC-PAIR://${REAL_CODE}/`, `  oc-pair://${REAL_CODE}\n`])("reads %s", (link) => {
    expect(parseSetupCode(link, REAL_NOW)).toMatchObject({ ok: true, form: "link", host: "127.0.0.1:45939" });
  });

  it("reads a code without expiry or fingerprint, and a LAN ws:// one as insecure", () => {
    const lan = parseSetupCode(encode({ url: "ws://192.168.1.10:18789", bootstrapToken: TOKEN }), NOW);
    expect(lan).toMatchObject({ ok: true, insecure: true, expiresAtMs: null, tlsFingerprint: null });
  });

  it.each([
    [undefined, "SETUP_CODE_INVALID", /not a gateway setup code/],
    ["", "SETUP_CODE_INVALID", /empty/],
    ["oc-pair://", "SETUP_CODE_INVALID", /empty/],
    ["abc def", "SETUP_CODE_INVALID", /letters, digits/],
    ["a".repeat(MAX_SETUP_CODE_LENGTH + 1), "SETUP_CODE_INVALID", /not a gateway setup code/],
    ["AAAAA", "SETUP_CODE_INVALID", /does not decode/],
    [encode("just text"), "SETUP_CODE_INVALID", /no gateway details/],
    [encode([base]), "SETUP_CODE_INVALID", /no gateway details/],
    [encode({ ...base, bootstrapToken: "" }), "SETUP_CODE_INVALID", /no bootstrap token/],
    [encode({ ...base, bootstrapToken: 42 }), "SETUP_CODE_INVALID", /no bootstrap token/],
    [encode({ ...base, bootstrapToken: `${TOKEN}\n${TOKEN}` }), "SETUP_CODE_INVALID", /malformed/],
    [encode({ ...base, url: "https://gw.example.com" }), "SETUP_CODE_INVALID", /not a ws:\/\/ or wss:\/\/ URL/],
    [encode({ ...base, url: "ws://gw.example.com" }), "SETUP_CODE_INVALID", /ws:\/\/ is only allowed/],
    [encode({ ...base, url: "wss://u:p@gw.example.com" }), "SETUP_CODE_INVALID", /user name and password/],
    [encode({ ...base, expiresAtMs: "soon" }), "SETUP_CODE_INVALID", /expiry is malformed/],
    [encode({ ...base, expiresAtMs: 1.5 }), "SETUP_CODE_INVALID", /expiry is malformed/],
    [encode({ ...base, expiresAtMs: NOW }), "SETUP_CODE_EXPIRED", /expired/],
    [encode({ ...base, tlsFingerprint: "abc" }), "SETUP_CODE_INVALID", /not a SHA-256 fingerprint/],
    [encode({ ...base, tlsFingerprint: 7 }), "SETUP_CODE_INVALID", /not a SHA-256 fingerprint/],
    [
      encode({ url: "ws://10.0.0.2:1", bootstrapToken: TOKEN, tlsFingerprint: "ab".repeat(32) }),
      "SETUP_CODE_INVALID",
      /unencrypted/,
    ],
  ] as const)("refuses %j", (input, code, why) => {
    refused(input, code, why);
  });
});

describe("normalizeTlsFingerprint: the gateway's own forms", () => {
  it.each([
    ["AF:63:01:F8:17:FE:00:FA:DB:75:9C:5C:92:1F:1D:DC:3D:4A:AC:DA:4A:0B:7F:F2:90:C9:98:80:E1:01:4B:94"],
    ["sha256:AF6301F817FE00FADB759C5C921F1DDC3D4AACDA4A0B7FF290C99880E1014B94"],
    ["af6301f817fe00fadb759c5c921f1ddc3d4aacda4a0b7ff290c99880e1014b94"],
  ])("%s", (form) => {
    expect(normalizeTlsFingerprint(form)).toBe("af6301f817fe00fadb759c5c921f1ddc3d4aacda4a0b7ff290c99880e1014b94");
  });
  it.each(["", "af63", "zz".repeat(32), "AF:63", `${"ab".repeat(32)}00`])("refuses %j", (form) => {
    expect(normalizeTlsFingerprint(form)).toBeNull();
  });
});

const tokenArb = fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/);
const fingerprintArb = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString("hex"))
  .chain((hex) =>
    fc.constantFrom(
      { written: hex, normal: hex },
      { written: hex.toUpperCase(), normal: hex },
      { written: `sha256:${hex}`, normal: hex },
      { written: hex.match(/../g)!.join(":").toUpperCase(), normal: hex },
    ),
  );
const acceptedUrl = urlLikeArb.map((raw) => parseGatewayUrl(raw)).filter((url) => url.ok);

describe("parseSetupCode: properties", () => {
  it("never throws; what it accepts is a ws/wss gateway and a token, what it refuses has a structured error", () => {
    const anyText = fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }));
    const encodedJunk = fc.jsonValue().map((value) => encode(value));
    const fieldsJunk = fc
      .record({ url: fc.oneof(anyText, urlLikeArb), bootstrapToken: fc.oneof(anyText, tokenArb) })
      .map((payload) => encode(payload));
    fc.assert(
      fc.property(fc.oneof(anyText, encodedJunk, fieldsJunk), fc.boolean(), (text, asLink) => {
        const result = parseSetupCode(asLink ? `oc-pair://${text}` : text, NOW);
        if (result.ok) {
          expect(result.gatewayUrl).toMatch(/^wss?:\/\//);
          expect(result.bootstrapToken.length).toBeGreaterThan(0);
        } else {
          expect(["SETUP_CODE_INVALID", "SETUP_CODE_EXPIRED"]).toContain(result.code);
          expect(result.message).toMatch(/^[A-Z]/);
        }
      }),
      { numRuns: 800 },
    );
  });

  it("a code made the gateway's way from any accepted URL, token, expiry and fingerprint parses back to them", () => {
    fc.assert(
      fc.property(
        acceptedUrl,
        tokenArb,
        fc.integer({ min: NOW + 1, max: NOW + 3_600_000 }),
        fc.option(fingerprintArb, { nil: undefined }),
        fc.boolean(),
        (url, token, expiresAtMs, fingerprint, asLink) => {
          if (!url.ok) throw new Error("filtered");
          const withPin = fingerprint && !url.insecure ? { tlsFingerprint: fingerprint.written } : {};
          const code = encode({ url: url.url, bootstrapToken: token, expiresAtMs, ...withPin });
          expect(parseSetupCode(asLink ? `oc-pair://${code}` : code, NOW)).toEqual({
            ok: true,
            form: asLink ? "link" : "code",
            gatewayUrl: url.url,
            host: url.host,
            insecure: url.insecure,
            bootstrapToken: token,
            expiresAtMs,
            tlsFingerprint: "tlsFingerprint" in withPin ? fingerprint!.normal : null,
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("no refusal repeats the bootstrap token", () => {
    const broken = fc.record({
      url: fc.oneof(urlLikeArb, fc.string()),
      expiresAtMs: fc.oneof(fc.integer(), fc.double(), fc.string()),
      tlsFingerprint: fc.oneof(
        fc.string(),
        fingerprintArb.map((f) => f.written),
      ),
    });
    fc.assert(
      fc.property(tokenArb, broken, (token, fields) => {
        const result = parseSetupCode(encode({ ...fields, bootstrapToken: token }), NOW);
        if (!result.ok) expect(result.message).not.toContain(token);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("detectPairingInput: which kind of code or link was entered", () => {
  it("tells OCMAP codes, OCMAP links, setup codes and oc-pair:// links apart", () => {
    fc.assert(
      fc.property(displayCodeArb, acceptedUrl, tokenArb, (code, url, token) => {
        if (!url.ok) throw new Error("filtered");
        const setup = encode({ url: url.url, bootstrapToken: token });
        expect(detectPairingInput(code)).toBe("ocmap-code");
        expect(detectPairingInput(code.replace("-", "").toLowerCase())).toBe("ocmap-code");
        expect(detectPairingInput(pairingLink(url.url, code))).toBe("ocmap-link");
        expect(detectPairingInput(setup)).toBe("setup-code");
        expect(detectPairingInput(`oc-pair://${setup}`)).toBe("setup-link");
      }),
      { numRuns: 300 },
    );
  });

  it("tells an OCMAP enrollment key apart from a setup code", () => {
    expect(detectPairingInput("ocmap-ek-ABCD-0123456789ABCDEFGHJKMNPQRS")).toBe("ocmap-enrollment-key");
  });

  it.each(["", "https://gw.example.com", "hello world, this is not a code at all"])("%j is unknown", (text) => {
    expect(detectPairingInput(text)).toBe("unknown");
  });
});
