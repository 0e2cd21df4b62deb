// pairing.forgetSelf for a device of any access level, in two steps so that the caller is told the
// truth: `openRemovalSession` runs BEFORE the answer and proves the plugin can remove a device on
// this gateway (credential, transport, address and port as the gateway really runs, by opening the
// admin session itself); the removal then runs on that already-open session after the answer
// (it closes the caller's own socket). Why this is safe:
// - the target is never taken from params: it is the device id the gateway itself verified in the
//   caller's `connect` (signature over the challenge nonce), and only one this plugin paired and
//   has not revoked;
// - the session asks for `operator.pairing` only and lives for one request;
// - it fails closed whenever the gateway is not using a shared secret the plugin can present
//   (trusted-proxy, none), and when anything about the answers is unexpected.
import { LoopbackAdminSession, planLoopbackDial, type GatewayConfigView } from "./loopback-admin.ts";
import type { SafeLog } from "./throw-safe.ts";

export interface RemovalSession {
  /** `device.pair.remove` for `deviceId`; throws when the gateway did not remove it. */
  remove(deviceId: string): Promise<void>;
  close(): void;
}

export async function openRemovalSession(
  config: GatewayConfigView,
  env: NodeJS.ProcessEnv,
  stateDir: string,
  log: SafeLog,
  timeoutMs = 10_000,
): Promise<RemovalSession> {
  const session = await LoopbackAdminSession.open(planLoopbackDial(config, env, stateDir), timeoutMs, log);
  return {
    async remove(deviceId) {
      const removed = await session.request("device.pair.remove", { deviceId }, timeoutMs);
      if (removed?.deviceId !== undefined && removed.deviceId !== deviceId)
        throw new Error("device.pair.remove answered for another device");
    },
    close: () => session.close(),
  };
}
