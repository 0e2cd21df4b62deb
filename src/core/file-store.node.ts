// The file store: the Keystore's entries as files in a folder, for machines without a keychain. Used only
// when asked for (`--store DIR`, OCMAP_STORE); never a fallback. The folder must be 0700 and the files 0600,
// both owned by the user running OCMAP, or every operation refuses and names the fix. Writes are durable
// (temp file, fsync, rename, fsync of the folder); a damaged file is an error naming it, and OCMAP writes
// over or deletes nothing it cannot read. With a key file every value is sealed (file-store-seal.node.ts).
import { constants } from "node:fs";
import { chmod, mkdir, open, rename, stat, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import type { SecretBackend } from "./keychain-backend.node.ts";
import { KeystoreError } from "./keystore-error.std.ts";
import { storeErrors } from "./file-store-errors.std.ts";
import { withStoreLock, type LockOptions } from "./file-store-lock.node.ts";
import { loadStoreKey, seal, unseal, type StoreKey } from "./file-store-seal.node.ts";

export interface FileStoreOptions {
  dir: string;
  /** Seals every value with a key derived from this file (OCMAP_STORE_KEY_FILE). */
  keyFile?: string;
  lock?: LockOptions;
}

/**
 * A file's name for an account: letters, digits, `_` and `-` as they are, `:` (between an entry and its
 * gateway) as `.`, anything else %-encoded, so two accounts never share a file (`trust:k12…` → `trust.k12….json`).
 */
export function storeFileName(account: string): string {
  const safe = [...new TextEncoder().encode(account)]
    .map((byte, at) => {
      const char = String.fromCharCode(byte);
      if (char === ":" && at > 0) return "."; // never first: no hidden file
      return /[A-Za-z0-9_-]/.test(char) ? char : `%${byte.toString(16).padStart(2, "0")}`;
    })
    .join("");
  return `${safe || "%"}.json`;
}

const FORMAT = 1;

export function fileStoreBackend(options: FileStoreOptions): SecretBackend {
  const dir = resolve(options.dir);
  let key: Promise<StoreKey | null> | undefined;
  let created: Promise<void> | undefined;

  const storeKey = () => {
    key ??= options.keyFile ? loadStoreKey(options.keyFile) : Promise.resolve(null);
    return key.catch((err: unknown) => {
      key = undefined; // a key file put in place later is read then
      throw err;
    });
  };
  const pathOf = (account: string) => join(dir, storeFileName(account));

  /** The folder exists (made 0700 if it did not), is ours and only ours. Checked before every job. */
  const checkFolder = async () => {
    if (typeof process.geteuid !== "function") throw storeErrors.unsupported();
    created ??= stat(dir).then(
      () => undefined,
      async (err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw storeErrors.failed(dir, err.code ?? "stat");
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await chmod(dir, 0o700);
      },
    );
    await created.catch((err) => {
      created = undefined;
      throw err instanceof KeystoreError ? err : storeErrors.failed(dir, errno(err));
    });
    const info = await stat(dir).catch((err) => {
      throw storeErrors.failed(dir, errno(err));
    });
    if (!info.isDirectory()) throw storeErrors.notPlain(dir, "not a folder");
    checkOwnerAndMode(dir, info, true);
  };

  /** The stored value, or null. Refuses a link, a file that is not ours or is readable by others, and damage. */
  const read = async (account: string): Promise<string | null> => {
    const path = pathOf(account);
    let text: string;
    try {
      const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const info = await handle.stat();
        if (!info.isFile()) throw storeErrors.notPlain(path, "not a regular file");
        checkOwnerAndMode(path, info, false);
        text = await handle.readFile("utf8");
      } finally {
        await handle.close();
      }
    } catch (err) {
      if (err instanceof KeystoreError) throw err;
      const code = errno(err);
      if (code === "ENOENT") return null;
      if (code === "ELOOP") throw storeErrors.notPlain(path, "a symbolic link");
      throw storeErrors.failed(path, code);
    }
    return openEnvelope(path, account, text, await storeKey());
  };

  const syncFolder = async () => {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  };

  const write = async (account: string, value: string) => {
    await read(account); // throws on a damaged or foreign file: it is never written over
    const sealKey = await storeKey();
    const envelope = sealKey
      ? { ocmapStore: FORMAT, account, sealed: seal(sealKey, account, value) }
      : { ocmapStore: FORMAT, account, value };
    const temp = join(dir, `.tmp-${randomBytes(8).toString("hex")}`);
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(envelope)}\n`);
      await handle.sync();
    } catch (err) {
      await handle.close();
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    await handle.close();
    await rename(temp, pathOf(account)).catch(async (err) => {
      await unlink(temp).catch(() => undefined);
      throw err;
    });
    await syncFolder();
  };

  const remove = async (account: string) => {
    if ((await read(account)) === null) return false; // a damaged file throws: it is not deleted
    await unlink(pathOf(account));
    await syncFolder();
    return true;
  };

  return {
    id: `file:${dir}`,
    nullMayMeanLocked: false,
    readsInParallel: false,
    get: read,
    set: write,
    delete: remove,
    exclusive: async (job) => {
      await checkFolder();
      await storeKey(); // a bad key file fails every operation, an empty store's too

      return withStoreLock(dir, job, options.lock);
    },
    toError: (err) => (err instanceof KeystoreError ? err : storeErrors.failed(dir, errno(err))),
    corrupt: (account, what) => storeErrors.corrupt(pathOf(account), `the ${what} in it is not valid`),
  };
}

function checkOwnerAndMode(path: string, info: { uid: number; mode: number }, isFolder: boolean) {
  const self = process.geteuid!();
  if (info.uid !== self) throw storeErrors.foreignOwner(path, info.uid, self);
  if ((info.mode & 0o077) !== 0) throw storeErrors.looseMode(path, info.mode, isFolder);
}

function openEnvelope(path: string, account: string, text: string, key: StoreKey | null): string {
  if (text.trim() === "") throw storeErrors.corrupt(path, "it is empty");
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    throw storeErrors.corrupt(path, "it is not valid JSON");
  }
  const fields = envelope as { ocmapStore?: unknown; account?: unknown; value?: unknown; sealed?: unknown };
  if (typeof fields !== "object" || fields === null || fields.ocmapStore !== FORMAT)
    throw storeErrors.corrupt(path, "it is not an OCMAP store file of a known format");
  if (fields.account !== account) throw storeErrors.corrupt(path, "it holds another entry than its name says");
  if ("sealed" in fields) {
    if (!key) throw storeErrors.keyMissing(path);
    return unseal(key, account, fields.sealed, path);
  }
  if (typeof fields.value !== "string") throw storeErrors.corrupt(path, "it has no value");
  if (key) throw storeErrors.notSealed(path);
  return fields.value;
}

const errno = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? "error";
