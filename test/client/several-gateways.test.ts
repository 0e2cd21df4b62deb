// Several gateways at once, against two real gateways with the plugin and the real keychain: each has its
// own trust entries and its own lifecycle; a restart or a revocation of one leaves the other connected; an
// old single-gateway record migrates in place, a damaged one is removed and said; the CLI's `list`, `--gateway`
// and `rename`.
import keytar from "keytar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCore } from "../../src/core/core.node.ts";
import type { FleetView, GatewayView } from "../../src/core/fleet-view.std.ts";
import { createGatewayFleet, type GatewayFleet } from "../../src/core/gateway-fleet.node.ts";
import { Keystore } from "../../src/core/keystore.node.ts";
import { newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeysFor } from "../harness/gateway-keys.ts";

let home: Gateway;
let work: Gateway;
const fleets: GatewayFleet[] = [];

beforeAll(async () => {
  [home, work] = await Promise.all([startGateway(), startGateway()]);
}, 300_000);
afterAll(async () => {
  for (const fleet of fleets) fleet.stop();
  await Promise.all([home?.dispose(), work?.dispose()]);
});

const newCode = async (gateway: Gateway) =>
  (await gateway.call("pairing.createCode", {})) as { code: string; codeId: string; gatewayFingerprint: string };
const hostOf = (gateway: Gateway) => `127.0.0.1:${gateway.port}`;
const ocmap = (service: string, ...args: string[]) => runCli(service, [...args, "--json"]);
const of = (view: FleetView, gateway: Gateway): GatewayView | undefined =>
  view.gateways.find((g) => g.url === gateway.url);
const connected = (view: FleetView, gateway: Gateway) => of(view, gateway)?.core.state === "PAIRED_CONNECTED";

function newFleet(service: string) {
  const fleet = createGatewayFleet({ keystore: new Keystore({ service }) });
  fleets.push(fleet);
  return fleet;
}

async function pairBoth(service: string) {
  const fleet = newFleet(service);
  await fleet.start();
  for (const gateway of [home, work]) {
    const started = await fleet.pair(gateway.url, (await newCode(gateway)).code);
    if (!started.ok) throw new Error(started.message);
    await fleet.waitFor((view) => connected(view, gateway));
  }
  fleet.stop();
}

