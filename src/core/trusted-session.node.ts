// Every connection with the stored trust (reconnect, status, forget) goes through here: over wss:// with a
// pinned certificate the pin and validity window are checked before any auth byte; a changed certificate is
// accepted only when the pinned gateway identity key vouched for it under a serial no lower than the one
// accepted before (then the new pin is stored). Anything else throws GATEWAY_IDENTITY_CHANGED or
// GATEWAY_CERT_EXPIRED and leaves the trust as it was.
import { renewGatewayPin, upgradeGatewayPin } from "./gateway-trust.node.ts";
import { parseGatewayUrl } from "./gateway-url.std.ts";
import { openSession, type OpenResult, type SessionOptions } from "./gateway-session.node.ts";
import type { DeviceIdentity } from "./identity.node.ts";
import type { TrustRecord } from "./keystore.node.ts";
import { transportError } from "./pairing-http.node.ts";
import { ClientError } from "./client-errors.std.ts";
import type { TlsTrust } from "./pinned-tls.node.ts";
import { pinnedCertificate } from "./trust-record.std.ts";
import { stockTrust } from "./stock-pairing.node.ts";

/** A stock gateway (paired with its own setup code) has no identity key: a new certificate means pairing again. */
export const STOCK_CERTIFICATE_CHANGED =
  "The gateway's certificate changed since pairing, and a gateway without ocmap-pairing has no identity key to " +
  "vouch for a new one, so OCMAP sent nothing. If its operator renewed the certificate, forget this device and " +
  "pair again with a new setup code; if not, someone may be in between: check your network.";

/** How the stored trust checks the gateway's certificate on wss:// (the session's and the probe's rule). */
export function tlsTrustOf(record: TrustRecord): TlsTrust {
  if (record.stockGateway) return stockTrust(record.stockGateway);
  const pinned = record.gatewayIdentity;
  return pinned?.tlsPin
    ? { kind: "pinned", tlsPin: pinned.tlsPin, validity: pinnedCertificate(pinned) }
    : { kind: "ca" };
}

type Common = Pick<SessionOptions, "displayName" | "version" | "platform" | "mode" | "timeoutMs">;

/**
 * `saveRenewed` stores a renewed or upgraded pin; the core checks there that the record is still this
 * device's. `renewed` is true when the gateway's certificate changed and its identity vouched for it.
 */
export async function openTrustedSession(
  trust: TrustRecord,
  identity: DeviceIdentity,
  common: Common,
  saveRenewed: (renewed: TrustRecord) => Promise<void>,
): Promise<{ result: OpenResult; trust: TrustRecord; renewed: boolean }> {
  const open = (record: TrustRecord) =>
    openSession({
      ...common,
      url: record.gatewayUrl,
      identity,
      auth: { deviceToken: record.deviceToken },
      scopes: record.scopes,
      trust: tlsTrustOf(record),
    });
  if (trust.stockGateway) {
    const result = await open(trust).catch((error: unknown) => {
      const changed = error instanceof ClientError && error.code === "GATEWAY_IDENTITY_CHANGED";
      throw changed ? new ClientError(error.code, { message: STOCK_CERTIFICATE_CHANGED, cause: error }) : error;
    });
    return { result, trust, renewed: false };
  }
  const pinned = trust.gatewayIdentity;
  if (!pinned?.tlsPin) return { result: await open(trust), trust, renewed: false };
  const url = parseGatewayUrl(trust.gatewayUrl);
  if (!url.ok) throw new ClientError(url.code);
  let current = trust;
  if (pinned.serial === undefined) {
    // A pin from before serials: upgraded in place from the statement for the very certificate it pinned.
    const upgraded = await upgradeGatewayPin(url.httpBase, { ...pinned, tlsPin: pinned.tlsPin });
    if (upgraded) await saveRenewed((current = { ...trust, gatewayIdentity: upgraded }));
  }
  try {
    return { result: await open(current), trust: current, renewed: false };
  } catch (error) {
    const codes = ["GATEWAY_IDENTITY_CHANGED", "GATEWAY_CERT_EXPIRED"];
    if (!(error instanceof ClientError) || !codes.includes(error.code)) throw error;
  }
  const gatewayIdentity = await renewGatewayPin(url.httpBase, current.gatewayIdentity!).catch((error: unknown) => {
    throw transportError(error, url.httpBase);
  });
  const renewed: TrustRecord = { ...current, gatewayIdentity };
  await saveRenewed(renewed);
  return { result: await open(renewed), trust: renewed, renewed: true };
}
