// Fault-suite helpers: an in-process client core (as Electron's main process runs it) paired with
// the real gateway, every view it emits with its time, and the keychain as it was after pairing.
import { expect } from "vitest";
import { createCore, type OcmapCore } from "../../src/core/core.node.ts";
import type { CoreView } from "../../src/core/core-view.std.ts";
import type { DeviceIdentity } from "../../src/core/identity.node.ts";
import { Keystore, type TrustRecord } from "../../src/core/keystore.node.ts";
import { newKeychainService } from "../harness/cli.ts";
import type { Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";

export interface PairedCore {
  core: OcmapCore;
  keystore: Keystore;
  views: Array<{ at: number; view: CoreView }>;
  trust: TrustRecord;
  identity: DeviceIdentity;
}

/** Pairs a fresh core through `url` (the gateway itself, or a proxy in front of it). */
export async function pairedCore(gateway: Gateway, url = gateway.url): Promise<PairedCore> {
  const keystore = new Keystore({ service: newKeychainService() });
  const core = createCore({ keystore, timeoutMs: 5_000 });
  const views: PairedCore["views"] = [];
  core.subscribe((view) => views.push({ at: Date.now(), view }));
  core.start();
  await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
  const { code } = await gateway.call("pairing.createCode", {});
  core.pair(url, code);
  const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS");
  expect(end.state, JSON.stringify(end.lastError)).toBe("PAIRED_CONNECTED");
  const [trust, identity] = [await keystore.loadTrust(), await keystore.loadIdentity()];
  expect(trust?.deviceId).toBe(identity?.deviceId);
  return { core, keystore, views, trust: trust!, identity: identity! };
}

/** Times at which the core started a reconnect attempt (entered PAIRED_DISCONNECTED/connecting). */
export function attemptTimes(paired: PairedCore, fromMs = 0, toMs = Infinity): number[] {
  const times: number[] = [];
  let prev: CoreView | undefined;
  for (const { at, view } of paired.views) {
    if (view.activity === "connecting" && prev?.activity !== "connecting" && at >= fromMs && at <= toMs) times.push(at);
    prev = view;
  }
  return times;
}

/** The keychain still holds the same identity and a token for the same device and gateway. */
export async function expectTrustKept(paired: PairedCore) {
  const [trust, identity] = [await paired.keystore.loadTrust(), await paired.keystore.loadIdentity()];
  expect(identity).toEqual(paired.identity);
  expect(trust).toMatchObject({
    gatewayUrl: paired.trust.gatewayUrl,
    deviceId: paired.trust.deviceId,
    scopes: paired.trust.scopes,
    pairedAtMs: paired.trust.pairedAtMs,
  });
  expect(trust!.deviceToken.length).toBeGreaterThan(20);
}

/** The gateway still trusts the device (not revoked) and shows it connected. */
export async function expectGatewayTrusts(gateway: Gateway, deviceId: string) {
  const device = await waitFor(
    async () => {
      const listed = (await gateway.call("pairing.list", {})).devices.find((x: any) => x.deviceId === deviceId);
      return listed?.connected ? listed : undefined;
    },
    `the gateway to show ${deviceId.slice(0, 8)} connected`,
  );
  expect(device.revokedAtMs).toBeUndefined();
}
