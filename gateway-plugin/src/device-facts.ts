// What Clawpodz shows of a device beyond the plugin's own record: the gateway's device record carries the
// name (its operator label from `device.pair.rename`), client, last address, how it approved the device and
// when it last saw it; the plugin adds which code or key paired it and when it would expire.
import type { TrustedClient } from "@ocmap/protocol/pairing-protocol";
import type { PairedDeviceInfo } from "./service-deps.ts";
import type { DeviceRecord } from "./store.ts";

/** The last sign of life: the gateway's last-seen time, or the pairing itself if it never connected since. */
export const lastSignOfLife = (device: DeviceRecord, paired: PairedDeviceInfo | undefined) =>
  Math.max(device.pairedAtMs, paired?.lastSeenAtMs ?? 0);

// The gateway records the address of each connect, except a local one (loopback): it then clears it. So a
// device it has seen with no address last connected from the gateway's own host.
const remoteAddress = (paired: PairedDeviceInfo | undefined) =>
  paired?.remoteIp ? { remoteAddress: paired.remoteIp } : paired?.lastSeenAtMs ? { remoteAddress: "loopback" } : {};

export function gatewayFacts(
  device: DeviceRecord,
  paired: PairedDeviceInfo | undefined,
  expireAfterMs: number,
): Partial<TrustedClient> {
  const active = !device.revokedAtMs;
  return {
    codeId: device.codeId,
    ...(paired?.operatorLabel ? { label: paired.operatorLabel } : {}),
    ...(paired?.clientId ? { clientId: paired.clientId } : {}),
    ...(paired?.clientMode ? { clientMode: paired.clientMode } : {}),
    ...remoteAddress(paired),
    ...(paired?.approvedVia ? { approvedVia: paired.approvedVia } : {}),
    ...(active && expireAfterMs > 0 ? { expiresAtMs: lastSignOfLife(device, paired) + expireAfterMs } : {}),
    ...(active && device.pendingAccess ? { pendingAccess: device.pendingAccess } : {}),
  };
}
