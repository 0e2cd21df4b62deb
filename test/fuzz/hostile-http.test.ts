// Hostile HTTP against the plugin's unauthenticated v2 routes on a real gateway: wrong methods and
// content types, oversized, endless, nested and malformed bodies, unicode look-alikes of a live code's
// discriminator, duplicate and prototype-polluting keys, repeated headers, slow and abandoned bodies.
// Every request the plugin sees is answered with the contract's `{ok:false, error}` shape; the
// few that Node's HTTP parser refuses first get a bare 400 and a closed connection. Nothing is
// ever stored (the live code stays active, no attempt counted, no device), and the gateway never falls over.
// Failures count toward the rate limits, so this file raises them (the schema's maximum).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { pakeGrant, post, unusedDiscriminator, type HttpReply } from "../harness/wire-pairing.ts";
import { head, rawHttp, type RawReply } from "./raw-http.ts";

const START = "/ocmap-pairing/v2/start";
const EXCHANGE = "/ocmap-pairing/v2/exchange";
const ROUTES = [START, "/ocmap-pairing/v2/confirm", EXCHANGE, "/ocmap-pairing/v2/abandon"];
const JSON_CT: [string, string] = ["Content-Type", "application/json"];

let g: Gateway;
let live: { code: string; codeId: string };
let baseline: { codes: unknown[]; devices: unknown[] };
/** A well-formed /start for the live code (must never be read when the request is refused first). */
let liveStart: { discriminator: string; sid: string; share: string };
/** A well-formed /start whose discriminator no code has: read, it is CODE_INVALID. */
let unknownStart: typeof liveStart;

beforeAll(async () => {
  g = await startGateway({ pluginConfig: { maxFailuresPerAddress: 1000, maxFailuresGlobal: 1000 } });
  live = await g.call("pairing.createCode", { label: "must survive the hostile suite" });
  liveStart = clientPake(live.code.replace("-", "")).request;
  unknownStart = clientPake(`${unusedDiscriminator([live.code])}000000`).request;
  const list = await g.call("pairing.list", {});
  baseline = { codes: list.codes, devices: list.devices };
});
afterAll(async () => {
  await g?.dispose();
});

function expectContractError(r: HttpReply | RawReply, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toEqual({ ok: false, error: { code, message: expect.stringMatching(/^[A-Z].*\.$/) } });
  expect(String(r.headers["content-type"])).toMatch(/^application\/json/);
}

/** Node's own HTTP parser refused the request before any route ran: a bare 400, connection closed. */
function expectParserRejection(r: RawReply) {
  expect(r.status).toBe(400);
  expect(r.text).toBe("");
  expect(r.headers.connection).toEqual(["close"]);
}

/** Nothing was stored since `since`: the live code is untouched, no device, only failures audited. */
async function expectNothingStored(since: number) {
  const state = JSON.parse(readFileSync(join(g.stateDir, "plugins/ocmap-pairing/state.json"), "utf8"));
  expect(state.codes.find((c: any) => c.codeId === live.codeId).failures, "an attempt counted").toBe(0);
  const list = await g.call("pairing.list", {});
  expect(list.codes).toEqual(baseline.codes);
  expect(list.devices).toEqual(baseline.devices);
  const events = list.events.filter((e: any) => e.atMs >= since);
  expect(events.filter((e: any) => e.type !== "code.failed")).toEqual([]);
  expect(events.filter((e: any) => e.codeId === live.codeId)).toEqual([]);
}

const unknownBody = () => JSON.stringify(unknownStart);
const exchangeBody = (
  sessionId: unknown,
  device: unknown = { id: "a".repeat(64), publicKey: "k", signature: "s", signedAt: Date.now() },
) => JSON.stringify({ sessionId, requestId: "r", device, mac: "m" });

