// Where the CLI keeps the device's trust: the OS keychain, or a folder of files only when asked for with
// `--store DIR` or OCMAP_STORE (never as a fallback). OCMAP_STORE_KEY_FILE seals that folder's files.
import { fileStoreBackend } from "../core/file-store.node.ts";
import { Keystore } from "../core/keystore.node.ts";

export type StoreChoice = { ok: true; keystore: Keystore } | { ok: false; message: string };

export function chooseStore(storeFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreChoice {
  const dir = storeFlag ?? (env.OCMAP_STORE || undefined);
  const keyFile = env.OCMAP_STORE_KEY_FILE || undefined;
  if (dir === "") return { ok: false, message: "--store needs a folder" };
  if (!dir) {
    if (keyFile)
      return {
        ok: false,
        message: "OCMAP_STORE_KEY_FILE seals a file store: set --store DIR or OCMAP_STORE as well (or unset it)",
      };
    return { ok: true, keystore: new Keystore({ service: env.OCMAP_KEYCHAIN_SERVICE || "ocmap" }) };
  }
  return { ok: true, keystore: new Keystore({ backend: fileStoreBackend({ dir, ...(keyFile ? { keyFile } : {}) }) }) };
}
