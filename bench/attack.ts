// Attack: how long 2 and 4 attacking addresses keep a fresh code from being used. The attackers
// (test/harness/attackers.ts) sweep discriminators from their own loopback addresses and poll without pause;
// once they are held back and the attack has lasted one source window (60 s), the operator creates a code,
// and once the gateway-wide window is full again the user sends /start with it from another address. A
// first-try grant means the attack kept the code from use for 0 s; a RATE_LIMITED answer means until its
// retryAfterMs, or the code's whole life if that is longer.
// The peer: the same createCode → grant with no attack, in the same run.
import type { Gateway } from "../test/harness/gateway.ts";
import { startAttackers } from "../test/harness/attackers.ts";
import { waitFor } from "../test/harness/wait.ts";
import { pakeGrant } from "../test/harness/wire-pairing.ts";
import type { Row } from "./lib/row.ts";
import { fmt, summarize } from "./lib/stats.ts";

interface Round {
  /** createCode → the user's grant, when the first try was granted. */
  grantedMs?: number;
  /** How long the code was kept from use (0 when granted at once). */
  keptMs: number;
}

let userSeq = 0;
/** The default per-source window: an attack that has lasted longer finds every attacker's own window free. */
const SOURCE_WINDOW_MS = 60_000;

/** createCode; then (under attack) wait until the gateway-wide window is full again; then the user's PAKE. */
async function freshCodeRound(gateway: Gateway, underAttack: boolean): Promise<Round> {
  const user = `127.0.5.${++userSeq}`;
  const createdAt = performance.now();
  const created = await gateway.call("pairing.createCode", {});
  try {
    if (underAttack)
      await waitFor(async () => (await gateway.call("pairing.list", {})).pausedUntilMs, "the full window", 90_000, 5);
    await pakeGrant(gateway, created.code, { localAddress: user });
    return { grantedMs: performance.now() - createdAt, keptMs: 0 };
  } catch (err) {
    const retryAfterMs = Number(/"retryAfterMs":(\d+)/.exec((err as Error).message)?.[1] ?? Infinity);
    return { keptMs: Math.min(retryAfterMs, created.expiresAtMs - Date.now()) };
  } finally {
    await gateway.call("pairing.cancelCode", { codeId: created.codeId }).catch(() => undefined);
  }
}

export async function benchAttack(gateway: Gateway, rounds = 3): Promise<Row[]> {
  const peer: Round[] = [];
  for (let i = 0; i < rounds; i++) peer.push(await freshCodeRound(gateway, false));
  const peerStats = summarize(peer.map((round) => round.grantedMs ?? NaN));
  const rows: Row[] = [];
  for (const [count, subnet] of [
    [2, 3],
    [4, 4],
  ] as const) {
    const addresses = Array.from({ length: count }, (_, i) => `127.0.${subnet}.${i + 1}`);
    const attack = startAttackers(gateway, addresses);
    const results: Round[] = [];
    try {
      await waitFor(() => attack.allHeldBack(), `${count} attackers held back`, 120_000);
      // The scenario is an attack under way for longer than one source window (its own windows free again).
      await new Promise((resolve) => setTimeout(resolve, SOURCE_WINDOW_MS));
      for (let i = 0; i < rounds; i++) results.push(await freshCodeRound(gateway, true));
    } finally {
      await attack.stop();
    }
    const granted = results.filter((round) => round.grantedMs !== undefined);
    const stats = granted.length ? summarize(granted.map((round) => round.grantedMs!)) : undefined;
    const kept = Math.max(...results.map((round) => round.keptMs));
    rows.push({
      measure: `Fresh code under attack from ${count} addresses: createCode → the user's grant from another address`,
      value:
        `${granted.length}/${rounds} granted at the first try` +
        (stats ? `, ${fmt(stats, "ms")}` : "") +
        `; kept from use ${(kept / 1000).toFixed(0)} s at most`,
      reference: `no attack ${fmt(peerStats, "ms")}`,
      ...(stats ? { ratio: stats.median / peerStats.median } : {}),
      goal: "every fresh code granted at the first try (kept from use 0 s)",
      met: granted.length === rounds,
      how:
        `${count} loopback addresses sweep discriminators and poll without pause (${attack.stats.failed} failures ` +
        `counted, ${attack.stats.limited} RATE_LIMITED, ${attack.stats.accepted} accepted); the code is made once ` +
        "they are held back and the user's /start is sent once the gateway-wide window is full again; default limits",
    });
  }
  return rows;
}
