import { randomBytes } from "node:crypto";
import { join } from "node:path";
import {
  approveDevicePairing,
  issueDeviceBootstrapToken,
  listDevicePairing,
  revokeDeviceBootstrapToken,
} from "openclaw/plugin-sdk/device-bootstrap";
import { resolveGatewayPort } from "openclaw/plugin-sdk/core";
import { definePluginEntry } from "openclaw/plugin-sdk/plugin-entry";
import { getRuntimeConfigSnapshot } from "openclaw/plugin-sdk/runtime-config-snapshot";
import { resolveStateDir } from "openclaw/plugin-sdk/state-paths";
import { expireAfterMs, failureLimits, resolveConfig } from "./config.ts";
import { hasExpiringDevices, sweepExpiredDevices } from "./device-expiry.ts";
import { DeviceAccess, type OperatorToken } from "./device-access.ts";
import { GatewayIdentity, servedCertPath } from "./gateway-identity.ts";
import { registerPairingMethods } from "./gateway-methods.ts";
import { registerPairingRoutes } from "./http-routes.ts";
import { hasEphemeralDevices, sweepEphemeralDevices } from "./ephemeral-devices.ts";
import { gatewayHostNames } from "./route-access.ts";
import { FailureLimiter } from "./limiter.ts";
import { notificationsFor } from "./notifications.ts";
import { LoopbackAdminSession, planLoopbackDial } from "./loopback-admin.ts";
import { openRemovalSession } from "./self-remove.ts";
import { PairingService } from "./service.ts";
import { audit, commitChange } from "./state-changes.ts";
import { AddressAllowList } from "./source-key.ts";
import { PairingStore } from "./store.ts";
import { safeMethods, safeRoutes } from "./safe-registrations.ts";
import { describeError, safely } from "./throw-safe.ts";

// The gateway registers a plugin more than once (metadata passes, config reloads), and a reload
// imports this module afresh: one store, gateway identity and limiter per state directory, kept on
// globalThis, keep a single lock, a single in-memory copy of the state, and the failures counted so
// far (a config reload must not reset the limits). The key names the shape (`.v2`: the identity joined it).
type Kept = { store: PairingStore; identity: GatewayIdentity; limiter: FailureLimiter };
const kept = ((globalThis as Record<symbol, unknown>)[Symbol.for("ocmap-pairing.shared.v2")] ??= new Map<
  string,
  Kept
>()) as Map<string, Kept>;
type Broadcast = (event: string, payload: unknown) => void;
// emit("changed") reaches clients as CHANGED_EVENT (`plugin.ocmap-pairing.changed`).
type Emitter = { emit(event: string, payload: unknown, opts: { scope: "operator.read" }): void };

