// Reading the index of gateways at start, and moving the single pair of entries older clients kept
// (`identity`, `trust`) to the per-gateway layout, in place and without pairing again. Each step is
// written and read back before the next, and the old entries go last, so a crash at any point loses
// nothing: the next start finds the old entries still there and finishes the move.
import { EMPTY_INDEX, entryFor, gatewayIdOf, type GatewayIndex } from "./gateway-index.std.ts";
import { KeystoreError } from "./keystore-error.std.ts";
import type { KeychainOps, Keystore } from "./keystore.node.ts";
import type { Reason } from "./lifecycle-types.std.ts";

/**
 * Said when the old single record could not be read. In the keychain it is removed (it cannot be repaired,
 * and no newer client writes those entries); a file store's damaged file is left where it is, as the file
 * store's own sentence says (it names the file and how to move it away). Either way the list loads without it.
 */
export const OLD_RECORD_REMOVED: Reason = {
  code: "OLD_PAIRING_DAMAGED",
  message:
    "The pairing an older OCMAP saved in the system keychain was damaged, so it could not join the list of " +
    "gateways; OCMAP removed it. Your other gateways are unaffected. Pair that gateway again (its operator can " +
    "remove the old device from the gateway's device list).",
};

/**
 * The index, after migrating a single-gateway record if one is there. `keystore` is the unscoped one.
 * `onDamaged` hears what happened to an old record that could not be read (see OLD_RECORD_REMOVED).
 */
export function loadGatewayIndex(keystore: Keystore, onDamaged?: (said: Reason) => void): Promise<GatewayIndex> {
  return keystore.exclusive(async (keychain) => {
    const index = (await keychain.loadIndex()) ?? EMPTY_INDEX;
    if (!(await keychain.hasEntries())) return index;
    try {
      return await migrateSingleRecord(keychain, index);
    } catch (error) {
      if (!(error instanceof KeystoreError)) throw error;
      if (error.code === "STORE_CORRUPT") {
        onDamaged?.({ code: "OLD_PAIRING_DAMAGED", message: error.message });
        return index;
      }
      if (error.code !== "KEYCHAIN_CORRUPT") throw error;
      await keychain.wipe();
      onDamaged?.(OLD_RECORD_REMOVED);
      return index;
    }
  });
}

async function migrateSingleRecord(legacy: KeychainOps, index: GatewayIndex): Promise<GatewayIndex> {
  const trust = await legacy.loadTrust();
  if (trust) {
    const identity = await legacy.loadIdentity();
    const id = gatewayIdOf(trust);
    const scoped = legacy.scope(id);
    const listed = index.gateways.some((entry) => entry.id === id);
    // Listed with its trust: an earlier start got as far as the index, so the copy there is the one to keep.
    if (!listed || (await scoped.loadTrust()) === null) {
      if (identity) await scoped.saveIdentity(identity);
      await scoped.saveTrust(trust);
      if (!listed) {
        index = { version: 1, gateways: [...index.gateways, entryFor(trust, index.gateways)] };
        await legacy.saveIndex(index);
      }
    }
  }
  // Only now the old entries go (an identity without trust is what an unfinished pairing left: nothing to keep).
  await legacy.wipe();
  return index;
}