describe("two gateways in one client", () => {
  it("launch connects both; a restart of one leaves the other connected; revoking one wipes only it", async () => {
    const service = newKeychainService();
    await pairBoth(service);
    const fleet = newFleet(service);
    await fleet.start(); // a fresh launch: both from the keychain alone
    const both = await fleet.waitFor((view) => connected(view, home) && connected(view, work));
    expect(both.gateways.map((g) => g.name)).toEqual([hostOf(home), hostOf(work)]);
    expect(of(both, home)!.core.device!.id).not.toBe(of(both, work)!.core.device!.id); // one device per gateway
    const homeSince = of(both, home)!.core.connectedSince;
    const homeStates: string[] = [];
    fleet.subscribe((view) => homeStates.push(of(view, home)?.core.state ?? "gone"));

    await work.restart();
    await fleet.waitFor((view) => of(view, work)?.core.state === "PAIRED_DISCONNECTED", 30_000).catch(() => null);
    const back = await fleet.waitFor((view) => connected(view, work), 60_000);
    expect(of(back, home)!.core.connectedSince).toBe(homeSince);
    expect(new Set(homeStates)).toEqual(new Set(["PAIRED_CONNECTED"]));

    const homeDevice = of(back, home)!.core.device!.id;
    const workKeys = await gatewayKeysFor(service, work.url);
    const workTrust = await workKeys.loadTrust();
    const homeKeys = await gatewayKeysFor(service, home.url);
    await home.call("pairing.revokeDevice", { deviceId: homeDevice });
    const revoked = await fleet.waitFor(
      (view) => of(view, home)?.core.state === "REVOKED" && of(view, home)?.core.activity !== "forgetting",
    );
    expect(of(revoked, home)!.name).toBe(hostOf(home)); // still listed, by name, until it is dismissed
    expect(of(revoked, work)!.core).toMatchObject({
      state: "PAIRED_CONNECTED",
      connectedSince: back.gateways[1]!.core.connectedSince,
    });
    expect(await homeKeys.loadTrust()).toBeNull();
    expect(await homeKeys.loadIdentity()).toBeNull();
    expect(await workKeys.loadTrust()).toEqual(workTrust);
    const index = await new Keystore({ service }).exclusive((keychain) => keychain.loadIndex());
    expect(index!.gateways.map((line) => line.url)).toEqual([work.url]);

    fleet.forget(of(revoked, home)!.id); // dismissing the revoked entry
    const after = await fleet.waitFor((view) => !of(view, home));
    expect(after.gateways.map((g) => g.url)).toEqual([work.url]);
    expect(connected(after, work)).toBe(true);
  }, 240_000);

  it("a gateway that hangs never delays another: one connects while the other is still trying", async () => {
    const service = newKeychainService();
    await pairBoth(service);
    work.signal("SIGSTOP");
    try {
      const fleet = newFleet(service);
      await fleet.start();
      const view = await fleet.waitFor((v) => connected(v, home), 20_000);
      // Not after the hung one gave up: its first attempt (bounded by the 15 s handshake timeout) is still open.
      expect(of(view, work)!.core).toMatchObject({
        state: "PAIRED_DISCONNECTED",
        activity: "connecting",
        lastError: null,
      });
      fleet.stop();
    } finally {
      work.signal("SIGCONT");
    }
  }, 120_000);

  it("migrates today's single record in place on first start: no pairing again, same device and token", async () => {
    const service = newKeychainService();
    const legacy = new Keystore({ service }); // the one pair of entries (`identity`, `trust`) older clients kept
    const core = createCore({ keystore: legacy });
    core.start();
    await core.waitFor((view) => view.activity === "idle");
    core.pair(home.url, (await newCode(home)).code);
    expect((await core.waitFor((view) => view.state !== "PAIRING_IN_PROGRESS")).state).toBe("PAIRED_CONNECTED");
    core.stop();
    const before = { trust: await legacy.loadTrust(), identity: await legacy.loadIdentity() };
    const devicesBefore = (await home.call("pairing.list", {})).devices.length;

    const status = await ocmap(service, "status");
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.lines.at(-1)).toMatchObject({ state: "PAIRED_CONNECTED", device: { id: before.identity!.deviceId } });
    const moved = await gatewayKeysFor(service, home.url);
    expect(await moved.loadTrust()).toEqual(before.trust);
    expect(await moved.loadIdentity()).toEqual(before.identity);
    expect(await legacy.loadTrust()).toBeNull();
    expect(await legacy.loadIdentity()).toBeNull();
    expect((await home.call("pairing.list", {})).devices.length).toBe(devicesBefore);
    const list = await ocmap(service, "list");
    expect(list.lines).toMatchObject([{ type: "gateway", url: home.url, state: "PAIRED_CONNECTED" }]);
  }, 120_000);

  it("a damaged old record beside a listed gateway: the CLI says it removed it and lists the gateway", async () => {
    const service = newKeychainService();
    expect((await ocmap(service, "pair", home.url, (await newCode(home)).code)).code).toBe(0);
    const homeTrust = await (await gatewayKeysFor(service, home.url)).loadTrust();
    // What an older client left behind, cut short (a crash mid-write, a hand edit).
    await keytar.setPassword(service, "trust", '{"gatewayUrl": "wss://work.example.com", "deviceTok');

    const list = await ocmap(service, "list");
    expect(list.code, list.stdout + list.stderr).toBe(0);
    expect(list.lines).toMatchObject([
      { type: "info", notice: "OLD_PAIRING_DAMAGED", message: expect.stringMatching(/damaged.*removed it/) },
      { type: "gateway", url: home.url, state: "PAIRED_CONNECTED" },
    ]);
    expect(list.stdout).not.toContain("deviceTok");
    expect(await keytar.getPassword(service, "trust")).toBeNull();
    expect(await (await gatewayKeysFor(service, home.url)).loadTrust()).toEqual(homeTrust);
    const again = await ocmap(service, "list");
    expect(again.lines.map((line) => line.type)).toEqual(["gateway"]); // said once: it is gone
  }, 120_000);
});

