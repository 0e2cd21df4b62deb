// The network between client and gateway breaking, through a loopback TCP proxy: a hard cut (every
// socket reset, no close frame, new connections refused for a while) and a silent one (the proxy
// stops forwarding but keeps the TCP connection open, so only the gateway's missing ticks tell).
// Both cores were paired through their proxy, so every byte they exchange with the gateway passes it.
// The two run concurrently: the silent cut needs up to two tick intervals (~62 s) to be noticed.
import { afterAll, beforeAll, describe, it } from "vitest";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";
import { attemptTimes, expectGatewayTrusts, expectTrustKept, pairedCore, type PairedCore } from "./paired-core.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

let gateway: Gateway;
const proxies: TcpProxy[] = [];
const cores: PairedCore[] = [];

async function throughProxy() {
  const proxy = await startTcpProxy(gateway.port);
  proxies.push(proxy);
  const paired = await pairedCore(gateway, proxy.url);
  cores.push(paired);
  return { proxy, paired };
}

beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  for (const paired of cores) paired.core.stop();
  for (const proxy of proxies) await proxy.close();
  await gateway?.dispose();
});

describe.concurrent("network cuts", () => {
  it(
    "a hard cut (sockets reset, no close frame) → PAIRED_DISCONNECTED/CONNECTION_LOST; reconnects once the " +
      "network is back",
    async ({ expect }) => {
      const { proxy, paired } = await throughProxy();
      expect(paired.trust.gatewayUrl).toBe(proxy.url);
      await waitFor(
        () => proxy.open() === 1,
        "only the live WebSocket left on the proxy (pairing's HTTP keep-alive closed)",
        15_000,
      );

      const cutAt = Date.now();
      proxy.cut();
      const lost = await paired.core.waitFor((v) => v.state === "PAIRED_DISCONNECTED", 5_000);
      expect(lost.lastError?.code).toBe("CONNECTION_LOST");
      expect(Date.now() - cutAt).toBeLessThan(2_000);

      // It keeps trying (refused at the proxy) without losing anything, at most once a second.
      await waitFor(() => proxy.refused() >= 3, "three refused reconnect attempts", 30_000);
      const restoredAt = Date.now();
      expect(paired.core.view().state).toBe("PAIRED_DISCONNECTED");
      const attempts = attemptTimes(paired, cutAt, restoredAt);
      expect(attempts.length).toBeLessThanOrEqual((restoredAt - cutAt) / 1000 + 1);
      await expectTrustKept(paired);

      proxy.restore();
      const back = await paired.core.waitFor((v) => v.state === "PAIRED_CONNECTED", 30_000);
      expect(back.reason.code).toBe("RECONNECTED");
      expect(proxy.open()).toBe(1);
      await expectTrustKept(paired);
      await expectGatewayTrusts(gateway, paired.trust.deviceId);
    },
  );

  it("a silent cut (connection open, nothing forwarded) → DEAD_SOCKET after two missed ticks; reconnects", async ({
    expect,
  }) => {
    const { proxy, paired } = await throughProxy();
    proxy.stall();
    const silentSince = proxy.lastForwardedAt(); // the last frame the core got: its silence starts here
    expect(silentSince).toBeGreaterThan(0);
    expect(proxy.open()).toBe(0);
    expect(paired.core.view().state).toBe("PAIRED_CONNECTED");

    const dead = await paired.core.waitFor((v) => v.state === "PAIRED_DISCONNECTED", 90_000);
    const silentFor = Date.now() - silentSince;
    expect(dead.lastError?.code).toBe("DEAD_SOCKET");
    // Two missed 30 s ticks plus the 2 s grace: not earlier (a quiet but live socket is kept), not much later.
    expect(silentFor).toBeGreaterThanOrEqual(62_000 - 100);
    expect(silentFor).toBeLessThan(62_000 + 5_000);

    const back = await paired.core.waitFor((v) => v.state === "PAIRED_CONNECTED", 30_000);
    expect(back.reason.code).toBe("RECONNECTED");
    expect(proxy.open()).toBe(1); // a fresh connection through the (working) proxy
    await expectTrustKept(paired);
    await expectGatewayTrusts(gateway, paired.trust.deviceId);
  }, 150_000);
});
