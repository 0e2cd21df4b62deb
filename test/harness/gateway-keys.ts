// The keychain entries a client keeps for the one gateway it is paired with (each gateway has its own pair of
// entries, listed in the service's index of gateways), for tests that check what was stored or wiped.
import { Keystore } from "../../src/core/keystore.node.ts";

/** The keystore scoped to the service's only gateway; with none listed, one where nothing is stored. */
export function gatewayKeys(service: string): Promise<Keystore> {
  return onlyGateway(new Keystore({ service }));
}

/** The same for any store (a keychain service or a file store folder): its only gateway's scoped keystore. */
export async function onlyGateway(root: Keystore): Promise<Keystore> {
  const gateways = (await root.exclusive((keychain) => keychain.loadIndex()))?.gateways ?? [];
  if (gateways.length > 1) throw new Error(`${root.service} holds ${gateways.length} gateways; name one`);
  return gateways[0] ? root.forGateway(gateways[0].id) : root;
}

/** The keystore scoped to the gateway at `url` (after it was paired). */
export async function gatewayKeysFor(service: string, url: string): Promise<Keystore> {
  const root = new Keystore({ service });
  const gateways = (await root.exclusive((keychain) => keychain.loadIndex()))?.gateways ?? [];
  const entry = gateways.find((line) => line.url === url);
  if (!entry) throw new Error(`${service} lists no gateway at ${url}`);
  return root.forGateway(entry.id);
}

/** Removes every gateway's entries, the index, and an old single record: a clean slate between tests. */
export async function wipeAllGateways(service: string): Promise<void> {
  const root = new Keystore({ service });
  await root.exclusive(async (keychain) => {
    const gateways = (await keychain.loadIndex())?.gateways ?? [];
    for (const entry of gateways) await keychain.scope(entry.id).wipe();
    await keychain.saveIndex({ version: 1, gateways: [] });
    await keychain.wipe();
  });
}
