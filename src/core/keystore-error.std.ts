// Keychain failures as codes the UI can branch on, with messages that say what to do. A message
// never carries a secret: callers pass the values in play so they are cut from the OS's text.

export type KeystoreErrorCode =
  "KEYCHAIN_UNAVAILABLE" | "KEYCHAIN_LOCKED" | "KEYCHAIN_CORRUPT" | "KEYCHAIN_FAILED" | StoreErrorCode;

/** The file store's failures (`--store DIR`); each message names the file or folder and the fix. */
export type StoreErrorCode =
  "STORE_INSECURE" | "STORE_CORRUPT" | "STORE_KEY_MISSING" | "STORE_KEY_WRONG" | "STORE_LOCK_TIMEOUT" | "STORE_FAILED";

export class KeystoreError extends Error {
  override readonly name = "KeystoreError";
  constructor(
    readonly code: KeystoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const KEYSTORE_MESSAGES = {
  KEYCHAIN_UNAVAILABLE:
    "OCMAP cannot reach the system keychain. Run it in a desktop session with a keyring (GNOME Keyring, " +
    "KWallet, macOS Keychain or Windows Credential Manager) and try again; OCMAP never keeps credentials in " +
    "plain files.",
  KEYCHAIN_LOCKED:
    "The system keychain is locked. Unlock it (for example in your keyring manager, or by logging in again) and " +
    "try again.",
} as const;

export function corruptEntry(what: string): KeystoreError {
  return new KeystoreError(
    "KEYCHAIN_CORRUPT",
    `OCMAP's saved ${what} in the system keychain is damaged. Forget this device in OCMAP and pair again.`,
  );
}

// keytar rejects with the OS's own text (libsecret's GError on Linux). These are the texts seen for
// "no D-Bus session", "no Secret Service" and "keyring locked" (docs/gateway-facts.md, "Keychain").
const UNAVAILABLE = [
  /Cannot autolaunch D-Bus/i,
  /Could not connect/i,
  /DBUS_SESSION_BUS_ADDRESS/i,
  /org\.freedesktop\.secrets was not provided/i,
  /ServiceUnknown/i,
  /Cannot load keytar/i,
];
const LOCKED = [/locked/i, /prompt.*dismissed/i, /cancell?ed/i];

/** Turns whatever keytar threw into a KeystoreError; `secrets` are redacted from the OS's text. */
export function fromKeytarError(err: unknown, secrets: readonly string[] = []): KeystoreError {
  if (err instanceof KeystoreError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  if (UNAVAILABLE.some((re) => re.test(raw)))
    return new KeystoreError("KEYCHAIN_UNAVAILABLE", KEYSTORE_MESSAGES.KEYCHAIN_UNAVAILABLE);
  if (LOCKED.some((re) => re.test(raw))) return new KeystoreError("KEYCHAIN_LOCKED", KEYSTORE_MESSAGES.KEYCHAIN_LOCKED);
  let reason = raw;
  for (const secret of secrets) if (secret.length > 0) reason = reason.split(secret).join("[redacted]");
  reason = reason.slice(0, 300);
  return new KeystoreError(
    "KEYCHAIN_FAILED",
    `The system keychain refused the request (${reason}). Try again; if it keeps failing, check your keyring.`,
  );
}
