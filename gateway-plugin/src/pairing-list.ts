// What pairing.list shows operators: the plugin's state without secrets or hashes, joined with what
// the gateway knows of each device right now.
import { fingerprint, type PairingList, type TrustedClient } from "@ocmap/protocol/pairing-protocol";
import { LISTED, retainEvents } from "./audit-log.ts";
import type { PairedDeviceInfo } from "./service-deps.ts";
import type { PluginState } from "./store.ts";

export function toPairingList(
  state: Readonly<PluginState>,
  paired: readonly PairedDeviceInfo[],
  isConnected: (deviceId: string) => boolean,
  pausedUntilMs: number | undefined,
): Omit<PairingList, "gatewayFingerprint"> {
  const codes = state.codes.map(
    ({ hash: _h, discriminator: _d, sealedCode: _c, nonce: _n, sealedBootstrap: _b, failures: _f, ...summary }) =>
      summary,
  );
  const devices = state.devices.map((device): TrustedClient => {
    const lastSeenAtMs = paired.find((known) => known.deviceId === device.deviceId)?.lastSeenAtMs;
    return {
      deviceId: device.deviceId,
      fingerprint: fingerprint(device.deviceId),
      ...(device.displayName ? { displayName: device.displayName } : {}),
      ...(device.platform ? { platform: device.platform } : {}),
      access: device.access,
      scopes: device.scopes,
      pairedAtMs: device.pairedAtMs,
      ...(lastSeenAtMs ? { lastSeenAtMs } : {}),
      connected: !device.revokedAtMs && isConnected(device.deviceId),
      ...(device.revokedAtMs ? { revokedAtMs: device.revokedAtMs, revokedBy: device.revokedBy } : {}),
    };
  });
  const events = retainEvents(state.events, LISTED);
  return { codes, devices, events, ...(pausedUntilMs ? { pausedUntilMs } : {}) };
}
