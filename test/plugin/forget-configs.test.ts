// pairing.forgetSelf on gateways that run differently from the default: the port from `--port` or
// the environment instead of the config file, the gateway's own TLS, a bind that is not loopback,
// and auth without a shared secret. Where the plugin can remove the caller, the gateway must really
// have removed it (4001, token refused) before the device is listed as forgotten; where it cannot,
// the answer is FORGET_UNAVAILABLE and nothing changed. One gateway per test (they differ in how
// they start), stopped at the end of the test.
import { afterEach, expect, it } from "vitest";
import { startGateway, type Gateway, type StartOptions } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";
import { wireConnect } from "../harness/wire-client.ts";
import { pairNewDevice, storedTokenRefusal } from "../harness/wire-pairing.ts";

// A gateway start alone may take up to 60 s on a loaded machine.
const SLOW = { timeout: 180_000 };
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.dispose();
  gateway = undefined;
});

async function expectForgetRemovesFromGateway(opts: StartOptions) {
  gateway = await startGateway(opts);
  const me = await pairNewDevice(gateway, "read-only");
  const res = await me.session.request("pairing.forgetSelf", {});
  expect(res).toMatchObject({ ok: true, payload: { deviceId: me.device.id } });
  expect((await me.session.closed).code).toBe(4001);
  expect(await storedTokenRefusal(gateway, me)).toBe("AUTH_DEVICE_TOKEN_MISMATCH");
  // Recorded once device.pair.remove has answered the plugin, which may be just after the 4001.
  const gw = gateway;
  const list = await waitFor(async () => {
    const current = await gw.call("pairing.list", {});
    return current.devices.find((d: any) => d.deviceId === me.device.id)?.revokedBy === "self" && current;
  }, "the device listed as forgotten");
  expect(list.events.some((e: any) => e.type === "device.forgotten" && e.deviceId === me.device.id)).toBe(true);
}

it("forgets on a gateway whose port comes from --port (not the config file)", SLOW, async () => {
  await expectForgetRemovesFromGateway({ portFrom: "flag" });
});

it("forgets on a gateway whose port comes from OPENCLAW_GATEWAY_PORT, bound to a custom address", SLOW, async () => {
  await expectForgetRemovesFromGateway({
    portFrom: "env",
    gateway: { bind: "custom", customBindHost: "127.0.0.2" },
  });
});

it("forgets on a gateway with its own TLS on, bound to all interfaces (lan)", SLOW, async () => {
  await expectForgetRemovesFromGateway({ tls: true, gateway: { bind: "lan" } });
});

// Auth without a shared secret needs a device identity (or a proxy) even for the harness's admin, so
// the gateway starts with a token (to pair a device), switches auth by hot reload (a restart) for the
// forget, and back to check.
const PROXY = { trustedProxies: ["10.255.0.1"], trustedProxy: { userHeader: "x-forwarded-user" } };
async function pairThenSwitchAuth(auth: Record<string, unknown>) {
  gateway = await startGateway();
  const gw = gateway;
  const me = await pairNewDevice(gw, "read-only");
  me.session.close();
  const tokenAuth = gw.readConfig().gateway.auth;
  await gw.updateConfig((config) => {
    config.gateway.auth = auth;
    if (auth.mode === "trusted-proxy") config.gateway.trustedProxies = PROXY.trustedProxies;
  });
  const connectAsMe = async () => {
    const connection = await wireConnect({
      url: gw.url,
      device: me.device,
      auth: { deviceToken: me.deviceToken },
      scopes: me.scopes,
    });
    return connection.ok ? connection.session : undefined;
  };
  const session = await waitFor(connectAsMe, "the device connecting after the reload");
  const switchBack = async () => {
    await gw.updateConfig((config) => {
      config.gateway.auth = tokenAuth;
      delete config.gateway.trustedProxies;
    });
    return waitFor(() => gw.call("pairing.list", {}), "admin access after switching back");
  };
  return { gw, me, session, connectAsMe, switchBack };
}

for (const [name, auth] of [
  ["none", { mode: "none" }],
  ["trusted-proxy without a password", { mode: "trusted-proxy", trustedProxy: PROXY.trustedProxy }],
  // The plugin presents the password, and the gateway closes that deviceless session (4001): the
  // preflight is the real connect, so this is refused too, before anything changed.
  [
    "trusted-proxy with a password",
    { mode: "trusted-proxy", trustedProxy: PROXY.trustedProxy, password: "same-host-fallback-password" },
  ],
] as const) {
  it(
    `refuses with FORGET_UNAVAILABLE before changing anything when auth is ${name}`,
    { timeout: 180_000 },
    async () => {
      const { me, session, connectAsMe, switchBack } = await pairThenSwitchAuth(auth);
      const res = await session.request("pairing.forgetSelf", {});
      expect(res.ok).toBe(false);
      expect(res.error).toMatchObject({ code: "UNAVAILABLE", details: { code: "FORGET_UNAVAILABLE" } });
      expect((await session.request("health", {})).ok).toBe(true); // its socket was not closed
      session.close();
      const list = await switchBack();
      expect(list.devices.find((d: any) => d.deviceId === me.device.id).revokedAtMs).toBeUndefined();
      expect(list.events.some((e: any) => e.deviceId === me.device.id && e.type.startsWith("device."))).toBe(false);
      (await waitFor(connectAsMe, "the device connecting again")).close();
    },
  );
}
