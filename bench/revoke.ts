// Revocation: `pairing.revokeDevice` sent by an operator → the client's core view says REVOKED.
// The floor is the same revoke against a bare protocol client: request sent → its socket closes 4001.
import { createCore } from "../src/core/core.node.ts";
import { Keystore } from "../src/core/keystore.node.ts";
import { newKeychainService } from "../test/harness/cli.ts";
import type { Gateway } from "../test/harness/gateway.ts";
import { pairNewDevice } from "../test/harness/wire-pairing.ts";
import type { Row } from "./lib/row.ts";
import { fmt, summarize } from "./lib/stats.ts";

export async function benchRevoke(gateway: Gateway, runs = 10): Promise<Row[]> {
  const admin = await gateway.admin();
  const core: number[] = [];
  const bare: number[] = [];
  try {
    for (let i = 0; i < runs + 1; i++) {
      const keystore = new Keystore({ service: newKeychainService() });
      const client = createCore({ keystore });
      client.start();
      await client.waitFor((v) => v.activity === "idle");
      client.pair(gateway.url, (await gateway.call("pairing.createCode", {})).code);
      const paired = await client.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS");
      if (paired.state !== "PAIRED_CONNECTED") throw new Error("pairing for the revoke bench failed");
      // The gateway closes a removal and a rotation to a lower access alike (4001 "device removed"): the client
      // tells them apart with one immediate reconnect, whose refusal and device-status say REVOKED. Never more.
      let attempts = 0;
      let wasConnecting = false;
      const off = client.subscribe((view) => {
        if (view.activity === "connecting" && !wasConnecting) attempts++;
        wasConnecting = view.activity === "connecting";
      });
      const startedAt = performance.now();
      const sent = admin.request("pairing.revokeDevice", { deviceId: paired.device!.id });
      await client.waitFor((v) => v.state === "REVOKED", 10_000);
      const ms = performance.now() - startedAt;
      off();
      if (attempts > 1) throw new Error(`the client tried ${attempts} reconnects before REVOKED: one is the check`);
      if (!(await sent).ok) throw new Error("revokeDevice failed");
      await client.waitFor((v) => v.activity === "idle"); // the keychain wipe, outside the timing
      client.stop();

      const barePairing = await pairNewDevice(gateway);
      const t2 = performance.now();
      const sent2 = admin.request("pairing.revokeDevice", { deviceId: barePairing.device.id });
      const closed = await barePairing.session.closed;
      const ms2 = performance.now() - t2;
      if (closed.code !== 4001 || !(await sent2).ok) throw new Error(`bare client closed ${closed.code}`);
      if (i > 0) {
        core.push(ms); // the first pair of runs is a warm-up
        bare.push(ms2);
      }
    }
  } finally {
    admin.close();
  }
  const coreStats = summarize(core);
  return [
    {
      measure: "Revocation: revokeDevice sent → client REVOKED",
      value: fmt(coreStats, "ms"),
      reference: `bare protocol client, sent → close 4001 ${fmt(summarize(bare), "ms")}`,
      ratio: coreStats.median / summarize(bare).median,
      goal: "< 100 ms",
      met: coreStats.median < 100,
      how:
        "an operator's pre-opened admin socket sends pairing.revokeDevice; timed until the in-process core's " +
        "view is REVOKED (the keychain wipe follows, untimed), its one immediate reconnect (the check that tells a " +
        "removal from a lower access) included; a run fails if the client tried more than one",
    },
  ];
}
