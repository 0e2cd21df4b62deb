// Cost of the client while connected and idle: a headless `ocmap connect` child process, its
// resident memory (VmRSS) and its CPU time (utime + stime) over an idle window that spans at least
// one gateway tick; a bare idle node process is the floor.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createCore } from "../src/core/core.node.ts";
import { Keystore } from "../src/core/keystore.node.ts";
import { newKeychainService, ocmapBin } from "../test/harness/cli.ts";
import type { Gateway } from "../test/harness/gateway.ts";
import type { Row } from "./lib/row.ts";
import { fmt, summarize } from "./lib/stats.ts";

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks

function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the third (state) on
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime (field 14) + stime (field 15)
}

async function sampleIdle(child: ChildProcess, windowMs: number) {
  const pid = child.pid!;
  const rss: number[] = [];
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  while (performance.now() - t0 < windowMs) {
    rss.push(rssKiB(pid) / 1024);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const cpu = cpuMs(pid) - cpu0;
  return { rss, cpuPercent: (cpu / (performance.now() - t0)) * 100, cpuMs: cpu };
}

function waitForLine(child: ChildProcess, match: RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no ${match} within ${timeoutMs} ms: ${out}`)), timeoutMs);
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      if (match.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

export async function benchCost(gateway: Gateway, windowMs = 32_000): Promise<Row[]> {
  const service = newKeychainService();
  const core = createCore({ keystore: new Keystore({ service }) });
  core.start();
  await core.waitFor((v) => v.activity === "idle");
  core.pair(gateway.url, (await gateway.call("pairing.createCode", {})).code);
  if ((await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS")).state !== "PAIRED_CONNECTED")
    throw new Error("pairing for the cost bench failed");
  core.stop();

  const client = spawn(process.execPath, [ocmapBin, "connect", "--json"], {
    env: { ...process.env, OCMAP_KEYCHAIN_SERVICE: service },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const floor = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], { stdio: "ignore" });
  try {
    await waitForLine(client, /"state":"PAIRED_CONNECTED"/);
    await new Promise((r) => setTimeout(r, 2_000)); // let start-up garbage settle before "idle" begins
    const [clientSample, floorSample] = await Promise.all([sampleIdle(client, windowMs), sampleIdle(floor, windowMs)]);
    const rss = summarize(clientSample.rss);
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${client.pid}/status`, "utf8"))![1]) / 1024;
    return [
      {
        measure: "Client RSS, connected and idle (`ocmap connect`)",
        value: `${fmt(rss, "MiB")}, peak ${hwm.toFixed(1)} MiB`,
        reference: `bare idle node ${fmt(summarize(floorSample.rss), "MiB")}`,
        ratio: rss.median / summarize(floorSample.rss).median,
        how:
          `VmRSS from /proc/<pid>/status once a second over ${windowMs / 1000} s of idle ` +
          "(one gateway tick included)",
      },
      {
        measure: "Client CPU, connected and idle",
        value:
          `${clientSample.cpuPercent.toFixed(3)} % of one core ` +
          `(${clientSample.cpuMs.toFixed(0)} ms CPU in ${windowMs / 1000} s)`,
        reference: `bare idle node ${floorSample.cpuPercent.toFixed(3)} %`,
        how: "utime + stime from /proc/<pid>/stat over the same window (10 ms resolution)",
      },
    ];
  } finally {
    client.kill("SIGTERM");
    floor.kill("SIGKILL");
  }
}
