import { randomBytes } from "node:crypto";
import { join } from "node:path";
import {
  approveDevicePairing,
  issueDeviceBootstrapToken,
  listDevicePairing,
  revokeDeviceBootstrapToken,
} from "openclaw/plugin-sdk/device-bootstrap";
import { definePluginEntry } from "openclaw/plugin-sdk/plugin-entry";
import { resolveStateDir } from "openclaw/plugin-sdk/state-paths";
import { resolveConfig } from "./config.ts";
import { GatewayIdentity, servedCertPath, type GatewayTlsConfig } from "./gateway-identity.ts";
import { registerPairingMethods } from "./gateway-methods.ts";
import { registerPairingRoutes } from "./http-routes.ts";
import { removeDeviceViaLoopback } from "./self-remove.ts";
import { PairingService } from "./service.ts";
import { PairingStore } from "./store.ts";

const DEFAULT_PORT = 18789;
// The gateway may register a plugin more than once (metadata passes, config reloads): one store per
// state directory keeps a single lock and a single in-memory copy of the state.
const stores = new Map<string, { store: PairingStore; identity: GatewayIdentity }>();
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
    const gateway =
      (api.config as { gateway?: { port?: number; auth?: unknown; trustedProxies?: string[]; tls?: GatewayTlsConfig } })
        .gateway ?? {};
    let kept = stores.get(dir);
    if (!kept) {
      const store = new PairingStore(dir);
      stores.set(dir, (kept = { store, identity: new GatewayIdentity(dir, api.logger) }));
    }
    const { store, identity } = kept;
    // Set at each registration: a config reload may change it (the file itself is read at each use).
    identity.certPath = servedCertPath(gateway.tls, stateDir);
    const port = gateway.port ?? DEFAULT_PORT;
    let broadcast: Broadcast | undefined;
    let emitter: Emitter | undefined;

    const service = new PairingService(store, cfg, {
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
      publicUrl: () => cfg.publicUrl ?? `ws${gateway.tls?.enabled ? "s" : ""}://127.0.0.1:${port}`,
      gatewayIdentity: () => identity.inGrant(),
      removeDevice: (deviceId) => removeDeviceViaLoopback({ port, auth: gateway.auth }, deviceId),
      log: api.logger,
    });

    registerPairingMethods(api as never, service, {
      sawContext: (ctx) => {
        if (typeof ctx?.broadcast === "function") broadcast = ctx.broadcast;
      },
      removeSelf: (deviceId) => removeDeviceViaLoopback({ port, auth: gateway.auth }, deviceId),
      log: api.logger,
    });
    registerPairingRoutes(
      api as never,
      service,
      () => gateway.trustedProxies,
      () => {
        const statement = identity.statement();
        return statement ?? { publicKey: identity.key.publicKey };
      },
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
