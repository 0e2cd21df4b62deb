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
import { failureLimits, resolveConfig } from "./config.ts";
import { registerPairingMethods } from "./gateway-methods.ts";
import { registerPairingRoutes } from "./http-routes.ts";
import { FailureLimiter } from "./limiter.ts";
import { openRemovalSession } from "./self-remove.ts";
import { PairingService } from "./service.ts";
import { PairingStore } from "./store.ts";

// The gateway registers a plugin more than once (metadata passes, config reloads), and a reload
// imports this module afresh: one store and one limiter per state directory, kept on globalThis,
// keep a single lock, a single in-memory copy of the state, and the failures counted so far (a
// config reload must not reset the limits).
const shared = ((globalThis as Record<symbol, unknown>)[Symbol.for("ocmap-pairing.shared")] ??= {
  stores: new Map<string, PairingStore>(),
  limiters: new Map<string, FailureLimiter>(),
}) as { stores: Map<string, PairingStore>; limiters: Map<string, FailureLimiter> };
const { stores, limiters } = shared;
type Broadcast = (event: string, payload: unknown) => void;
// emit("changed") reaches clients as CHANGED_EVENT (`plugin.ocmap-pairing.changed`).
type Emitter = { emit(event: string, payload: unknown, opts: { scope: "operator.read" }): void };

export default definePluginEntry({
  id: "ocmap-pairing",
  name: "OCMAP pairing",
  description: "One-time pairing codes for OCMAP desktop clients, approved through OpenClaw's own device pairing.",
  register(api) {
    const cfg = resolveConfig(api.pluginConfig);
    const dir = join(resolveStateDir(), "plugins", "ocmap-pairing");
    let store = stores.get(dir);
    if (!store) {
      stores.set(dir, (store = new PairingStore(dir)));
      if (store.damage)
        api.logger.error(
          `ocmap-pairing: STATE_DAMAGED in ${dir}: ${store.damage.problems.join("; ")}. Pairing is refused ` +
            "(revocations stay in force) until the files are restored from a backup, or both secret.key and " +
            "state.json are deleted for a deliberate fresh start that forgets the plugin's revoked list.",
        );
    }
    let limiter = limiters.get(dir);
    if (!limiter) limiters.set(dir, (limiter = new FailureLimiter(failureLimits(cfg))));
    limiter.configure(failureLimits(cfg));
    // The config as the gateway runs it now (hot reloads included); the port it really listens on.
    const currentConfig = () => (getRuntimeConfigSnapshot() ?? api.config) as { gateway?: Record<string, any> };
    const gateway = (api.config as { gateway?: { trustedProxies?: string[] } }).gateway ?? {};
    const port = () => resolveGatewayPort(currentConfig() as never, process.env);
    let broadcast: Broadcast | undefined;
    let emitter: Emitter | undefined;

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
        publicUrl: () => cfg.publicUrl ?? `ws://127.0.0.1:${port()}`,
        log: api.logger,
      },
      limiter,
    );

    registerPairingMethods(api as never, service, {
      sawContext: (ctx) => {
        if (typeof ctx?.broadcast === "function") broadcast = ctx.broadcast;
      },
      openRemovalSession: () => openRemovalSession(currentConfig(), process.env, resolveStateDir()),
      log: api.logger,
    });
    registerPairingRoutes(api as never, service, () => gateway.trustedProxies);

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

    let sweeper: ReturnType<typeof setInterval> | undefined;
    api.registerService({
      id: "ocmap-pairing-expiry",
      start(ctx) {
        emitter = ctx.gatewayEvents as Emitter | undefined;
        const sweep = () =>
          void service.sweep().catch((e) => api.logger.warn(`ocmap-pairing: sweep failed: ${(e as Error).message}`));
        sweep();
        sweeper = setInterval(sweep, 5_000);
        sweeper.unref?.();
      },
      stop() {
        clearInterval(sweeper);
      },
    });
  },
});
