// Every connection with the stored trust (reconnect, status, forget) goes through here: over wss:// with a
// pinned certificate the pin is checked before any auth byte; a changed certificate is accepted only when
// the pinned gateway identity key signed it (then the new pin is stored). Anything else throws
// GATEWAY_IDENTITY_CHANGED and leaves the trust as it was.
import { resolveGatewayPin } from "./gateway-trust.node.ts";
import { parseGatewayUrl } from "./gateway-url.std.ts";
import { openSession, type OpenResult, type SessionOptions } from "./gateway-session.node.ts";
import type { DeviceIdentity } from "./identity.node.ts";
import type { TrustRecord } from "./keystore.node.ts";
import { transportError } from "./pairing-http.node.ts";
import { ClientError } from "./client-errors.std.ts";
import { stockTrust } from "./stock-pairing.node.ts";

/** A stock gateway (paired with its own setup code) has no identity key: a new certificate means pairing again. */
export const STOCK_CERTIFICATE_CHANGED =
  "The gateway's certificate changed since pairing, and a gateway without ocmap-pairing has no identity key to " +
  "vouch for a new one, so OCMAP sent nothing. If its operator renewed the certificate, forget this device and " +
  "pair again with a new setup code; if not, someone may be in between: check your network.";

type Common = Pick<SessionOptions, "displayName" | "version" | "platform" | "timeoutMs">;

/** `saveRenewed` stores a renewed pin; the core checks there that the record is still this device's. */
export async function openTrustedSession(
  trust: TrustRecord,
  identity: DeviceIdentity,
  common: Common,
  saveRenewed: (renewed: TrustRecord) => Promise<void>,
): Promise<{ result: OpenResult; trust: TrustRecord }> {
  const open = (record: TrustRecord) => {
    const tlsPin = record.gatewayIdentity?.tlsPin;
    return openSession({
      ...common,
      url: record.gatewayUrl,
      identity,
      auth: { deviceToken: record.deviceToken },
      scopes: record.scopes,
      trust: record.stockGateway
        ? stockTrust(record.stockGateway)
        : tlsPin
          ? { kind: "pinned", tlsPin }
          : { kind: "ca" },
    });
  };
  if (trust.stockGateway) {
    const result = await open(trust).catch((error: unknown) => {
      const changed = error instanceof ClientError && error.code === "GATEWAY_IDENTITY_CHANGED";
      throw changed ? new ClientError(error.code, { message: STOCK_CERTIFICATE_CHANGED, cause: error }) : error;
    });
    return { result, trust };
  }
  const { tlsPin, publicKey } = trust.gatewayIdentity ?? {};
  try {
    return { result: await open(trust), trust };
  } catch (error) {
    const renewable = error instanceof ClientError && error.code === "GATEWAY_IDENTITY_CHANGED" && tlsPin && publicKey;
    if (!renewable) throw error;
  }
  const url = parseGatewayUrl(trust.gatewayUrl);
  if (!url.ok) throw new ClientError(url.code);
  const decision = await resolveGatewayPin(url.httpBase, { identityPublicKey: publicKey!, tlsPin: tlsPin! }).catch(
    (error: unknown) => {
      throw transportError(error);
    },
  );
  const renewed: TrustRecord = { ...trust, gatewayIdentity: { publicKey: publicKey!, tlsPin: decision.tlsPin } };
  if (decision.renewed) await saveRenewed(renewed);
  return { result: await open(renewed), trust: renewed };
}
