// Pairing (protocol v2): code submitted → PAIRED_CONNECTED through the real core (keychain included),
// against the floor: the same round trips and the same PAKE math made by a bare script (plain http + ws,
// @ocmap/protocol's CPace). The two alternate, so drift on a noisy machine hits both alike. Also the PAKE's
// own cost per side (benchPake).
import { createCore } from "../src/core/core.node.ts";
import { Keystore } from "../src/core/keystore.node.ts";
import { newKeychainService } from "../test/harness/cli.ts";
import type { Gateway } from "../test/harness/gateway.ts";
import { newWireDevice, wireConnect } from "../test/harness/wire-client.ts";
import { benchPake } from "@ocmap/protocol/pake-bench";
import { exchange, exchangeBody, pakeGrant } from "../test/harness/wire-pairing.ts";
import type { Row } from "./lib/row.ts";
import { fmt, ratio, summarize } from "./lib/stats.ts";

const PAIR_WHY =
  "the core's extra time over the bare script is its keychain work (a write probe, then saving identity and " +
  "trust with read-back after the final connect) and the identity creation; the bare script stores nothing";

async function corePairOnce(gateway: Gateway): Promise<number> {
  const keystore = new Keystore({ service: newKeychainService() });
  const core = createCore({ keystore });
  core.start();
  await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
  const { code } = await gateway.call("pairing.createCode", {});
  const startedAt = performance.now();
  core.pair(gateway.url, code);
  const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "pairing");
  const ms = performance.now() - startedAt;
  if (end.state !== "PAIRED_CONNECTED") throw new Error(`core pairing failed: ${JSON.stringify(end.lastError)}`);
  core.stop();
  await keystore.wipe();
  return ms;
}

async function barePairOnce(gateway: Gateway): Promise<number> {
  const device = newWireDevice();
  const { code } = await gateway.call("pairing.createCode", {});
  const startedAt = performance.now();
  const granted = await pakeGrant(gateway, code); // /start + /confirm, CPace, confirmation tags, opening the grant
  const { bootstrapToken, scopes } = granted.grant;
  const first = await wireConnect({
    url: gateway.url,
    device,
    auth: { bootstrapToken },
    scopes,
    displayName: "bench",
  });
  if (first.ok) throw new Error("expected NOT_PAIRED");
  const requestId = (first.error.details as { requestId?: string }).requestId;
  const ex = await exchange(gateway, exchangeBody({ granted, requestId, device }));
  if (ex.status !== 200) throw new Error(`exchange ${ex.status}`);
  const final = await wireConnect({
    url: gateway.url,
    device,
    auth: { bootstrapToken },
    scopes,
    displayName: "bench",
  });
  const ms = performance.now() - startedAt;
  if (!final.ok || !(final.hello as any).auth?.deviceToken) throw new Error("final connect failed");
  final.session.close();
  return ms;
}

export async function benchPair(gateway: Gateway, runs = 15): Promise<Row[]> {
  await corePairOnce(gateway); // warm-up: module loading, keytar, first sockets
  await barePairOnce(gateway);
  const core: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    core.push(await corePairOnce(gateway));
    bare.push(await barePairOnce(gateway));
  }
  const pake = benchPake(50);
  const coreStats = summarize(core);
  const bareStats = summarize(bare);
  const slowdown = ratio(coreStats, bareStats);
  return [
    {
      measure: "Pair: code submitted → PAIRED_CONNECTED",
      value: fmt(coreStats, "ms"),
      reference: `bare protocol script ${fmt(bareStats, "ms")}`,
      ratio: slowdown,
      goal: "≤ 1.3× floor",
      met: slowdown <= 1.3,
      ...(slowdown > 1.3 ? { why: PAIR_WHY } : {}),
      how:
        "in-process createCore + core.pair + waitFor (code check, /v2/start, /v2/confirm, grant check, bootstrap " +
        "connect, /v2/exchange, final connect, keychain probe, save and read-back) vs the same five round trips " +
        "and the same PAKE math by a bare script (plain http + ws, @ocmap/protocol); alternating runs after one " +
        "warm-up each",
    },
    {
      measure: "PAKE cost per side (CPace ristretto255 + key schedule + grant)",
      value:
        `client ${pake.clientMedianMs.toFixed(1)} ms, plugin ${pake.serverMedianMs.toFixed(1)} ms ` +
        `(median, n=${pake.rounds})`,
      how:
        "benchPake (@ocmap/protocol/pake-bench) in this process: the client's share, ISK, keys, confirmation " +
        "and opening the grant; the plugin's share, ISK, keys, checking the confirmation and sealing",
    },
  ];
}
