// The secrets a test must never find in the DOM, in storage or across IPC: bootstrap tokens of the
// codes it created, and the device token and private key in the keychain. (The pairing code itself
// is not one: the user types it.)
import { expect } from "vitest";
import type { Keystore } from "../../src/core/keystore.node.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";

export interface SecretScan {
  add(secret: string): void;
  /** Reads the keychain and adds its secrets; returns what it read. */
  remember(): ReturnType<typeof readKeychain>;
  /** Fails when any known secret appears in any of `places` (name → text). */
  expectNoneIn(step: string, places: Record<string, string>): Promise<void>;
}

/** The entries of the service's one gateway (each gateway has its own; these tests pair one at a time). */
async function readKeychain(keystore: Keystore) {
  const scoped = await gatewayKeys(keystore.service);
  return { trust: await scoped.loadTrust(), identity: await scoped.loadIdentity() };
}

export function secretScan(keystore: Keystore): SecretScan {
  const secrets = new Set<string>();
  const remember = async () => {
    const read = await readKeychain(keystore);
    if (read.trust) secrets.add(read.trust.deviceToken);
    if (read.identity) secrets.add(read.identity.privateKey);
    return read;
  };
  return {
    add: (secret) => void secrets.add(secret),
    remember,
    async expectNoneIn(step, places) {
      await remember();
      expect(secrets.size, "the test collected the secrets it looks for").toBeGreaterThan(0);
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(8);
        for (const [place, text] of Object.entries(places))
          expect(text.includes(secret), `${step}: a secret is in ${place}`).toBe(false);
      }
    },
  };
}
