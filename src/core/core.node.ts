// The OCMAP client core: the lifecycle machine wired to the keychain, the pairing flow and the
// gateway socket. Runs in plain Node (CLI, tests) and in Electron's main process alike.
import { hostname } from "node:os";
import { gatewayFingerprint } from "@ocmap/protocol/gateway-identity";
import { createActor, fromPromise } from "xstate";
import { ClientError } from "./client-errors.std.ts";
import { coreView, type CoreView } from "./core-view.std.ts";
import { createViewStore } from "./view-store.std.ts";
import type { GatewaySession } from "./gateway-session.node.ts";
import { createIdentity } from "./identity.node.ts";
import type { Keystore, TrustRecord } from "./keystore.node.ts";
import { clockActions, lifecycleMachine, type LiveSession, type TrustSummary } from "./lifecycle-machine.std.ts";
import { connectError, pairWithCode } from "./pairing-flow.node.ts";
import { openTrustedSession } from "./trusted-session.node.ts";

export const OCMAP_VERSION = "0.1.0";

export interface CoreOptions {
  keystore: Keystore;
  displayName?: string;
  platform?: string;
  now?: () => number;
  random?: () => number;
  /** Bounds each network step (HTTP request, handshake, forgetSelf). */
  timeoutMs?: number;
}

export interface OcmapCore {
  start(): void;
  stop(): void;
  view(): CoreView;
  subscribe(listener: (view: CoreView) => void): () => void;
  pair(gatewayUrl: string, code: string): void;
  cancelPairing(): void;
  retryNow(): void;
  forget(): void;
  /** Resolves with the first view that satisfies `predicate` (now or later). */
  waitFor(predicate: (v: CoreView) => boolean, timeoutMs?: number): Promise<CoreView>;
}

export function defaultDisplayName(): string {
  return `OCMAP on ${hostname()}`.slice(0, 64);
}

const summary = (t: TrustRecord): TrustSummary => ({
  gatewayUrl: t.gatewayUrl,
  deviceId: t.deviceId,
  displayName: t.displayName,
  scopes: [...t.scopes],
  pairedAtMs: t.pairedAtMs,
  gatewayFingerprint: gatewayFingerprint(t.gatewayIdentity.publicKey),
});

export function createCore(o: CoreOptions): OcmapCore {
  const ks = o.keystore;
  const displayName = o.displayName ?? defaultDisplayName();
  const timeoutMs = o.timeoutMs ?? 15_000;
  const platform = o.platform ?? process.platform;

  const machine = lifecycleMachine.provide({
    actions: clockActions({ now: o.now ?? Date.now, random: o.random ?? Math.random }),
    actors: {
      loadTrust: fromPromise(async () => {
        const trust = await ks.loadTrust();
        return trust ? summary(trust) : null;
      }),

      pair: fromPromise(async ({ input, signal }) => {
        // The keychain check runs alongside the redeem; a locked keychain fails the pairing before
        // the bootstrap connect, so the code is never spent.
        const keychainReady = ks.probe();
        keychainReady.catch(() => undefined); // awaited inside pairWithCode
        const identity = createIdentity();
        const r = await pairWithCode({
          gatewayUrl: input.gatewayUrl,
          code: input.code,
          identity,
          displayName,
          version: OCMAP_VERSION,
          platform,
          signal,
          timeoutMs,
          onStep: input.onStep,
          beforeConnect: () => keychainReady,
        });
        const trust: TrustRecord = {
          gatewayUrl: r.gatewayUrl,
          deviceId: identity.deviceId,
          deviceToken: r.deviceToken,
          role: "operator",
          scopes: r.scopes,
          pairedAtMs: Date.now(),
          displayName,
          gatewayIdentity: r.gatewayIdentity,
        };
        try {
          input.onStep("saving");
          // Both written (and read back) before success is reported; two entries, so side by side, and both
          // settled before a failure wipes them (no write may land after the wipe).
          const saved = await Promise.allSettled([ks.saveIdentity(identity), ks.saveTrust(trust)]);
          const failed = saved.find((result) => result.status === "rejected");
          if (failed) throw failed.reason;
          if (signal.aborted) throw new ClientError("INTERNAL");
        } catch (err) {
          r.session.close();
          await r.abandon(); // no approved device left behind without its token here (issue 9)
          await ks.wipe().catch(() => undefined);
          throw err;
        }
        return { session: r.session as LiveSession, trust: summary(trust) };
      }),

      connect: fromPromise(async () => {
        const [trust, identity] = [await ks.loadTrust(), await ks.loadIdentity()];
        if (!trust || !identity || identity.deviceId !== trust.deviceId) throw new ClientError("TOKEN_REJECTED");
        const opened = await openTrustedSession(ks, trust, identity, {
          displayName,
          version: OCMAP_VERSION,
          platform,
          timeoutMs,
        });
        const r = opened.result;
        if (!r.ok) throw connectError(r.error);
        const reissued = r.hello.auth?.deviceToken;
        if (reissued && reissued !== trust.deviceToken) await ks.saveTrust({ ...opened.trust, deviceToken: reissued });
        return { session: r.session as LiveSession, trust: summary(opened.trust) };
      }),

      forget: fromPromise(async ({ input }) => {
        let session = input.session as GatewaySession | null;
        let opened = false;
        let toldGateway = false;
        try {
          if (!session) {
            // Not connected: one short best-effort attempt to tell the gateway.
            const [trust, identity] = [await ks.loadTrust(), await ks.loadIdentity()];
            if (trust && identity) {
              const { result: r } = await openTrustedSession(ks, trust, identity, {
                displayName,
                version: OCMAP_VERSION,
                platform,
                timeoutMs: 3_000,
              });
              if (r.ok) {
                session = r.session;
                opened = true;
              }
            }
          }
          if (session) {
            await session.request("pairing.forgetSelf", {}, 5_000);
            toldGateway = true;
          }
        } catch {
          // best effort: the local wipe below happens either way, and the view says which
        } finally {
          if (opened) session?.close();
        }
        await ks.wipe();
        return { toldGateway };
      }),

      wipe: fromPromise(() => ks.wipe()),
    },
  });

  const actor = createActor(machine);
  const views = createViewStore<CoreView>(coreView(actor.getSnapshot()), (v) => `${v.state}/${v.activity}`);
  actor.subscribe((snap) => {
    const next = coreView(snap);
    if (JSON.stringify(next) !== JSON.stringify(views.get())) views.set(next);
  });

  return {
    start: () => void actor.start(),
    stop: () => actor.stop(),
    view: views.get,
    subscribe: views.subscribe,
    pair: (gatewayUrl, code) => actor.send({ type: "PAIR", gatewayUrl, code }),
    cancelPairing: () => actor.send({ type: "CANCEL_PAIRING" }),
    retryNow: () => actor.send({ type: "RETRY_NOW" }),
    forget: () => actor.send({ type: "FORGET" }),
    waitFor: views.waitFor,
  };
}
