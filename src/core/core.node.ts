// The OCMAP client core: the lifecycle machine wired to the keychain, the pairing flow and the
// gateway socket. Runs in plain Node (CLI, tests) and in Electron's main process alike.
import { hostname } from "node:os";
import { gatewayFingerprint } from "@ocmap/protocol/gateway-identity";
import { createActor, fromPromise } from "xstate";
import { ClientError } from "./client-errors.std.ts";
import { coreView, type CoreView } from "./core-view.std.ts";
import { createViewStore } from "./view-store.std.ts";
import type { GatewaySession } from "./gateway-session.node.ts";
import { askDeviceStatus, refusalError, takeGrantedUpgrade } from "./device-status.node.ts";
import { forgetOnGateway, deviceUnknown, FORGET_SELF } from "./forget-on-gateway.std.ts";
import { createIdentity, type DeviceIdentity } from "./identity.node.ts";
import type { KeychainOps, TrustRecord } from "./keystore.node.ts";
import { clockActions, lifecycleMachine, type LiveSession, type TrustSummary } from "./lifecycle-machine.std.ts";
import { connectError, pairWithCode } from "./pairing-flow.node.ts";
import { openTrustedSession } from "./trusted-session.node.ts";
import { probeStoredGateway } from "./gateway-probe.node.ts";
import { keychainWrites } from "./core-keychain-writes.node.ts";
import { callLive, forwardEvents } from "./live-calls.node.ts";
import { detectPairingInput, parseSetupCode } from "./setup-code.std.ts";
import { canRemoveItself, pairWithSetupCode } from "./stock-pairing.node.ts";

export const OCMAP_VERSION = "0.1.0";

/** Where one gateway's trust lives: a `Keystore` (one pair of entries), or a fleet's GatewayStore. */
export interface TrustStore {
  probe(): Promise<void>;
  loadIdentity(): Promise<DeviceIdentity | null>;
  loadTrust(): Promise<TrustRecord | null>;
  wipe(): Promise<void>;
  exclusive<T>(job: (keychain: KeychainOps) => Promise<T>): Promise<T>;
}

export interface CoreOptions {
  keystore: TrustStore;
  displayName?: string;
  platform?: string;
  now?: () => number;
  random?: () => number;
  /** Bounds each network step (HTTP request, handshake, forgetSelf). */
  timeoutMs?: number;
  /** While a gateway's operator has not approved a setup-code pairing yet: how often to ask again. */
  approvalPollMs?: number;
  /**
   * Connects for one answer and exits (a CLI verb such as `list` or `call`): the gateway treats the connection
   * as its own CLI's, kept out of its presence list and the broadcasts that list costs on every connect. It
   * starts no granted upgrade either: it would exit halfway through the upgrade's round trips, so the next
   * client that stays takes it.
   */
  oneShot?: boolean;
}

export interface OcmapCore {
  start(): void;
  stop(): void;
  view(): CoreView;
  subscribe(listener: (view: CoreView) => void): () => void;
  /** `code`: an OCMAP code for `gatewayUrl`, or a gateway's own setup code / oc-pair:// link (gatewayUrl unused). */
  pair(gatewayUrl: string, code: string, access?: "standard" | "read-only" | "full"): void;
  cancelPairing(): void;
  retryNow(): void;
  forget(): void;
  /** Resolves with the first view that satisfies `predicate` (now or later). */
  waitFor(predicate: (v: CoreView) => boolean, timeoutMs?: number): Promise<CoreView>;
  /** One gateway method on the live session; the gateway's refusal is a GatewayCallError (live-calls.node.ts). */
  call(method: string, params?: unknown, timeoutMs?: number): Promise<unknown>;
  /** The gateway's events on whichever session is live, across reconnects. */
  onGatewayEvent(listener: (event: string, payload: unknown) => void): () => void;
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
  ...(t.gatewayIdentity ? { gatewayFingerprint: gatewayFingerprint(t.gatewayIdentity.publicKey) } : {}),
  ...(t.stockGateway ? { stockGateway: true } : {}),
});

/** The request that removes this device from its gateway on forget (see ForgetRequest). */
const forgetRequest = (t: TrustRecord | null) =>
  !t?.stockGateway
    ? FORGET_SELF
    : canRemoveItself(t.scopes)
      ? { method: "device.pair.remove", params: { deviceId: t.deviceId } }
      : null;

