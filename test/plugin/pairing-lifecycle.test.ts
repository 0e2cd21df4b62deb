// The ocmap-pairing plugin's lifecycle against a real gateway, over protocol v2: cancel, the gateway's silent
// local approval, the rollout flag, restart, a real expiry, and a scan of everything it stores and logs for
// the secrets this file saw. The pairing flows themselves are in pairing.test.ts and pake-wire.test.ts.
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
  start,
  type Granted,
  secretRecorder,
} from "../harness/wire-pairing.ts";

let gateway: Gateway;
const { remember, expectNoneLeaked } = secretRecorder();
let expiring: { code: string; codeId: string; granted: Granted };

beforeAll(async () => {
  gateway = await startGateway({ pluginConfig: { maxFailuresPerAddress: 1000, maxFailuresGlobal: 1000 } });
  // Created first so that its real 120 s lifetime runs out while the other tests run.
  const created = await gateway.call("pairing.createCode", { ttlSeconds: 120, label: "expiry" });
  expiring = { code: created.code, codeId: created.codeId, granted: await pakeGrant(gateway, created.code) };
  remember({ code: created.code, granted: expiring.granted });
});
afterAll(async () => {
  await gateway?.dispose();
});

describe("ocmap-pairing v2: cancel, silent approval, rollout flag, restart, expiry, secrets", () => {
  it("cancels a live code: /start refused and its bootstrap token revoked", async () => {
    const created = await gateway.call("pairing.createCode", { access: "read-only" });
    const granted = await pakeGrant(gateway, created.code);
    remember({ code: created.code, granted });
    expect(await gateway.call("pairing.cancelCode", { codeId: created.codeId })).toEqual({
      codeId: created.codeId,
      status: "cancelled",
    });
    expect((await start(gateway, created.code)).reply.body.error.code).toBe("CODE_ALREADY_USED");
    const connection = await wireConnect({
      url: gateway.url,
      device: newWireDevice(),
      auth: { bootstrapToken: granted.grant.bootstrapToken },
      scopes: granted.grant.scopes,
    });
    expect(connection.ok).toBe(false);
    if (!connection.ok) expect(connection.error.details?.code).toBe("AUTH_BOOTSTRAP_TOKEN_INVALID");
  });

  it("accepts the gateway's silent local approval and still marks the code used", async () => {
    await gateway.updateConfig((c) => (c.gateway.nodes.pairing.autoApproveLocal = true));
    try {
      const created = await gateway.call("pairing.createCode", {});
      const granted = await pakeGrant(gateway, created.code);
      remember({ code: created.code, granted });
      const device = newWireDevice();
      const first = await bootstrapConnect(gateway, device, granted.grant.bootstrapToken, granted.grant.scopes);
      if (!first.helloOk) throw new Error(`expected silent approval, got ${first.error.code}`);
      remember({ code: created.code, deviceToken: (first.hello as any).auth.deviceToken });
      first.session.close();
      expect((await exchange(gateway, exchangeBody({ granted, device }))).status).toBe(200);
      const list = await gateway.call("pairing.list", {});
      expect(list.codes.find((c: any) => c.codeId === created.codeId).status).toBe("used");
      // Without requestId, only an already-paired identity is accepted.
      const created2 = await gateway.call("pairing.createCode", {});
      const granted2 = await pakeGrant(gateway, created2.code);
      remember({ code: created2.code, granted: granted2 });
      const stranger = await exchange(gateway, exchangeBody({ granted: granted2, device: newWireDevice() }));
      expect(stranger.body.error.code).toBe("CODE_INVALID");
    } finally {
      await gateway.updateConfig((c) => (c.gateway.nodes.pairing.autoApproveLocal = false));
    }
  });

  it("answers PAIRING_DISABLED everywhere when the rollout flag is off", async () => {
    await gateway.updateConfig((c) => (c.plugins.entries["ocmap-pairing"].config.enabled = false));
    try {
      const reply = await waitFor(async () => {
        const attempt = (await start(gateway, "0000-0000")).reply;
        return attempt.status === 503 ? attempt : null;
      }, "the plugin to re-register with the new config");
      expect(reply.body.error.code).toBe("PAIRING_DISABLED");
      const admin = await gateway.admin();
      const res = await admin.request("pairing.createCode", {});
      admin.close();
      expect(res.ok).toBe(false);
      expect(res.error?.details).toEqual({ code: "PAIRING_DISABLED" });
    } finally {
      await gateway.updateConfig((c) => (c.plugins.entries["ocmap-pairing"].config.enabled = true));
    }
    await waitFor(async () => (await start(gateway, "0000-0000")).reply.status !== 503, "pairing enabled again");
  });

  it("keeps codes, audit log, devices and the gateway identity across a restart; PAKE sessions are gone", async () => {
    const paired = await pairNewDevice(gateway);
    remember(paired);
    paired.session.close();
    const live = await gateway.call("pairing.createCode", {});
    const pending = await pakeGrant(gateway, live.code);
    remember({ code: live.code, granted: pending });
    const before = await gateway.call("pairing.list", {});
    await gateway.restart();
    const after = await gateway.call("pairing.list", {});
    expect(after.codes).toEqual(before.codes);
    expect(after.gatewayFingerprint).toBe(before.gatewayFingerprint);
    expect(after.devices.map((d: any) => d.deviceId)).toEqual(before.devices.map((d: any) => d.deviceId));
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
    const connection = await wireConnect({
      url: gateway.url,
      device: paired.device,
      auth: { deviceToken: paired.deviceToken },
      scopes: paired.scopes,
    });
    expect(connection.ok).toBe(true);
    if (connection.ok) connection.session.close();
    const stale = await exchange(gateway, exchangeBody({ granted: pending, device: newWireDevice() }));
    expect(stale.body.error).toMatchObject({ code: "CODE_INVALID" });
  });

  it("expires a 120 s code for real: CODE_EXPIRED and its bootstrap token revoked", async () => {
    await waitFor(() => Date.now() > expiring.granted.grant.expiresAtMs, "the code's own expiry", 180_000, 500);
    const reply = (await start(gateway, expiring.code)).reply;
    expect(reply.status).toBe(410);
    expect(reply.body.error.code).toBe("CODE_EXPIRED");
    const list = await waitFor(async () => {
      const current = await gateway.call("pairing.list", {});
      return current.codes.find((c: any) => c.codeId === expiring.codeId).status === "expired" ? current : null;
    }, "status expired");
    expect(list.events.some((e: any) => e.type === "code.expired" && e.codeId === expiring.codeId)).toBe(true);
    const connection = await wireConnect({
      url: gateway.url,
      device: newWireDevice(),
      auth: { bootstrapToken: expiring.granted.grant.bootstrapToken },
      scopes: ["operator.read", "operator.write"],
    });
    expect(connection.ok).toBe(false);
    if (!connection.ok) expect(connection.error.details?.code).toBe("AUTH_BOOTSTRAP_TOKEN_INVALID");
  }, 200_000);

  it("never puts a secret in pairing.list, the plugin's state file or the gateway log", async () => {
    await expectNoneLeaked(gateway, 15);
  });
});