describe("methods and content types", () => {
  it.each(["GET", "PUT", "DELETE", "OPTIONS", "PATCH"])("%s on every route → 400 INVALID_REQUEST", async (method) => {
    const since = Date.now();
    for (const path of ROUTES)
      expectContractError(
        await post(g, path, null, { method, raw: JSON.stringify(liveStart) }),
        400,
        "INVALID_REQUEST",
      );
    await expectNothingStored(since);
  });

  it("HEAD → 400 with no body (HEAD never carries one)", async () => {
    const since = Date.now();
    for (const path of ROUTES) {
      const r = await post(g, path, null, { method: "HEAD", raw: "" });
      expect(r.status).toBe(400);
      expect(r.body).toBe("");
    }
    await expectNothingStored(since);
  });

  it.each([
    ["text/plain", "LIVE"],
    ["application/x-www-form-urlencoded", "code=LIVE"],
    ["multipart/form-data; boundary=x", `--x\r\nContent-Disposition: form-data; name="code"\r\n\r\nLIVE\r\n--x--\r\n`],
    ["application/json; charset=utf-16", "LIVE"],
    ["application/json; charset=utf-16le", "UTF16LE"],
    ["application/merge-patch+json", "LIVE"],
    ["text/json", "LIVE"],
    ["application/jsonp", "LIVE"],
    ["", "LIVE"],
  ])("Content-Type %j with the live code → 400 INVALID_REQUEST, code untouched", async (type, template) => {
    const since = Date.now();
    const raw =
      template === "UTF16LE"
        ? Buffer.from(JSON.stringify(liveStart), "utf16le")
        : template.replace("LIVE", JSON.stringify(liveStart));
    expectContractError(await post(g, START, null, { raw, headers: { "content-type": type } }), 400, "INVALID_REQUEST");
    await expectNothingStored(since);
  });

  it("a missing Content-Type → 400 INVALID_REQUEST; `application/json; charset=UTF-8` is read (control)", async () => {
    const since = Date.now();
    const body = unknownBody();
    expectContractError(
      await rawHttp(g.port, [head("POST", START, [["Content-Length", body.length]]), body]),
      400,
      "INVALID_REQUEST",
    );
    expectContractError(
      await post(g, START, unknownStart, { headers: { "content-type": "application/json; charset=UTF-8" } }),
      403,
      "CODE_INVALID",
    );
    await expectNothingStored(since);
  });
});

