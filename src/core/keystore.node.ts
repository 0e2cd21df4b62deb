// The device's identity and trust record, in the OS keychain (keytar) by default, or in a folder of
// files when the user asked for one (`--store DIR`, file-store.node.ts). There is no fallback between
// them and no plaintext fallback: when the store cannot be used, callers get a KeystoreError whose
// message tells the user what to do.
import { randomUUID } from "node:crypto";
import { parseIdentity, type DeviceIdentity } from "./identity.node.ts";
import { parseGatewayIndex, type GatewayIndex } from "./gateway-index.std.ts";
import { keychainBackend, type SecretBackend } from "./keychain-backend.node.ts";
import { KeystoreError, KEYSTORE_MESSAGES } from "./keystore-error.std.ts";
import { parseTrustRecord, type TrustRecord } from "./trust-record.std.ts";

export { KeystoreError, type KeystoreErrorCode } from "./keystore-error.std.ts";
export type { SecretBackend } from "./keychain-backend.node.ts";
export type { TrustRecord } from "./trust-record.std.ts";

// Account names. One gateway's pair of entries is `identity:<id>` and `trust:<id>`, and `gateways` lists them
// (gateway-index.std.ts). A Keystore without a gateway id reads the single pair of entries (`identity`,
// `trust`) that clients kept before they held several gateways; the fleet migrates those on start.
const INDEX = "gateways";
const GATEWAY_ID = /^[ku][0-9a-f]{16}$/u;
const accountsOf = (gatewayId?: string) =>
  gatewayId
    ? { identity: `identity:${gatewayId}`, trust: `trust:${gatewayId}` }
    : { identity: "identity", trust: "trust" };

/** The keychain operations, unqueued: what a job given to `Keystore.exclusive` may call. */
export interface KeychainOps {
  probe(): Promise<void>;
  loadIdentity(): Promise<DeviceIdentity | null>;
  saveIdentity(identity: DeviceIdentity): Promise<void>;
  loadTrust(): Promise<TrustRecord | null>;
  saveTrust(record: TrustRecord): Promise<void>;
  /** Both entries of a new pairing, written side by side; settles only when both did (one failure rejects). */
  savePairing(identity: DeviceIdentity, trust: TrustRecord): Promise<void>;
  /** Whether either entry exists, without the write probe a missing entry costs (a locked keyring says no). */
  hasEntries(): Promise<boolean>;
  wipe(): Promise<void>;
  loadIndex(): Promise<GatewayIndex | null>;
  /** Resolves only once the index has been written and read back unchanged. */
  saveIndex(index: GatewayIndex): Promise<void>;
  /** Deletes the index (when its last gateway went): nothing of OCMAP's is left behind. */
  removeIndex(): Promise<void>;
  /** The same operations on one gateway's entries, inside the same job. */
  scope(gatewayId: string): KeychainOps;
}

// One queue per keychain service in this process: a wipe that is still running can never delete what
// a newer pairing saves after it, and a pairing that was cancelled cannot write over a newer one. Jobs that
// only read run beside each other (where the backend allows it), still after every job asked for before
// them: several gateways starting at once read their entries side by side.
interface Queue {
  all: Promise<unknown>;
  lastAlone: Promise<unknown>;
}
const queues = new Map<string, Queue>();

/** `shared`: the job may run beside other shared jobs (reads, where the backend allows it); otherwise it runs alone. */
function queued<T>(service: string, shared: boolean, job: () => Promise<T>): Promise<T> {
  const queue = queues.get(service) ?? { all: Promise.resolve(), lastAlone: Promise.resolve() };
  const run = (shared ? queue.lastAlone : queue.all).then(job);
  const done = run.catch(() => undefined);
  const next = shared
    ? { all: Promise.all([queue.all, done]), lastAlone: queue.lastAlone }
    : { all: done, lastAlone: done };
  queues.set(service, next);
  void next.all.then(() => queues.get(service) === next && queues.delete(service));
  return run;
}

