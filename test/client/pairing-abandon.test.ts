// With protocol v2, a pairing cancelled AFTER its exchange approved the device leaves no approved
// device behind: the client abandons it (/v2/abandon) and wipes what it had stored. Client core in-process,
// real gateway, plugin and keychain.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCore } from "../../src/core/core.node.ts";
import { Keystore } from "../../src/core/keystore.node.ts";
import { newKeychainService } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.dispose();
});

it("cancelling after the exchange abandons the approved device and leaves nothing in the keychain", async () => {
  const created = await gateway.call("pairing.createCode", {});
  const keystore = new Keystore({ service: newKeychainService() });
  const core = createCore({ keystore, timeoutMs: 5_000 });
  core.start();
  await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
  // "connecting" is the step after a successful exchange: the gateway has approved the device by then.
  core.subscribe((v) => v.pairingStep === "connecting" && v.state === "PAIRING_IN_PROGRESS" && core.cancelPairing());
  core.pair(gateway.url, created.code);
  const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "starting", 30_000);
  expect(end).toMatchObject({ state: "UNPAIRED", reason: { code: "CANCELLED" } });

  const forgotten = await waitFor(
    async () =>
      (await gateway.call("pairing.list", {})).events.find(
        (e: any) => e.type === "device.forgotten" && e.codeId === created.codeId,
      ),
    "the plugin to record the abandoned device",
  );
  expect(forgotten.reason).toMatch(/abandoned/);
  const list = await gateway.call("pairing.list", {});
  expect(list.codes.find((c: any) => c.codeId === created.codeId).status).toBe("used");
  expect(list.devices.find((d: any) => d.deviceId === forgotten.deviceId)).toBeUndefined();
  await waitFor(async () => (await keystore.loadTrust()) === null, "the keychain to hold no trust");
  core.stop();
});
