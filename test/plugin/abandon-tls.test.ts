// /v2/abandon on a gateway that serves its own TLS (real gateway): the removal goes through the same
// loopback admin session as pairing.forgetSelf (wss:// trusting exactly the gateway's certificate), so
// the abandoned device is really gone: its token refused, not listed by the plugin or the gateway.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { abandon, pairNewDevice, storedTokenRefusal } from "../harness/wire-pairing.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ tls: true });
}, 180_000);
afterAll(async () => {
  await gateway?.dispose();
});

it("removes the device its session approved over the gateway's own TLS", async () => {
  expect(gateway.url).toMatch(/^wss:/);
  const paired = await pairNewDevice(gateway);
  paired.session.close();
  const reply = await abandon(gateway, paired.granted);
  expect(reply).toMatchObject({ status: 200, body: { ok: true } });
  expect(await storedTokenRefusal(gateway, paired)).toBe("AUTH_DEVICE_TOKEN_MISMATCH");
  const list = await gateway.call("pairing.list", {});
  expect(list.devices.map((device: any) => device.deviceId)).not.toContain(paired.device.id);
  expect(list.events.at(-1)).toMatchObject({ type: "device.forgotten", deviceId: paired.device.id });
  expect(JSON.stringify(await gateway.call("device.pair.list", {}))).not.toContain(paired.device.id);
});
