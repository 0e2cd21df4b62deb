// Limits that bound guessing, not the operator (real gateway): what any web page can send across
// origins (another method, a form or text/plain body), a request whose Host is not the gateway's (DNS
// rebinding) and one from outside the operator's allow-list are refused without counting toward the
// gateway-wide window or the source's, and the failures counted so far survive a config hot reload.
// Small limits here (3 per address, 5 gateway-wide) so that a count shows at once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { clientPake, V2_PATHS } from "@ocmap/protocol/pairing-v2";
import { pakeGrant, post, start, unusedDiscriminator } from "../harness/wire-pairing.ts";

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

it("refuses a Host that is not the gateway's (DNS rebinding) with 400 and counts none of them", async () => {
  const created = await gateway.call("pairing.createCode", {});
  const page = { localAddress: "127.0.0.7" };
  const rebound = { ...page, headers: { host: `attacker.example:${gateway.port}` } };
  const unknown = clientPake(`${unusedDiscriminator([created.code])}000000`).request;
  for (let i = 0; i < 6; i++) {
    for (const path of [V2_PATHS.start, V2_PATHS.confirm, V2_PATHS.exchange, V2_PATHS.abandon]) {
      const reply = await post(gateway, path, path === V2_PATHS.start ? unknown : {}, rebound);
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe("INVALID_REQUEST");
      expect(reply.body.error.message).toMatch(/allowedHosts/);
    }
  }
  // The public identity statement is answered whatever the Host (renewals of clients paired by any name).
  expect((await post(gateway, V2_PATHS.identity, {}, rebound)).status).toBe(200);
  // localhost and the configured name are the gateway's (IP literals too: every other request here).
  const counted = await post(gateway, V2_PATHS.start, unknown, {
    ...page,
    headers: { host: `localhost:${gateway.port}` },
  });
  expect(counted.body.error.code).toBe("CODE_INVALID"); // a wrong guess, counted: 1 of the source's 3
  expect((await gateway.call("pairing.list", {})).pausedUntilMs).toBeUndefined();
  // A name is the gateway's once the operator adds it to allowedHosts (hot reload).
  const named = { ...page, headers: { host: "Pair.Example.Test." } };
  expect((await start(gateway, created.code, named)).reply.status).toBe(400);
  await gateway.updateConfig((config) => {
    config.plugins.entries["ocmap-pairing"].config = { ...limits, allowedHosts: ["pair.example.test"] };
  });
  const granted = await pakeGrant(gateway, created.code, named);
  expect(granted.grant.codeId).toBe(created.codeId);
});

it("with allowedAddresses, refuses other sources with 503 without counting and lets the listed ones pair", async () => {
  await gateway.updateConfig((config) => {
    config.plugins.entries["ocmap-pairing"].config = { ...limits, allowedAddresses: ["127.0.0.40/30"] };
  });
  try {
    const created = await gateway.call("pairing.createCode", {});
    const outside = { localAddress: "127.0.0.50" };
    for (let i = 0; i < 6; i++) {
      const reply = (await start(gateway, created.code, outside)).reply;
      expect(reply.status).toBe(503);
      expect(reply.body.error.code).toBe("PAIRING_DISABLED");
    }
    expect((await post(gateway, V2_PATHS.identity, {}, outside)).status).toBe(200);
    const list = await gateway.call("pairing.list", {});
    expect(list.codes.find((code: { codeId: string }) => code.codeId === created.codeId)).toMatchObject({
      status: "active",
    });
    expect(list.attack.busiest.map((source: { source: string }) => source.source)).not.toContain("127.0.0.50");
    const granted = await pakeGrant(gateway, created.code, { localAddress: "127.0.0.41" });
    expect(granted.grant.codeId).toBe(created.codeId);
  } finally {
    await gateway.updateConfig((config) => {
      config.plugins.entries["ocmap-pairing"].config = limits;
    });
  }
});