describe("sizes and shapes", () => {
  const MiB = Buffer.alloc(1 << 20, "a");
  const chunked = (body: Buffer) => [
    head("POST", START, [JSON_CT, ["Transfer-Encoding", "chunked"]]),
    `${body.length.toString(16)}\r\n`,
    body,
    "\r\n0\r\n\r\n",
  ];

  it("a body of exactly 4 KiB is read; one byte more is 400 INVALID_REQUEST", async () => {
    const since = Date.now();
    const at = (n: number) => unknownBody().padEnd(n, " ");
    expectContractError(await post(g, START, null, { raw: at(4096) }), 403, "CODE_INVALID");
    expectContractError(await post(g, START, null, { raw: at(4097) }), 400, "INVALID_REQUEST");
    await expectNothingStored(since);
  });

  it.each([
    ["1 MiB with Content-Length", () => [head("POST", START, [JSON_CT, ["Content-Length", MiB.length]]), MiB]],
    ["1 MiB chunked, no Content-Length", () => chunked(MiB)],
    ["5 KiB chunked", () => chunked(Buffer.alloc(5 * 1024, " "))],
    [
      "1 MiB declared, 9 bytes sent",
      () => [head("POST", START, [JSON_CT, ["Content-Length", MiB.length]]), '{"code":1'],
    ],
    [
      "a Content-Length past 2^53",
      () => [head("POST", START, [JSON_CT, ["Content-Length", "9007199254740993"]]), "{}"],
    ],
  ] as Array<[string, () => Array<string | Buffer>]>)(
    "%s → 400 INVALID_REQUEST without reading it all",
    async (_name, pieces) => {
      const since = Date.now();
      const r = await rawHttp(g.port, pieces()); // no half-close: the answer must not wait for the rest
      expectContractError(r, 400, "INVALID_REQUEST");
      expect(r.ms).toBeLessThan(5_000);
      await expectNothingStored(since);
    },
  );

  it("JSON nested 10,000 levels deep (too large) and ~2,000 deep inside 4 KiB → 400 INVALID_REQUEST", async () => {
    const since = Date.now();
    const deepArray = (n: number) => "[".repeat(n) + "]".repeat(n);
    const deepObject = (n: number) => '{"code":'.repeat(n) + '"0"' + "}".repeat(n);
    for (const raw of [deepArray(10_000), deepObject(10_000), deepArray(2_000), deepObject(450)]) {
      expectContractError(await post(g, START, null, { raw }), 400, "INVALID_REQUEST");
      expectContractError(await post(g, EXCHANGE, null, { raw }), 400, "INVALID_REQUEST");
    }
    await expectNothingStored(since);
  });

  it("a body with no length at all, or cut short by a half-close, is never read as a request body", async () => {
    const since = Date.now();
    // Node answers these itself (the bytes after the head are no request) or the plugin does, whichever is first.
    const noLength = await rawHttp(g.port, [head("POST", START, [JSON_CT]), JSON.stringify(liveStart)], { end: true });
    const halfClosed = await rawHttp(
      g.port,
      [head("POST", START, [JSON_CT, ["Content-Length", 100]]), `{"discriminator":"${liveStart.discriminator}"`],
      { end: true },
    );
    for (const r of [noLength, halfClosed]) {
      expect(r.status).toBe(400);
      if (r.text) expectContractError(r, 400, "INVALID_REQUEST");
      else expectParserRejection(r);
    }
    await expectNothingStored(since);
  });

  it.each([
    ["not JSON", "{discriminator: 1"],
    ["empty", ""],
    ["JSON null", "null"],
    ["an array", JSON.stringify(["LIVE"])],
    ["a number discriminator", '{"discriminator":12,"sid":"SID","share":"SHARE"}'],
    ["a nested discriminator", '{"discriminator":{"discriminator":"LIVE"},"sid":"SID","share":"SHARE"}'],
    ["a missing share", '{"discriminator":"LIVE","sid":"SID"}'],
    ["an extra key", '{"discriminator":"LIVE","sid":"SID","share":"SHARE","code":"LIVE"}'],
    ["a lower-case discriminator", '{"discriminator":"lower","sid":"SID","share":"SHARE"}'],
    ["a three-symbol discriminator", '{"discriminator":"LIVEX","sid":"SID","share":"SHARE"}'],
    ["a 15-byte sid", '{"discriminator":"LIVE","sid":"AAAAAAAAAAAAAAAAAAAA","share":"SHARE"}'],
    ["a padded share", '{"discriminator":"LIVE","sid":"SID","share":"SHARE="}'],
    ["a 300-character share", `{"discriminator":"LIVE","sid":"SID","share":"${"A".repeat(300)}"}`],
  ])("/start with %s → 400 INVALID_REQUEST", async (_name, template) => {
    const since = Date.now();
    const raw = template
      .replace(/LIVE/g, liveStart.discriminator)
      // a digit-only discriminator has no lower case: any lower-case letters are as invalid
      .replace("lower", /[A-Z]/.test(liveStart.discriminator) ? liveStart.discriminator.toLowerCase() : "ab")
      .replace("SID", liveStart.sid)
      .replace("SHARE", liveStart.share);
    expectContractError(await post(g, START, null, { raw }), 400, "INVALID_REQUEST");
    await expectNothingStored(since);
  });

  it.each([
    ["signedAt as a string", { id: "a", publicKey: "k", signature: "s", signedAt: "1" }],
    ["signedAt 1e400 (Infinity)", "RAW"],
    ["negative signedAt", { id: "a", publicKey: "k", signature: "s", signedAt: -1 }],
    ["a missing field", { id: "a", publicKey: "k", signedAt: 1 }],
    ["v1's nonce (an extra field now)", { id: "a", publicKey: "k", signature: "s", signedAt: 1, nonce: "n" }],
    ["device as an array", ["a", "k", "s", 1]],
  ])("exchange with %s → 400 INVALID_REQUEST", async (_name, device) => {
    const since = Date.now();
    const raw =
      device === "RAW"
        ? exchangeBody("no-such-session").replace(/"signedAt":\d+/, '"signedAt":1e400')
        : exchangeBody("no-such-session", device);
    expectContractError(await post(g, EXCHANGE, null, { raw }), 400, "INVALID_REQUEST");
    await expectNothingStored(since);
  });
});

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
    const d = liveStart.discriminator;
    const homoglyphs = d.replace(/[0ABCEHKMPTX]/g, (ch) => cyrillic[ch]!);
    const variants = [
      fullwidth(d),
      homoglyphs !== d ? homoglyphs : `${d[0]}\u0301${d[1]}`, // or a combining accent
      d[0] + "\u200b" + d[1],
      "\u202e" + d,
      d + "\u200f",
      d[0] + "\ud800",
      d + "\udfff",
      d[0] + "\u0000",
      /[A-Z]/.test(d) ? d.toLowerCase() : `${d} `,
    ];
    for (const v of variants) {
      expect(v).not.toBe(d);
      expectContractError(await post(g, START, { ...liveStart, discriminator: v }), 400, "INVALID_REQUEST");
    }
    // Invalid UTF-8 bytes inside the discriminator: decoded loosely by the body reader, then refused.
    const bytes = Buffer.concat([
      Buffer.from('{"discriminator":"'),
      Buffer.from(d.slice(0, 1)),
      Buffer.from([0xff, 0xc0]),
      Buffer.from(`","sid":"${liveStart.sid}","share":"${liveStart.share}"}`),
    ]);
    expectContractError(await post(g, START, null, { raw: bytes }), 400, "INVALID_REQUEST");
    await expectNothingStored(since);
  });

  it("duplicate keys: the last counts (as in JSON.parse): the live discriminator, then another", async () => {
    const since = Date.now();
    expectContractError(
      await post(g, START, null, {
        raw: `{"discriminator":"${liveStart.discriminator}",${JSON.stringify(unknownStart).slice(1)}`,
      }),
      403,
      "CODE_INVALID",
    );
    expectContractError(
      await post(g, START, null, { raw: `${JSON.stringify(liveStart).slice(0, -1)},"discriminator":{"x":1}}` }),
      400,
      "INVALID_REQUEST",
    );
    const dupDevice = exchangeBody("no-such-session").replace('"device":', '"device":{"id":1},"device":');
    expectContractError(await post(g, EXCHANGE, null, { raw: dupDevice }), 403, "CODE_INVALID");
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
    for (const [path, raw] of cases) expectContractError(await post(g, path!, null, { raw }), 400, "INVALID_REQUEST");
    // Had anything reached Object.prototype in the gateway, a plain unknown code would behave differently.
    expectContractError(await post(g, START, unknownStart), 403, "CODE_INVALID");
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
      rawHttp(g.port, [
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
      expectParserRejection(await rawHttp(g.port, [head("POST", START, [JSON_CT, ...headers]), body]));
      await expectNothingStored(since);
    },
  );
});

