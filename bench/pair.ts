// Pairing: code submitted → PAIRED_CONNECTED through the real core (keychain included), against
// the floor: the same protocol round trips made by a bare script (plain http + ws + Node crypto).
// The two alternate, so drift on a noisy machine hits both alike.
import { createCore } from "../src/core/core.node.ts";
import { Keystore } from "../src/core/keystore.node.ts";
import { newKeychainService } from "../test/harness/cli.ts";
import type { Gateway } from "../test/harness/gateway.ts";
import { newWireDevice, wireConnect } from "../test/harness/wire-client.ts";
import { exchange, exchangeBody, redeem } from "../test/harness/wire-pairing.ts";
import type { Row } from "./lib/row.ts";
import { fmt, ratio, summarize } from "./lib/stats.ts";

const PAIR_WHY =
  "the core's extra time over the bare script is mostly its keychain work, by its own pairing steps (timed " +
  "separately): a write probe plus identity " +
  "creation before the redeem (≈ 9 ms, so a locked keychain fails before a code is spent) and saving identity " +
  "and trust with read-back after the final " +
  "connect (≈ 11 ms); the probe only has to finish before the exchange spends the code, so running it alongside " +
  "the redeem and bootstrap connect " +
  "would win back most of the first part";

async function corePairOnce(g: Gateway): Promise<number> {
  const keystore = new Keystore({ service: newKeychainService() });
  const core = createCore({ keystore });
  core.start();
  await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
  const { code } = await g.call("pairing.createCode", {});
  const t = performance.now();
  core.pair(g.url, code);
  const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "pairing");
  const ms = performance.now() - t;
  if (end.state !== "PAIRED_CONNECTED") throw new Error(`core pairing failed: ${JSON.stringify(end.lastError)}`);
  core.stop();
  await keystore.wipe();
  return ms;
}

async function barePairOnce(g: Gateway): Promise<number> {
  const device = newWireDevice();
  const { code } = await g.call("pairing.createCode", {});
  const t = performance.now();
  const r = await redeem(g, code);
  if (r.status !== 200) throw new Error(`redeem ${r.status}`);
  const first = await wireConnect({
    url: g.url,
    device,
    auth: { bootstrapToken: r.body.bootstrapToken },
    scopes: r.body.scopes,
    displayName: "bench",
  });
  if (first.ok) throw new Error("expected NOT_PAIRED");
  const requestId = (first.error.details as { requestId?: string }).requestId;
  const ex = await exchange(g, exchangeBody({ code, nonce: r.body.nonce, requestId, device }));
  if (ex.status !== 200) throw new Error(`exchange ${ex.status}`);
  const final = await wireConnect({
    url: g.url,
    device,
    auth: { bootstrapToken: r.body.bootstrapToken },
    scopes: r.body.scopes,
    displayName: "bench",
  });
  const ms = performance.now() - t;
  if (!final.ok || !(final.hello as any).auth?.deviceToken) throw new Error("final connect failed");
  final.session.close();
  return ms;
}

export async function benchPair(g: Gateway, runs = 15): Promise<Row[]> {
  await corePairOnce(g); // warm-up: module loading, keytar, first sockets
  await barePairOnce(g);
  const core: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    core.push(await corePairOnce(g));
    bare.push(await barePairOnce(g));
  }
  const c = summarize(core);
  const b = summarize(bare);
  const r = ratio(c, b);
  return [
    {
      measure: "Pair: code submitted → PAIRED_CONNECTED",
      value: fmt(c, "ms"),
      reference: `bare protocol script ${fmt(b, "ms")}`,
      ratio: r,
      goal: "≤ 1.5× floor",
      met: r <= 1.5,
      why: PAIR_WHY,
      how:
        "in-process createCore + core.pair + waitFor (code check, redeem, bootstrap connect, exchange, final " +
        "connect, keychain probe, save and read-back) vs the same four round trips by plain http + ws + Node " +
        "crypto; alternating runs after one warm-up each",
    },
  ];
}
