// Reconnect: the gateway back and serving (gateway.start() resolves on the first admin hello-ok) → the
// in-process core PAIRED_CONNECTED again; and how often the core tried while the gateway was down.
// Two ways down: a crash (SIGKILL: the socket just drops, the core backs off 0.5 s → 30 s) and a
// graceful restart (SIGTERM: the gateway closes with 1012, the core polls once a second).
import net from "node:net";
import { createCore } from "../src/core/core.node.ts";
import type { CoreView } from "../src/core/core-view.std.ts";
import { Keystore } from "../src/core/keystore.node.ts";
import { newKeychainService } from "../test/harness/cli.ts";
import type { Gateway } from "../test/harness/gateway.ts";
import { waitFor } from "../test/harness/wait.ts";
import type { Row } from "./lib/row.ts";
import { fmt, summarize } from "./lib/stats.ts";

const CRASH_WHY =
  "after a plain connection loss the core follows the contract's backoff (0.5 s doubling to 30 s, jitter only " +
  "lengthening), so once the gateway serves again " +
  "the core connects at its next scheduled attempt, which on this machine (gateway start ≈ 6–9 s) falls 0–5 s " +
  "later; only a restart the gateway announces " +
  "(close 1012/1013 or UNAVAILABLE) switches the core to polling once a second, which meets the goal " +
  "(graceful-restart row). Meeting it after a crash too " +
  "would mean polling about once a second for a while after any loss (still ≤ 1 attempt/s): a change to the " +
  "contract's backoff, not made here";

const portClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });

export async function benchReconnect(gateway: Gateway, runs = 5): Promise<Row[]> {
  const keystore = new Keystore({ service: newKeychainService() });
  const core = createCore({ keystore });
  const seen: Array<{ at: number; view: CoreView }> = [];
  core.subscribe((view) => seen.push({ at: performance.now(), view }));
  core.start();
  await core.waitFor((v) => v.activity === "idle");
  core.pair(gateway.url, (await gateway.call("pairing.createCode", {})).code);
  if ((await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS")).state !== "PAIRED_CONNECTED")
    throw new Error("pairing for the reconnect bench failed");

  const result = {
    crash: { latency: [] as number[], rate: [] as number[] },
    restart: { latency: [] as number[], rate: [] as number[] },
  };
  for (const mode of ["crash", "restart"] as const) {
    for (let i = 0; i < runs; i++) {
      await core.waitFor((v) => v.state === "PAIRED_CONNECTED", 90_000);
      const mark = seen.length;
      const downAt = performance.now();
      if (mode === "crash") {
        await gateway.kill();
      } else {
        gateway.signal("SIGTERM");
        await core.waitFor((v) => v.state === "PAIRED_DISCONNECTED", 30_000);
        await waitFor(() => portClosed(gateway.port), "the gateway to stop listening", 60_000, 100);
        await gateway.kill(); // reap it (a no-op when it has exited by itself)
      }
      await gateway.start();
      const readyAt = performance.now();
      await core.waitFor((v) => v.state === "PAIRED_CONNECTED", 90_000);
      const after = seen.slice(mark);
      const connectedAt = after.find((e) => e.view.state === "PAIRED_CONNECTED")!.at;
      let attempts = 0;
      for (let k = 1; k < after.length; k++) {
        const { at, view } = after[k]!;
        if (view.activity === "connecting" && after[k - 1]!.view.activity !== "connecting" && at <= readyAt) attempts++;
      }
      result[mode].latency.push(connectedAt - readyAt);
      result[mode].rate.push(attempts / ((readyAt - downAt) / 1000));
    }
  }
  core.stop();

  const rows: Row[] = [];
  for (const mode of ["crash", "restart"] as const) {
    const lat = summarize(result[mode].latency);
    const rate = summarize(result[mode].rate);
    const label =
      mode === "crash" ? "gateway crash (SIGKILL), backoff" : "graceful restart (SIGTERM → close 1012), 1 s polling";
    rows.push(
      {
        measure: `Reconnect after ${label}: gateway serving → PAIRED_CONNECTED`,
        value: fmt(lat, "ms"),
        goal: "< 1 s",
        met: lat.median < 1000,
        how:
          "g.start() resolves on the first admin hello-ok; timed until the in-process core's view is " +
          "PAIRED_CONNECTED (negative: the core was back first)",
        ...(mode === "crash" ? { why: CRASH_WHY } : {}),
      },
      {
        measure: `Connection attempts while down (${mode})`,
        value: `${fmt(rate, "/s")}, max ${rate.max.toFixed(2)}/s`,
        goal: "≤ 1 /s",
        met: rate.max <= 1,
        how:
          "entries into PAIRED_DISCONNECTED/connecting in the core's views, from going down to the gateway " +
          "serving again, over that time",
      },
    );
  }
  return rows;
}
