// Fleet enrollment: 50 devices pair at once with one 50-use enrollment key (each through the real core and its
// own keychain entry, in a child process), while a probe in this process calls the gateway's `health` method in
// a loop on an admin session. Rows: the burst's wall time (and that all 50 devices are distinct and listed),
// and `health` latency during the burst against the same probe just before it (goal ≤ 2×).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, type Gateway } from "../test/harness/gateway.ts";
import type { Row } from "./lib/row.ts";
import { fmt, ratio, summarize } from "./lib/stats.ts";

const DEVICES = 50;

export async function benchEnroll(gateway: Gateway): Promise<Row[]> {
  const admin = await gateway.admin();
  const dir = mkdtempSync(join(tmpdir(), "ocmap-enroll-bench-"));
  try {
    const key = await gateway.call("pairing.createEnrollmentKey", { uses: DEVICES, namePrefix: "bench" });
    const keyFile = join(dir, "enroll.key");
    writeFileSync(keyFile, key.key, { mode: 0o600 });
    const healthOnce = async () => {
      const startedAt = performance.now();
      const answer = await admin.request("health", {});
      if (!answer.ok) throw new Error(`health failed: ${JSON.stringify(answer.error)}`);
      return performance.now() - startedAt;
    };
    const probe = async (until: () => boolean, minimum: number) => {
      const samples: number[] = [];
      while (samples.length < minimum || !until()) samples.push(await healthOnce());
      return samples;
    };

    const burst = spawn(
      process.execPath,
      ["--import", "tsx", "bench/enroll-burst.ts", gateway.url, keyFile, `${DEVICES}`],
      {
        cwd: repoRoot,
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    let output = "";
    burst.stdout.on("data", (chunk) => (output += chunk));
    const lineCount = () => output.split("\n").filter(Boolean).length;
    while (lineCount() < 1) await new Promise((resolve) => setTimeout(resolve, 50)); // its cores are ready
    const before = await probe(() => true, 30);
    let done = false;
    const exited = new Promise<void>((resolve) => burst.on("exit", () => resolve()));
    burst.stdin.write("go\n");
    const finished = (async () => {
      while (lineCount() < 2 && burst.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
      done = true;
    })();
    const during = await probe(() => done, 5);
    await finished;
    await exited;
    const result = JSON.parse(output.split("\n").filter(Boolean)[1] ?? "null") as {
      wallMs: number;
      deviceIds: string[];
      failures: string[];
    } | null;
    if (!result) throw new Error("the enrollment burst printed no result");
    const listed = (await gateway.call("pairing.list", {})).devices.filter((d: any) => d.keyId === key.keyId);
    const distinct = new Set(result.deviceIds).size;
    const allDistinct = distinct === DEVICES && result.failures.length === 0 && listed.length === DEVICES;
    const beforeS = summarize(before);
    const duringS = summarize(during);
    return [
      {
        measure: `Enrollment: ${DEVICES} devices with one key at once, wall time`,
        value:
          `${(result.wallMs / 1000).toFixed(1)} s (${distinct} distinct devices paired, ${listed.length} listed` +
          `${result.failures.length ? `, failures: ${result.failures.join(", ")}` : ""})`,
        goal: `all ${DEVICES} distinct`,
        met: allDistinct,
        how:
          `${DEVICES} cores (each its own identity and keychain entry) in one child process call pair() with the ` +
          "same 50-use enrollment key at the same moment; wall time until the last is PAIRED_CONNECTED; then " +
          "pairing.list must list 50 distinct devices enrolled by that key",
      },
      {
        measure: "Gateway `health` latency during the enrollment burst",
        value: fmt(duringS, "ms"),
        reference: `${fmt(beforeS, "ms")} just before the burst`,
        ratio: ratio(duringS, beforeS),
        goal: "≤ 2×",
        met: ratio(duringS, beforeS) <= 2,
        how:
          "one admin session calls `health` back to back, 30 times before the burst and for as long as it runs; " +
          "medians compared",
      },
    ];
  } finally {
    admin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
