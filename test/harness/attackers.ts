// Attackers for the limit tests and the attack bench: each sends /v2/start from its own loopback address
// (127.0.0.0/8 is all loopback, so each address is a distinct source to the plugin), back to back, sweeping
// the 1024 discriminators with made-up codes, and never backs off: a RATE_LIMITED answer is simply polled
// again. A user with a fresh code must still pair from another address while they run.
import { checkSymbol, codeFromRandom, CROCKFORD } from "@ocmap/protocol/pairing-code";
import { clientPake, V2_PATHS } from "@ocmap/protocol/pairing-v2";
import { randomBytes } from "node:crypto";
import type { Gateway } from "./gateway.ts";
import { post, type HttpReply } from "./wire-pairing.ts";

export interface AttackStats {
  /** /start answered 200: a discriminator that named an active code (an attempt counted against it). */
  accepted: number;
  /** Answered CODE_INVALID, CODE_EXPIRED or CODE_ALREADY_USED: failures the plugin counted. */
  failed: number;
  limited: number;
  other: number;
}

export interface Attack {
  stats: AttackStats;
  /** Each attacker's latest reply. */
  last: Map<string, HttpReply>;
  /** Every attacker's latest reply is RATE_LIMITED for longer than `moreThanMs`. */
  allHeldBack(moreThanMs?: number): boolean;
  stop(): Promise<void>;
}

/** A made-up code with the given discriminator and a valid check symbol (what a real client would send). */
function guessWith(discriminator: string): string {
  const payload = discriminator + codeFromRandom(randomBytes(5)).slice(2, 7);
  return payload + checkSymbol(payload);
}

export function startAttackers(gateway: Pick<Gateway, "port" | "httpUrl">, addresses: string[]): Attack {
  const stats: AttackStats = { accepted: 0, failed: 0, limited: 0, other: 0 };
  const last = new Map<string, HttpReply>();
  let running = true;
  let sweep = 0;
  const attack = async (localAddress: string) => {
    while (running) {
      const index = sweep++ % 1024;
      const discriminator = CROCKFORD[index >> 5]! + CROCKFORD[index & 31]!;
      const reply = await post(gateway, V2_PATHS.start, clientPake(guessWith(discriminator)).request, {
        localAddress,
      }).catch(() => undefined);
      if (!reply) continue;
      last.set(localAddress, reply);
      const code = reply.body?.error?.code;
      if (reply.status === 200) stats.accepted++;
      else if (code === "RATE_LIMITED") stats.limited++;
      else if (["CODE_INVALID", "CODE_EXPIRED", "CODE_ALREADY_USED"].includes(code)) stats.failed++;
      else stats.other++;
    }
  };
  const loops = addresses.map(attack);
  return {
    stats,
    last,
    allHeldBack: (moreThanMs = 0) =>
      addresses.every((address) => {
        const reply = last.get(address);
        return reply?.body?.error?.code === "RATE_LIMITED" && reply.body.error.retryAfterMs > moreThanMs;
      }),
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
