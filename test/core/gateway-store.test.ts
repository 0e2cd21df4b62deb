// One keychain entry pair per gateway, its line in the index, and the move of an old single-gateway record,
// against the real gnome-keyring of the test sandbox (no gateway: the records are made here). The fleet's
// lifecycle with real gateways is in test/client/several-gateways.test.ts.
import { randomBytes, randomUUID } from "node:crypto";
import keytar from "keytar";
import { describe, expect, it } from "vitest";
import { ClientError } from "../../src/core/client-errors.std.ts";
import { createGatewayFleet } from "../../src/core/gateway-fleet.node.ts";
import { gatewayIdOf, parseGatewayIndex } from "../../src/core/gateway-index.std.ts";
import { loadGatewayIndex } from "../../src/core/gateway-migration.node.ts";
import { GatewayStore } from "../../src/core/gateway-store.node.ts";
import { createIdentity, type DeviceIdentity } from "../../src/core/identity.node.ts";
import { Keystore, type TrustRecord } from "../../src/core/keystore.node.ts";

const newRoot = () => new Keystore({ service: `ocmap-test-${randomUUID()}` });
const raw = (ks: Keystore, account: string) => keytar.getPassword(ks.service, account);

function trustFor(identity: DeviceIdentity, gatewayUrl = "wss://gw.example.com", keyed = true): TrustRecord {
  return {
    gatewayUrl,
    deviceId: identity.deviceId,
    deviceToken: randomBytes(32).toString("base64url"),
    role: "operator",
    scopes: ["operator.read"],
    pairedAtMs: 1_795_259_036_228,
    displayName: "OCMAP on test-host",
    ...(keyed ? { gatewayIdentity: { publicKey: randomBytes(32).toString("base64url") } } : {}),
  };
}

async function oldRecord(root: Keystore, url?: string) {
  const identity = createIdentity();
  const trust = trustFor(identity, url);
  await root.saveIdentity(identity);
  await root.saveTrust(trust);
  return { identity, trust, id: gatewayIdOf(trust) };
}

const index = (root: Keystore) => root.exclusive((keychain) => keychain.loadIndex());

describe("gateway ids", () => {
  it("come from the identity key when there is one (the address does not matter), else from the address", () => {
    const identity = createIdentity();
    const keyed = trustFor(identity);
    expect(gatewayIdOf(keyed)).toMatch(/^k[0-9a-f]{16}$/);
    expect(gatewayIdOf({ ...keyed, gatewayUrl: "wss://other.example.com" })).toBe(gatewayIdOf(keyed));
    const plain = trustFor(identity, "ws://192.168.1.5:18789", false);
    expect(gatewayIdOf(plain)).toMatch(/^u[0-9a-f]{16}$/);
    expect(gatewayIdOf({ ...plain, gatewayUrl: "ws://192.168.1.6:18789" })).not.toBe(gatewayIdOf(plain));
  });

  it("an index that is not exactly the shape is refused with a message that names no value", () => {
    expect(() => parseGatewayIndex({ version: 1, gateways: [{ id: "k0", url: "wss://a", name: "a" }] })).toThrow(
      /malformed/,
    );
    expect(() => parseGatewayIndex({ version: 2, gateways: [] })).toThrow(/unknown version/);
  });
});

