// Against the real gnome-keyring of scripts/with-sandbox.sh (a private D-Bus session with a
// throwaway, unlocked keyring). Only keytar is loaded in this process, never another binding.
import { randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import keytar from "keytar";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createIdentity, type DeviceIdentity } from "../../src/core/identity.node.ts";
import { KeystoreError } from "../../src/core/keystore-error.std.ts";
import { Keystore, type TrustRecord } from "../../src/core/keystore.node.ts";
import { defaultCollection, isLocked, lock, testKeyringPassword, unlockLoginKeyring } from "../harness/keyring.ts";

const services: string[] = [];
let collection = "";
let password = "";

function newKeystore(): Keystore {
  const service = `ocmap-test-${randomUUID()}`;
  services.push(service);
  return new Keystore({ service });
}

function trustFor(identity: DeviceIdentity): TrustRecord {
  return {
    gatewayUrl: "wss://gw.example.com",
    deviceId: identity.deviceId,
    deviceToken: randomBytes(32).toString("base64url"),
    role: "operator",
    scopes: ["operator.read", "operator.write"],
    pairedAtMs: 1_795_259_036_228,
    displayName: "OCMAP on test-host",
    gatewayIdentity: { publicKey: randomBytes(32).toString("base64url") },
  };
}

async function rejection(promise: Promise<unknown>): Promise<KeystoreError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof KeystoreError) return err;
    throw err;
  }
  throw new Error("expected a KeystoreError, but the call resolved");
}

function expectNoSecret(err: Error, secrets: string[]): void {
  for (const secret of secrets) {
    expect(err.message).not.toContain(secret);
    expect(String(err.stack)).not.toContain(secret);
    expect(String(err)).not.toContain(secret);
  }
}

beforeAll(async () => {
  password = testKeyringPassword();
  collection = await defaultCollection();
  expect(await isLocked(collection)).toBe(false);
});

afterEach(async () => {
  if (await isLocked(collection)) expect(await unlockLoginKeyring(password)).toBe("ok");
  expect(await isLocked(collection)).toBe(false);
});

afterAll(async () => {
  for (const service of services) await new Keystore({ service }).wipe();
});

