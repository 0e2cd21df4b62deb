// The exchange's checks after the PAKE session's own (docs/pairing-protocol.md, /v2/exchange), in v1's
// order. Each throws its contract error, so nothing after a failed check runs. /v2/start runs the first
// ones too: a code with this discriminator, not expired and not used. "Enabled" is checked before these.
import { SIGNED_AT_SKEW_MS, exchangeSignaturePayload } from "@ocmap/protocol/pairing-protocol";
import { deviceIdOf, verifyEd25519 } from "./crypto.ts";
import { fail } from "./errors.ts";
import type { GatewayPairing } from "./service-deps.ts";
import type { CodeRecord, DeviceRecord } from "./store.ts";

/** The device proof of /v2/exchange (its nonce is the code's, sent to the client only inside the grant). */
export interface ExchangeProof {
  requestId?: string;
  device: { id: string; publicKey: string; signature: string; signedAt: number };
}

/**
 * The code a /v2/start names: the active code with this discriminator, else the latest code that had it
 * (so an expired or used one answers as such), else CODE_INVALID.
 */
export function findByDiscriminator(codes: readonly CodeRecord[], discriminator: string): CodeRecord {
  const named = codes.filter((code) => code.discriminator === discriminator && code.sealedCode);
  const found = named.find((code) => code.status === "active") ?? named.at(-1);
  if (!found) throw fail("CODE_INVALID", "unknown discriminator");
  return found;
}

/** Not expired; not used (cancelled and locked codes count as used). */
export function assertCodeUsable(code: CodeRecord, now: number): void {
  if (code.status === "expired" || (code.status === "active" && code.expiresAtMs <= now)) throw fail("CODE_EXPIRED");
  if (code.status !== "active") throw fail("CODE_ALREADY_USED", `code ${code.status}`);
}

/** What the gateway knows of the device, kept in the plugin's list of trusted clients. */
export interface DeviceDescription {
  displayName?: string;
  platform?: string;
}

export interface ExchangeCheckInput {
  request: ExchangeProof;
  code: CodeRecord;
  devices: readonly DeviceRecord[];
  now: number;
  listPairing(): Promise<GatewayPairing>;
}

/** Every check after "code known", in order; resolves only when the device may be approved. */
export async function checkExchange({
  request,
  code,
  devices,
  now,
  listPairing,
}: ExchangeCheckInput): Promise<DeviceDescription> {
  const { device, requestId } = request;
  assertCodeUsable(code, now);
  checkDeviceProof(request, code.nonce, now);
  const gateway = await listPairing();
  const description = requestId
    ? checkPendingRequest(gateway, requestId, device, code.scopes)
    : checkAlreadyPaired(gateway, device);
  if (devices.some((known) => known.deviceId === device.id && known.revokedAtMs)) throw fail("DEVICE_REVOKED");
  return description;
}

/** id ↔ key, the signature over the code's nonce (and requestId, "" when absent), signedAt within the skew. */
export function checkDeviceProof({ device, requestId }: ExchangeProof, nonce: string, now: number): void {
  if (deviceIdOf(device.publicKey) !== device.id) throw fail("CODE_INVALID", "device id does not match public key");
  const signed = exchangeSignaturePayload({
    nonce,
    requestId: requestId ?? "",
    id: device.id,
    publicKey: device.publicKey,
    signedAt: device.signedAt,
  });
  if (!verifyEd25519(device.publicKey, signed, device.signature)) throw fail("CODE_INVALID", "bad signature");
  if (Math.abs(device.signedAt - now) > SIGNED_AT_SKEW_MS) throw fail("CODE_INVALID", "signedAt outside ±120 s");
}

/** The pending request exists, was made by this id and key, and asks for no more than the code grants. */
function checkPendingRequest(
  gateway: GatewayPairing,
  requestId: string,
  device: ExchangeProof["device"],
  codeScopes: readonly string[],
): DeviceDescription {
  const pending = gateway.pending.find((request) => request.requestId === requestId);
  if (!pending || pending.deviceId !== device.id || pending.publicKey !== device.publicKey)
    throw fail("CODE_INVALID", "pending request missing or not this device's");
  const roles = pending.roles ?? (pending.role ? [pending.role] : []);
  const scopes = pending.scopes ?? [];
  if (roles.some((role) => role !== "operator") || !scopes.every((scope) => codeScopes.includes(scope)))
    throw fail("CODE_INVALID", "requested role or scopes exceed the code's");
  return pending;
}

/** Without requestId (the gateway approved the device by itself), only an already-paired identity passes. */
function checkAlreadyPaired(gateway: GatewayPairing, device: ExchangeProof["device"]): DeviceDescription {
  const paired = gateway.paired.find((known) => known.deviceId === device.id && known.publicKey === device.publicKey);
  if (!paired) throw fail("CODE_INVALID", "no requestId and the device is not paired");
  return paired;
}
