// Devices that went quiet: a device paired through a code that the gateway has not seen for `expireAfterDays`
// is removed from the gateway (its token stops working) and audited as `device.expired`. "Seen" is the
// gateway's own last-seen time (it records each device-token connect, and it survives restarts), or the
// pairing itself when the device never connected since. A device connected right now is never expired: the
// gateway updates last-seen at connect time only, so a long-lived session must not count as silence.
import type { PairingService } from "./service.ts";
import type { PairedDeviceInfo } from "./service-deps.ts";
import { lastSignOfLife } from "./device-facts.ts";

export interface ExpirySweepDeps {
  isConnected(deviceId: string): boolean;
  /** The gateway's device records (last seen). */
  paired(): Promise<PairedDeviceInfo[]>;
  /** Takes the device out of the gateway (the loopback admin session). */
  remove(deviceId: string): Promise<void>;
  log: { warn(msg: string): void };
}

/** The sentence a client that comes back after expiry shows (through the device-status route). */
export const expiredReason = (expireAfterMs: number) => {
  const days = expireAfterMs / 86_400_000;
  const span = days >= 1 ? `${Math.round(days)} days` : `${Math.round(expireAfterMs / 1000)} seconds`;
  return `not seen by the gateway for more than ${span}`;
};

export const hasExpiringDevices = (service: PairingService) =>
  !service.core.store.damage && service.core.store.read().devices.some((device) => !device.revokedAtMs);

/** One pass: remove every active device whose last sign of life is older than `expireAfterMs`. */
export async function sweepExpiredDevices(service: PairingService, expireAfterMs: number, deps: ExpirySweepDeps) {
  if (expireAfterMs <= 0 || !hasExpiringDevices(service)) return;
  const paired = await deps.paired();
  const now = service.core.deps.now();
  const known = (deviceId: string) => paired.find((candidate) => candidate.deviceId === deviceId);
  const due = service.core.store
    .read()
    .devices.filter((device) => !device.revokedAtMs)
    .filter((device) => now - lastSignOfLife(device, known(device.deviceId)) >= expireAfterMs)
    .filter((device) => !deps.isConnected(device.deviceId));
  for (const { deviceId } of due) {
    // One the gateway no longer lists was removed there already: only our record and the audit are left.
    const remove = () => (known(deviceId) ? deps.remove(deviceId) : Promise.resolve());
    await service
      .revokeDevice(deviceId, "expired", expiredReason(expireAfterMs), remove)
      .catch((err) => deps.log.warn(`ocmap-pairing: expired device not removed: ${(err as Error).message}`));
  }
}
