import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseGatewayUrl } from "../../src/core/gateway-url.std.ts";
import { MAX_PAIRING_LINK_LENGTH, parsePairingLink } from "../../src/core/pairing-link.std.ts";
import { codeFromRandom, formatCode } from "@ocmap/protocol/pairing-code";
import { pairingLink } from "@ocmap/protocol/pairing-protocol";
import { displayCodeArb, urlLikeArb } from "./url-arbitraries.ts";

const CODE = formatCode(codeFromRandom(new Uint8Array([1, 2, 3, 4, 5])));
const GW = encodeURIComponent("wss://gw.example.com");

function refused(input: unknown, why?: RegExp) {
  const result = parsePairingLink(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  expect(result.code).toBe("LINK_INVALID");
  expect(result.message).toMatch(/^[A-Z].*\.$/);
  if (why) expect(result.message).toMatch(why);
  return result;
}

describe("parsePairingLink: examples", () => {
  it("reads the link the plugin makes", () => {
    expect(parsePairingLink(pairingLink("wss://gw.example.com/openclaw", CODE))).toEqual({
      ok: true,
      gatewayUrl: "wss://gw.example.com/openclaw",
      host: "gw.example.com",
      insecure: false,
      code: CODE,
    });
  });

  it("passes on the insecure flag for a LAN gateway", () => {
    expect(parsePairingLink(pairingLink("ws://192.168.1.10:18789", CODE))).toMatchObject({
      ok: true,
      host: "192.168.1.10:18789",
      insecure: true,
    });
  });

  it.each([
    `ocmap://pair?gateway=${GW}&code=${CODE}`,
    `ocmap://pair?code=${CODE}&gateway=${GW}`,
    `ocmap://pair/?gateway=${GW}&code=${CODE}`,
    `ocmap:pair?gateway=${GW}&code=${CODE}`,
    `OCMAP://PAIR?gateway=${GW}&code=${CODE}`,
    `  ocmap://pair?gateway=${GW}&code=${CODE}\n`,
    `ocmap://pair?gateway=${GW}&code=${CODE.toLowerCase().replace("-", "")}`,
    `ocmap://pair?gateway=wss://gw.example.com/&code=${CODE}`,
  ])("accepts %s", (link) => {
    expect(parsePairingLink(link)).toEqual({
      ok: true,
      gatewayUrl: "wss://gw.example.com",
      host: "gw.example.com",
      insecure: false,
      code: CODE,
    });
  });

  const badCheck = CODE.slice(0, -1) + (CODE.endsWith("0") ? "1" : "0");
  it.each([
    [undefined, /not an OCMAP pairing link/],
    [`https://pair?gateway=${GW}&code=${CODE}`, /not an OCMAP pairing link/],
    [`ocmaps://pair?gateway=${GW}&code=${CODE}`, /not an OCMAP pairing link/],
    [`ocmap://unpair?gateway=${GW}&code=${CODE}`, /not an OCMAP pairing link/],
    [`ocmap://pair/x?gateway=${GW}&code=${CODE}`, /not an OCMAP pairing link/],
    [`ocmap://user@pair?gateway=${GW}&code=${CODE}`, /not an OCMAP pairing link/],
    [`ocmap://pair?gateway=${GW}&code=${CODE}#frag`, /not an OCMAP pairing link/],
    [`ocmap://pair`, /not an OCMAP pairing link/],
    [`ocmap://pair?gateway=${GW}&code=${CODE}&code=${CODE}`, /exactly once/],
    [`ocmap://pair?gateway=${GW}&gateway=${GW}&code=${CODE}`, /exactly once/],
    [`ocmap://pair?gateway=${GW}&code=${CODE}&token=abc`, /exactly once/],
    [`ocmap://pair?gateway=${GW}&code=${CODE}&`, /exactly once/],
    [`ocmap://pair?gateway=${GW}&code`, /exactly once/],
    [`ocmap://pair?Gateway=${GW}&code=${CODE}`, /exactly once/],
    [`ocmap://pair?gateway=${GW}`, /incomplete/],
    [`ocmap://pair?code=${CODE}`, /incomplete/],
    [`ocmap://pair?gateway=%E0%A4%A&code=${CODE}`, /bad % escape/],
    [`ocmap://pair?gateway=${encodeURIComponent("ws://gw.example.com")}&code=${CODE}`, /ws:\/\/ is only allowed/],
    [`ocmap://pair?gateway=${encodeURIComponent("wss://u:p@gw.example.com")}&code=${CODE}`, /user name and password/],
    [`ocmap://pair?gateway=${encodeURIComponent("gw.example.com")}&code=${CODE}`, /not a ws:\/\/ or wss:\/\/ URL/],
    [
      `ocmap://pair?gateway=${encodeURIComponent("https://gw.example.com")}&code=${CODE}`,
      /not a ws:\/\/ or wss:\/\/ URL/,
    ],
    [`ocmap://pair?gateway=${encodeURIComponent("wss://gw.example.com/?x=1")}&code=${CODE}`, /query or fragment/],
    [`ocmap://pair?gateway=${GW}&code=${badCheck}`, /code is not valid: .*typo/],
    [`ocmap://pair?gateway=${GW}&code=ABC`, /code is not valid/],
    [`ocmap://pair?gateway=${GW}&code=`, /code is not valid/],
    [`ocmap://pair?gateway=${GW} &code=${CODE}`, /spaces or control characters/],
    [`ocmap://pair?gateway=${GW}&code=${CODE}` + "x".repeat(MAX_PAIRING_LINK_LENGTH), /not an OCMAP pairing link/],
  ])("refuses %j", (input, why) => {
    refused(input, why);
  });
});

describe("parsePairingLink: properties", () => {
  it("never throws on arbitrary strings and unicode, and only accepts ws/wss gateways", () => {
    const anyText = fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }));
    const linkish = fc
      .tuple(
        fc.constantFrom("ocmap://pair?", "ocmap:pair?", "ocmap://pair/?"),
        fc.array(fc.tuple(fc.constantFrom("gateway", "code", "x"), anyText), { maxLength: 3 }),
      )
      .map(([prefix, kvs]) => prefix + kvs.map(([k, v]) => `${k}=${v}`).join("&"));
    fc.assert(
      fc.property(fc.oneof(anyText, linkish), (text) => {
        const result = parsePairingLink(text);
        if (result.ok) {
          expect(result.gatewayUrl).toMatch(/^wss?:\/\//);
          expect(result.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
        } else {
          expect(result.code).toBe("LINK_INVALID");
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("a link built from any accepted gateway URL and valid code parses back to them", () => {
    const acceptedUrl = urlLikeArb.map((s) => parseGatewayUrl(s)).filter((r) => r.ok);
    fc.assert(
      fc.property(acceptedUrl, displayCodeArb, (gw, code) => {
        if (!gw.ok) throw new Error("filtered");
        const result = parsePairingLink(pairingLink(gw.url, code));
        expect(result).toEqual({ ok: true, gatewayUrl: gw.url, host: gw.host, insecure: gw.insecure, code });
      }),
      { numRuns: 500 },
    );
  });

  it("whatever parses never carries credentials, a query or a fragment in the gateway URL", () => {
    fc.assert(
      fc.property(urlLikeArb, displayCodeArb, (raw, code) => {
        const result = parsePairingLink(pairingLink(raw, code));
        if (!result.ok) return;
        const parsedUrl = new URL(result.gatewayUrl);
        expect(["ws:", "wss:"]).toContain(parsedUrl.protocol);
        expect([parsedUrl.username, parsedUrl.password, parsedUrl.search, parsedUrl.hash]).toEqual(["", "", "", ""]);
      }),
      { numRuns: 1000 },
    );
  });
});