describe("migrating the single record of older clients", () => {
  it("moves it in place: new entries written and listed, the old ones gone, the same trust and identity", async () => {
    const root = newRoot();
    const old = await oldRecord(root, "ws://127.0.0.1:18789");
    const loaded = await loadGatewayIndex(root);
    expect(loaded.gateways).toEqual([
      { id: old.id, url: "ws://127.0.0.1:18789", name: "127.0.0.1:18789", fingerprint: expect.any(String) },
    ]);
    const scoped = root.forGateway(old.id);
    expect(await scoped.loadTrust()).toEqual(old.trust);
    expect(await scoped.loadIdentity()).toEqual(old.identity);
    expect(await raw(root, "trust")).toBeNull();
    expect(await raw(root, "identity")).toBeNull();
    expect(await index(root)).toEqual(loaded);
    expect(await loadGatewayIndex(root)).toEqual(loaded); // a second start finds nothing to move
  });

  it("a crash after the new entries but before the index: the next start finishes, nothing lost", async () => {
    const root = newRoot();
    const old = await oldRecord(root);
    await root.forGateway(old.id).saveTrust(old.trust); // what the first start wrote before it died
    const loaded = await loadGatewayIndex(root);
    expect(loaded.gateways.map((line) => line.id)).toEqual([old.id]);
    expect(await root.forGateway(old.id).loadTrust()).toEqual(old.trust);
    expect(await root.forGateway(old.id).loadIdentity()).toEqual(old.identity);
    expect(await raw(root, "trust")).toBeNull();
  });

  it("a crash after the index but before the old entries went: the listed copy kept, the old removed", async () => {
    const root = newRoot();
    const old = await oldRecord(root);
    const first = await loadGatewayIndex(root);
    const migrated = await root.forGateway(old.id).loadTrust();
    await root.saveTrust(old.trust); // as if the delete had not happened
    await root.saveIdentity(old.identity);
    expect(await loadGatewayIndex(root)).toEqual(first);
    expect(await root.forGateway(old.id).loadTrust()).toEqual(migrated);
    expect(await raw(root, "trust")).toBeNull();
    expect(await raw(root, "identity")).toBeNull();
  });

  it("joins gateways already listed; an identity without its trust (an unfinished pairing) is dropped", async () => {
    const root = newRoot();
    const store = new GatewayStore(root);
    const first = createIdentity();
    await store.exclusive((keychain) => keychain.savePairing(first, trustFor(first, "wss://home.example.com")));
    const old = await oldRecord(root, "wss://work.example.com");
    expect((await loadGatewayIndex(root)).gateways.map((line) => line.name)).toEqual([
      "home.example.com",
      "work.example.com",
    ]);
    expect(await root.forGateway(old.id).loadTrust()).toEqual(old.trust);

    const orphan = newRoot();
    await orphan.saveIdentity(createIdentity());
    expect((await loadGatewayIndex(orphan)).gateways).toEqual([]);
    expect(await raw(orphan, "identity")).toBeNull();
  });
});

describe("a damaged single record of older clients", () => {
  for (const damaged of ["trust", "identity"] as const) {
    it(`(its ${damaged} unreadable) is removed and said, the listed gateways kept, nothing else touched`, async () => {
      const root = newRoot();
      const store = new GatewayStore(root);
      const home = createIdentity();
      const homeTrust = trustFor(home, "wss://home.example.com");
      await store.exclusive((keychain) => keychain.savePairing(home, homeTrust));
      await oldRecord(root, "wss://work.example.com");
      const listed = await index(root);
      await keytar.setPassword(root.service, damaged, '{"gatewayUrl": "wss://work.example.com", "deviceTok');
      const said: unknown[] = [];
      const loaded = await loadGatewayIndex(root, (reason) => said.push(reason));
      expect(loaded).toEqual(listed);
      expect(said).toEqual([{ code: "OLD_PAIRING_DAMAGED", message: expect.stringMatching(/damaged.*removed it/) }]);
      expect(JSON.stringify(said)).not.toContain("deviceTok");
      expect(await raw(root, "trust")).toBeNull();
      expect(await raw(root, "identity")).toBeNull();
      expect(await index(root)).toEqual(listed);
      expect(await root.forGateway(gatewayIdOf(homeTrust)).loadTrust()).toEqual(homeTrust);
      expect(await root.forGateway(gatewayIdOf(homeTrust)).loadIdentity()).toEqual(home);
      expect(await keytar.findCredentials(root.service)).toHaveLength(3); // the index and home's two entries
      said.length = 0;
      expect(await loadGatewayIndex(root, (reason) => said.push(reason))).toEqual(listed);
      expect(said).toEqual([]); // said once: it is gone
    });
  }

  it("the fleet loads the others and says what happened, instead of failing as a whole", async () => {
    const root = newRoot();
    const store = new GatewayStore(root);
    const home = createIdentity();
    await store.exclusive((keychain) => keychain.savePairing(home, trustFor(home, "wss://home.example.com")));
    await keytar.setPassword(root.service, "trust", "not json at all");
    const fleet = createGatewayFleet({ keystore: root });
    await fleet.load();
    const view = fleet.view();
    fleet.stop();
    expect(view).toMatchObject({ status: "ready", error: null, notice: { code: "OLD_PAIRING_DAMAGED" } });
    expect(view.gateways.map((g) => g.name)).toEqual(["home.example.com"]);
  });
});