export default definePluginEntry({
  id: "ocmap-pairing",
  name: "OCMAP pairing",
  description: "One-time pairing codes for OCMAP desktop clients, approved through OpenClaw's own device pairing.",
  register(api) {
    const cfg = resolveConfig(api.pluginConfig);
    const stateDir = resolveStateDir();
    const dir = join(stateDir, "plugins", "ocmap-pairing");
    const { store, identity, limiter } = keptFor(dir, cfg, api.logger);
    limiter.configure(failureLimits(cfg));
    // Device events and the webhook (device-events.ts, webhook-sender.ts): kept per state dir, like the store.
    const notify = notificationsFor(dir, cfg, api.logger);
    // The config as the gateway runs it now (hot reloads included); the port it really listens on.
    const currentConfig = () => (getRuntimeConfigSnapshot() ?? api.config) as { gateway?: Record<string, any> };
    const gateway = (api.config as { gateway?: { trustedProxies?: string[] } }).gateway ?? {};
    const port = () => resolveGatewayPort(currentConfig() as never, process.env);
    // Set at each registration: a config reload may change it (the file itself is read at each use).
    identity.certPath = servedCertPath(currentConfig().gateway?.tls, stateDir);
    let broadcast: Broadcast | undefined;
    // The gateway's request context (process-wide): its live client set tells whether a device is connected.
    let liveClients: { hasConnectedClientsForDevice(deviceId: string): boolean } | undefined;
    let emitter: Emitter | undefined;
    // forgetSelf, revoke and /v2/abandon all remove a device the same way: an admin session to the
    // gateway as it really runs (port, TLS, bind; see loopback-admin.ts).
    const openRemoval = () => openRemovalSession(currentConfig(), process.env, stateDir, api.logger);

    const service = new PairingService(
      store,
      cfg,
      {
        now: () => Date.now(),
        randomBytes: (size) => randomBytes(size),
        issueBootstrapToken: (access, scopes) =>
          issueDeviceBootstrapToken({
            profile: { roles: ["operator"], scopes, ...(access === "full" ? { purpose: "mobile-full" as const } : {}) },
          }),
        revokeBootstrapToken: async (token) => void (await revokeDeviceBootstrapToken({ token })),
        listPairing: () => listDevicePairing(),
        approve: async (requestId, scopes) =>
          (await approveDevicePairing(requestId, { callerScopes: scopes }))?.status === "approved",
        broadcastResolved: (payload) => broadcast?.("device.pair.resolved", payload),
        // A throw here is logged by the service and never fails the answer (see PairingService.announce).
        changed: (reason) => emitter?.emit("changed", { reason }, { scope: "operator.read" }),
        deviceEvent: (event, detail) => notify.notifier.device(event, detail),
        failureCounted: (now) => notify.notifier.failureCounted(limiter, now),
        publicUrl: () => cfg.publicUrl ?? `ws${currentConfig().gateway?.tls?.enabled ? "s" : ""}://127.0.0.1:${port()}`,
        gatewayIdentity: () => identity.inGrant(),
        removeDevice: async (deviceId) => {
          const session = await openRemoval();
          try {
            await session.remove(deviceId);
          } finally {
            session.close();
          }
        },
        log: api.logger,
      },
      limiter,
    );

    const deviceAccess = new DeviceAccess(service, {
      // listDevicePairing holds raw tokens: only this one device's operator token leaves here, to that device.
      operatorToken: async (deviceId) => {
        const paired = (await listDevicePairing()).paired as Array<{ deviceId: string; tokens?: unknown }>;
        const tokens = paired.find((device) => device.deviceId === deviceId)?.tokens as
          Record<string, OperatorToken> | undefined;
        return tokens?.operator;
      },
      pending: async () => (await listDevicePairing()).pending,
      approve: async (requestId, scopes) =>
        (await approveDevicePairing(requestId, { callerScopes: scopes }))?.status === "approved",
      expireAfterMs: expireAfterMs(cfg),
    });

    registerPairingMethods(safeMethods(api as never, api.logger) as never, service, {
      sawContext: (ctx) => {
        if (typeof ctx?.broadcast === "function") broadcast = ctx.broadcast;
        if (typeof ctx?.hasConnectedClientsForDevice === "function") liveClients = ctx as typeof liveClients;
      },
      openRemovalSession: openRemoval,
      certificates: () => identity.certificates(),
      access: deviceAccess,
      webhookStatus: () => notify.sender.status(),
      retireCertificates: async () => {
        const retired = identity.retireOlder();
        api.logger.warn(`ocmap-pairing: TLS certificates below serial ${retired.minSerial} retired by the operator`);
        // Audited before the answer (a failed write is INVALID_REQUEST, the retirement itself already holds).
        const reason = `below serial ${retired.minSerial}`;
        await commitChange(store, api.logger, (state) =>
          audit(state, { atMs: Date.now(), type: "certificate.retired", reason }),
        );
        return retired;
      },
      log: api.logger,
    });
    const allowList = cfg.allowedAddresses ? new AddressAllowList(cfg.allowedAddresses) : undefined;
    if (allowList?.invalid.length)
      api.logger.error(`ocmap-pairing: allowedAddresses entries ignored (not CIDR): ${allowList.invalid.join(", ")}`);
    registerPairingRoutes(
      safeRoutes(api as never, api.logger) as never,
      service,
      () => gateway.trustedProxies,
      () => identity.inGrant(),
      () => ({ hosts: gatewayHostNames(cfg, currentConfig().gateway), ...(allowList ? { allowList } : {}) }),
      deviceAccess,
    );

    // Clawpodz: a native Control UI tab (no `path`, so no iframe). Its page is the manifest's
    // `controlUi` entry and calls the methods above on the Control UI's own connection; the
    // gateway loads it only with `gateway.controlUi.experimental.customPlugins: true` and
    // otherwise shows "Custom plugin UI is off" in the tab. `requiredScopes` only hides the tab:
    // each method's own scope is the real check.
    api.session.controls.registerControlUiDescriptor({
      surface: "tab",
      id: "clawpodz",
      label: "Clawpodz",
      description: "Pair OCMAP desktop clients with one-time codes",
      slug: "clawpodz",
      icon: "monitorSmartphone",
      group: "control",
      requiredScopes: ["operator.pairing"],
    });

    // No method called since the gateway started (nothing handed us its request context): one call of our own
    // method over the loopback admin session does.
    const liveClientSet = async () => {
      if (!liveClients) {
        const session = await LoopbackAdminSession.open(
          planLoopbackDial(currentConfig(), process.env, stateDir),
          10_000,
          api.logger,
        );
        await session.request("pairing.list", {}, 10_000).finally(() => session.close());
      }
      if (!liveClients) throw new Error("the gateway gave no request context");
      return liveClients;
    };
    const removeAfterMs = cfg.ephemeralRemoveAfterSeconds * 1000;
    let ephemeralRunning = false;
    const sweepEphemeral = async () => {
      if (ephemeralRunning || !hasEphemeralDevices(service)) return;
      ephemeralRunning = true;
      try {
        const clients = await liveClientSet();
        await sweepEphemeralDevices(service, removeAfterMs, {
          isConnected: (deviceId) => clients.hasConnectedClientsForDevice(deviceId),
          remove: async (deviceId) => {
            const session = await openRemoval();
            try {
              await session.remove(deviceId);
            } finally {
              session.close();
            }
          },
          log: api.logger,
        });
      } finally {
        ephemeralRunning = false;
      }
    };

    const expiryMs = expireAfterMs(cfg);
    let expiryRunning = false;
    const sweepExpiry = async () => {
      if (expiryRunning || expiryMs <= 0 || !hasExpiringDevices(service)) return;
      expiryRunning = true;
      try {
        const clients = await liveClientSet();
        await sweepExpiredDevices(service, expiryMs, {
          isConnected: (deviceId) => clients.hasConnectedClientsForDevice(deviceId),
          paired: async () => (await listDevicePairing()).paired,
          remove: (deviceId) => service.core.deps.removeDevice(deviceId),
          log: api.logger,
        });
      } finally {
        expiryRunning = false;
      }
    };

    let sweeper: ReturnType<typeof setInterval> | undefined;
    let ephemeralSweeper: ReturnType<typeof setInterval> | undefined;
    const sweep = safely("sweep timer", api.logger, () =>
      service.sweep().catch((e) => api.logger.warn(`ocmap-pairing: sweep failed: ${describeError(e)}`)),
    );
    const ephemeral = safely("ephemeral sweep timer", api.logger, () => {
      sweepEphemeral().catch((e) => api.logger.warn(`ocmap-pairing: ephemeral sweep failed: ${describeError(e)}`));
      sweepExpiry().catch((e) => api.logger.warn(`ocmap-pairing: expiry sweep failed: ${describeError(e)}`));
    });
    api.registerService({
      id: "ocmap-pairing-expiry",
      start: safely("service start", api.logger, (ctx: { gatewayEvents?: unknown }) => {
        emitter = ctx.gatewayEvents as Emitter | undefined;
        // Set here, not at registration: a metadata pass registers too, and its service never starts.
        notify.broadcast = (event) => emitter?.emit("device-event", event, { scope: "operator.read" });
        notify.sender.resume();
        void sweep();
        clearInterval(sweeper);
        sweeper = setInterval(sweep, 5_000);
        sweeper.unref?.();
        clearInterval(ephemeralSweeper);
        const shortest = Math.min(removeAfterMs, expiryMs || removeAfterMs);
        ephemeralSweeper = setInterval(ephemeral, Math.min(5_000, Math.max(1_000, shortest / 2)));
        ephemeralSweeper.unref?.();
      }),
      stop: safely("service stop", api.logger, () => {
        clearInterval(sweeper);
        clearInterval(ephemeralSweeper);
        notify.sender.stop();
      }),
    });
  },
});

