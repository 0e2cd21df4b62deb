// The exchange's checks, in the contract's order (pairing-protocol.md, "The plugin checks, in this
// order"). Each throws its contract error, so nothing after a failed check runs. Redeem runs the
// first ones too: the code is known, not expired and not used. "Enabled" is checked by the service
// before any of these.
import { parsePairingCode } from "@ocmap/protocol/pairing-code";
import { SIGNED_AT_SKEW_MS, exchangeSignaturePayload, type ExchangeRequest } from "@ocmap/protocol/pairing-protocol";
import { deviceIdOf, hmacHex, sameHex, verifyEd25519 } from "./crypto.ts";
import { fail } from "./errors.ts";
import type { GatewayPairing } from "./service-deps.ts";
import type { CodeRecord, DeviceRecord } from "./store.ts";

/** Code known: a well-formed code whose HMAC matches a stored one (malformed counts as unknown). */
export function findCode(codes: readonly CodeRecord[], secret: Buffer, input: unknown): CodeRecord {
  const parsed = parsePairingCode(input);
  if (!parsed.ok) throw fail("CODE_INVALID", `malformed code (${parsed.reason})`);
  const hash = hmacHex(secret, parsed.code);
  const found = codes.find((code) => sameHex(code.hash, hash));
  if (!found) throw fail("CODE_INVALID", "unknown code");
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
  request: ExchangeRequest;
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
  if (device.nonce !== code.nonce) throw fail("CODE_INVALID", "nonce mismatch");
  if (deviceIdOf(device.publicKey) !== device.id) throw fail("CODE_INVALID", "device id does not match public key");
  const signed = exchangeSignaturePayload({
    nonce: device.nonce,
    requestId: requestId ?? "",
    id: device.id,
    publicKey: device.publicKey,
    signedAt: device.signedAt,
  });
  if (!verifyEd25519(device.publicKey, signed, device.signature)) throw fail("CODE_INVALID", "bad signature");
  if (Math.abs(device.signedAt - now) > SIGNED_AT_SKEW_MS) throw fail("CODE_INVALID", "signedAt outside ±120 s");
  const gateway = await listPairing();
  const description = requestId
    ? checkPendingRequest(gateway, requestId, device, code.scopes)
    : checkAlreadyPaired(gateway, device);
  if (devices.some((known) => known.deviceId === device.id && known.revokedAtMs)) throw fail("DEVICE_REVOKED");
  return description;
}

/** The pending request exists, was made by this id and key, and asks for no more than the code grants. */
function checkPendingRequest(
  gateway: GatewayPairing,
  requestId: string,
  device: ExchangeRequest["device"],
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
function checkAlreadyPaired(gateway: GatewayPairing, device: ExchangeRequest["device"]): DeviceDescription {
  const paired = gateway.paired.find((known) => known.deviceId === device.id && known.publicKey === device.publicKey);
  if (!paired) throw fail("CODE_INVALID", "no requestId and the device is not paired");
  return paired;
}
