// The points of docs/pairing-protocol.md that an implementation written from the doc alone had to guess, each
// checked against the real plugin in a real gateway: the reading the doc states is accepted and the other
// plausible readings are refused (CPace inputs, HKDF labels, the device signature without a requestId), and the
// errors the doc names are the ones the plugin answers. One gateway for the file.
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toBase64Url } from "@ocmap/protocol/base64url";
import { cpaceFinishIr, cpaceStart } from "@ocmap/protocol/cpace";
import { parsePairingCode } from "@ocmap/protocol/pairing-code";
import { clientConfirmation, derivePairingKeys, exchangeMac, type PairingKeys } from "@ocmap/protocol/pairing-keys";
import { CPACE_CI, SID_BYTES, V2_PATHS } from "@ocmap/protocol/pairing-v2";
import { randomBytes } from "node:crypto";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { newWireDevice, signWith } from "../harness/wire-client.ts";
import {
  abandon,
  bootstrapConnect,
  exchange,
  exchangeBody,
  pairNewDevice,
  pakeGrant,
  post,
  start,
} from "../harness/wire-pairing.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ pluginConfig: { maxFailuresPerAddress: 1000, maxFailuresGlobal: 1000 } });
});
afterAll(async () => {
  await gateway?.dispose();
});

/** One way to read the doc's CPace inputs and key schedule; `doc` is the reading the doc states. */
interface Reading {
  ci: Uint8Array;
  /** The sid as it enters CPace, given the 16 bytes sent (base64url) in /start. */
  sidInput: (sid: Uint8Array) => Uint8Array;
  /** ADb, given the sessionId text the plugin answered. */
  adb: (sessionId: string) => Uint8Array;
  keys: (isk: Uint8Array) => PairingKeys;
}
const doc: Reading = {
  ci: CPACE_CI,
  sidInput: (sid) => sid,
  adb: (sessionId) => utf8ToBytes(sessionId),
  keys: derivePairingKeys,
};
const labelled = (labels: [string, string, string, string]) => (isk: Uint8Array) => {
  const derive = (info: string) => hkdf(sha512, isk, utf8ToBytes("ocmap-pairing-v2"), utf8ToBytes(info), 32);
  const [clientConfirm, serverConfirm, seal, exchangeKey] = labels.map(derive);
  return { clientConfirm: clientConfirm!, serverConfirm: serverConfirm!, seal: seal!, exchange: exchangeKey! };
};

/** /start then /confirm as a client following `reading` would; the /confirm reply. */
async function runPake(code: string, reading: Reading) {
  const parsed = parsePairingCode(code);
  if (!parsed.ok) throw new Error(parsed.reason);
  const sid = randomBytes(SID_BYTES);
  const inputs = { prs: utf8ToBytes(parsed.code), ci: reading.ci, sid: reading.sidInput(sid) };
  const own = cpaceStart(inputs);
  const discriminator = parsed.code.slice(0, 2);
  const request = { discriminator, sid: toBase64Url(sid), share: toBase64Url(own.share) };
  const started = await post(gateway, V2_PATHS.start, request);
  expect(started.status).toBe(200);
  const { sessionId, share } = started.body as { sessionId: string; share: string };
  const yb = Buffer.from(share, "base64url");
  const isk = cpaceFinishIr({
    sid: inputs.sid,
    ownScalar: own.scalar,
    peerShare: yb,
    ya: own.share,
    ada: utf8ToBytes(discriminator),
    yb,
    adb: reading.adb(sessionId),
  });
  const confirm = clientConfirmation(reading.keys(isk), sessionId);
  return post(gateway, V2_PATHS.confirm, { sessionId, confirm });
}

