// The gateway crashing (SIGKILL) while an in-process client core is connected, and again while the
// core is backing off between attempts; and a gateway that hangs (SIGSTOP) during a reconnect.
// The core must come back by itself, at most one handshake a second, with its trust untouched.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCore } from "../../src/core/core.node.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { attemptTimes, expectGatewayTrusts, expectTrustKept, pairedCore, type PairedCore } from "./paired-core.ts";

let gateway: Gateway;
let paired: PairedCore;

beforeAll(async () => {
  gateway = await startGateway();
  paired = await pairedCore(gateway);
});
afterAll(async () => {
  paired?.core.stop();
  await gateway?.dispose();
});

it(
  "a gateway killed while connected, restarted during the backoff: the core reconnects by itself, still " + "trusted",
  async () => {
    const downAt = Date.now();
    await gateway.kill();
    const lost = await paired.core.waitFor((v) => v.state === "PAIRED_DISCONNECTED", 10_000);
    expect(lost.lastError?.code).toBe("CONNECTION_LOST");
    expect(await paired.keystore.loadTrust()).not.toBeNull();

    // Let two attempts fail against the dead port, then bring the gateway back while the core waits.
    const waiting = await paired.core.waitFor(
      (v) => v.activity === "waiting" && (v.reconnect?.attempt ?? 0) >= 3,
      20_000,
    );
    expect(waiting.lastError?.code).toBe("GATEWAY_UNREACHABLE");
    await gateway.start();
    const upAt = Date.now();
    const back = await paired.core.waitFor((v) => v.state === "PAIRED_CONNECTED", 60_000);
    expect(back.reason.code).toBe("RECONNECTED");
    expect(back.lastError).toBeNull();

    // While it was down: at most one handshake a second, never two within a second. Once the retry after the
    // loss met the closed port, the startup probe answers in its place (a handshake is skipped while nothing
    // listens), so there may be only that one before the gateway serves.
    const attempts = attemptTimes(paired, downAt, upAt);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.length).toBeLessThanOrEqual((upAt - downAt) / 1000 + 1);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]! - attempts[i - 1]!).toBeGreaterThanOrEqual(990);

    await expectTrustKept(paired);
    await expectGatewayTrusts(gateway, paired.trust.deviceId);
  },
);

it(
  "a launch against a hung gateway (SIGSTOP) fails the attempt on its timeout; once replaced, the core " +
    "connects with nothing lost",
  async () => {
    paired.core.stop();
    gateway.signal("SIGSTOP"); // the kernel still accepts the TCP connection; nothing answers on it
    const core = createCore({ keystore: paired.keystore, timeoutMs: 5_000 });
    const startedAt = Date.now();
    core.start();
    try {
      const failed = await core.waitFor((v) => v.activity === "waiting", 30_000);
      expect(failed.state).toBe("PAIRED_DISCONNECTED");
      expect(["TIMEOUT", "GATEWAY_UNREACHABLE"]).toContain(failed.lastError?.code);
      expect(failed.lastError?.retryable).toBe(true);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(4_900); // it waited for its timeout, not for a reset
      await expectTrustKept(paired);

      await gateway.kill(); // SIGKILL ends a stopped process too
      await gateway.start();
      const back = await core.waitFor((v) => v.state === "PAIRED_CONNECTED", 60_000);
      expect(back.device?.id).toBe(paired.trust.deviceId);
      await expectTrustKept(paired);
      await expectGatewayTrusts(gateway, paired.trust.deviceId);
    } finally {
      core.stop();
    }
  },
  120_000,
);
