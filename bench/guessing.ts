// Guessing: a bounded burst of wrong (well-formed, check-symbol-valid) codes from several loopback
// source addresses, each one PAKE run (/v2/start, then /v2/confirm when the discriminator is known), with the
// plugin's default limits. Counts what got
// through (must be nothing) and what was rate limited, and the gateway's `health` latency on an
// operator's socket during the burst against before it. Ends by pairing a fresh code from a fresh
// address while the gateway-wide window is still full (sources over their share are held back, not it).
import { randomBytes } from "node:crypto";
import { codeFromRandom } from "@ocmap/protocol/pairing-code";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import type { Gateway } from "../test/harness/gateway.ts";
import { pakeGrant, post } from "../test/harness/wire-pairing.ts";
import type { Row } from "./lib/row.ts";
import { fmt, summarize } from "./lib/stats.ts";

export async function benchGuessing(gateway: Gateway, total = 200, addresses = 8, concurrency = 8): Promise<Row[]> {
  const admin = await gateway.admin();
  const health = async () => {
    const startedAt = performance.now();
    const reply = await admin.request("health", {});
    if (!reply.ok) throw new Error("health failed");
    return performance.now() - startedAt;
  };
  const before: number[] = [];
  for (let i = 0; i < 30; i++) before.push(await health());

  const outcome = { ok: 0, limited: 0, invalid: 0, other: 0 };
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const attempt = next++;
      const localAddress = `127.0.0.${10 + (attempt % addresses)}`;
      const pake = clientPake(codeFromRandom(randomBytes(5)));
      let reply = await post(gateway, "/ocmap-pairing/v2/start", pake.request, { localAddress });
      if (reply.status === 200) {
        const { confirm } = pake.finish(reply.body);
        reply = await post(
          gateway,
          "/ocmap-pairing/v2/confirm",
          { sessionId: reply.body.sessionId, confirm },
          { localAddress },
        );
      }
      if (reply.status === 200) outcome.ok++;
      else if (reply.body?.error?.code === "RATE_LIMITED") outcome.limited++;
      // A random guess may share its two-symbol discriminator with a code an earlier bench used or let expire:
      // that is refused as spent, which is a refused guess like CODE_INVALID.
      else if (["CODE_INVALID", "CODE_ALREADY_USED", "CODE_EXPIRED"].includes(reply.body?.error?.code))
        outcome.invalid++;
      else outcome.other++;
    }
  };
  const during: number[] = [];
  let bursting = true;
  const prober = (async () => {
    while (bursting) during.push(await health());
  })();
  const burstStartedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const burstMs = performance.now() - burstStartedAt;
  bursting = false;
  await prober;

  const paused = (await gateway.call("pairing.list", {})).pausedUntilMs;
  const fresh = await gateway.call("pairing.createCode", {}); // lifts nothing: a fresh source is served anyway
  const resumed = await pakeGrant(gateway, fresh.code, { localAddress: "127.0.0.99" }).then(
    () => true,
    () => false,
  );
  admin.close();

  const beforeStats = summarize(before);
  const duringStats = summarize(during);
  return [
    {
      measure:
        `Guessing: ${total} wrong codes in ${(burstMs / 1000).toFixed(1)} s ` +
        `from ${addresses} loopback addresses (PAKE runs)`,
      value:
        `${outcome.ok} accepted, ${outcome.invalid} refused (CODE_INVALID or a spent code), ` +
        `${outcome.limited} RATE_LIMITED, ${outcome.other} other`,
      goal: "0 accepted; the rest limited",
      met: outcome.ok === 0 && outcome.other === 0 && outcome.invalid <= 20,
      how:
        `default limits (20 failures / 10 min gateway-wide, 10 / min per address), ${concurrency} in flight; ` +
        `gateway-wide window full afterwards: ${paused ? "yes" : "no"}, ` +
        `a fresh code paired from a fresh address meanwhile: ${resumed ? "yes" : "no"}`,
    },
    {
      measure: "Gateway `health` latency during the burst",
      value: fmt(duringStats, "ms"),
      reference: `before the burst ${fmt(beforeStats, "ms")}`,
      ratio: duringStats.median / beforeStats.median,
      how: "health requests back to back on an operator's open socket, during the burst vs 30 before it",
    },
  ];
}
