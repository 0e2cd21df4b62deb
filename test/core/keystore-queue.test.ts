// Unit test of the Keystore's one queue per service with a FAKE backend (fakeBackend): reads run beside each
// other where the backend allows it, never beside a write, and each job starts after every job asked for
// earlier. The real keychain under several gateways is in test/client/several-gateways.test.ts.
import { describe, expect, it } from "vitest";
import { KeystoreError } from "../../src/core/keystore-error.std.ts";
import { Keystore, type SecretBackend } from "../../src/core/keystore.node.ts";

/** A fake backend whose every get and set waits until the test releases it, so the test sees what overlaps. */
function fakeBackend(readsInParallel: boolean) {
  const entries = new Map<string, string>();
  const pending: Array<{ op: string; release(): void }> = [];
  const waitTurn = (op: string) => new Promise<void>((release) => pending.push({ op, release }));
  const backend: SecretBackend = {
    id: `fake:${Math.random()}`,
    nullMayMeanLocked: false,
    readsInParallel,
    get: async (account) => (await waitTurn(`get ${account}`), entries.get(account) ?? null),
    set: async (account, value) => (await waitTurn(`set ${account}`), void entries.set(account, value)),
    delete: async (account) => entries.delete(account),
    exclusive: (job) => job(),
    toError: (err) => (err instanceof KeystoreError ? err : new KeystoreError("KEYCHAIN_FAILED", "fake failure")),
    corrupt: () => new KeystoreError("KEYCHAIN_CORRUPT", "fake corrupt"),
  };
  /** The operations waiting now, in the order they were asked for. */
  const inFlight = () => pending.map((waiting) => waiting.op);
  /** Lets every waiting operation go on, then lets its continuation run. */
  const releaseAll = async () => {
    for (const waiting of pending.splice(0)) waiting.release();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { backend, inFlight, releaseAll, entries };
}

const index = { version: 1 as const, gateways: [] };

describe("Keystore queue (fake backend)", () => {
  it("runs reads side by side when the backend allows it", async () => {
    const fake = fakeBackend(true);
    const ks = new Keystore({ backend: fake.backend });
    const reads = [ks.read((k) => k.loadIndex()), ks.read((k) => k.scope("k0123456789abcdef").loadIndex())];
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.inFlight()).toEqual(["get gateways", "get gateways"]);
    await fake.releaseAll();
    expect(await Promise.all(reads)).toEqual([null, null]);
  });

  it("runs reads one after another when the backend takes a lock per job", async () => {
    const fake = fakeBackend(false);
    const ks = new Keystore({ backend: fake.backend });
    const reads = [ks.read((k) => k.loadIndex()), ks.read((k) => k.loadIndex())];
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.inFlight()).toEqual(["get gateways"]);
    await fake.releaseAll();
    expect(fake.inFlight()).toEqual(["get gateways"]);
    await fake.releaseAll();
    await Promise.all(reads);
  });

  it("never runs a read beside a write: each waits for every job asked for before it", async () => {
    const fake = fakeBackend(true);
    const ks = new Keystore({ backend: fake.backend });
    const before = ks.read((k) => k.loadIndex());
    const write = ks.exclusive((k) => k.saveIndex(index));
    const after = ks.read((k) => k.loadIndex());
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.inFlight()).toEqual(["get gateways"]); // the earlier read alone
    await fake.releaseAll();
    expect(await before).toBeNull();
    expect(fake.inFlight()).toEqual(["set gateways"]); // then the write, the later read still waiting
    await fake.releaseAll();
    expect(fake.inFlight()).toEqual(["get gateways"]); // the write's read-back
    await fake.releaseAll();
    await write;
    expect(fake.inFlight()).toEqual(["get gateways"]); // only now the later read, which sees the write
    await fake.releaseAll();
    expect(await after).toEqual(index);
  });

  it("a failed job does not stop the queue", async () => {
    const fake = fakeBackend(true);
    const ks = new Keystore({ backend: fake.backend });
    const failed = ks.exclusive(async () => {
      throw new Error("job failed");
    });
    const read = ks.read((k) => k.loadIndex());
    await expect(failed).rejects.toThrow("job failed");
    await new Promise((resolve) => setImmediate(resolve));
    await fake.releaseAll();
    expect(await read).toBeNull();
  });
});