describe("one store per gateway", () => {
  it("a new pairing takes the gateway's id and its own entries; wiping one leaves the other untouched", async () => {
    const root = newRoot();
    const [storeA, storeB] = [new GatewayStore(root), new GatewayStore(root)];
    const [ida, idb] = [createIdentity(), createIdentity()];
    const [ta, tb] = [trustFor(ida, "wss://a.example.com"), trustFor(idb, "wss://b.example.com")];
    await storeA.exclusive((keychain) => keychain.savePairing(ida, ta));
    await storeB.exclusive((keychain) => keychain.savePairing(idb, tb));
    expect(storeA.entry?.id).toBe(gatewayIdOf(ta));
    expect(await storeA.loadTrust()).toEqual(ta);
    expect(await storeB.loadTrust()).toEqual(tb);
    expect(await raw(root, `trust:${gatewayIdOf(tb)}`)).not.toBeNull();

    await storeA.wipe();
    expect(storeA.entry).toBeNull();
    expect(await raw(root, `trust:${gatewayIdOf(ta)}`)).toBeNull();
    expect(await raw(root, `identity:${gatewayIdOf(ta)}`)).toBeNull();
    expect((await index(root))!.gateways.map((line) => line.id)).toEqual([gatewayIdOf(tb)]);
    expect(await storeB.loadTrust()).toEqual(tb);
    expect(await storeB.loadIdentity()).toEqual(idb);
  });

  it("pairing the same gateway twice is ALREADY_PAIRED, and the failed store wipes nothing of the first", async () => {
    const root = newRoot();
    const first = new GatewayStore(root);
    const identity = createIdentity();
    const trust = trustFor(identity);
    await first.exclusive((keychain) => keychain.savePairing(identity, trust));
    const again = new GatewayStore(root);
    const other = createIdentity();
    const failure = await again
      .exclusive((keychain) =>
        keychain.savePairing(other, { ...trustFor(other), gatewayIdentity: trust.gatewayIdentity }),
      )
      .catch((err) => err);
    expect(failure).toBeInstanceOf(ClientError);
    expect(failure.code).toBe("ALREADY_PAIRED");
    await again.wipe();
    expect(await first.loadTrust()).toEqual(trust);
    expect((await index(root))!.gateways).toHaveLength(1);
  });
});

describe("the fleet's local names", () => {
  it("renames a gateway locally, refusing an empty, overlong, control-character or taken name", async () => {
    const root = newRoot();
    for (const url of ["wss://a.example.com", "wss://b.example.com"]) {
      const identity = createIdentity();
      await new GatewayStore(root).exclusive((keychain) => keychain.savePairing(identity, trustFor(identity, url)));
    }
    const fleet = createGatewayFleet({ keystore: root });
    await fleet.load();
    const [home, other] = fleet.members();
    await fleet.rename(home!.id, "  Home  ");
    expect(fleet.member(home!.id)!.entry.name).toBe("Home");
    expect(fleet.view().gateways.map((g) => g.name)).toEqual(["Home", "b.example.com"]);
    for (const [name, code] of [
      ["", "GATEWAY_NAME_INVALID"],
      ["x".repeat(65), "GATEWAY_NAME_INVALID"],
      ["a\nb", "GATEWAY_NAME_INVALID"],
      ["HOME", "GATEWAY_NAME_TAKEN"],
      [42, "GATEWAY_NAME_INVALID"],
    ] as const)
      expect((await fleet.rename(other!.id, name).catch((err) => err)).code).toBe(code);
    const reread = createGatewayFleet({ keystore: root });
    await reread.load();
    expect(reread.members().map((member) => member.entry.name)).toEqual(["Home", "b.example.com"]);
    fleet.stop();
    reread.stop();
  });
});
