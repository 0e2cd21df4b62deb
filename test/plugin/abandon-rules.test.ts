// /v2/abandon's rules and the audit log's retention, against a real gateway and plugin:
// - an abandon replayed after the same identity paired again is refused (CODE_ALREADY_USED) and changes nothing;
// - a device the gateway approved by itself (its silent approval of local devices) whose exchange then fails is
//   taken back by the client's own pairing flow, which abandons with the exchange's device proof;
// - a flood of failures cannot push redemptions, exchanges, revocations or forgets out of pairing.list.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createIdentity } from "../../src/core/identity.node.ts";
import { pairWithCode } from "../../src/core/pairing-flow.node.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { newWireDevice } from "../harness/wire-client.ts";
import { abandon, pairNewDevice, post, storedTokenRefusal, unusedDiscriminator } from "../harness/wire-pairing.ts";

let gateway: Gateway;
beforeAll(async () => {
  // The flood below must reach the audit log, not stop at the failure limits.
  gateway = await startGateway({ pluginConfig: { maxFailuresPerAddress: 1000, maxFailuresGlobal: 1000 } });
}, 180_000);
afterAll(async () => {
  await gateway?.dispose();
});

const pairedAtGateway = async (deviceId: string) =>
  JSON.stringify((await gateway.call("device.pair.list", {})).paired ?? []).includes(deviceId);

it("an abandon replayed after the identity paired again answers CODE_ALREADY_USED and removes nothing", async () => {
  const device = newWireDevice();
  const first = await pairNewDevice(gateway, "standard", device);
  first.session.close();
  expect(await abandon(gateway, first.granted)).toMatchObject({ status: 200, body: { ok: true } });
  expect(await abandon(gateway, first.granted)).toMatchObject({ status: 200, body: { ok: true } }); // a plain repeat
  expect(await pairedAtGateway(device.id)).toBe(false);

  const again = await pairNewDevice(gateway, "standard", device);
  const replay = await abandon(gateway, first.granted);
  expect(replay).toMatchObject({ status: 409, body: { ok: false, error: { code: "CODE_ALREADY_USED" } } });
  expect(await storedTokenRefusal(gateway, again)).toBeNull(); // still paired, its token still good
  expect(await pairedAtGateway(device.id)).toBe(true);
  const list = await gateway.call("pairing.list", {});
  expect(list.devices.find((d: any) => d.deviceId === device.id).revokedAtMs).toBeUndefined();
  again.session.close();
});

it("a local device the gateway approved by itself is taken back when its exchange fails", async () => {
  await gateway.updateConfig((config) => void (config.gateway.nodes.pairing.autoApproveLocal = true));
  try {
    const identity = createIdentity();
    const pair = (code: string) =>
      pairWithCode({ gatewayUrl: gateway.url, code, identity, displayName: "OCMAP test", version: "0" });
    const paired = await pair((await gateway.call("pairing.createCode", {})).code); // the silent path works
    paired.session.close();
    await gateway.call("pairing.revokeDevice", { deviceId: identity.deviceId });
    expect(await pairedAtGateway(identity.deviceId)).toBe(false);

    // The gateway approves the revoked identity again by itself; the plugin's exchange refuses it.
    await expect(pair((await gateway.call("pairing.createCode", {})).code)).rejects.toMatchObject({
      code: "DEVICE_REVOKED",
    });
    expect(await pairedAtGateway(identity.deviceId)).toBe(false);
    const list = await gateway.call("pairing.list", {});
    expect(list.events.at(-1)).toMatchObject({ type: "device.forgotten", deviceId: identity.deviceId });
    expect(list.events.at(-1).reason).toMatch(/approved by the gateway itself/);
    expect(list.devices.find((d: any) => d.deviceId === identity.deviceId).revokedAtMs).toBeGreaterThan(0);
  } finally {
    await gateway.updateConfig((config) => void (config.gateway.nodes.pairing.autoApproveLocal = false));
  }
});

it("a flood of failures leaves every redemption, exchange, revocation and forget listed", async () => {
  const important = (events: any[]) => events.filter((e) => e.type !== "code.failed");
  const before = important((await gateway.call("pairing.list", {})).events);
  for (const type of ["code.redeemed", "code.exchanged", "device.revoked", "device.forgotten"])
    expect(before.map((e) => e.type)).toContain(type);

  const sources = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
  const discriminator = unusedDiscriminator([]);
  const guess = { discriminator, sid: "AAAAAAAAAAAAAAAAAAAAAA", share: "A".repeat(43) };
  const FLOOD = 150;
  for (let sent = 0; sent < FLOOD; sent += sources.length) {
    const replies = await Promise.all(
      sources.map((localAddress) => post(gateway, "/ocmap-pairing/v2/start", guess, { localAddress })),
    );
    // CODE_INVALID; or, should an earlier code have had this discriminator, that code's answer.
    for (const reply of replies) expect([403, 409, 410]).toContain(reply.status);
  }

  const after = (await gateway.call("pairing.list", {})).events;
  expect(important(after)).toEqual(before);
  const failures = after.filter((e: any) => e.type === "code.failed" && sources.includes(e.remoteAddress));
  expect(failures.reduce((sum: number, e: any) => sum + (e.count ?? 1), 0)).toBe(FLOOD);
  expect(failures.length).toBeLessThanOrEqual(2 * sources.length); // one per source per window
});