describe("the contract's exact points against the real plugin", () => {
  it("CI, sid, ADb and the HKDF labels: the doc's reading confirms, every other reading is CODE_INVALID", async () => {
    const created = await gateway.call("pairing.createCode", {});
    const otherReadings: Reading[] = [
      { ...doc, ci: utf8ToBytes("ocmap-pairing-v2") }, // CI not length-prefixed before generator_string
      { ...doc, sidInput: (sid) => utf8ToBytes(toBase64Url(sid)) }, // sid as its base64url text
      { ...doc, adb: (sessionId) => Buffer.from(sessionId, "base64url") }, // ADb as the sessionId's 16 bytes
      {
        ...doc,
        keys: labelled(["client_confirmation", "server_confirmation", "sealed_payload", "exchange_mac"]),
      },
    ];
    for (const reading of otherReadings) {
      const reply = await runPake(created.code, reading);
      expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 403, code: "CODE_INVALID" });
    }
    // Four attempts spent of five: the doc's reading still confirms on the fifth.
    const right = await runPake(created.code, doc);
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ ok: true, confirm: expect.any(String), sealed: expect.any(String) });
  });

  it("a locked code answers 409 CODE_ALREADY_USED: five unconfirmed /start, then the sixth", async () => {
    const created = await gateway.call("pairing.createCode", {});
    const sessions: Array<{ sessionId: string; confirm: string }> = [];
    for (let i = 0; i < 5; i++) {
      const started = await start(gateway, created.code);
      expect(started.reply.status).toBe(200);
      sessions.push({ sessionId: started.reply.body.sessionId, ...started.pake.finish(started.reply.body) });
    }
    // Five attempts counted, the code still active: a session of it still confirms.
    const confirmOf = (session: { sessionId: string; confirm: string }) =>
      post(gateway, V2_PATHS.confirm, { sessionId: session.sessionId, confirm: session.confirm });
    expect((await confirmOf(sessions[0]!)).status).toBe(200);
    const sixth = (await start(gateway, created.code)).reply;
    expect({ status: sixth.status, code: sixth.body.error?.code }).toEqual({ status: 409, code: "CODE_ALREADY_USED" });
    const later = await confirmOf(sessions[1]!);
    expect({ status: later.status, code: later.body.error?.code }).toEqual({ status: 409, code: "CODE_ALREADY_USED" });
  });

  it("abandon before an exchange is 403 CODE_INVALID, after /start and after /confirm alike", async () => {
    const started = await start(gateway, (await gateway.call("pairing.createCode", {})).code);
    const { keys } = started.pake.finish(started.reply.body);
    const atStart = await abandon(gateway, { sessionId: started.reply.body.sessionId, keys });
    expect({ status: atStart.status, code: atStart.body.error?.code }).toEqual({ status: 403, code: "CODE_INVALID" });
    const granted = await pakeGrant(gateway, (await gateway.call("pairing.createCode", {})).code);
    const early = await abandon(gateway, granted);
    expect({ status: early.status, code: early.body.error?.code }).toEqual({ status: 403, code: "CODE_INVALID" });
    const unknown = await post(gateway, V2_PATHS.abandon, { sessionId: "A".repeat(22), mac: "A".repeat(43) });
    expect({ status: unknown.status, code: unknown.body.error?.code }).toEqual({ status: 403, code: "CODE_INVALID" });
  });

  it("requested scopes beyond the code's are 403 CODE_INVALID, and the session survives to exchange", async () => {
    const readOnly = await gateway.call("pairing.createCode", { access: "read-only" });
    const granted = await pakeGrant(gateway, readOnly.code);
    // The device's pending request comes from a standard code's bootstrap token: read and write.
    const standard = await pakeGrant(gateway, (await gateway.call("pairing.createCode", {})).code);
    const device = newWireDevice();
    const wide = await bootstrapConnect(gateway, device, standard.grant.bootstrapToken, standard.grant.scopes);
    if (wide.helloOk) throw new Error("unexpected hello-ok");
    const refused = await exchange(gateway, exchangeBody({ granted, requestId: wide.requestId, device }));
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 403, code: "CODE_INVALID" });
    // The same session then exchanges a request within the code's scopes.
    const narrow = newWireDevice();
    const first = await bootstrapConnect(gateway, narrow, granted.grant.bootstrapToken, granted.grant.scopes);
    if (first.helloOk) throw new Error("unexpected hello-ok");
    const ok = await exchange(gateway, exchangeBody({ granted, requestId: first.requestId, device: narrow }));
    expect(ok.status).toBe(200);
    // A replay of that successful exchange is 403 CODE_INVALID (the session is past its exchange).
    const replay = await exchange(gateway, exchangeBody({ granted, requestId: first.requestId, device: narrow }));
    expect({ status: replay.status, code: replay.body.error?.code }).toEqual({ status: 403, code: "CODE_INVALID" });
  });

  it('without a requestId the device signs requestId as ""; any other reading is CODE_INVALID', async () => {
    const paired = await pairNewDevice(gateway);
    paired.session.close();
    const granted = await pakeGrant(gateway, (await gateway.call("pairing.createCode", {})).code);
    const body = exchangeBody({ granted, device: paired.device });
    const nonce = granted.grant.nonce;
    const { id, publicKey, signedAt } = body.device;
    for (const payload of [
      JSON.stringify(["ocmap-exchange-v1", nonce, id, publicKey, signedAt]), // requestId left out
      JSON.stringify(["ocmap-exchange-v1", nonce, null, id, publicKey, signedAt]), // null
    ]) {
      const wrong = { ...body, device: { ...body.device, signature: signWith(paired.device, payload) } };
      const reply = await exchange(gateway, wrong);
      expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 403, code: "CODE_INVALID" });
    }
    // The MAC also takes requestId as "": one computed over "" with the body's requestId absent passes.
    expect(body.mac).toBe(
      exchangeMac(granted.keys, { sessionId: granted.sessionId, requestId: "", deviceId: id, publicKey }),
    );
    // A body with `"requestId": ""` is read as one without.
    const reply = await exchange(gateway, { ...body, requestId: "" });
    expect(reply.status).toBe(200);
  });

  it("a retired v1 route is not the plugin's: the gateway answers it 404 Not Found, in plain text", async () => {
    for (const path of ["/ocmap-pairing/redeem", "/ocmap-pairing/exchange"]) {
      const reply = await post(gateway, path, { code: "0000-0000" });
      expect({ status: reply.status, type: reply.headers["content-type"], body: reply.body }).toEqual({
        status: 404,
        type: "text/plain; charset=utf-8",
        body: "Not Found",
      });
    }
  });
});
