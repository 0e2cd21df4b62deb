// Reading the index of gateways at start, and moving the single pair of entries older clients kept
// (`identity`, `trust`) to the per-gateway layout, in place and without pairing again. Each step is
// written and read back before the next, and the old entries go last, so a crash at any point loses
// nothing: the next start finds the old entries still there and finishes the move.
import { EMPTY_INDEX, entryFor, gatewayIdOf, type GatewayIndex } from "./gateway-index.std.ts";
import type { KeychainOps, Keystore } from "./keystore.node.ts";

/** The index, after migrating a single-gateway record if one is there. `keystore` is the unscoped one. */
export function loadGatewayIndex(keystore: Keystore): Promise<GatewayIndex> {
  return keystore.exclusive(async (keychain) => {
    const index = (await keychain.loadIndex()) ?? EMPTY_INDEX;
    return (await keychain.hasEntries()) ? migrateSingleRecord(keychain, index) : index;
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