/** The store, identity and limiter of one state directory, made once (see `kept`); damage is logged once. */
function keptFor(
  dir: string,
  cfg: ReturnType<typeof resolveConfig>,
  log: { error(msg: string): void; warn(msg: string): void; info(msg: string): void },
) {
  let found = kept.get(dir);
  if (found) return found;
  const store = new PairingStore(dir);
  const identity = new GatewayIdentity(dir, log, store.hasNoV2Codes);
  if (identity.problem) store.addDamage(identity.problem);
  // Renewals and retirements go into the audit log; a failed write there is logged and loses no statement.
  identity.onRenewed = (serial) =>
    void commitChange(store, log, (state) =>
      audit(state, { atMs: Date.now(), type: "certificate.renewed", reason: `serial ${serial}` }),
    ).catch((err) => log.warn(`ocmap-pairing: audit not saved: ${(err as Error).message}`));
  kept.set(dir, (found = { store, identity, limiter: new FailureLimiter(failureLimits(cfg)) }));
  if (store.damage)
    log.error(
      `ocmap-pairing: STATE_DAMAGED in ${dir}: ${store.damage.problems.join("; ")}. Pairing is refused ` +
        "(revocations stay in force) until the files are restored from a backup, or secret.key, " +
        "gateway-identity.key and state.json are all deleted for a deliberate fresh start that forgets the " +
        "plugin's revoked list and makes every paired client refuse the gateway's new identity.",
    );
  return found;
}
