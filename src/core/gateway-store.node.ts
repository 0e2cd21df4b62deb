// One gateway's place in the keychain, as a core sees it (a TrustStore): its two entries and its line in the
// index of gateways, kept together under the keychain's one queue. A store made for "pair a new gateway"
// starts without an id and takes the paired gateway's own when the pairing is saved.
import { ClientError } from "./client-errors.std.ts";
import type { TrustStore } from "./core.node.ts";
import { EMPTY_INDEX, entryFor, type GatewayEntry } from "./gateway-index.std.ts";
import type { DeviceIdentity } from "./identity.node.ts";
import type { KeychainOps, Keystore, TrustRecord } from "./keystore.node.ts";

export class GatewayStore implements TrustStore {
  /** Null while this store belongs to no gateway (not paired yet, or wiped). */
  entry: GatewayEntry | null;

  constructor(
    private readonly keystore: Keystore,
    entry: GatewayEntry | null = null,
  ) {
    this.entry = entry;
  }

  probe = (): Promise<void> => this.keystore.probe();
  loadIdentity = (): Promise<DeviceIdentity | null> =>
    this.keystore.read(async (k) => (this.entry ? k.scope(this.entry.id).loadIdentity() : null));
  loadTrust = (): Promise<TrustRecord | null> =>
    this.keystore.read(async (k) => (this.entry ? k.scope(this.entry.id).loadTrust() : null));
  wipe = (): Promise<void> => this.exclusive((k) => k.wipe());

  exclusive<T>(job: (keychain: KeychainOps) => Promise<T>): Promise<T> {
    return this.keystore.exclusive((keychain) => job(this.opsWithin(keychain)));
  }

  /** The core's keychain operations, aimed at this gateway's entries; without an id, there is nothing stored. */
  private opsWithin(keychain: KeychainOps): KeychainOps {
    const own = () => (this.entry ? keychain.scope(this.entry.id) : null);
    return {
      ...keychain,
      loadIdentity: async () => (await own()?.loadIdentity()) ?? null,
      saveIdentity: async (identity) => {
        const scoped = own();
        if (!scoped) throw new ClientError("INTERNAL");
        await scoped.saveIdentity(identity);
      },
      loadTrust: async () => (await own()?.loadTrust()) ?? null,
      saveTrust: async (record) => {
        const scoped = own();
        if (!scoped) throw new ClientError("INTERNAL");
        await scoped.saveTrust(record);
      },
      hasEntries: async () => (await own()?.hasEntries()) ?? false,
      savePairing: async (identity, trust) => {
        if (this.entry) throw new ClientError("INTERNAL"); // a paired gateway pairs again only after a wipe
        const index = (await keychain.loadIndex()) ?? EMPTY_INDEX;
        const entry = entryFor(trust, index.gateways);
        if (index.gateways.some((other) => other.id === entry.id)) throw new ClientError("ALREADY_PAIRED");
        // The index line first: a crash after it leaves a line without trust, which the fleet removes on
        // its next start; a crash the other way round would leave a token nobody can find.
        await keychain.saveIndex({ version: 1, gateways: [...index.gateways, entry] });
        this.entry = entry;
        await keychain.scope(entry.id).savePairing(identity, trust);
      },
      wipe: async () => {
        if (!this.entry) return;
        const { id } = this.entry;
        await keychain.scope(id).wipe();
        const index = await keychain.loadIndex();
        const left = index?.gateways.filter((entry) => entry.id !== id) ?? [];
        if (index && left.length === 0) await keychain.removeIndex();
        else if (index && left.length < index.gateways.length) await keychain.saveIndex({ ...index, gateways: left });
        this.entry = null;
      },
    };
  }
}
