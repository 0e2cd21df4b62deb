// The file store's failures as KeystoreErrors whose messages name the file or folder and the fix
// (the way OpenSSH names a key file with loose permissions). A message never quotes a file's content.
import { KeystoreError } from "./keystore-error.std.ts";

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

export const storeErrors = {
  looseMode: (path: string, mode: number, isFolder: boolean) =>
    new KeystoreError(
      "STORE_INSECURE",
      `OCMAP's store ${isFolder ? "folder" : "file"} ${path} can be reached by other users (mode ${octal(mode)}). ` +
        `OCMAP will not use it until only you can: run "chmod ${isFolder ? "700" : "600"} ${path}".`,
    ),
  foreignOwner: (path: string, owner: number, self: number) =>
    new KeystoreError(
      "STORE_INSECURE",
      `OCMAP's store ${path} belongs to user ${owner}, not to the user running OCMAP (${self}). Run OCMAP as ` +
        `its owner, or give it to this user: "chown ${self} ${path}".`,
    ),
  notPlain: (path: string, what: string) =>
    new KeystoreError(
      "STORE_INSECURE",
      `OCMAP's store entry ${path} is ${what}, not a plain file. OCMAP will not follow it: remove it and pair again.`,
    ),
  unsupported: () =>
    new KeystoreError(
      "STORE_INSECURE",
      "The file store needs POSIX file permissions (Linux, macOS). On Windows OCMAP uses Credential Manager.",
    ),
  corrupt: (path: string, why: string) =>
    new KeystoreError(
      "STORE_CORRUPT",
      `OCMAP's store file ${path} is damaged (${why}). OCMAP did not change it. Restore it from a backup, or move ` +
        `it away (for example "mv ${path} ${path}.damaged") and pair again.`,
    ),
  keyMissing: (path: string) =>
    new KeystoreError(
      "STORE_KEY_MISSING",
      `OCMAP's store file ${path} is sealed, and no key was given. Set OCMAP_STORE_KEY_FILE to the key file it ` +
        "was sealed with.",
    ),
  keyFileUnreadable: (keyFile: string, why: string) =>
    new KeystoreError(
      "STORE_KEY_MISSING",
      `OCMAP cannot read the store key file ${keyFile} (${why}). Check OCMAP_STORE_KEY_FILE and the file.`,
    ),
  keyTooShort: (keyFile: string, bytes: number) =>
    new KeystoreError(
      "STORE_KEY_WRONG",
      `The store key file ${keyFile} holds ${bytes} bytes; a key needs at least 32 random bytes. Make one with ` +
        `"openssl rand -base64 32 > ${keyFile}".`,
    ),
  keyWrong: (path: string) =>
    new KeystoreError(
      "STORE_KEY_WRONG",
      `OCMAP's store file ${path} was sealed with a different key than the one in OCMAP_STORE_KEY_FILE. Use the ` +
        "key it was sealed with; OCMAP did not change the file.",
    ),
  notSealed: (path: string) =>
    new KeystoreError(
      "STORE_KEY_WRONG",
      `OCMAP's store file ${path} is not sealed, but OCMAP_STORE_KEY_FILE is set. OCMAP did not change it: unset ` +
        "OCMAP_STORE_KEY_FILE to use this store as it is, or forget this device and pair again with the key set.",
    ),
  lockTimeout: (lockFile: string, ms: number) =>
    new KeystoreError(
      "STORE_LOCK_TIMEOUT",
      `Another OCMAP process held the store lock ${lockFile} for more than ${ms} ms. Try again; if no other ` +
        `OCMAP is running, remove ${lockFile}.`,
    ),
  failed: (path: string, code: string) =>
    new KeystoreError(
      "STORE_FAILED",
      `OCMAP could not use its store at ${path} (${code}). Check that the folder exists, is writable and the ` +
        "disk is not full, then try again.",
    ),
};