describe("Keystore against the real gnome-keyring", () => {
  it("stores and returns the identity and the trust record, per service", async () => {
    const ks = newKeystore();
    expect(await ks.loadIdentity()).toBeNull();
    expect(await ks.loadTrust()).toBeNull();

    const identity = createIdentity();
    const trust = trustFor(identity);
    await ks.saveIdentity(identity);
    await ks.saveTrust(trust);

    const again = new Keystore({ service: ks.service });
    expect(await again.loadIdentity()).toEqual(identity);
    expect(await again.loadTrust()).toEqual(trust);
    expect(JSON.parse((await keytar.getPassword(ks.service, "trust"))!)).toEqual(trust);
    expect(await newKeystore().loadTrust()).toBeNull();

    const replaced = { ...trust, deviceToken: randomBytes(32).toString("base64url") };
    await ks.saveTrust(replaced);
    expect(await ks.loadTrust()).toEqual(replaced);
  });

  it("uses the service name 'ocmap' by default", () => {
    expect(new Keystore().service).toBe("ocmap");
  });

  it("probe leaves nothing behind", async () => {
    const ks = newKeystore();
    await ks.probe();
    // findCredentials is safe here: the keyring is unlocked (it crashes keytar only when locked).
    expect(await keytar.findCredentials(ks.service)).toEqual([]);
  });

  it("wipe deletes both entries and is idempotent", async () => {
    const ks = newKeystore();
    await ks.wipe();
    const identity = createIdentity();
    await ks.saveIdentity(identity);
    await ks.saveTrust(trustFor(identity));
    await ks.wipe();
    expect(await ks.loadIdentity()).toBeNull();
    expect(await ks.loadTrust()).toBeNull();
    expect(await keytar.getPassword(ks.service, "identity")).toBeNull();
    expect(await keytar.getPassword(ks.service, "trust")).toBeNull();
    await ks.wipe();

    await ks.saveIdentity(identity); // only one of the two present
    await ks.wipe();
    expect(await ks.loadIdentity()).toBeNull();
  });

  it("a damaged entry is KEYCHAIN_CORRUPT, and the message does not quote it", async () => {
    const ks = newKeystore();
    const identity = createIdentity();
    const trust = trustFor(identity);
    const cases: Array<[account: "identity" | "trust", raw: string, load: () => Promise<unknown>]> = [
      ["trust", `{"deviceToken":"${trust.deviceToken}"`, () => ks.loadTrust()],
      ["trust", JSON.stringify({ ...trust, role: "admin" }), () => ks.loadTrust()],
      ["trust", JSON.stringify({ ...trust, deviceId: "X" }), () => ks.loadTrust()],
      ["trust", `"${trust.deviceToken}"`, () => ks.loadTrust()],
      ["identity", `${identity.privateKey} not json`, () => ks.loadIdentity()],
      ["identity", JSON.stringify({ ...identity, deviceId: createIdentity().deviceId }), () => ks.loadIdentity()],
      ["identity", JSON.stringify({ ...identity, privateKey: createIdentity().privateKey }), () => ks.loadIdentity()],
    ];
    for (const [account, raw, load] of cases) {
      await keytar.setPassword(ks.service, account, raw);
      const err = await rejection(load());
      expect(err.code, raw).toBe("KEYCHAIN_CORRUPT");
      expect(err.message).toMatch(/damaged.*pair again/);
      expectNoSecret(err, [trust.deviceToken, identity.privateKey]);
    }
    // The way out of a damaged entry works.
    await ks.wipe();
    expect(await ks.loadIdentity()).toBeNull();
  });

  it("refuses to save malformed records without echoing the token", async () => {
    const ks = newKeystore();
    const identity = createIdentity();
    const trust = trustFor(identity);
    for (const bad of [
      { ...trust, role: "admin" },
      { ...trust, scopes: "operator.read" },
      { ...trust, extra: true },
      { ...trust, pairedAtMs: -1 },
    ]) {
      let error: unknown;
      try {
        await ks.saveTrust(bad as unknown as TrustRecord);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(Error);
      expectNoSecret(error as Error, [trust.deviceToken]);
    }
    await expect(ks.saveIdentity({ ...identity, deviceId: "0".repeat(64) })).rejects.toThrow(/deviceId does not match/);
    expect(await keytar.getPassword(ks.service, "trust")).toBeNull();
    expect(await keytar.getPassword(ks.service, "identity")).toBeNull();
  });

  it(
    "a locked keyring is KEYCHAIN_LOCKED for saves, for loads with and without an entry, for wipe and " + "probe",
    async () => {
      const ks = newKeystore();
      const identity = createIdentity();
      await ks.saveIdentity(identity);
      const trust = trustFor(identity);

      await lock(collection);
      const errors = [
        await rejection(ks.saveTrust(trust)),
        await rejection(ks.saveIdentity(createIdentity())),
        await rejection(ks.loadTrust()), // nothing stored: a locked keyring must not read as "not paired"
        await rejection(ks.loadIdentity()), // stored but hidden while locked
        await rejection(ks.wipe()), // the identity cannot be deleted while locked: wipe must not claim it was
        await rejection(ks.probe()),
      ];
      for (const err of errors) {
        expect(err.code).toBe("KEYCHAIN_LOCKED");
        expect(err.message).toMatch(/locked\. Unlock it/);
        expectNoSecret(err, [trust.deviceToken, identity.privateKey]);
      }
      expect(await isLocked(collection)).toBe(true);

      expect(await unlockLoginKeyring(password)).toBe("ok");
      expect(await ks.loadIdentity()).toEqual(identity);
      expect(await ks.loadTrust()).toBeNull();
    },
  );

  it("the unlock helper really needs the password (so the locked test is not a no-op)", async () => {
    await lock(collection);
    expect(await unlockLoginKeyring(`${password}-wrong`)).toBe("denied");
    expect(await isLocked(collection)).toBe(true);
  });

  it("never writes a file: the keystore and its local imports do not import the file system", async () => {
    const files = ["keystore.node.ts", "keystore-error.std.ts", "trust-record.std.ts", "identity.node.ts"];
    for (const file of files) {
      const source = await readFile(new URL(`../../src/core/${file}`, import.meta.url), "utf8");
      expect(source, file).not.toMatch(/from\s+["'](node:)?fs(\/promises)?["']|require\(["'](node:)?fs/);
    }
  });
});
