// What the pairing service needs from the gateway. Passed in (index.ts wires the SDK) so that the
// service and its checks can be unit-tested with fakes.
import type { DeviceEvent } from "@ocmap/protocol/device-events";
import type { Access } from "@ocmap/protocol/pairing-protocol";
import type { SealedGrant } from "@ocmap/protocol/pairing-v2";

export type GatewayIdentityInGrant = SealedGrant["gatewayIdentity"];

/** A device's request waiting in the gateway's own pairing store. */
export interface PendingRequest {
  requestId: string;
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  role?: string;
  roles?: string[];
  scopes?: string[];
}

/** The gateway's own device record, the fields the plugin reads (never its tokens: see device-access.ts). */
export interface PairedDeviceInfo {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  /** Set by `device.pair.rename`; preferred over displayName. */
  operatorLabel?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  remoteIp?: string;
  approvedVia?: string;
  lastSeenAtMs?: number;
}

export interface GatewayPairing {
  pending: PendingRequest[];
  paired: PairedDeviceInfo[];
}

export interface ServiceDeps {
  now(): number;
  /** CSPRNG bytes (node:crypto randomBytes in production). */
  randomBytes(size: number): Buffer;
  issueBootstrapToken(access: Access, scopes: string[]): Promise<{ token: string; expiresAtMs: number }>;
  revokeBootstrapToken(token: string): Promise<void>;
  listPairing(): Promise<GatewayPairing>;
  /** approveDevicePairing with exactly the code's scopes; false when the request is gone or forbidden. */
  approve(requestId: string, scopes: string[]): Promise<boolean>;
  /** The gateway's own `device.pair.resolved`, which approveDevicePairing does not send. */
  broadcastResolved(payload: Record<string, unknown>): void;
  /** An invalidation for Clawpodz and other operator screens. */
  changed(reason: string): void;
  /** A device event for operator connections and the webhook (device-events.ts); `detail`: why, in words. */
  deviceEvent?(event: DeviceEvent, detail?: string): void;
  /** The limiter counted a failure or refusal: ongoing guessing is told to the webhook (device-events.ts). */
  failureCounted?(now: number): void;
  publicUrl(): string;
  /** The gateway identity as the sealed grant carries it (the pin only when the gateway serves TLS itself). */
  gatewayIdentity(): GatewayIdentityInGrant;
  /** Takes a device out of the gateway (an abandoned pairing). */
  removeDevice(deviceId: string): Promise<void>;
  log: { info(msg: string): void; warn(msg: string): void };
}
