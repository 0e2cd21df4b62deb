// The OS keychain via keytar, for the main process and the headless CLI only. Nothing is ever
// written to a file and there is no plaintext fallback: when the keychain cannot be used, callers
// get a KeystoreError whose message tells the user what to do.
import { randomUUID } from "node:crypto";
import { parseIdentity, type DeviceIdentity } from "./identity.node.ts";
import { corruptEntry, fromKeytarError, KeystoreError, KEYSTORE_MESSAGES } from "./keystore-error.std.ts";
import { parseTrustRecord, type TrustRecord } from "./trust-record.std.ts";

export { KeystoreError, type KeystoreErrorCode } from "./keystore-error.std.ts";
export type { TrustRecord } from "./trust-record.std.ts";

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

const IDENTITY = "identity";
const TRUST = "trust";

let keytarModule: Promise<Keytar> | undefined;

// Loaded on first use, so a missing native build is a KEYCHAIN_UNAVAILABLE and not a crash at
// startup. Never use findCredentials: keytar 7.9.0 crashes the process (SIGSEGV) when it runs
// against a locked gnome-keyring that holds our items.
function loadKeytar(): Promise<Keytar> {
  keytarModule ??= import("keytar").then(
    (m) => (m.default ?? m) as Keytar,
    () => {
      keytarModule = undefined;
      throw new KeystoreError("KEYCHAIN_UNAVAILABLE", KEYSTORE_MESSAGES.KEYCHAIN_UNAVAILABLE);
    },
  );
  return keytarModule;
}

/** The keychain operations, unqueued: what a job given to `Keystore.exclusive` may call. */
export interface KeychainOps {
  probe(): Promise<void>;
  loadIdentity(): Promise<DeviceIdentity | null>;
  saveIdentity(identity: DeviceIdentity): Promise<void>;
  loadTrust(): Promise<TrustRecord | null>;
  saveTrust(record: TrustRecord): Promise<void>;
  wipe(): Promise<void>;
}

// One queue per keychain service in this process: a wipe that is still running can never delete what
// a newer pairing saves after it, and a pairing that was cancelled cannot write over a newer one.
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(service: string, job: () => Promise<T>): Promise<T> {
  const run = (queues.get(service) ?? Promise.resolve()).then(job);
  const tail = run.catch(() => undefined);
  queues.set(service, tail);
  void tail.then(() => queues.get(service) === tail && queues.delete(service));
  return run;
}

export interface KeystoreOptions {
  /** Keychain service name; tests use a unique one. Default "ocmap". */
  service?: string;
}

export class Keystore {
  readonly service: string;

  constructor(options: KeystoreOptions = {}) {
    const service = options.service ?? "ocmap";
    if (service.length === 0) throw new TypeError("Keystore service name must not be empty");
    this.service = service;
  }

  // ---- every operation goes through one queue per service (see `serialized`) ----

  /** Resolves only if the keychain can store, return and delete an entry right now. */
  probe = (): Promise<void> => this.exclusive((k) => k.probe());
  loadIdentity = (): Promise<DeviceIdentity | null> => this.exclusive((k) => k.loadIdentity());
  saveIdentity = (identity: DeviceIdentity): Promise<void> => this.exclusive((k) => k.saveIdentity(identity));
  loadTrust = (): Promise<TrustRecord | null> => this.exclusive((k) => k.loadTrust());
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
    return serialized(this.service, () => job(this.direct));
  }

  private readonly direct: KeychainOps = {
    probe: () => this.writeProbe(),
    loadIdentity: () => this.load(IDENTITY, "device identity", parseIdentity),
    saveIdentity: async (identity) => {
      const valid = parseIdentity(identity);
      await this.save(IDENTITY, valid, [valid.privateKey]);
    },
    loadTrust: () => this.load(TRUST, "pairing record", parseTrustRecord),
    saveTrust: async (record) => {
      const valid = parseTrustRecord(record);
      await this.save(TRUST, valid, [valid.deviceToken]);
    },
    wipe: async () => {
      const trustDeleted = await this.remove(TRUST);
      const identityDeleted = await this.remove(IDENTITY);
      // false means "there was nothing", or "the keyring is locked" (and the entry is still there).
      if (!trustDeleted || !identityDeleted) await this.writeProbe();
    },
  };

  // ---- end of the queue ----

  /**
   * deletePassword. An entry that vanished between libsecret's lookup and its delete (a second OCMAP
   * process wiping the same service at the same moment) fails with "No such interface …Item": it is
   * gone, which is what was asked, so it counts like "there was nothing".
   */
  private async remove(account: string): Promise<boolean> {
    try {
      return await this.call((k) => k.deletePassword(this.service, account));
    } catch (err) {
      if (
        err instanceof KeystoreError &&
        err.code === "KEYCHAIN_FAILED" &&
        (await this.call((k) => k.getPassword(this.service, account))) === null
      )
        return false;
      throw err;
    }
  }

  private async load<T>(account: string, what: string, parse: (json: unknown) => T): Promise<T | null> {
    const text = await this.call((k) => k.getPassword(this.service, account));
    if (text === null) {
      // A locked keyring also answers null: only a write tells "nothing stored" from "locked".
      await this.writeProbe();
      return null;
    }
    // Neither error is passed on: JSON.parse's message quotes the text, which holds the secret.
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw corruptEntry(what);
    }
    try {
      return parse(json);
    } catch {
      throw corruptEntry(what);
    }
  }

  private async save(account: string, value: object, secrets: string[]): Promise<void> {
    const text = JSON.stringify(value);
    const redact = [text, ...secrets];
    await this.call((k) => k.setPassword(this.service, account, text), redact);
    const stored = await this.call((k) => k.getPassword(this.service, account), redact);
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
      await this.call((k) => k.setPassword(this.service, account, value));
    } catch (err) {
      // The service answered, so a refused write means a locked keyring (or a declined unlock prompt).
      if (err instanceof KeystoreError && err.code === "KEYCHAIN_UNAVAILABLE") throw err;
      throw new KeystoreError("KEYCHAIN_LOCKED", KEYSTORE_MESSAGES.KEYCHAIN_LOCKED);
    }
    const stored = await this.call((k) => k.getPassword(this.service, account));
    await this.call((k) => k.deletePassword(this.service, account));
    if (stored !== value) {
      throw new KeystoreError(
        "KEYCHAIN_FAILED",
        "The system keychain did not keep a test entry. Check that your keyring works, then try again.",
      );
    }
  }

  private async call<T>(op: (k: Keytar) => Promise<T>, secrets: readonly string[] = []): Promise<T> {
    const keytar = await loadKeytar();
    try {
      return await op(keytar);
    } catch (err) {
      throw fromKeytarError(err, secrets);
    }
  }
}
