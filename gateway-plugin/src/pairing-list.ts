// What pairing.list shows operators: the plugin's state without secrets or hashes, joined with what
// the gateway knows of each device right now.
import {
  fingerprint,
  type AttackSummary,
  type PairingList,
  type TrustedClient,
} from "@ocmap/protocol/pairing-protocol";
import { gatewayFacts } from "./device-facts.ts";
import { keySummaries } from "./enrollment-keys.ts";
import { LISTED, retainEvents } from "./audit-log.ts";
import type { PairedDeviceInfo } from "./service-deps.ts";
import type { DeviceRecord, PluginState } from "./store.ts";

export function toPairingList(
  state: Readonly<PluginState>,
  paired: readonly PairedDeviceInfo[],
  isConnected: (deviceId: string) => boolean,
  limits: { pausedUntilMs: number | undefined; attack: AttackSummary },
  now: number,
  expireAfterMs = 0,
): Omit<PairingList, "gatewayFingerprint"> {
  // A key's uses are listed under the key (uses left) and in the audit log, not as codes.
  const codes = state.codes
    .filter((code) => !code.keyId)
    .map(
      ({
        hash: _h,
        discriminator: _d,
        sealedCode: _c,
        nonce: _n,
        sealedBootstrap: _b,
        failures: _f,
        keyId: _k,
        ...summary
      }) => summary,
    );
  const devices = state.devices.map((device): TrustedClient => {
    const live = paired.find((candidate) => candidate.deviceId === device.deviceId);
    const kept = device.revokedAtMs && device.lastGatewayFacts;
    const known = live ?? (kept ? { ...kept, deviceId: device.deviceId, publicKey: device.publicKey } : undefined);
    const lastSeenAtMs = known?.lastSeenAtMs;
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
      ...(device.keyId ? { keyId: device.keyId } : {}),
      ...(device.ephemeral ? { ephemeral: true as const } : {}),
      ...gatewayFacts(device, known, expireAfterMs),
    };
  });
  const events = retainEvents(state.events, LISTED);
  const keys = keySummaries(state, now);
  const { pausedUntilMs, attack } = limits;
  return { codes, devices, events, keys, ...(pausedUntilMs ? { pausedUntilMs } : {}), attack };
}

/** The facts of the gateway's record worth keeping once the device is removed (never a token: none is read). */
export function lastGatewayFacts(record: PairedDeviceInfo | undefined): DeviceRecord["lastGatewayFacts"] {
  if (!record) return undefined;
  const { operatorLabel, clientId, clientMode, remoteIp, approvedVia, lastSeenAtMs } = record;
  const facts = { operatorLabel, clientId, clientMode, remoteIp, approvedVia, lastSeenAtMs };
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined));
}
