// The burst of bench/enroll.ts, in its own process (so its CPU work does not delay the health probe's own
// timing): N cores, each with its own keychain entry, pair with one enrollment key at once. Prints one JSON
// line: {wallMs, deviceIds, failures}. Usage: tsx bench/enroll-burst.ts <gateway-url> <key-file> <count>
import { readFileSync } from "node:fs";
import { createCore } from "../src/core/core.node.ts";
import { Keystore } from "../src/core/keystore.node.ts";
import { newKeychainService } from "../test/harness/cli.ts";

const [url, keyFile, count] = process.argv.slice(2) as [string, string, string];
const key = readFileSync(keyFile, "utf8").trim();
const devices = Array.from({ length: Number(count) }, () => {
  const keystore = new Keystore({ service: newKeychainService() });
  const core = createCore({ keystore, timeoutMs: 60_000 });
  core.start();
  return { keystore, core };
});
await Promise.all(devices.map(({ core }) => core.waitFor((v) => v.activity === "idle", 60_000)));
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve)); // the parent says go
const startedAt = performance.now();
const ends = await Promise.all(
  devices.map(async ({ core }) => {
    core.pair(url, key);
    return core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "pairing", 120_000);
  }),
);
const wallMs = performance.now() - startedAt;
const deviceIds = ends.filter((end) => end.state === "PAIRED_CONNECTED").map((end) => end.device!.id);
const failures = ends.filter((end) => end.state !== "PAIRED_CONNECTED").map((end) => end.lastError?.code ?? end.state);
process.stdout.write(`${JSON.stringify({ wallMs, deviceIds, failures })}\n`);
for (const { core, keystore } of devices) {
  core.stop();
  await keystore.wipe().catch(() => undefined);
}
process.exit(0);
