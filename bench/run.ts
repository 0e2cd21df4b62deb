// npm run bench: every figure of docs/benchmarks.md in one run against one real gateway on
// loopback, each next to its peer or floor measured in the same run. Prints the table and writes
// docs/benchmarks.md. Not part of npm test (it takes several minutes and wants a quiet machine).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { gatewayNode, openclawEntry, repoRoot, startGateway } from "../test/harness/gateway.ts";
import { benchAttack } from "./attack.ts";
import { benchClawpodzDevices } from "./clawpodz-devices.ts";
import { benchCost } from "./cost.ts";
import { benchEnroll } from "./enroll.ts";
import { benchGuessing } from "./guessing.ts";
import { benchLaunch } from "./launch.ts";
import { benchLaunchGateways } from "./launch-gateways.ts";
import { benchLaunchFileStore } from "./launch-file-store.ts";
import { benchPair } from "./pair.ts";
import { benchReconnect } from "./reconnect.ts";
import { benchRenderer } from "./renderer.ts";
import { benchRevoke } from "./revoke.ts";
import type { Row } from "./lib/row.ts";

function machine(): string[] {
  const model =
    /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown";
  const gatewayVersion = JSON.parse(readFileSync(join(openclawEntry, "../package.json"), "utf8")).version;
  const gatewayNodeVersion = execFileSync(gatewayNode, ["--version"], { encoding: "utf8" }).trim();
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  return [
    `- CPU: ${execFileSync("nproc", { encoding: "utf8" }).trim()} × ${model}`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Client Node: ${process.version}; gateway: openclaw ${gatewayVersion} on Node ${gatewayNodeVersion}`,
    `- Load average when the run started: ${load} (a shared machine: other work may have run alongside)`,
  ];
}

const cell = (s: string | undefined) => (s ?? "").replace(/\|/g, "\\|");

function table(rows: Row[]): string {
  const lines = [
    "| Measure | Median (spread) | Peer / floor, same run | Ratio | Goal | Met |",
    "|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const met = row.met === undefined ? "" : row.met ? "yes" : "**no**";
    const ratio = row.ratio === undefined ? "" : `${row.ratio.toFixed(2)}×`;
    lines.push(
      `| ${cell(row.measure)} | ${cell(row.value)} | ${cell(row.reference)} | ${ratio} | ${cell(row.goal)} | ${met} |`,
    );
  }
  return lines.join("\n");
}

/** `npx tsx bench/run.ts attack guessing`: only those steps, and docs/benchmarks.md is not rewritten. */
const only = process.argv.slice(2);

async function main() {
  const started = new Date();
  const info = machine();
  const rows: Row[] = [];
  const gateway = await startGateway();
  try {
    const step = async (name: string, run: () => Promise<Row[]>) => {
      if (only.length && !only.includes(name)) return;
      const stepStart = performance.now();
      rows.push(...(await run()));
      process.stderr.write(`bench: ${name} done in ${((performance.now() - stepStart) / 1000).toFixed(0)} s\n`);
    };
    await step("pair", () => benchPair(gateway));
    await step("launch", () => benchLaunch(gateway));
    await step("launch with the file store", () => benchLaunchFileStore(gateway));
    await step("launch with three gateways", () => benchLaunchGateways(gateway));
    await step("revoke", () => benchRevoke(gateway));
    await step("cost", () => benchCost(gateway));
    await step("renderer", () => benchRenderer());
    await step("clawpodz devices", () => benchClawpodzDevices());
    await step("reconnect", () => benchReconnect(gateway));
    await step("guessing", () => benchGuessing(gateway));
    await step("attack", () => benchAttack(gateway));
    await step("enroll", () => benchEnroll(gateway));
  } finally {
    await gateway.dispose();
  }
  const minutes = ((Date.now() - started.getTime()) / 60_000).toFixed(1);
  if (only.length) {
    process.stdout.write(`${table(rows)}\n\n(only ${only.join(", ")}: docs/benchmarks.md left as it was)\n`);
    return;
  }
  const short = rows.filter((r) => r.met === false);
  const doc = [
    "# Benchmarks",
    "",
    "Measured by `npm run bench` (bench/run.ts): one run against one real gateway with the `ocmap-pairing` plugin " +
      "on loopback,",
    "inside the same loopback-only sandbox and throwaway gnome-keyring as the tests. Every figure is the median of " +
      "repeated runs",
    "with its p10–p90 spread; where a goal is a ratio, the peer or floor was measured in the same run, " +
      "alternating with it,",
    "so the ratio holds on a noisy machine even when the absolute numbers move. Regenerate with `npm run bench`.",
    "",
    `Run: ${started.toISOString()} (${minutes} min)`,
    "",
    ...info,
    "",
    table(rows),
    "",
    "## What fell short",
    "",
    ...(short.length
      ? short.map((r) => `- **${r.measure}**: ${r.value}; goal ${r.goal}.${r.why ? ` Why: ${r.why}.` : ""}`)
      : ["Nothing: every goal was met in this run."]),
    "",
    "## How each figure was measured",
    "",
    ...rows.map((r) => `- **${r.measure}**: ${r.how}.`),
    "",
  ].join("\n");
  writeFileSync(join(repoRoot, "docs/benchmarks.md"), doc);
  process.stdout.write(`${table(rows)}\n\nwrote docs/benchmarks.md (${minutes} min)\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
