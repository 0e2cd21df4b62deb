// The plugin's files damaged (real PairingStore and service on the fake disk, fake gateway SDK):
// a missing key or a corrupt state file is STATE_DAMAGED, refused before any limit counts it, and
// nothing is written over the files; a first start (no files) creates both.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ADMIN, body, startFakeService, unknownStart } from "./fake-gateway.ts";
import { fakeDisk } from "./fake-disk.ts";

vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"));

const device = {
  deviceId: "d".repeat(64),
  publicKey: "k",
  access: "read-only",
  scopes: ["operator.read"],
  pairedAtMs: 1,
  codeId: "c",
  revokedAtMs: 2,
  revokedBy: "operator",
};
const savedState = JSON.stringify({ version: 1, codes: [], devices: [device], events: [] });

beforeEach(() => {
  fakeDisk.files.clear();
  fakeDisk.writes = 0;
});

describe("damaged plugin files (real store and service, fake disk)", () => {
  it("a first start (no files) creates a 32-byte key and an empty state", () => {
    const { store } = startFakeService({}, "/plugin");
    expect(store.damage).toBeUndefined();
    expect(Buffer.from(fakeDisk.files.get("/plugin/secret.key")!, "base64")).toHaveLength(32);
    expect(JSON.parse(fakeDisk.files.get("/plugin/state.json")!)).toMatchObject({ version: 1, devices: [] });
  });

  it("a missing key: pairing refused (counted nowhere), revocations still listed, no new key", async () => {
    fakeDisk.files.set("/plugin/state.json", savedState);
    const { service, store } = startFakeService({ maxFailuresGlobal: 1, maxFailuresPerAddress: 1 }, "/plugin");
    expect(store.damage?.problems).toEqual(["secret.key is missing"]);
    await expect(service.createCode({}, ADMIN)).rejects.toMatchObject({ code: "STATE_DAMAGED" });
    for (let i = 0; i < 3; i++)
      await expect(service.v2.start(body(unknownStart()), "a")).rejects.toMatchObject({ code: "STATE_DAMAGED" });
    const list = await service.list();
    expect(list.devices[0]).toMatchObject({ deviceId: device.deviceId, revokedBy: "operator" });
    expect(list.pausedUntilMs).toBeUndefined();
    expect(fakeDisk.files.has("/plugin/secret.key")).toBe(false);
    expect(fakeDisk.writes).toBe(0);
  });

  for (const [what, key] of [
    ["empty", ""],
    ["short", Buffer.alloc(16).toString("base64")],
  ]) {
    it(`an ${what} key is damage, not a reason to make a new one`, () => {
      fakeDisk.files.set("/plugin/state.json", savedState);
      fakeDisk.files.set("/plugin/secret.key", key!);
      const { store } = startFakeService({}, "/plugin");
      expect(store.damage?.problems[0]).toMatch(/^secret\.key is damaged/);
      expect(fakeDisk.files.get("/plugin/secret.key")).toBe(key);
    });
  }

  it("a corrupt state file: list and revoke answer STATE_DAMAGED and the file is never written over", async () => {
    const corrupt = savedState.slice(0, 30);
    fakeDisk.files.set("/plugin/state.json", corrupt);
    fakeDisk.files.set("/plugin/secret.key", Buffer.alloc(32, 1).toString("base64"));
    const { service, store } = startFakeService({}, "/plugin");
    expect(store.damage).toMatchObject({ problems: ["state.json is not valid JSON"], stateReadable: false });
    await expect(service.list()).rejects.toMatchObject({ code: "STATE_DAMAGED" });
    await expect(
      service.revokeDevice(device.deviceId, "operator", undefined, async () => undefined),
    ).rejects.toMatchObject({
      code: "STATE_DAMAGED",
    });
    await service.sweep();
    expect(fakeDisk.files.get("/plugin/state.json")).toBe(corrupt);
    expect(fakeDisk.writes).toBe(0);
  });
});
