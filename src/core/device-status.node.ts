// What became of this device, asked of the plugin when the gateway refuses the stored token
// (docs/pairing-protocol.md, "Changing access" and "Device status"). The gateway's refusal cannot tell
// apart a removal, an expiry and a token the operator rotated to a lower access; the plugin can:
// - its access was lowered: the plugin hands over, once, the narrower token the gateway minted, and the device
//   keeps its trust and reconnects at the new level;
// - it expired (not seen for too long): REVOKED, with that reason in words;
// - anything else, or no answer (a stock gateway, an older plugin, the network): the refusal stands.
import { DEVICE_STATUS_PATH, deviceStatusSignaturePayload, type DeviceStatus } from "@ocmap/protocol/pairing-v2";
import { ClientError, CLIENT_ERROR_MESSAGES } from "./client-errors.std.ts";
import { parseGatewayUrl } from "./gateway-url.std.ts";
import { sign, type DeviceIdentity } from "./identity.node.ts";
import { postPairing } from "./pairing-http.node.ts";
import type { TrustRecord } from "./trust-record.std.ts";
import { pinnedCertificate } from "./trust-record.std.ts";

/** The plugin's word on this device, or undefined when there is none to be had. */
export async function askDeviceStatus(
  trust: TrustRecord,
  identity: DeviceIdentity,
  timeoutMs: number,
): Promise<DeviceStatus | undefined> {
  if (trust.stockGateway) return undefined; // no plugin there
  const url = parseGatewayUrl(trust.gatewayUrl);
  if (!url.ok) return undefined;
  const signedAt = Date.now();
  const { deviceId: id, publicKey } = identity;
  const signature = sign(identity, deviceStatusSignaturePayload({ id, publicKey, signedAt }));
  const pinned = trust.gatewayIdentity;
  const tls = pinned?.tlsPin
    ? { kind: "pinned" as const, tlsPin: pinned.tlsPin, validity: pinnedCertificate(pinned) }
    : { kind: "ca" as const };
  try {
    const reply = await postPairing(
      `${url.httpBase}${DEVICE_STATUS_PATH}`,
      { device: { id, publicKey, signature, signedAt } },
      { trust: tls, timeoutMs },
    );
    return parseStatus(reply.body);
  } catch {
    return undefined;
  }
}

function parseStatus(body: Record<string, unknown>): DeviceStatus | undefined {
  const { status, access, scopes, deviceToken, reason } = body;
  if (status === "active") {
    if (typeof access !== "string" || !Array.isArray(scopes) || !scopes.every((s) => typeof s === "string"))
      return undefined;
    const token = typeof deviceToken === "string" && /^[A-Za-z0-9_-]{16,256}$/.test(deviceToken) ? deviceToken : null;
    return { ok: true, status, access, scopes: scopes as string[], ...(token ? { deviceToken: token } : {}) };
  }
  if (status === "expired" || status === "revoked" || status === "unknown")
    return { ok: true, status, ...(typeof reason === "string" ? { reason: reason.slice(0, 200) } : {}) };
  return undefined;
}

/** The error a refused stored token ends in, in the plugin's words when it gave some. */
export function refusalError(trust: TrustRecord, status: DeviceStatus | undefined): ClientError {
  if (status?.status === "expired") {
    const why = status.reason ? ` (${status.reason})` : "";
    return new ClientError("DEVICE_EXPIRED", { message: `${CLIENT_ERROR_MESSAGES.DEVICE_EXPIRED}${why}` });
  }
  return new ClientError(trust.ephemeral ? "EPHEMERAL_REMOVED" : "TOKEN_REJECTED");
}

interface Requester {
  request<T = unknown>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
}

/**
 * After a hello-ok: an upgrade the operator granted is taken through the gateway's own live upgrade
 * (`device.scopes.requestUpgrade`, the plugin's `pairing.acceptUpgrade`, `device.scopes.waitUpgrade`), and the
 * token the gateway hands over is saved with its scopes. True when it was: the next connection has the access.
 */
export async function takeGrantedUpgrade(
  session: Requester,
  save: (deviceToken: string, scopes: string[]) => Promise<void>,
): Promise<boolean> {
  const own = await session.request<{ pendingScopes?: string[] }>("pairing.deviceAccess", {}).catch(() => undefined);
  if (!own?.pendingScopes?.length) return false;
  const { requestId } = await session.request<{ requestId: string }>("device.scopes.requestUpgrade", {
    scopes: own.pendingScopes,
  });
  await session.request("pairing.acceptUpgrade", { requestId });
  const upgrade = await session.request<{ status?: string; deviceToken?: string; scopes?: string[] }>(
    "device.scopes.waitUpgrade",
    { requestId },
    30_000,
  );
  if (upgrade.status !== "approved" || typeof upgrade.deviceToken !== "string" || !Array.isArray(upgrade.scopes))
    return false;
  await save(upgrade.deviceToken, upgrade.scopes);
  return true;
}
