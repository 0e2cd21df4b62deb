// Hostile HTTP (real gateway; see hostile-http-gateway.ts): unicode look-alikes of a live code's
// discriminator, duplicate and prototype-polluting keys, repeated headers.
import { beforeAll, describe, expect, it } from "vitest";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { post } from "../harness/wire-pairing.ts";
import {
  EXCHANGE,
  JSON_CT,
  START,
  exchangeBody,
  expectContractError,
  expectNothingStored,
  expectParserRejection,
  gateway,
  itStaysHealthy,
  liveStart,
  unknownBody,
  unknownStart,
  useHostileGateway,
} from "./hostile-http-gateway.ts";
import { head, rawHttp } from "./raw-http.ts";

useHostileGateway();

describe("unicode, duplicate keys and prototype pollution", () => {
  const fullwidth = (s: string) => s.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  const cyrillic: Record<string, string> = {
    A: "\u0410",
    B: "\u0412",
    C: "\u0421",
    E: "\u0415",
    H: "\u041d",
    K: "\u041a",
    M: "\u041c",
    P: "\u0420",
    T: "\u0422",
    X: "\u0425",
    "0": "\u041e",
  };

  it("look-alikes of the live discriminator (fullwidth, homoglyph, invisible, NUL, bad UTF-8) fail", async () => {
    const since = Date.now();
    const discriminator = liveStart.discriminator;
    const homoglyphs = discriminator.replace(/[0ABCEHKMPTX]/g, (ch) => cyrillic[ch]!);
    const variants = [
      fullwidth(discriminator),
      // or a combining accent
      homoglyphs !== discriminator ? homoglyphs : `${discriminator[0]}\u0301${discriminator[1]}`,
      discriminator[0] + "\u200b" + discriminator[1],
      "\u202e" + discriminator,
      discriminator + "\u200f",
      discriminator[0] + "\ud800",
      discriminator + "\udfff",
      discriminator[0] + "\u0000",
      /[A-Z]/.test(discriminator) ? discriminator.toLowerCase() : `${discriminator} `,
    ];
    for (const variant of variants) {
      expect(variant).not.toBe(discriminator);
      expectContractError(await post(gateway, START, { ...liveStart, discriminator: variant }), 400, "INVALID_REQUEST");
    }
    // Invalid UTF-8 bytes inside the discriminator: decoded loosely by the body reader, then refused.
    const bytes = Buffer.concat([
      Buffer.from('{"discriminator":"'),
      Buffer.from(discriminator.slice(0, 1)),
      Buffer.from([0xff, 0xc0]),
      Buffer.from(`","sid":"${liveStart.sid}","share":"${liveStart.share}"}`),
    ]);
    expectContractError(await post(gateway, START, null, { raw: bytes }), 400, "INVALID_REQUEST");
    await expectNothingStored(since);
  });

  it("duplicate keys: the last counts (as in JSON.parse): the live discriminator, then another", async () => {
    const since = Date.now();
    expectContractError(
      await post(gateway, START, null, {
        raw: `{"discriminator":"${liveStart.discriminator}",${JSON.stringify(unknownStart).slice(1)}`,
      }),
      403,
      "CODE_INVALID",
    );
    expectContractError(
      await post(gateway, START, null, { raw: `${JSON.stringify(liveStart).slice(0, -1)},"discriminator":{"x":1}}` }),
      400,
      "INVALID_REQUEST",
    );
    const dupDevice = exchangeBody("no-such-session").replace('"device":', '"device":{"id":1},"device":');
    expectContractError(await post(gateway, EXCHANGE, null, { raw: dupDevice }), 403, "CODE_INVALID");
    await expectNothingStored(since);
  });

  it("__proto__ and constructor keys are refused as unknown keys and pollute nothing", async () => {
    const since = Date.now();
    const cases = [
      [START, `{"__proto__":${JSON.stringify(liveStart)}}`],
      [START, `${JSON.stringify(liveStart).slice(0, -1)},"__proto__":{"polluted":true}}`],
      [START, `{"constructor":{"prototype":{"polluted":true}},${JSON.stringify(liveStart).slice(1)}`],
      [EXCHANGE, exchangeBody("no-such-session").replace('"device":{', '"device":{"__proto__":{"isAdmin":true},')],
      [EXCHANGE, exchangeBody("no-such-session").replace('{"sessionId"', '{"__proto__":{"requestId":"x"},"sessionId"')],
      [
        EXCHANGE,
        exchangeBody("no-such-session").replace('{"sessionId"', '{"constructor":{"prototype":{"ok":true}},"sessionId"'),
      ],
    ];
    for (const [path, raw] of cases)
      expectContractError(await post(gateway, path!, null, { raw }), 400, "INVALID_REQUEST");
    // Had anything reached Object.prototype in the gateway, a plain unknown code would behave differently.
    expectContractError(await post(gateway, START, unknownStart), 403, "CODE_INVALID");
    await expectNothingStored(since);
  });
});

describe("repeated headers", () => {
  // Every /start body has the same length (fixed-size fields); its content is known once the live code is.
  const BODY_LENGTH = JSON.stringify(clientPake("ZZ000000").request).length;
  let body = "";
  beforeAll(() => {
    body = unknownBody();
    expect(body.length).toBe(BODY_LENGTH);
  });

  it("two Content-Type headers: the first counts, as Node reads it", async () => {
    const since = Date.now();
    const twice = (a: string, b: string) =>
      rawHttp(gateway.port, [
        head("POST", START, [
          ["Content-Type", a],
          ["Content-Type", b],
          ["Content-Length", body.length],
        ]),
        body,
      ]);
    expectContractError(await twice("application/json", "text/plain"), 403, "CODE_INVALID");
    expectContractError(await twice("text/plain", "application/json"), 400, "INVALID_REQUEST");
    await expectNothingStored(since);
  });

  it.each([
    [
      "two equal Content-Length headers",
      [
        ["Content-Length", BODY_LENGTH],
        ["Content-Length", BODY_LENGTH],
      ],
    ],
    [
      "two different Content-Length headers",
      [
        ["Content-Length", BODY_LENGTH],
        ["Content-Length", 2],
      ],
    ],
    [
      "Content-Length with Transfer-Encoding (request smuggling)",
      [
        ["Content-Length", BODY_LENGTH],
        ["Transfer-Encoding", "chunked"],
      ],
    ],
    ["a Content-Length that is not a number", [["Content-Length", "1e3"]]],
    ["a Content-Length past 2^64", [["Content-Length", "99999999999999999999"]]],
  ] as Array<[string, Array<[string, number | string]>]>)(
    "%s → refused by Node's parser before any route runs",
    async (_name, headers) => {
      const since = Date.now();
      expectParserRejection(await rawHttp(gateway.port, [head("POST", START, [JSON_CT, ...headers]), body]));
      await expectNothingStored(since);
    },
  );
});

itStaysHealthy();
