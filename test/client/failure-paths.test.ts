// The client's failure paths against the real gateway and gnome-keyring: a 4001 that is not a
// removal keeps the trust, a removal revokes at once, pairing again while the REVOKED wipe is still
// running on a slow keychain, `full` access end to end, and forget confirmed by the gateway itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCore, OCMAP_VERSION, type OcmapCore } from "../../src/core/core.node.ts";
import type { CoreView } from "../../src/core/core-view.std.ts";
import { openSession } from "../../src/core/gateway-session.node.ts";
import { Keystore } from "../../src/core/keystore.node.ts";
import { newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { waitFor } from "../harness/wait.ts";

let gateway: Gateway;
const cores: OcmapCore[] = [];

beforeAll(async () => {
  gateway = await startGateway({ pluginConfig: { maxFailuresPerAddress: 1000, maxFailuresGlobal: 1000 } });
});
afterAll(async () => {
  for (const core of cores) core.stop();
  await gateway?.dispose();
});

async function pairedCore(keystore = new Keystore({ service: newKeychainService() }), access = "standard") {
  const core = createCore({ keystore, timeoutMs: 5_000 });
  cores.push(core);
  const views: CoreView[] = [];
  core.subscribe((v) => views.push(v));
  core.start();
  await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
  core.pair(gateway.url, (await gateway.call("pairing.createCode", { access })).code);
  const paired = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS");
  expect(paired.state, JSON.stringify(paired.lastError)).toBe("PAIRED_CONNECTED");
  return { core, keystore, views, deviceId: paired.device!.id };
}

const gatewayDevice = async (deviceId: string) =>
  (await gateway.call("pairing.list", {})).devices.find((d: any) => d.deviceId === deviceId);

/** Does the gateway still accept this stored trust? A connect with the device token, as the core makes it. */
async function storedTokenAccepted(trust: any, identity: any): Promise<boolean | string> {
  const opened = await openSession({
    url: trust.gatewayUrl,
    identity,
    auth: { deviceToken: trust.deviceToken },
    scopes: trust.scopes,
    displayName: trust.displayName,
    version: OCMAP_VERSION,
    timeoutMs: 5_000,
  });
  if (opened.ok) opened.session.close();
  return opened.ok || (opened.error.details?.code ?? opened.error.code);
}

describe("a 4001 is judged by its reason", () => {
  it("'gateway policy changed' (trustedProxies hot reload) keeps the trust: reconnected, same token", async () => {
    const paired = await pairedCore();
    const before = (await paired.keystore.loadTrust())!;
    const mark = paired.views.length;
    await gateway.updateConfig((c) => (c.gateway.trustedProxies = ["10.9.9.9"]));
    // The close and the reconnect can both be over before the reload is confirmed: read the views recorded since.
    const lostAt = await waitFor(
      () =>
        paired.views.slice(mark).findIndex((v) => v.lastError?.code === "ACCESS_CHANGED" || v.state === "REVOKED") + 1,
      "the policy change to close the session",
      60_000,
    );
    expect(paired.views[mark + lostAt - 1]!.state).toBe("PAIRED_DISCONNECTED");
    const back = await waitFor(
      () => paired.views.slice(mark + lostAt).find((v) => v.state !== "PAIRED_DISCONNECTED"),
      "the client to come back",
      60_000,
    );
    expect(back.state).toBe("PAIRED_CONNECTED");
    expect(paired.views.slice(mark).some((v) => v.state === "REVOKED")).toBe(false);
    expect(await paired.keystore.loadTrust()).toEqual(before);
    expect((await paired.keystore.loadIdentity())?.deviceId).toBe(paired.deviceId);
    await waitFor(async () => (await gatewayDevice(paired.deviceId))?.connected, "the gateway to show it connected");

    // A removal, by contrast, is REVOKED at once: the gateway closes a removal and a rotation to lower access alike
    // (4001 "device removed"), so the one immediate reconnect is refused and nothing waits for a retry; trust wiped.
    const revokeMark = paired.views.length;
    await gateway.call("pairing.revokeDevice", { deviceId: paired.deviceId });
    await paired.core.waitFor((v) => v.state === "REVOKED" && v.activity === "idle");
    const states = paired.views.slice(revokeMark).map((v) => `${v.state}/${v.activity}`);
    expect(states.filter((s) => s.startsWith("PAIRED_DISCONNECTED") && s !== "PAIRED_DISCONNECTED/connecting")).toEqual(
      [],
    );
    expect(await paired.keystore.loadTrust()).toBeNull();
  });
});

describe("no keychain race", () => {
  it("pairing again while the REVOKED wipe is still running on a slow keychain keeps the new trust", async () => {
    const keystore = new Keystore({ service: newKeychainService() });
    const paired = await pairedCore(keystore);
    const keychain = slowKeychain(keystore, { deleteMs: 1_500 });
    await gateway.call("pairing.revokeDevice", { deviceId: paired.deviceId });
    await paired.core.waitFor((v) => v.state === "REVOKED");
    expect(keychain.deleting()).toBe(true); // the wipe is running: pair again right now
    paired.core.pair(gateway.url, (await gateway.call("pairing.createCode", {})).code);
    const again = await paired.core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS" && v.state !== "REVOKED", 30_000);
    expect(again.state, JSON.stringify(again.lastError)).toBe("PAIRED_CONNECTED");
    expect(keychain.writesDuringDelete()).toBe(0);
    await waitFor(() => keychain.idle(), "no keychain write or delete still running");
    const [trust, identity] = [await keystore.loadTrust(), await keystore.loadIdentity()];
    expect(identity?.deviceId).toBe(again.device!.id);
    expect(trust?.deviceId).toBe(again.device!.id);
    expect(again.device!.id).not.toBe(paired.deviceId);
  });
});

describe("no keychain race (cancel)", () => {
  it("cancel while a pairing saves, then pair again at once: only the new pairing is kept", async () => {
    const keystore = new Keystore({ service: newKeychainService() });
    const core = createCore({ keystore, timeoutMs: 5_000 });
    cores.push(core);
    core.start();
    await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
    const keychain = slowKeychain(keystore, { writeMs: 500, deleteMs: 1_500 });
    const [first, second] = [
      await gateway.call("pairing.createCode", {}),
      await gateway.call("pairing.createCode", {}),
    ];
    let cancelled = false;
    const off = core.subscribe((view) => {
      if (view.pairingStep !== "saving" || cancelled) return;
      cancelled = true; // the first pairing is saving: cancel it and start another one right away
      core.cancelPairing();
      core.pair(gateway.url, second.code);
    });
    core.pair(gateway.url, first.code);
    await waitFor(() => cancelled, "the first pairing to reach its save");
    off();
    const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS", 30_000);
    expect(end.state, JSON.stringify(end.lastError)).toBe("PAIRED_CONNECTED");
    await waitFor(() => keychain.idle(), "no keychain write or delete still running");
    const [trust, identity] = [await keystore.loadTrust(), await keystore.loadIdentity()];
    expect(identity?.deviceId).toBe(end.device!.id);
    expect(trust?.deviceId).toBe(end.device!.id);
    const codes = (await gateway.call("pairing.list", {})).codes;
    const usedBy = (codeId: string) => codes.find((c: any) => c.codeId === codeId)?.deviceId;
    expect(end.device!.id).toBe(usedBy(second.codeId));
    // The cancelled pairing's session was closed and (protocol v2) its approval abandoned: the device is gone
    // from the plugin's list and from the gateway, so no session of it can stay open.
    const firstDevice = usedBy(first.codeId);
    if (firstDevice) {
      await waitFor(async () => (await gatewayDevice(firstDevice)) === undefined, "the cancelled device abandoned");
      expect(JSON.stringify(await gateway.call("device.pair.list", {}))).not.toContain(firstDevice);
    }
  });
});

/** The real keychain, slower (a sluggish Secret Service); counts writes that overlap a delete. */
function slowKeychain(keystore: Keystore, delays: { deleteMs?: number; writeMs?: number }) {
  let inDelete = 0;
  let inWrite = 0;
  let overlapping = 0;
  const pause = (ms = 0) => new Promise((r) => setTimeout(r, ms));
  const target = keystore as unknown as { call(op: (k: any) => Promise<unknown>, secrets?: unknown): Promise<unknown> };
  const call = target.call.bind(keystore);
  target.call = (op, secrets) =>
    call(
      (k) =>
        op({
          ...k,
          get: (account: string) => k.get(account),
          exclusive: (job: () => Promise<unknown>) => k.exclusive(job),
          toError: (err: unknown, secrets: readonly string[]) => k.toError(err, secrets),
          corrupt: (account: string, what: string) => k.corrupt(account, what),
          set: async (account: string, value: string) => {
            if (inDelete > 0) overlapping++;
            inWrite++;
            try {
              await pause(delays.writeMs);
              return await k.set(account, value);
            } finally {
              inWrite--;
            }
          },
          delete: async (account: string) => {
            inDelete++;
            try {
              await pause(delays.deleteMs);
              return await k.delete(account);
            } finally {
              inDelete--;
            }
          },
        }),
      secrets,
    );
  return {
    deleting: () => inDelete > 0,
    idle: () => inDelete === 0 && inWrite === 0,
    writesDuringDelete: () => overlapping,
  };
}

describe("scopes", () => {
  it("`full` access pairs end to end and reconnects with exactly the scopes it sent", async () => {
    const svc = newKeychainService();
    const code = await gateway.call("pairing.createCode", { access: "full" });
    const paired = await runCli(svc, ["pair", gateway.url, code.code, "--json"]);
    expect(paired.code, paired.stderr).toBe(0);
    const trust = await (await gatewayKeys(svc)).loadTrust();
    expect(trust?.scopes).toEqual(code.scopes);
    expect(trust?.scopes).toContain("operator.admin");
    const status = await runCli(svc, ["status", "--json"]);
    expect(status.code, status.stdout).toBe(0);
    expect(status.lines.at(-1)).toMatchObject({ state: "PAIRED_CONNECTED", scopes: code.scopes });
    const device = await gatewayDevice(trust!.deviceId);
    expect(device).toMatchObject({ access: "full" });
  });
});

describe("forget tells the gateway, or says it could not", () => {
  it("says FORGOTTEN only once the gateway removed the device: its token is refused afterwards", async () => {
    const paired = await pairedCore();
    const [trust, identity] = [await paired.keystore.loadTrust(), await paired.keystore.loadIdentity()];
    paired.core.forget();
    const end = await paired.core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle", 30_000);
    expect(end.notice?.code).toBe("FORGOTTEN");
    expect(await paired.keystore.loadTrust()).toBeNull();
    expect(await storedTokenAccepted(trust, identity)).toBe("AUTH_DEVICE_TOKEN_MISMATCH");
  });
});
