// Ephemeral devices (an ephemeral enrollment key's): removed from the gateway once disconnected for
// `ephemeralRemoveAfterSeconds`. The gateway has no disconnect hook for plugins, so a sweep asks the gateway's
// own live client set (`hasConnectedClientsForDevice`, from a method's request context) for each one. The time
// a device was first seen disconnected is persisted, so a gateway restart keeps a deadline that was running;
// a device connected when the gateway stopped starts its wait at the first sweep after the restart.
import type { PairingService } from "./service.ts";
import { commitChange } from "./state-changes.ts";
import type { DeviceRecord } from "./store.ts";

export interface EphemeralSweepDeps {
  /** The gateway's live view: is a socket of this device connected right now? */
  isConnected(deviceId: string): boolean;
  /** Takes the device out of the gateway (its token stops working). */
  remove(deviceId: string): Promise<void>;
  log: { warn(msg: string): void };
}

const watched = (device: DeviceRecord) => device.ephemeral === true && !device.revokedAtMs;

export const hasEphemeralDevices = (service: PairingService) =>
  !service.core.store.damage && service.core.store.read().devices.some(watched);

/** One pass: start, clear or act on each ephemeral device's disconnection deadline. */
export async function sweepEphemeralDevices(service: PairingService, removeAfterMs: number, deps: EphemeralSweepDeps) {
  const { core } = service;
  if (!hasEphemeralDevices(service)) return;
  const now = core.deps.now();
  const devices = core.store.read().devices.filter(watched);
  const connected = new Set(devices.filter((device) => deps.isConnected(device.deviceId)).map((d) => d.deviceId));
  const changes = devices.filter(
    (device) => connected.has(device.deviceId) === (device.disconnectedSinceMs !== undefined),
  );
  if (changes.length)
    await commitChange(core.store, core.deps.log, (state) => {
      for (const device of state.devices.filter(watched)) {
        if (connected.has(device.deviceId)) delete device.disconnectedSinceMs;
        else device.disconnectedSinceMs ??= now;
      }
    });
  const due = devices.filter(
    (device) =>
      !connected.has(device.deviceId) &&
      device.disconnectedSinceMs !== undefined &&
      now - device.disconnectedSinceMs >= removeAfterMs,
  );
  for (const device of due) {
    if (deps.isConnected(device.deviceId)) continue; // it came back meanwhile
    const reason = `ephemeral device disconnected for more than ${Math.round(removeAfterMs / 1000)} s`;
    await service
      .revokeDevice(device.deviceId, "ephemeral", reason, () => deps.remove(device.deviceId))
      .catch((err) => deps.log.warn(`ocmap-pairing: ephemeral device not removed: ${(err as Error).message}`));
  }
}
