// What the gateway does with a bootstrap token seen by an eavesdropper: it binds the token to the
// first device key that presents it, so a second key presenting the same token is refused, both while the
// first is pending and after it was approved; the device token from hello-ok is useless with another
// key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTcpProxy } from "../faults/tcp-proxy.ts";
import { eavesdrop } from "../harness/ws-recording.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { newWireDevice, wireConnect } from "../harness/wire-client.ts";
import { bootstrapConnect, exchange, exchangeBody, pakeGrant } from "../harness/wire-pairing.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.dispose();
});

describe("bootstrap token binding (real gateway)", () => {
  it("a second device key presenting a bound bootstrap token gets AUTH_BOOTSTRAP_TOKEN_INVALID", async () => {
    const created = await gateway.call("pairing.createCode", { access: "standard" });
    const granted = await pakeGrant(gateway, created.code);
    const { bootstrapToken, scopes } = granted.grant;
    const user = newWireDevice();
    const eavesdropper = newWireDevice();

    // The user's connects go through a recording TCP proxy: what an eavesdropper on ws:// would hold.
    const proxy = await startTcpProxy(gateway.port);
    const viaProxy = { ...gateway, url: proxy.url };
    const first = await bootstrapConnect(viaProxy, user, bootstrapToken, scopes);
    expect(first).toMatchObject({ helloOk: false, error: { code: "NOT_PAIRED" } });
    expect(first.requestId).toBeTruthy();

    // While the user's request is pending: the racer with the recorded token and its own key.
    const racer = await bootstrapConnect(gateway, eavesdropper, bootstrapToken, scopes);
    expect(racer.helloOk).toBe(false);
    const racerDetail = (racer as { error?: { details?: { code?: string } } }).error?.details?.code;
    console.log(`racer while pending: ${JSON.stringify((racer as any).error)}`);
    expect(racerDetail).toBe("AUTH_BOOTSTRAP_TOKEN_INVALID");
    expect((racer as { requestId?: string }).requestId).toBeUndefined();

    // The user finishes; then the racer again.
    const approved = await exchange(gateway, exchangeBody({ granted, requestId: first.requestId, device: user }));
    expect(approved.status).toBe(200);
    const done = await bootstrapConnect(viaProxy, user, bootstrapToken, scopes);
    expect(done.helloOk).toBe(true);
    if (done.helloOk) done.session.close();
    // hello-ok carried the device token (in clear over ws://): it does not work with another key.
    const deviceToken = (done as { hello?: { auth?: { deviceToken?: string } } }).hello?.auth?.deviceToken;
    expect(deviceToken).toBeTruthy();
    // By the gateway's design both tokens cross a ws:// connection in clear (the v2 routes carry neither).
    const recording = proxy
      .recorded()
      .map((connection) => `${eavesdrop(connection.fromClient)}\n${eavesdrop(connection.fromServer)}`)
      .join("\n");
    expect(recording).toContain(bootstrapToken);
    expect(recording).toContain(deviceToken);
    await proxy.close();
    const stolen = await wireConnect({ url: gateway.url, device: eavesdropper, auth: { deviceToken }, scopes });
    console.log(`device token with another key: ${JSON.stringify(stolen.ok ? "hello-ok" : stolen.error)}`);
    expect(stolen.ok).toBe(false);
    if (!stolen.ok) await stolen.close;
    const after = await bootstrapConnect(gateway, eavesdropper, bootstrapToken, scopes);
    console.log(`racer after approval: ${JSON.stringify((after as any).error)}`);
    expect(after.helloOk).toBe(false);
    const list = await gateway.call("device.pair.list", {});
    const pairedIds = JSON.stringify(list);
    expect(pairedIds).toContain(user.id);
    expect(pairedIds).not.toContain(eavesdropper.id);
  });

  it("a racer holding the token first gets a pending request that no exchange MAC of its own can approve", async () => {
    const created = await gateway.call("pairing.createCode", { access: "standard" });
    const granted = await pakeGrant(gateway, created.code);
    const { bootstrapToken, scopes } = granted.grant;
    // The racer saw the token (it held back the user's packets) and presents it first, with its own key.
    const racer = newWireDevice();
    const raced = await bootstrapConnect(gateway, racer, bootstrapToken, scopes);
    if (raced.helloOk) throw new Error("unexpected hello-ok");
    expect(raced.requestId).toBeTruthy();
    // Without the PAKE key its MAC is a guess; under some other key it is just as wrong.
    const otherKeys = (await pakeGrant(gateway, (await gateway.call("pairing.createCode", {})).code)).keys;
    const forged = exchangeBody({ granted, requestId: raced.requestId, device: racer, macOver: { keys: otherKeys } });
    const refused = await exchange(gateway, forged);
    expect(refused.body.error?.code).toBe("CODE_INVALID");
    const pairs = await gateway.call("device.pair.list", {});
    expect(JSON.stringify(pairs.paired ?? [])).not.toContain(racer.id);
    const list = await gateway.call("pairing.list", {});
    expect(list.devices.map((d: { deviceId: string }) => d.deviceId)).not.toContain(racer.id);
  });
});
