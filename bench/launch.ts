// Launch to connected: a fresh `ocmap status` process (node start, keychain read, WebSocket connect
// with the stored device token, report, exit) against the gateway's own CLI doing its smallest
// authenticated call; plus the keychain read on its own, warm in-process and cold in a new process.
import { execFile, spawn } from "node:child_process";
import { createCore } from "../src/core/core.node.ts";
import { Keystore } from "../src/core/keystore.node.ts";
import { newKeychainService, ocmapBin } from "../test/harness/cli.ts";
import { repoRoot, type Gateway } from "../test/harness/gateway.ts";
import type { Row } from "./lib/row.ts";
import { fmt, ratio, summarize, timed } from "./lib/stats.ts";

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("exit", (code) => resolve({ code: code ?? -1, stdout }));
  });
}

async function pairedService(gateway: Gateway): Promise<string> {
  const service = newKeychainService();
  const core = createCore({ keystore: new Keystore({ service }) });
  core.start();
  await core.waitFor((v) => v.activity === "idle");
  core.pair(gateway.url, (await gateway.call("pairing.createCode", {})).code);
  const view = await core.waitFor((x) => x.state !== "PAIRING_IN_PROGRESS");
  core.stop();
  if (view.state !== "PAIRED_CONNECTED") throw new Error("pairing for the launch bench failed");
  return service;
}

const COLD_READ = `const t = performance.now();
const { default: keytar } = await import("keytar");
await keytar.getPassword(process.env.SVC, "trust");
process.stdout.write(String(performance.now() - t));`;

export async function benchLaunch(gateway: Gateway, runs = 10): Promise<Row[]> {
  const service = await pairedService(gateway);
  const env = { OCMAP_KEYCHAIN_SERVICE: service };
  const ocmap: number[] = [];
  const openclaw: number[] = [];
  const nodeFloor: number[] = [];
  const check = async (what: string, finished: Promise<{ code: number }>) => {
    const timing = await timed(() => finished);
    if (timing.value.code !== 0) throw new Error(`${what} exited ${timing.value.code}`);
    return timing.ms;
  };
  await check("ocmap status", run(process.execPath, [ocmapBin, "status", "--json"], env)); // warm the file cache
  for (let i = 0; i < runs; i++) {
    ocmap.push(await check("ocmap status", run(process.execPath, [ocmapBin, "status", "--json"], env)));
    openclaw.push(await check("openclaw gateway call health", gateway.cli(["gateway", "call", "health"])));
    nodeFloor.push(await check("node -e 0", run(process.execPath, ["-e", "0"])));
  }

  const ks = new Keystore({ service });
  const warm: number[] = [];
  await ks.loadTrust();
  for (let i = 0; i < 30; i++) warm.push((await timed(() => ks.loadTrust())).ms);
  const cold: number[] = [];
  for (let i = 0; i < runs; i++) {
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ["--input-type=module", "-e", COLD_READ],
        { cwd: repoRoot, env: { ...process.env, SVC: service } },
        (err, out) => (err ? reject(err) : resolve(out)),
      ),
    );
    cold.push(Number(output));
  }

  const ocmapSummary = summarize(ocmap);
  const openclawSummary = summarize(openclaw);
  const launchRatio = ratio(ocmapSummary, openclawSummary);
  return [
    {
      measure: "Launch → connected: `ocmap status` process, wall time",
      value: fmt(ocmapSummary, "ms"),
      reference:
        `\`openclaw gateway call health\` ${fmt(openclawSummary, "ms")}; ` +
        `bare \`node -e 0\` ${fmt(summarize(nodeFloor), "ms")}`,
      ratio: launchRatio,
      goal: "≤ 0.5× the gateway CLI",
      met: launchRatio <= 0.5,
      how:
        "spawn → exit of `node bin/ocmap.mjs status --json` with a stored token (exit 0 = PAIRED_CONNECTED) " +
        "vs the gateway's own CLI's smallest authenticated call, alternating",
    },
    {
      measure: "Keychain read (Keystore.loadTrust), warm in-process",
      value: fmt(summarize(warm), "ms"),
      reference: `first read in a fresh process (keytar load + D-Bus session) ${fmt(summarize(cold), "ms")}`,
      how:
        "loadTrust from gnome-keyring over the Secret Service; the cold figure is importing keytar plus its " +
        "first getPassword, timed inside a new node process",
    },
  ];
}
