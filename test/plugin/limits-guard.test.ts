// Limits that bound guessing, not the operator (real gateway): what any web page can send across
// origins (another method, a form or text/plain body) is refused without counting toward the
// gateway-wide cap or the address's window, and the failures counted so far survive a config hot
// reload. Small limits here (3 per address, 5 gateway-wide) so that a count shows at once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { clientPake, V2_PATHS } from "@ocmap/protocol/pairing-v2";
import { post, start, unusedDiscriminator } from "../harness/wire-pairing.ts";

let gateway: Gateway;
/** A /start naming no active code of `codes`: a wrong guess (CODE_INVALID), counted. */
const guess = (codes: string[], o: { localAddress: string }) =>
  post(gateway, V2_PATHS.start, clientPake(`${unusedDiscriminator(codes)}000000`).request, o);
const limits = { maxFailuresPerAddress: 3, maxFailuresGlobal: 5 };
beforeAll(async () => {
  gateway = await startGateway({ pluginConfig: limits });
});
afterAll(async () => {
  await gateway?.dispose();
});

it("refuses cross-origin-sendable requests with 400 and counts none of them", async () => {
  const raw = JSON.stringify(clientPake(`${unusedDiscriminator([])}000000`).request);
  const page = { localAddress: "127.0.0.5" };
  for (let i = 0; i < 4; i++) {
    const replies = await Promise.all([
      post(gateway, V2_PATHS.start, null, { ...page, raw, headers: { "content-type": "text/plain" } }),
      post(gateway, V2_PATHS.exchange, null, {
        ...page,
        raw: "code=0000-0000",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      post(gateway, V2_PATHS.start, null, { ...page, raw: "", method: "GET" }),
    ]);
    for (const reply of replies) {
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe("INVALID_REQUEST");
    }
  }
  expect((await gateway.call("pairing.list", {})).pausedUntilMs).toBeUndefined();
  const created = await gateway.call("pairing.createCode", {});
  const ok = await start(gateway, created.code, page);
  expect(ok.reply.status).toBe(200);
});

it("keeps the failures counted so far across a config hot reload", async () => {
  const guesser = { localAddress: "127.0.0.6" };
  for (let i = 0; i < 2; i++) expect((await guess([], guesser)).body.error.code).toBe("CODE_INVALID");
  await gateway.updateConfig((config) => {
    config.plugins.entries["ocmap-pairing"].config = { ...limits, codeTtlSeconds: 240 };
  });
  const created = await gateway.call("pairing.createCode", {});
  expect(created.expiresAtMs - Date.now()).toBeLessThanOrEqual(240_000); // the reload took effect
  expect((await guess([created.code], guesser)).body.error.code).toBe("CODE_INVALID");
  const limited = (await start(gateway, created.code, guesser)).reply;
  expect(limited.status).toBe(429);
  expect(limited.body.error.code).toBe("RATE_LIMITED");
});
