// The gateway identity key file under the damage rules (real PairingStore and GatewayIdentity on the fake
// disk): created only when no client can have pinned it (first start, or state with no v2 code); missing
// or damaged once v2 codes exist is STATE_DAMAGED for codes and the routes, and no new key is written.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { GatewayIdentity, IDENTITY_KEY_FILE } from "../../../gateway-plugin/src/gateway-identity.ts";
import { PairingStore } from "../../../gateway-plugin/src/store.ts";
import { ADMIN, body, startFakeService, unknownStart } from "./fake-gateway.ts";
import { fakeDisk } from "./fake-disk.ts";

vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"));

const KEY_PATH = `/plugin/${IDENTITY_KEY_FILE}`;
const log = { warn: () => undefined };
const stateWith = (codes: object[]) => JSON.stringify({ version: 1, codes, devices: [], events: [] });
const v1Code = { codeId: "c1", hash: "h", status: "used" };
const v2Code = { ...v1Code, discriminator: "AB", sealedCode: "sealed" };

function openIdentity() {
  const store = new PairingStore("/plugin");
  const identity = new GatewayIdentity("/plugin", log, store.hasNoV2Codes);
  if (identity.problem) store.addDamage(identity.problem);
  return { store, identity };
}

beforeEach(() => {
  fakeDisk.files.clear();
  fakeDisk.writes = 0;
});

describe("gateway identity key damage rules (real store and identity, fake disk)", () => {
  it("a first start creates the key; the next start loads the same one", () => {
    const first = openIdentity();
    expect(first.identity.problem).toBeUndefined();
    expect(fakeDisk.files.has(KEY_PATH)).toBe(true);
    const again = openIdentity();
    expect(again.identity.key.publicKey).toBe(first.identity.key.publicKey);
  });

  it("state from before v2 (no v2 code): the key is created, nothing is damaged", () => {
    fakeDisk.files.set("/plugin/secret.key", Buffer.alloc(32, 1).toString("base64"));
    fakeDisk.files.set("/plugin/state.json", stateWith([v1Code]));
    const { store, identity } = openIdentity();
    expect(store.damage).toBeUndefined();
    expect(identity.key.publicKey).toHaveLength(43);
  });

  for (const [what, content] of [
    ["missing", undefined],
    ["malformed", "{not json"],
    ["short", JSON.stringify({ version: 1, publicKey: "abc", privateKey: "def" })],
  ] as const) {
    it(`a ${what} key once v2 codes exist: STATE_DAMAGED, the routes refuse, no new key`, async () => {
      fakeDisk.files.set("/plugin/secret.key", Buffer.alloc(32, 1).toString("base64"));
      fakeDisk.files.set("/plugin/state.json", stateWith([v2Code]));
      if (content !== undefined) fakeDisk.files.set(KEY_PATH, content);
      const { store, identity } = openIdentity();
      expect(store.damage?.problems).toEqual([expect.stringMatching(/^gateway-identity\.key is (missing|damaged)/)]);
      expect(() => identity.key).toThrow(expect.objectContaining({ code: "STATE_DAMAGED" }));
      expect(fakeDisk.files.get(KEY_PATH)).toBe(content);
      const { service } = startFakeService({}, undefined, store);
      await expect(service.createCode({}, ADMIN)).rejects.toMatchObject({ code: "STATE_DAMAGED" });
      await expect(service.v2.start(body(unknownStart()), "a")).rejects.toMatchObject({ code: "STATE_DAMAGED" });
      expect((await service.list()).gatewayFingerprint).toBeUndefined();
    });
  }
});
