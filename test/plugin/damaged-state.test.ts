// The plugin's own files damaged on a real gateway, one way per restart: secret.key missing, empty
// or short, state.json corrupt. Each is a loud STATE_DAMAGED at start (log), pairing is refused
// (createCode and the routes), nothing is written over the damaged files (no silent fresh start
// that forgets the revoked list), and list/revoke keep working where the state is still readable.
import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { clientPake, V2_PATHS } from "@ocmap/protocol/pairing-v2";
import { pairNewDevice, post, unusedDiscriminator, type Paired } from "../harness/wire-pairing.ts";

let gateway: Gateway;
let dir: string;
let keep: Paired;
let revoked: Paired;
/** One active device per damaged-key restart, for an operator revoke while damaged. */
const spares: Paired[] = [];
const backup: Record<string, Buffer> = {};

beforeAll(async () => {
  gateway = await startGateway();
  dir = join(gateway.stateDir, "plugins", "ocmap-pairing");
  keep = await pairNewDevice(gateway, "standard");
  keep.session.close();
  revoked = await pairNewDevice(gateway, "read-only");
  for (let i = 0; i < 3; i++) {
    const spare = await pairNewDevice(gateway, "read-only");
    spare.session.close();
    spares.push(spare);
  }
  await gateway.call("pairing.revokeDevice", { deviceId: revoked.device.id });
  await gateway.kill();
  for (const name of ["secret.key", "state.json", "gateway-identity.key"]) backup[name] = readFileSync(join(dir, name));
});
afterAll(async () => {
  await gateway?.dispose();
});

it("a first start creates both files (key 0600) before anything is paired", async () => {
  const fresh = await startGateway();
  try {
    const freshDir = join(fresh.stateDir, "plugins", "ocmap-pairing");
    expect(statSync(join(freshDir, "secret.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(freshDir, "gateway-identity.key")).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(freshDir, "state.json"), "utf8"))).toMatchObject({ version: 1, devices: [] });
  } finally {
    await fresh.dispose();
  }
});

/** Restore both files, damage one, start, and check what every damage has in common. */
async function startDamaged(damage: () => void) {
  for (const [name, bytes] of Object.entries(backup)) writeFileSync(join(dir, name), bytes, { mode: 0o600 });
  damage();
  const before = { key: readIfAny("secret.key"), state: readIfAny("state.json") };
  const from = gateway.logs().length;
  await gateway.start();
  expect(gateway.logs().slice(from)).toMatch(/ocmap-pairing: STATE_DAMAGED/);
  const create = await gateway.call("pairing.createCode", {}).catch((err) => err.wire);
  expect(create).toMatchObject({ code: "UNAVAILABLE", details: { code: "STATE_DAMAGED" } });
  const reply = await post(gateway, V2_PATHS.start, clientPake(`${unusedDiscriminator([])}000000`).request);
  expect(reply.status).toBe(503);
  expect(reply.body.error.code).toBe("STATE_DAMAGED");
  return before;
}

function readIfAny(name: string): Buffer | undefined {
  return existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : undefined;
}

async function expectListStillShowsRevocation() {
  const list = await gateway.call("pairing.list", {});
  expect(list.devices.find((d: any) => d.deviceId === revoked.device.id)).toMatchObject({ revokedBy: "operator" });
}

for (const [index, [what, damage]] of (
  [
    ["missing", () => unlinkSync(join(dir, "secret.key"))],
    ["empty", () => writeFileSync(join(dir, "secret.key"), "")],
    ["short", () => writeFileSync(join(dir, "secret.key"), Buffer.alloc(16, 7).toString("base64"))],
  ] as const
).entries()) {
  const article = what === "empty" ? "an" : "a";
  it(`${article} ${what} secret.key: STATE_DAMAGED, pairing refused, revocations listed, revoke works`, async () => {
    const before = await startDamaged(damage);
    await expectListStillShowsRevocation();
    const spare = spares[index]!.device.id;
    await gateway.call("pairing.revokeDevice", { deviceId: spare, reason: "while damaged" });
    const list = await gateway.call("pairing.list", {});
    expect(list.devices.find((d: any) => d.deviceId === spare).revokedAtMs).toBeGreaterThan(0);
    expect(readIfAny("secret.key")).toEqual(before.key); // never replaced by a fresh key
    await gateway.kill();
  });
}

it("a corrupt state.json: STATE_DAMAGED everywhere, and the file is never written over", async () => {
  const before = await startDamaged(() =>
    writeFileSync(join(dir, "state.json"), backup["state.json"]!.subarray(0, 40)),
  );
  const list = await gateway.call("pairing.list", {}).catch((err) => err.wire);
  expect(list).toMatchObject({ details: { code: "STATE_DAMAGED" } });
  const revoke = await gateway.call("pairing.revokeDevice", { deviceId: keep.device.id }).catch((err) => err.wire);
  expect(revoke).toMatchObject({ details: { code: "STATE_DAMAGED" } });
  expect(readIfAny("state.json")).toEqual(before.state);
  expect(readIfAny("secret.key")).toEqual(before.key);
  await gateway.kill();
});

it("a missing gateway-identity.key once v2 codes exist: STATE_DAMAGED, never a new identity", async () => {
  const before = await startDamaged(() => unlinkSync(join(dir, "gateway-identity.key")));
  await expectListStillShowsRevocation();
  expect((await gateway.call("pairing.list", {})).gatewayFingerprint).toBeUndefined();
  expect(gateway.logs()).toMatch(/gateway-identity\.key is missing/);
  expect(readIfAny("gateway-identity.key")).toBeUndefined(); // a new key would break every client's pin
  expect(readIfAny("secret.key")).toEqual(before.key);
  await gateway.kill();
});

it("restored files: pairing works again and the revoked list survived", async () => {
  for (const [name, bytes] of Object.entries(backup)) writeFileSync(join(dir, name), bytes, { mode: 0o600 });
  await gateway.start();
  await expectListStillShowsRevocation();
  const fresh = await pairNewDevice(gateway, "read-only");
  fresh.session.close();
});
