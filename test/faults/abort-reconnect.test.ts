// Stop while a reconnect is opening a session: the attempt is held at a loopback TCP proxy until the
// core was stopped, then let through. The session that opens after the stop must be closed by the
// core itself (nothing else would: the actor that asked for it is gone), so the gateway sees no
// lingering connection of this device.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";
import { pairedCore, type PairedCore } from "./paired-core.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

let gateway: Gateway;
let proxy: TcpProxy | undefined;
let paired: PairedCore | undefined;

beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  paired?.core.stop();
  await proxy?.close();
  await gateway?.dispose();
});

it("stop while a reconnect is opening: the late session is closed, the gateway sees the device gone", async () => {
  proxy = await startTcpProxy(gateway.port);
  paired = await pairedCore(gateway, proxy.url);
  const deviceId = paired.trust.deviceId;
  await waitFor(() => proxy!.open() === 1, "only the live WebSocket left on the proxy", 15_000);

  proxy.hold();
  proxy.drop(); // the live session is lost; the reconnect that follows is held at the proxy
  await waitFor(() => proxy!.held() >= 1, "a reconnect attempt held at the proxy", 15_000);
  expect(paired.core.view()).toMatchObject({ state: "PAIRED_DISCONNECTED", activity: "connecting" });

  paired.core.stop();
  proxy.release(); // its handshake can complete now, after the stop
  await waitFor(() => proxy!.open() === 0, "every proxied connection closed by the client", 20_000);
  const device = async () => (await gateway.call("pairing.list", {})).devices.find((d: any) => d.deviceId === deviceId);
  await waitFor(async () => (await device())?.connected === false, "the gateway to show the device disconnected");
  // The trust itself is untouched: stopping is not forgetting.
  expect((await paired.keystore.loadTrust())?.deviceToken).toBe(paired.trust.deviceToken);
});
