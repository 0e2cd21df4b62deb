// The ocmap-pairing plugin against a real gateway, driven by a protocol-level client (plain ws + Node
// crypto + @ocmap/protocol's CPace) speaking protocol v2. Per-address limits are raised here so that the
// error-code tests do not trip them; the limits themselves are tested with the defaults in rate-limits.test.ts.
// The v2-only properties (wrong codes, replays, MAC binding, abandon) are in pake-wire.test.ts; cancel, silent
// approval, the rollout flag, restart, expiry and the secret scan in pairing-lifecycle.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";
import { newWireDevice, wireConnect } from "../harness/wire-client.ts";
import {
  bootstrapConnect,
  exchange,
  exchangeBody,
  pairNewDevice,
  pakeGrant,
  post,
  start,
  secretRecorder,
  storedTokenRefusal,
} from "../harness/wire-pairing.ts";

let gateway: Gateway;
const { remember, expectNoneLeaked } = secretRecorder();

beforeAll(async () => {
  gateway = await startGateway({ pluginConfig: { maxFailuresPerAddress: 1000, maxFailuresGlobal: 1000 } });
});
afterAll(async () => {
  await gateway?.dispose();
});

describe("ocmap-pairing v2 against a real gateway", () => {
  it("pairs end to end and reconnects with the device token alone", async () => {
    const created = await gateway.call("pairing.createCode", { access: "standard", label: "laptop" });
    expect(created.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(created.scopes).toEqual(["operator.read", "operator.write"]);
    expect(created.pairingLink).toBe(`ocmap://pair?gateway=${encodeURIComponent(gateway.url)}&code=${created.code}`);
    expect(created.expiresAtMs - Date.now()).toBeGreaterThan(290_000);
    expect(created).not.toHaveProperty("bootstrapToken");
    expect(created).not.toHaveProperty("nonce");
    expect(created.gatewayFingerprint).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
    const device = newWireDevice();
    const granted = await pakeGrant(gateway, created.code.toLowerCase());
    remember({ code: created.code, granted });
    expect(granted.grant).toMatchObject({ codeId: created.codeId, scopes: created.scopes });
    expect(granted.grant.gatewayIdentity).toEqual({ publicKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const { bootstrapToken, scopes } = granted.grant;
    const first = await bootstrapConnect(gateway, device, bootstrapToken, scopes);
    expect(first.helloOk).toBe(false);
    if (first.helloOk) return;
    expect(first.error.code).toBe("NOT_PAIRED");
    expect(first.error.details).toMatchObject({ code: "PAIRING_REQUIRED", deviceId: device.id });
    const resolved = (await gateway.admin()).waitForEvent("device.pair.resolved");
    const ex = await exchange(gateway, exchangeBody({ granted, requestId: first.requestId, device }));
    expect(ex.status).toBe(200);
    expect(ex.body).toMatchObject({ ok: true, deviceId: device.id, role: "operator", scopes });
    expect(await resolved).toMatchObject({ requestId: first.requestId, deviceId: device.id, decision: "approved" });
    const final = await wireConnect({ url: gateway.url, device, auth: { bootstrapToken }, scopes });
    expect(final.ok).toBe(true);
    if (!final.ok) return;
    const deviceToken = (final.hello as any).auth.deviceToken as string;
    expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    final.session.close();
    remember({ code: created.code, deviceToken });
    const again = await wireConnect({ url: gateway.url, device, auth: { deviceToken }, scopes });
    expect(again.ok).toBe(true);
    if (again.ok) again.session.close();
    const list = await gateway.call("pairing.list", {});
    expect(list.gatewayFingerprint).toBe(created.gatewayFingerprint);
    expect(list.codes.find((c: any) => c.codeId === created.codeId)).toMatchObject({
      status: "used",
      deviceId: device.id,
      label: "laptop",
    });
    // Success is success: the committed exchange (and its broadcast) counted no failure against the code.
    expect(list.events.filter((e: any) => e.type === "code.failed" && e.codeId === created.codeId)).toEqual([]);
    expect(gateway.logs()).not.toMatch(/ocmap-pairing: .* not sent/);
    expect(list.devices.find((d: any) => d.deviceId === device.id)).toMatchObject({
      fingerprint: device.id
        .slice(0, 12)
        .toUpperCase()
        .replace(/(.{4})(?=.)/g, "$1 "),
      access: "standard",
      displayName: "OCMAP on test",
      platform: "linux",
    });
    const devices = JSON.parse((await gateway.cli(["devices", "list", "--json"])).stdout);
    expect(JSON.stringify(devices)).toContain(device.id);
  });

  it("refuses a used code (CODE_ALREADY_USED) at /start", async () => {
    const paired = await pairNewDevice(gateway);
    remember(paired);
    paired.session.close();
    const reply = (await start(gateway, paired.code)).reply;
    expect(reply.status).toBe(409);
    expect(reply.body).toEqual({ ok: false, error: { code: "CODE_ALREADY_USED", message: expect.any(String) } });
  });

  it("refuses foreign signatures, mismatched keys, other devices' requests, wrong nonces (CODE_INVALID)", async () => {
    const created = await gateway.call("pairing.createCode", {});
    const granted = await pakeGrant(gateway, created.code);
    remember({ code: created.code, granted });
    const alice = newWireDevice();
    const mallory = newWireDevice();
    const aliceReq = await bootstrapConnect(gateway, alice, granted.grant.bootstrapToken, granted.grant.scopes);
    if (aliceReq.helloOk) throw new Error("unexpected hello-ok");
    const base = { granted, requestId: aliceReq.requestId };
    // Each body carries a valid MAC over what it says: the PAKE key holder's own mistakes, v1's checks.
    const cases = {
      "signature by another key": exchangeBody({ ...base, device: alice, signer: mallory }),
      "id that is not the key's": exchangeBody({ ...base, device: alice, id: mallory.id }),
      "requestId of another device": exchangeBody({ ...base, device: mallory }),
      "signed over another nonce": exchangeBody({ ...base, nonce: "AAAA", device: alice }),
    };
    for (const [name, body] of Object.entries(cases)) {
      const res = await exchange(gateway, body);
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({
        name,
        status: 403,
        code: "CODE_INVALID",
      });
    }
    // Five failures named the code (its PAKE attempt, counted until an exchange succeeds, and the four above): it is
    // locked now, even for its rightful device.
    const list = await gateway.call("pairing.list", {});
    expect(list.codes.find((c: any) => c.codeId === created.codeId).status).toBe("locked");
    const late = await exchange(gateway, exchangeBody({ ...base, device: alice }));
    expect(late.body.error.code).toBe("CODE_ALREADY_USED");
    const failed = list.events.filter((e: any) => e.type === "code.failed" && e.codeId === created.codeId);
    expect(failed.map((e: any) => e.reason)).toEqual(
      expect.arrayContaining([
        "bad signature",
        "device id does not match public key",
        "pending request missing or not this device's",
      ]),
    );

    const second = await gateway.call("pairing.createCode", {});
    const granted2 = await pakeGrant(gateway, second.code);
    remember({ code: second.code, granted: granted2 });
    const requestId = "00000000-0000-4000-8000-000000000000";
    const madeUp = await exchange(gateway, exchangeBody({ granted: granted2, requestId, device: alice }));
    expect(madeUp.body.error.code).toBe("CODE_INVALID");
    const stale = exchangeBody({ ...base, granted: granted2, device: alice, signedAt: Date.now() - 10 * 60_000 });
    const staleReply = await exchange(gateway, stale); // the signedAt check comes before the pending request's
    expect({ status: staleReply.status, code: staleReply.body.error?.code }).toEqual({
      status: 403,
      code: "CODE_INVALID",
    });
  });

  it("revokes a connected device: 4001 at once, token refused, identity can never exchange again", async () => {
    const paired = await pairNewDevice(gateway, "read-only");
    remember(paired);
    expect(paired.scopes).toEqual(["operator.read"]);
    const t0 = performance.now();
    const rev = await gateway.call("pairing.revokeDevice", { deviceId: paired.device.id, reason: "lost laptop" });
    const closed = await paired.session.closed;
    const ms = performance.now() - t0;
    expect(closed.code).toBe(4001);
    expect(rev.deviceId).toBe(paired.device.id);
    console.log(`revoke → 4001 close: ${ms.toFixed(1)} ms`);
    expect(await storedTokenRefusal(gateway, paired)).toBe("AUTH_DEVICE_TOKEN_MISMATCH");

    const fresh = await gateway.call("pairing.createCode", { access: "read-only" });
    const granted = await pakeGrant(gateway, fresh.code);
    remember({ code: fresh.code, granted });
    const again = await bootstrapConnect(gateway, paired.device, granted.grant.bootstrapToken, granted.grant.scopes);
    if (again.helloOk) throw new Error("unexpected hello-ok");
    const ex = await exchange(gateway, exchangeBody({ granted, requestId: again.requestId, device: paired.device }));
    expect(ex.status).toBe(403);
    expect(ex.body.error.code).toBe("DEVICE_REVOKED");
    const list = await gateway.call("pairing.list", {});
    expect(list.devices.find((d: any) => d.deviceId === paired.device.id)).toMatchObject({
      revokedBy: "operator",
      connected: false,
    });
    expect(
      list.events.some(
        (e: any) => e.type === "device.revoked" && e.deviceId === paired.device.id && e.reason === "lost laptop",
      ),
    ).toBe(true);
  });

  it("forgetSelf: a read-only device revokes itself and nothing else", async () => {
    const other = await pairNewDevice(gateway, "standard");
    const me = await pairNewDevice(gateway, "read-only");
    remember(other);
    remember(me);
    const res = await me.session.request("pairing.forgetSelf", {});
    expect(res).toMatchObject({ ok: true, payload: { deviceId: me.device.id } });
    expect((await me.session.closed).code).toBe(4001);
    expect(await storedTokenRefusal(gateway, me)).not.toBeNull();
    expect((await other.session.request("health", {})).ok).toBe(true); // the other device is untouched
    other.session.close();
    const admin = await gateway.admin();
    const refused = await admin.request("pairing.forgetSelf", {});
    expect(refused.ok).toBe(false);
    expect(refused.error?.details).toMatchObject({ code: "INVALID_REQUEST" });
    const smuggled = await admin.request("pairing.forgetSelf", { deviceId: other.device.id });
    expect(smuggled.ok).toBe(false);
    admin.close();
    // Recorded once device.pair.remove has answered the plugin, which may be just after the 4001.
    const list = await waitFor(async () => {
      const current = await gateway.call("pairing.list", {});
      return current.devices.find((d: any) => d.deviceId === me.device.id)?.revokedBy === "self" && current;
    }, "the device listed as forgotten");
    expect(list.devices.find((d: any) => d.deviceId === other.device.id).revokedAtMs).toBeUndefined();
    expect(list.events.some((e: any) => e.type === "device.forgotten" && e.deviceId === me.device.id)).toBe(true);
  });

  it("lets exactly one of two racing exchanges of one code win (two sessions, each with the code)", async () => {
    const created = await gateway.call("pairing.createCode", {});
    const [ga, gb] = [await pakeGrant(gateway, created.code), await pakeGrant(gateway, created.code)];
    const other = await gateway.call("pairing.createCode", {});
    const go = await pakeGrant(gateway, other.code);
    for (const [code, granted] of [
      [created.code, ga],
      [created.code, gb],
      [other.code, go],
    ] as const)
      remember({ code, granted });
    const deviceA = newWireDevice();
    const deviceB = newWireDevice();
    // The bootstrap token binds to the first key that presents it, so deviceB gets its own pending request
    // through the second code's token; both then race on the first code.
    const ra = await bootstrapConnect(gateway, deviceA, ga.grant.bootstrapToken, ga.grant.scopes);
    const rb = await bootstrapConnect(gateway, deviceB, go.grant.bootstrapToken, go.grant.scopes);
    if (ra.helloOk || rb.helloOk) throw new Error("unexpected hello-ok");
    const results = await Promise.all([
      exchange(gateway, exchangeBody({ granted: ga, requestId: ra.requestId, device: deviceA })),
      exchange(gateway, exchangeBody({ granted: gb, requestId: rb.requestId, device: deviceB })),
    ]);
    expect(results.map((x) => x.status).sort()).toEqual([200, 409]);
  });

  it("answers malformed requests with INVALID_REQUEST and stores nothing", async () => {
    const before = await gateway.call("pairing.list", {});
    const big = JSON.stringify({ discriminator: "A".repeat(5000) });
    const cases = [
      await post(gateway, "/ocmap-pairing/v2/start", null, { raw: big }),
      await post(gateway, "/ocmap-pairing/v2/start", null, { raw: "{not json" }),
      await post(
        gateway,
        "/ocmap-pairing/v2/start",
        { discriminator: "AB" },
        { headers: { "content-type": "text/plain" } },
      ),
      await post(gateway, "/ocmap-pairing/v2/start", null, { method: "PUT", raw: "{}" }),
      await post(gateway, "/ocmap-pairing/v2/start", { discriminator: "AB", sid: "x", share: "y" }),
      await post(gateway, "/ocmap-pairing/v2/confirm", ["s", "c"]),
      await post(gateway, "/ocmap-pairing/v2/exchange", { sessionId: "s", mac: "m", device: { id: "x" } }),
      await post(gateway, "/ocmap-pairing/v2/abandon", null, { raw: "" }),
    ];
    for (const testCase of cases) {
      expect(testCase.status).toBe(400);
      expect(testCase.body).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } });
    }
    // v1's routes are retired: the gateway itself answers, the plugin no longer does.
    for (const path of ["/ocmap-pairing/redeem", "/ocmap-pairing/exchange"])
      expect((await post(gateway, path, { code: "0000-0000" })).body?.ok).not.toBe(false);
    const after = await gateway.call("pairing.list", {});
    expect(after.codes).toEqual(before.codes);
    expect(after.devices).toEqual(before.devices);
  });

  it("validates WS params as closed objects", async () => {
    const admin = await gateway.admin();
    for (const params of [{ ttlSeconds: 60 }, { ttlSeconds: 301 }, { access: "root" }, { label: "" }, { other: 1 }]) {
      const res = await admin.request("pairing.createCode", params);
      expect(res.ok).toBe(false);
      expect(res.error).toMatchObject({ code: "INVALID_REQUEST", details: { code: "INVALID_REQUEST" } });
    }
    admin.close();
  });

  it("never puts a secret in pairing.list, the plugin's state file or the gateway log", async () => {
    await expectNoneLeaked(gateway, 8);
  });
});
