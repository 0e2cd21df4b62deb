// The core's keychain writes that must not outlive their pairing or cross a newer one: each is one keychain job.
import { ClientError } from "./client-errors.std.ts";
import type { TrustStore } from "./core.node.ts";
import type { DeviceIdentity } from "./identity.node.ts";
import type { TrustRecord } from "./keystore.node.ts";

export function keychainWrites(ks: TrustStore) {
  /** Saves a pairing, unless it was cancelled; a cancel during the save undoes it (one keychain job). */
  const savePairing = (signal: AbortSignal, identity: DeviceIdentity, trust: TrustRecord) =>
    ks.exclusive(async (keychain) => {
      if (signal.aborted) throw new ClientError("INTERNAL"); // a newer pairing or a forget owns the keychain
      try {
        await keychain.savePairing(identity, trust); // both entries settled (and read back) before a wipe
        if (signal.aborted) throw new ClientError("INTERNAL");
      } catch (err) {
        await keychain.wipe().catch(() => undefined);
        throw err;
      }
    });

  /**
   * A token the gateway reissued, or one handed over after an access change (with its scopes), replaces the stored
   * one only if that is still this device's record.
   */
  const saveToken = (trust: TrustRecord, deviceToken: string, scopes?: string[]) =>
    ks.exclusive(async (keychain) => {
      const stored = await keychain.loadTrust();
      if (stored?.deviceId === trust.deviceId && stored.deviceToken === trust.deviceToken)
        await keychain.saveTrust({ ...stored, deviceToken, ...(scopes ? { scopes } : {}) });
    });

  /** A renewed or upgraded pin (vouched for by the pinned identity key) replaces the stored one, same rule. */
  const saveRenewedPin = (trust: TrustRecord, renewed: TrustRecord) =>
    ks.exclusive(async (keychain) => {
      const stored = await keychain.loadTrust();
      if (stored?.deviceId === trust.deviceId && stored.deviceToken === trust.deviceToken)
        await keychain.saveTrust({ ...stored, gatewayIdentity: renewed.gatewayIdentity });
    });

  return { savePairing, saveToken, saveRenewedPin };
}