describe("slow, abandoned and endless bodies", () => {
  it("a body sent one byte at a time is read whole and answered", async () => {
    const since = Date.now();
    const body = unknownBody();
    const r = await rawHttp(
      g.port,
      [head("POST", START, [JSON_CT, ["Content-Length", body.length]]), ...body.split("")],
      { gapMs: 40 },
    );
    expectContractError(r, 403, "CODE_INVALID");
    await expectNothingStored(since);
  });

  it("bodies abandoned halfway leave nothing behind", async () => {
    const since = Date.now();
    const partial = `{"discriminator":"${liveStart.discriminator}","sid":"${liveStart.sid.slice(0, 6)}`;
    for (let i = 0; i < 5; i++) {
      const r = await rawHttp(
        g.port,
        [head("POST", i % 2 ? EXCHANGE : START, [JSON_CT, ["Content-Length", 200]]), partial],
        { abort: true },
      );
      expect(r.status).toBe(0); // we hung up first
    }
    expectContractError(await post(g, START, unknownStart), 403, "CODE_INVALID"); // the routes still answer
    await expectNothingStored(since);
  });

  it("bodies that never finish are cut off by the body timeout (400); the gateway keeps answering others", async () => {
    const since = Date.now();
    const stalled = Array.from({ length: 8 }, (_, i) =>
      rawHttp(g.port, [head("POST", i % 2 ? EXCHANGE : START, [JSON_CT, ["Content-Length", 100]]), '{"code":"'], {
        timeoutMs: 40_000,
      }),
    );
    // Meanwhile the gateway and the plugin answer everyone else at once.
    const admin = await g.admin();
    try {
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        expect((await admin.request("health", {})).ok).toBe(true);
        expectContractError(await post(g, START, unknownStart), 403, "CODE_INVALID");
        expect(performance.now() - t).toBeLessThan(3_000);
      }
    } finally {
      admin.close();
    }
    for (const r of await Promise.all(stalled)) {
      expectContractError(r, 400, "INVALID_REQUEST");
      // The plugin's 5 s body timeout (the SDK's pre-auth profile): a stalled request holds its socket no longer.
      expect(r.ms).toBeLessThan(5_000 + 3_000);
    }
    await expectNothingStored(since);
  }, 60_000);
});

it("afterwards the gateway is the same process, healthy, logged no unexpected failure and still pairs", async () => {
  expect(await g.call("health", {})).toBeTruthy();
  const logs = g.logs();
  expect(logs.match(/http server listening/g)).toHaveLength(1); // never restarted
  expect(logs).not.toMatch(/ocmap-pairing: unexpected failure|Uncaught|unhandledRejection/i);
  const list = await g.call("pairing.list", {});
  expect(list.codes.find((c: any) => c.codeId === live.codeId)).toMatchObject({ status: "active" });
  const granted = await pakeGrant(g, live.code);
  expect(granted.grant.codeId).toBe(live.codeId);
});
