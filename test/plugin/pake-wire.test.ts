// Protocol v2's own properties against a real gateway (docs/pairing-protocol.md): a wrong code is one counted
// failure and five lock the code; a session that never confirms still spent its attempt; recorded route
// messages replay to nothing; the exchange MAC binds the requestId and the device; /abandon removes the
// device its session approved; and a recording of the routes holds neither the code nor the bootstrap token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { startTcpProxy } from "../faults/tcp-proxy.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { newWireDevice, wireConnect } from "../harness/wire-client.ts";
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

/** The code with every symbol after the discriminator changed: the right session, the wrong password. */
const wrongCodeOf = (code: string) =>
  code.slice(0, 2) + [...code.replace("-", "").slice(2)].map((symbol) => (symbol === "7" ? "8" : "7")).join("");

/** One PAKE run with `symbols` as the password: /start, then /confirm with the tag it yields. */
async function tryCode(symbols: string) {
  const pake = clientPake(symbols);
  const started = await post(gateway, "/ocmap-pairing/v2/start", pake.request);
  if (started.status !== 200) return started;
  const { confirm } = pake.finish(started.body);
  return post(gateway, "/ocmap-pairing/v2/confirm", { sessionId: started.body.sessionId, confirm });
}

const codeOf = async (codeId: string) =>
  (await gateway.call("pairing.list", {})).codes.find((c: any) => c.codeId === codeId);

describe("protocol v2 against a real gateway", () => {
  it("a wrong code is CODE_INVALID and counted; after 5 the code is locked and the right code is refused", async () => {
    const created = await gateway.call("pairing.createCode", {});
    for (let i = 0; i < 5; i++) {
      const reply = await tryCode(wrongCodeOf(created.code));
      expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 403, code: "CODE_INVALID" });
    }
    expect(await codeOf(created.codeId)).toMatchObject({ status: "locked" });
    const right = await tryCode(created.code.replace("-", ""));
    expect(right.body.error?.code).toBe("CODE_ALREADY_USED");
    const failed = (await gateway.call("pairing.list", {})).events.filter(
      (e: any) => e.type === "code.failed" && e.codeId === created.codeId,
    );
    const confirmations = failed.filter((e: any) => e.reason === "confirmation failed");
    expect(confirmations.reduce((sum: number, e: any) => sum + (e.count ?? 1), 0)).toBe(5); // aggregated per source
  });

  it("sessions that never confirm count: after 5 /start the next locks the code", async () => {
    const created = await gateway.call("pairing.createCode", {});
    for (let i = 0; i < 5; i++) expect((await start(gateway, created.code)).reply.status).toBe(200);
    expect(await codeOf(created.codeId)).toMatchObject({ status: "active" });
    const sixth = (await start(gateway, created.code)).reply;
    expect(sixth.body.error?.code).toBe("CODE_ALREADY_USED");
    expect(await codeOf(created.codeId)).toMatchObject({ status: "locked" });
  });

  it("replaying recorded /start, /confirm and /exchange messages fails", async () => {
    // A live code: its recorded /start replays to a new session whose keys the replayer cannot know.
    const live = await gateway.call("pairing.createCode", {});
    const seen = await pakeGrant(gateway, live.code);
    const restarted = await post(gateway, "/ocmap-pairing/v2/start", seen.sent.start);
    expect(restarted.status).toBe(200);
    expect(restarted.body.sessionId).not.toBe(seen.sessionId);
    const recordedTag = (seen.sent.confirm as { confirm: string }).confirm;
    const moved = await post(gateway, "/ocmap-pairing/v2/confirm", {
      sessionId: restarted.body.sessionId,
      confirm: recordedTag,
    });
    expect(moved.body.error?.code).toBe("CODE_INVALID");
    expect((await post(gateway, "/ocmap-pairing/v2/confirm", seen.sent.confirm)).body.error?.code).toBe("CODE_INVALID");

    // A finished pairing: every recorded message fails.
    const paired = await pairNewDevice(gateway);
    paired.session.close();
    const exchanged = exchangeBody({ granted: paired.granted, device: paired.device });
    const replays = [
      await post(gateway, "/ocmap-pairing/v2/start", paired.granted.sent.start),
      await post(gateway, "/ocmap-pairing/v2/confirm", paired.granted.sent.confirm),
      await exchange(gateway, exchanged),
    ];
    expect(replays.map((r) => r.body.error?.code)).toEqual(["CODE_ALREADY_USED", "CODE_INVALID", "CODE_INVALID"]);
  });

  it("an exchange MAC over another requestId or another device fails, and the right one then passes", async () => {
    const created = await gateway.call("pairing.createCode", {});
    const granted = await pakeGrant(gateway, created.code);
    const device = newWireDevice();
    const first = await bootstrapConnect(gateway, device, granted.grant.bootstrapToken, granted.grant.scopes);
    if (first.helloOk) throw new Error("unexpected hello-ok");
    const base = { granted, requestId: first.requestId, device };
    const other = newWireDevice();
    for (const macOver of [
      { requestId: "00000000-0000-4000-8000-000000000000" },
      { deviceId: other.id, publicKey: other.publicKey },
    ]) {
      const reply = await exchange(gateway, exchangeBody({ ...base, macOver }));
      expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 403, code: "CODE_INVALID" });
    }
    expect((await exchange(gateway, exchangeBody(base))).status).toBe(200);
  });

  it("/abandon removes the device its session approved: token refused, not listed; idempotent", async () => {
    const paired = await pairNewDevice(gateway);
    const forged = await post(gateway, "/ocmap-pairing/v2/abandon", {
      sessionId: paired.granted.sessionId,
      mac: "A".repeat(43),
    });
    expect(forged.body.error?.code).toBe("CODE_INVALID");
    const reply = await abandon(gateway, paired.granted);
    expect(reply).toMatchObject({ status: 200, body: { ok: true } });
    paired.session.close();
    expect((await abandon(gateway, paired.granted)).status).toBe(200);
    const retry = await wireConnect({
      url: gateway.url,
      device: paired.device,
      auth: { deviceToken: paired.deviceToken },
      scopes: paired.scopes,
    });
    expect(retry.ok).toBe(false);
    const list = await gateway.call("pairing.list", {});
    expect(list.devices.map((d: any) => d.deviceId)).not.toContain(paired.device.id);
    expect(JSON.stringify(await gateway.call("device.pair.list", {}))).not.toContain(paired.device.id);
  });

  it("a recording of every route message holds neither the code nor the bootstrap token", async () => {
    const proxy = await startTcpProxy(gateway.port);
    try {
      const created = await gateway.call("pairing.createCode", {});
      const viaProxy = { port: proxy.port, httpUrl: `http://127.0.0.1:${proxy.port}` };
      const granted = await pakeGrant(viaProxy, created.code);
      const device = newWireDevice();
      const first = await bootstrapConnect(gateway, device, granted.grant.bootstrapToken, granted.grant.scopes);
      if (first.helloOk) throw new Error("unexpected hello-ok");
      expect((await exchange(viaProxy, exchangeBody({ granted, requestId: first.requestId, device }))).status).toBe(
        200,
      );
      const recorded = proxy
        .recorded()
        .map((c) => `${c.fromClient.toString("latin1")}\n${c.fromServer.toString("latin1")}`)
        .join("\n");
      expect(recorded).toContain("/ocmap-pairing/v2/exchange"); // the recording is real
      for (const secret of [created.code, created.code.replace("-", ""), granted.grant.bootstrapToken])
        expect(recorded.includes(secret)).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});
