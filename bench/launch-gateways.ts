// Launch to connected with several gateways: a fresh `ocmap list` process (node start, the index and each
// gateway's entries read, every gateway connected side by side with its stored device token, one line each,
// exit) with three gateways paired, against the same with one. Two more real gateways are started for it.
import { spawn } from "node:child_process";
import { createGatewayFleet } from "../src/core/gateway-fleet.node.ts";
import { Keystore } from "../src/core/keystore.node.ts";
import { newKeychainService, ocmapBin } from "../test/harness/cli.ts";
import { repoRoot, startGateway, type Gateway } from "../test/harness/gateway.ts";
import type { Row } from "./lib/row.ts";
import { fmt, ratio, summarize, timed } from "./lib/stats.ts";

async function pairedWith(gateways: Gateway[]): Promise<string> {
  const service = newKeychainService();
  const fleet = createGatewayFleet({ keystore: new Keystore({ service }) });
  await fleet.start();
  try {
    for (const gateway of gateways) {
      const started = await fleet.pair(gateway.url, (await gateway.call("pairing.createCode", {})).code);
      if (!started.ok) throw new Error(started.message);
      const end = await started.core.waitFor((view) => view.state !== "PAIRING_IN_PROGRESS");
      if (end.state !== "PAIRED_CONNECTED") throw new Error("pairing for the launch bench failed");
    }
  } finally {
    fleet.stop();
  }
  return service;
}

/** `ocmap list --json`; resolves with its wall time once every line says PAIRED_CONNECTED. */
function listRun(service: string, expected: number): Promise<number> {
  return timed(
    () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [ocmapBin, "list", "--json"], {
          cwd: repoRoot,
          env: { ...process.env, OCMAP_KEYCHAIN_SERVICE: service },
          stdio: ["ignore", "pipe", "ignore"],
        });
        let stdout = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.on("exit", (code) => {
          const lines = stdout
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line));
          const connected = lines.filter((line) => line.state === "PAIRED_CONNECTED").length;
          if (code === 0 && connected === expected) resolve();
          else reject(new Error(`ocmap list exited ${code} with ${connected}/${expected} connected`));
        });
      }),
  ).then((timing) => timing.ms);
}

// 20 pairs of runs, not 10: the three gateways' own background work (a health refresh, say) lands in a run now
// and then, and on a two-core machine one such run moves a median of ten.
export async function benchLaunchGateways(gateway: Gateway, runs = 20): Promise<Row[]> {
  const more = await Promise.all([startGateway(), startGateway()]);
  try {
    const three = await pairedWith([gateway, ...more]);
    const one = await pairedWith([gateway]);
    await listRun(three, 3); // warm the file cache
    await listRun(one, 1);
    const withThree: number[] = [];
    const withOne: number[] = [];
    for (let i = 0; i < runs; i++) {
      withThree.push(await listRun(three, 3));
      withOne.push(await listRun(one, 1));
    }
    const [threeSummary, oneSummary] = [summarize(withThree), summarize(withOne)];
    const launchRatio = ratio(threeSummary, oneSummary);
    return [
      {
        measure: "Launch → all connected with three gateways: `ocmap list` process, wall time",
        value: fmt(threeSummary, "ms"),
        reference: `the same with one gateway ${fmt(oneSummary, "ms")}`,
        ratio: launchRatio,
        goal: "≤ 1.2× one gateway",
        met: launchRatio <= 1.2,
        how:
          "spawn → exit of `node bin/ocmap.mjs list --json` (every gateway connected with its stored token, " +
          "side by side) with three real gateways paired vs one, alternating",
      },
    ];
  } finally {
    await Promise.all(more.map((extra) => extra.dispose()));
  }
}