/** What a job given to `Keystore.read` may call. */
export interface KeychainReads extends Pick<KeychainOps, "loadIdentity" | "loadTrust" | "loadIndex"> {
  scope(gatewayId: string): KeychainReads;
}

export interface KeystoreOptions {
  /** Keychain service name; tests use a unique one. Default "ocmap". */
  service?: string;
  /** Another place for the entries than the OS keychain (the file store); `service` is then ignored. */
  backend?: SecretBackend;
  /** Scopes the trust and identity entries to one gateway (gateway-index.std.ts `gatewayIdOf`). */
  gatewayId?: string;
}

export class Keystore {
  readonly service: string;
  readonly gatewayId: string | undefined;
  private readonly backend: SecretBackend;
  private readonly accounts: { identity: string; trust: string };

  constructor(options: KeystoreOptions = {}) {
    const service = options.service ?? "ocmap";
    if (service.length === 0) throw new TypeError("Keystore service name must not be empty");
    if (options.gatewayId !== undefined && !GATEWAY_ID.test(options.gatewayId))
      throw new TypeError("Keystore gatewayId must be a gateway id");
    this.service = service;
    this.gatewayId = options.gatewayId;
    this.backend = options.backend ?? keychainBackend(service);
    this.accounts = accountsOf(options.gatewayId);
  }

  /** The same keychain service or file store (and queue), scoped to one gateway's entries. */
  forGateway(gatewayId: string): Keystore {
    return new Keystore({ service: this.service, backend: this.backend, gatewayId });
  }

  // ---- every operation goes through one queue per service (see `queued`) ----

  /** Resolves only if the keychain can store, return and delete an entry right now. */
  probe = (): Promise<void> => this.exclusive((k) => k.probe());
  loadIdentity = (): Promise<DeviceIdentity | null> => this.read((k) => k.loadIdentity());
  saveIdentity = (identity: DeviceIdentity): Promise<void> => this.exclusive((k) => k.saveIdentity(identity));
  loadTrust = (): Promise<TrustRecord | null> => this.read((k) => k.loadTrust());
  /** Resolves only once the record has been written and read back unchanged. */
  saveTrust = (record: TrustRecord): Promise<void> => this.exclusive((k) => k.saveTrust(record));
  /** Deletes the pairing record and the identity; resolves when both are gone (also when they never existed). */
  wipe = (): Promise<void> => this.exclusive((k) => k.wipe());

  /**
   * Runs `job` alone: no other operation on this keychain service (from this process) starts before it
   * settles, and it starts after every one asked for earlier. Inside, use only the `keychain` it is given
   * (this Keystore's own methods would wait for the job itself).
   */
  exclusive<T>(job: (keychain: KeychainOps) => Promise<T>): Promise<T> {
    return queued(this.backend.id, false, () => this.backend.exclusive(() => job(this.direct)));
  }

  /** Like `exclusive`, for a job that only reads: it may run beside other reads, never beside a write. */
  read<T>(job: (keychain: KeychainReads) => Promise<T>): Promise<T> {
    const { readsInParallel } = this.backend;
    return queued(this.backend.id, readsInParallel, () => this.backend.exclusive(() => job(this.direct)));
  }