export function createCore(options: CoreOptions): OcmapCore {
  const ks = options.keystore;
  const displayName = options.displayName ?? defaultDisplayName();
  const timeoutMs = options.timeoutMs ?? 15_000;
  const platform = options.platform ?? process.platform;

  const { savePairing, saveToken, saveRenewedPin } = keychainWrites(ks);

  /**
   * The one place a connect with the stored trust is opened (reconnect, status, forget): pinned TLS and
   * renewal (openTrustedSession). One that opens after `signal` aborted (stop, forget) is closed. The
   * keychain is read through the queue here, never from inside an `exclusive` job.
   */
  let lastTried: TrustRecord | null = null; // the reconnect probe asks its gateway (it runs after a handshake)
  const openStored = async (sessionTimeoutMs: number, signal?: AbortSignal) => {
    const [stored, identity] = await Promise.all([ks.loadTrust(), ks.loadIdentity()]);
    if (!stored || !identity || identity.deviceId !== stored.deviceId) throw new ClientError("TOKEN_REJECTED");
    if (signal?.aborted) throw new ClientError("INTERNAL");
    // The name it paired with (an enrollment key's devices carry the key's prefix).
    const common = {
      displayName: stored.displayName,
      version: OCMAP_VERSION,
      platform,
      mode: options.oneShot ? ("cli" as const) : ("ui" as const),
      timeoutMs: sessionTimeoutMs,
    };
    const { result, trust, renewed } = await openTrustedSession(stored, identity, common, (renewed) =>
      saveRenewedPin(stored, renewed),
    ).finally(() => (lastTried = stored));
    if (signal?.aborted) {
      if (result.ok) result.session.close();
      throw new ClientError("INTERNAL");
    }
    return { trust, result, renewed };
  };

  /** Written (and read back) before success is reported; a failed save leaves no approved device behind. */
  const saveOrAbandon = async (
    signal: AbortSignal,
    identity: DeviceIdentity,
    trust: TrustRecord,
    result: { session: GatewaySession; abandon(): Promise<void> },
    onStep: (step: "saving") => void,
  ) => {
    try {
      onStep("saving");
      await savePairing(signal, identity, trust);
    } catch (err) {
      await result.abandon();
      result.session.close();
      throw err;
    }
    return { session: result.session as LiveSession, trust: summary(trust) };
  };

  const machine = lifecycleMachine.provide({
    actions: clockActions({ now: options.now ?? Date.now, random: options.random ?? Math.random }),
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
        const kind = detectPairingInput(input.code);
        if (kind === "setup-code" || kind === "setup-link") {
          const setupCode = parseSetupCode(input.code);
          if (!setupCode.ok) throw new ClientError(setupCode.code, { message: setupCode.message });
          const stock = await pairWithSetupCode({
            setupCode,
            identity,
            displayName,
            version: OCMAP_VERSION,
            platform,
            signal,
            timeoutMs,
            onStep: input.onStep,
            beforeConnect: () => keychainReady,
            ...(input.access ? { access: input.access } : {}),
            ...(options.approvalPollMs ? { approvalPollMs: options.approvalPollMs } : {}),
          });
          const trust: TrustRecord = {
            gatewayUrl: stock.gatewayUrl,
            deviceId: identity.deviceId,
            deviceToken: stock.deviceToken,
            role: "operator",
            scopes: stock.scopes,
            pairedAtMs: Date.now(),
            displayName,
            stockGateway: stock.stockGateway,
          };
          return await saveOrAbandon(signal, identity, trust, stock, input.onStep);
        }
        const result = await pairWithCode({
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
          gatewayUrl: result.gatewayUrl,
          deviceId: identity.deviceId,
          deviceToken: result.deviceToken,
          role: "operator",
          scopes: result.scopes,
          pairedAtMs: Date.now(),
          displayName: result.displayName,
          gatewayIdentity: result.gatewayIdentity,
          ...(result.enrollment?.ephemeral ? { ephemeral: true as const } : {}),
        };
        return await saveOrAbandon(signal, identity, trust, result, input.onStep);
      }),

      connect: fromPromise(async ({ signal }) => {
        let opened = await openStored(timeoutMs, signal);
        // A refused token may be a lower access, an expiry or a removal: the plugin says which (device-status).
        const refused = !opened.result.ok && deviceUnknown(opened.result.error);
        const status = refused ? await askDeviceStatus(opened.trust, (await ks.loadIdentity())!, timeoutMs) : undefined;
        if (status?.status === "active" && status.deviceToken) {
          await saveToken(opened.trust, status.deviceToken, status.scopes);
          opened = await openStored(timeoutMs, signal);
        }
        const { trust, result, renewed } = opened;
        if (!result.ok) {
          if (!deviceUnknown(result.error)) throw connectError(result.error);
          throw refusalError(trust, status);
        }
        const reissued = result.hello.auth?.deviceToken;
        if (reissued && reissued !== trust.deviceToken) await saveToken(trust, reissued);
        // A granted upgrade is taken in the background; then one reconnect at once (a 4001) brings the access.
        if (!trust.stockGateway && !options.oneShot)
          void takeGrantedUpgrade(result.session, (token, scopes) => saveToken(trust, token, scopes))
            .then((taken) => taken && result.session.close(4001, "access upgraded"))
            .catch(() => undefined);
        return { session: result.session as LiveSession, trust: summary(trust), ...(renewed ? { renewed } : {}) };
      }),

      forget: fromPromise(async ({ input }) => {
        const ask = forgetRequest(await ks.loadTrust().catch(() => null));
        const outcome = await forgetOnGateway(
          input.session as GatewaySession | null,
          async () => (await openStored(3_000)).result,
          undefined,
          ask,
        );
        await ks.wipe(); // whatever the gateway said: the user asked to forget
        return { outcome };
      }),

      wipe: fromPromise(() => ks.wipe()),

      probe: fromPromise(async ({ signal }) => (lastTried ? probeStoredGateway(lastTried, signal) : "unknown")),
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
    pair: (gatewayUrl, code, access) => actor.send({ type: "PAIR", gatewayUrl, code, ...(access ? { access } : {}) }),
    cancelPairing: () => actor.send({ type: "CANCEL_PAIRING" }),
    retryNow: () => actor.send({ type: "RETRY_NOW" }),
    forget: () => actor.send({ type: "FORGET" }),
    waitFor: views.waitFor,
    call: (method, params = {}, callTimeoutMs = timeoutMs) => callLive(actor, method, params, callTimeoutMs),
    onGatewayEvent: (listener) => forwardEvents(actor, listener),
  };
}
