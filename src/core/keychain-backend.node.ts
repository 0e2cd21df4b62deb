// Where the Keystore keeps its entries: the OS keychain (keytar, the default) or, only when asked for,
// a folder of files (file-store.node.ts). The Keystore owns the queue, the read-back check and the
// parsing; a backend only gets, sets and deletes one string per account and names its own failures.
import { corruptEntry, fromKeytarError, KeystoreError, KEYSTORE_MESSAGES } from "./keystore-error.std.ts";

export interface SecretBackend {
  /** One queue per id in this process: two backends with one id share their entries. */
  readonly id: string;
  /** A keychain answers a read with null when it is locked: the Keystore tells that apart with a write probe. */
  readonly nullMayMeanLocked: boolean;
  /** Reads may run side by side (the keychain); a backend whose `exclusive` takes a lock says no. */
  readonly readsInParallel: boolean;
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  /** False when there was nothing to delete. */
  delete(account: string): Promise<boolean>;
  /** Runs one Keystore job holding whatever lock the backend needs across processes. */
  exclusive<T>(job: () => Promise<T>): Promise<T>;
  /** Whatever an operation threw, as a KeystoreError without the `secrets` in its text. */
  toError(err: unknown, secrets: readonly string[]): KeystoreError;
  /** A stored value that does not parse as what it should be. */
  corrupt(account: string, what: string): KeystoreError;
}

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

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

/** The OS keychain via keytar, one service name per store. */
export function keychainBackend(service: string): SecretBackend {
  return {
    id: `keychain:${service}`,
    nullMayMeanLocked: true,
    readsInParallel: true,
    get: async (account) => (await loadKeytar()).getPassword(service, account),
    set: async (account, value) => (await loadKeytar()).setPassword(service, account, value),
    delete: async (account) => (await loadKeytar()).deletePassword(service, account),
    exclusive: (job) => job(),
    toError: fromKeytarError,
    corrupt: (_account, what) => corruptEntry(what),
  };
}