  private get direct(): KeychainOps {
    const { identity, trust } = this.accounts;
    const ops: KeychainOps = {
      probe: () => this.writeProbe(),
      loadIdentity: () => this.load(identity, "device identity", parseIdentity),
      saveIdentity: async (value) => {
        const valid = parseIdentity(value);
        await this.save(identity, valid, [valid.privateKey]);
      },
      loadTrust: () => this.load(trust, "pairing record", parseTrustRecord),
      saveTrust: async (record) => {
        const valid = parseTrustRecord(record);
        await this.save(trust, valid, [valid.deviceToken]);
      },
      savePairing: async (value, record) => {
        // Both settle (and are read back) before a failure is reported, so a wipe after it finds both.
        const saved = await Promise.allSettled([ops.saveIdentity(value), ops.saveTrust(record)]);
        const failed = saved.find((result) => result.status === "rejected");
        if (failed) throw failed.reason;
      },
      hasEntries: async () => {
        const found = await Promise.all([this.call((b) => b.get(trust)), this.call((b) => b.get(identity))]);
        return found.some((text) => text !== null);
      },
      wipe: async () => {
        const trustDeleted = await this.remove(trust);
        const identityDeleted = await this.remove(identity);
        // false means "there was nothing", or "the keyring is locked" (and the entry is still there).
        if (!trustDeleted || !identityDeleted) await this.writeProbe();
      },
      loadIndex: () => this.load(INDEX, "list of gateways", parseGatewayIndex),
      saveIndex: (index) => this.save(INDEX, parseGatewayIndex(index), []),
      removeIndex: async () => void (await this.remove(INDEX)),
      scope: (gatewayId) => this.forGateway(gatewayId).direct,
    };
    return ops;
  }

  // ---- end of the queue ----

  /**
   * deletePassword. An entry that vanished between libsecret's lookup and its delete (a second OCMAP
   * process wiping the same service at the same moment) fails with "No such interface …Item": it is
   * gone, which is what was asked, so it counts like "there was nothing".
   */
  private async remove(account: string): Promise<boolean> {
    try {
      return await this.call((b) => b.delete(account));
    } catch (err) {
      if (
        err instanceof KeystoreError &&
        err.code === "KEYCHAIN_FAILED" &&
        (await this.call((b) => b.get(account))) === null
      )
        return false;
      throw err;
    }
  }

  private async load<T>(account: string, what: string, parse: (json: unknown) => T): Promise<T | null> {
    const text = await this.call((b) => b.get(account));
    if (text === null) {
      // A locked keyring also answers null: only a write tells "nothing stored" from "locked".
      if (this.backend.nullMayMeanLocked) await this.writeProbe();
      return null;
    }
    // Neither error is passed on: JSON.parse's message quotes the text, which holds the secret.
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.backend.corrupt(account, what);
    }
    try {
      return parse(json);
    } catch {
      throw this.backend.corrupt(account, what);
    }
  }

  private async save(account: string, value: object, secrets: string[]): Promise<void> {
    const text = JSON.stringify(value);
    const redact = [text, ...secrets];
    await this.call((b) => b.set(account, text), redact);
    const stored = await this.call((b) => b.get(account), redact);
    if (stored !== text) {
      throw new KeystoreError(
        "KEYCHAIN_FAILED",
        "The system keychain did not keep what OCMAP saved. Check that your keyring works, then try again.",
      );
    }
  }

  private async writeProbe(): Promise<void> {
    const value = randomUUID();
    // Its own account per probe: two OCMAP processes probing at once must not read each other's entry.
    const account = `probe-${value}`;
    try {
      await this.call((b) => b.set(account, value));
    } catch (err) {
      // The service answered, so a refused write means a locked keyring (or a declined unlock prompt).
      if (err instanceof KeystoreError && err.code === "KEYCHAIN_UNAVAILABLE") throw err;
      if (!this.backend.nullMayMeanLocked) throw err; // a file store names its own failure
      throw new KeystoreError("KEYCHAIN_LOCKED", KEYSTORE_MESSAGES.KEYCHAIN_LOCKED);
    }
    const stored = await this.call((b) => b.get(account));
    await this.call((b) => b.delete(account));
    if (stored !== value) {
      throw new KeystoreError(
        "KEYCHAIN_FAILED",
        "The system keychain did not keep a test entry. Check that your keyring works, then try again.",
      );
    }
  }

  private async call<T>(op: (backend: SecretBackend) => Promise<T>, secrets: readonly string[] = []): Promise<T> {
    try {
      return await op(this.backend);
    } catch (err) {
      throw this.backend.toError(err, secrets);
    }
  }
}
