// Headless launch → connected with the file store (`--store DIR`, plain and sealed) against the keychain
// store, in the same run: a fresh `ocmap status` process each time (node start, store read, WebSocket
// connect with the stored device token, report, exit), the three alternating.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCore } from "../src/core/core.node.ts";
import { fileStoreBackend } from "../src/core/file-store.node.ts";
import { Keystore } from "../src/core/keystore.node.ts";
import { newKeychainService, ocmapBin } from "../test/harness/cli.ts";
import { repoRoot, type Gateway } from "../test/harness/gateway.ts";
import type { Row } from "./lib/row.ts";
import { fmt, ratio, summarize, timed } from "./lib/stats.ts";

async function pairInto(gateway: Gateway, keystore: Keystore): Promise<void> {
  const core = createCore({ keystore });
  core.start();
  await core.waitFor((v) => v.activity === "idle");
  core.pair(gateway.url, (await gateway.call("pairing.createCode", {})).code);
  const view = await core.waitFor((x) => x.state !== "PAIRING_IN_PROGRESS");
  core.stop();
  if (view.state !== "PAIRED_CONNECTED") throw new Error("pairing for the launch bench failed");
}

function status(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ocmapBin, "status", "--json"], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
    child.on("exit", (code) => resolve(code ?? -1));
  });
}

export async function benchLaunchFileStore(gateway: Gateway, runs = 10): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), "ocmap-bench-store-"));
  try {
    const service = newKeychainService();
    const keyFile = join(dir, "store.key");
    await writeFile(keyFile, randomBytes(32).toString("base64"), { mode: 0o400 });
    const plain = join(dir, "plain");
    const sealed = join(dir, "sealed");
    await pairInto(gateway, new Keystore({ service }));
    await pairInto(gateway, new Keystore({ backend: fileStoreBackend({ dir: plain }) }));
    await pairInto(gateway, new Keystore({ backend: fileStoreBackend({ dir: sealed, keyFile }) }));
    const envs = {
      keychain: { OCMAP_KEYCHAIN_SERVICE: service },
      file: { OCMAP_STORE: plain },
      sealed: { OCMAP_STORE: sealed, OCMAP_STORE_KEY_FILE: keyFile },
    };
    const samples: Record<keyof typeof envs, number[]> = { keychain: [], file: [], sealed: [] };
    for (const env of Object.values(envs)) await status(env); // warm the file cache
    for (let i = 0; i < runs; i++) {
      for (const [name, env] of Object.entries(envs) as [keyof typeof envs, NodeJS.ProcessEnv][]) {
        const timing = await timed(() => status(env));
        if (timing.value !== 0) throw new Error(`ocmap status (${name}) exited ${timing.value}`);
        samples[name].push(timing.ms);
      }
    }
    const keychain = summarize(samples.keychain);
    const row = (name: "file" | "sealed", measure: string): Row => {
      const summary = summarize(samples[name]);
      const launchRatio = ratio(summary, keychain);
      return {
        measure,
        value: fmt(summary, "ms"),
        reference: `keychain store (gnome-keyring over D-Bus) ${fmt(keychain, "ms")}`,
        ratio: launchRatio,
        goal: "≤ 1× the keychain store",
        met: launchRatio <= 1,
        how:
          "spawn → exit of `node bin/ocmap.mjs status --json` with a stored token (exit 0 = PAIRED_CONNECTED), " +
          "the file store, the sealed file store and the keychain alternating, one device paired into each",
      };
    };
    return [
      row("file", "Headless launch → connected, file store (`--store DIR`)"),
      row("sealed", "Headless launch → connected, sealed file store (`OCMAP_STORE_KEY_FILE`)"),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
