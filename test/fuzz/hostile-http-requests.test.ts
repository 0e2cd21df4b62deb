// Hostile HTTP (real gateway; see hostile-http-gateway.ts): wrong methods and content types; oversized,
// endless, nested and malformed bodies; bad /start and /exchange shapes.
import { describe, expect, it } from "vitest";
import { post } from "../harness/wire-pairing.ts";
import {
  EXCHANGE,
  JSON_CT,
  ROUTES,
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

describe("methods and content types", () => {
  it.each(["GET", "PUT", "DELETE", "OPTIONS", "PATCH"])("%s on every route → 400 INVALID_REQUEST", async (method) => {
    const since = Date.now();
    for (const path of ROUTES)
      expectContractError(
        await post(gateway, path, null, { method, raw: JSON.stringify(liveStart) }),
        400,
        "INVALID_REQUEST",
      );
    await expectNothingStored(since);
  });

  it("HEAD → 400 with no body (HEAD never carries one)", async () => {
    const since = Date.now();
    for (const path of ROUTES) {
      const reply = await post(gateway, path, null, { method: "HEAD", raw: "" });
      expect(reply.status).toBe(400);
      expect(reply.body).toBe("");
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
    expectContractError(
      await post(gateway, START, null, { raw, headers: { "content-type": type } }),
      400,
      "INVALID_REQUEST",
    );
    await expectNothingStored(since);
  });

  it("a missing Content-Type → 400 INVALID_REQUEST; `application/json; charset=UTF-8` is read (control)", async () => {
    const since = Date.now();
    const body = unknownBody();
    expectContractError(
      await rawHttp(gateway.port, [head("POST", START, [["Content-Length", body.length]]), body]),
      400,
      "INVALID_REQUEST",
    );
    expectContractError(
      await post(gateway, START, unknownStart, { headers: { "content-type": "application/json; charset=UTF-8" } }),
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
    expectContractError(await post(gateway, START, null, { raw: at(4096) }), 403, "CODE_INVALID");
    expectContractError(await post(gateway, START, null, { raw: at(4097) }), 400, "INVALID_REQUEST");
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
      const reply = await rawHttp(gateway.port, pieces()); // no half-close: the answer must not wait for the rest
      expectContractError(reply, 400, "INVALID_REQUEST");
      expect(reply.ms).toBeLessThan(5_000);
      await expectNothingStored(since);
    },
  );

  it("JSON nested 10,000 levels deep (too large) and ~2,000 deep inside 4 KiB → 400 INVALID_REQUEST", async () => {
    const since = Date.now();
    const deepArray = (n: number) => "[".repeat(n) + "]".repeat(n);
    const deepObject = (n: number) => '{"code":'.repeat(n) + '"0"' + "}".repeat(n);
    for (const raw of [deepArray(10_000), deepObject(10_000), deepArray(2_000), deepObject(450)]) {
      expectContractError(await post(gateway, START, null, { raw }), 400, "INVALID_REQUEST");
      expectContractError(await post(gateway, EXCHANGE, null, { raw }), 400, "INVALID_REQUEST");
    }
    await expectNothingStored(since);
  });

  it("a body with no length at all, or cut short by a half-close, is never read as a request body", async () => {
    const since = Date.now();
    // Node answers these itself (the bytes after the head are no request) or the plugin does, whichever is first.
    const noLength = await rawHttp(gateway.port, [head("POST", START, [JSON_CT]), JSON.stringify(liveStart)], {
      end: true,
    });
    const halfClosed = await rawHttp(
      gateway.port,
      [head("POST", START, [JSON_CT, ["Content-Length", 100]]), `{"discriminator":"${liveStart.discriminator}"`],
      { end: true },
    );
    for (const reply of [noLength, halfClosed]) {
      expect(reply.status).toBe(400);
      if (reply.text) expectContractError(reply, 400, "INVALID_REQUEST");
      else expectParserRejection(reply);
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
    expectContractError(await post(gateway, START, null, { raw }), 400, "INVALID_REQUEST");
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
    expectContractError(await post(gateway, EXCHANGE, null, { raw }), 400, "INVALID_REQUEST");
    await expectNothingStored(since);
  });
});

itStaysHealthy();