describe("the CLI with several gateways", () => {
  it("pairs a second gateway, lists both, and needs --gateway (name, address or host) once there are two", async () => {
    const service = newKeychainService();
    const homeCode = await newCode(home);
    expect((await ocmap(service, "pair", home.url, homeCode.code)).code).toBe(0);
    expect((await ocmap(service, "status")).code).toBe(0); // one gateway: the flag is optional
    const workCode = await newCode(work);
    const second = await ocmap(service, "pair", work.url, workCode.code);
    expect(second.code, second.stdout + second.stderr).toBe(0);

    const again = await newCode(home);
    const dup = await ocmap(service, "pair", home.url, again.code);
    expect(dup.code).toBe(2);
    expect(dup.lines.at(-1)).toMatchObject({ type: "error", code: "ALREADY_PAIRED" });
    const codes = (await home.call("pairing.list", {})).codes;
    expect(codes.find((c: any) => c.codeId === again.codeId).status).toBe("active"); // refused before it was spent

    const list = await ocmap(service, "list");
    expect(list.code).toBe(0);
    expect(list.lines).toMatchObject([
      {
        type: "gateway",
        name: hostOf(home),
        url: home.url,
        state: "PAIRED_CONNECTED",
        fingerprint: homeCode.gatewayFingerprint,
      },
      {
        type: "gateway",
        name: hostOf(work),
        url: work.url,
        state: "PAIRED_CONNECTED",
        fingerprint: workCode.gatewayFingerprint,
      },
    ]);
    const text = await runCli(service, ["list"]);
    expect(text.stdout.split("\n").filter(Boolean)).toHaveLength(3);
    expect(text.stdout).toContain(`${hostOf(work)}  ${work.url}  PAIRED_CONNECTED  ${workCode.gatewayFingerprint}`);

    const none = await ocmap(service, "status");
    expect(none.code).toBe(2);
    expect(none.lines.at(-1)).toMatchObject({
      type: "error",
      code: "GATEWAY_REQUIRED",
      choices: [{ name: hostOf(home) }, { name: hostOf(work) }],
    });
    expect(none.lines.at(-1).message).toContain(hostOf(work));
    for (const choice of [hostOf(home), home.url]) {
      const run = await ocmap(service, "status", "--gateway", choice);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.lines.at(-1).gateway.host).toBe(hostOf(home));
    }
    const unknown = await ocmap(service, "status", "--gateway", "nowhere");
    expect(unknown.code).toBe(2);
    expect(unknown.lines.at(-1)).toMatchObject({ code: "GATEWAY_UNKNOWN" });

    expect((await ocmap(service, "rename", "Work", "--gateway", work.url)).code).toBe(0);
    const byName = await ocmap(service, "status", "-g", "work");
    expect(byName.code).toBe(0);
    expect(byName.lines.at(-1).gateway.host).toBe(hostOf(work));
    const taken = await ocmap(service, "rename", "WORK", "--gateway", home.url);
    expect(taken.lines.at(-1)).toMatchObject({ code: "GATEWAY_NAME_TAKEN" });

    const forget = await ocmap(service, "forget", "--gateway", "Work");
    expect(forget.code, forget.stdout + forget.stderr).toBe(0);
    expect(forget.lines.at(-1)).toMatchObject({ notice: "FORGOTTEN" });
    const left = await ocmap(service, "list");
    expect(left.lines).toMatchObject([{ name: hostOf(home), state: "PAIRED_CONNECTED" }]);
    expect((await ocmap(service, "status")).code).toBe(0); // one again: no flag needed
  }, 240_000);
});
