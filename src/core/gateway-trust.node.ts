// Which TLS pin to use for a gateway whose identity the client pinned at pairing (docs/pairing-protocol.md,
// "Gateway identity"): the stored pin; or, when the gateway now serves another certificate, that
// certificate's pin if and only if the pinned identity key vouched for it with a serial no lower than the one
// accepted before. Records from before serials learn theirs from the statement for the certificate they
// pinned. No secret is sent while deciding: the statement is public.
import { V2_PATHS } from "@ocmap/protocol/pairing-v2";
import { judgePinStatement, verifyPinStatement, withinValidity } from "@ocmap/protocol/gateway-identity";
import { TlsConnectError, requestJsonOverTls } from "./pinned-tls.node.ts";
import { pinnedCertificate, type PinnedIdentity } from "./trust-record.std.ts";

const REFUSALS = {
  ROLLBACK: "The gateway presented an older certificate than the one accepted before; nothing was sent.",
  RETIRED: "The gateway presented a certificate its operator retired; nothing was sent.",
  SERIAL_REUSED: "The gateway's identity vouched for another certificate under the same serial; nothing was sent.",
} as const;

/**
 * After a pinned connection was refused (another certificate, or one outside its window): the pinned identity
 * with the certificate served now when its statement passes the client's rules, or a rejection with
 * GATEWAY_IDENTITY_CHANGED, GATEWAY_CERT_EXPIRED or GATEWAY_UNREACHABLE.
 */
export async function renewGatewayPin(httpsBaseUrl: string, pinned: PinnedIdentity): Promise<PinnedIdentity> {
  const reply = await requestJsonOverTls(new URL(V2_PATHS.identity, httpsBaseUrl).href, { kind: "capture" });
  const refusal = (code: "GATEWAY_IDENTITY_CHANGED" | "GATEWAY_CERT_EXPIRED", message: string) =>
    new TlsConnectError(code, message, reply.tlsPin);
  const statement = reply.status === 200 ? verifyPinStatement(pinned.publicKey, reply.tlsPin, reply.body) : undefined;
  if (!statement)
    throw refusal(
      "GATEWAY_IDENTITY_CHANGED",
      "The gateway's certificate changed and its pinned identity key did not vouch for the new one.",
    );
  const now = Date.now();
  const judged = judgePinStatement(pinnedCertificate(pinned), statement, now);
  if (!judged.ok && judged.reason !== "OUTSIDE_VALIDITY")
    throw refusal("GATEWAY_IDENTITY_CHANGED", REFUSALS[judged.reason]);
  if (!judged.ok || !withinValidity(reply.validity, now))
    throw refusal(
      "GATEWAY_CERT_EXPIRED",
      "The gateway's certificate is outside its validity window; nothing was sent.",
    );
  return { publicKey: pinned.publicKey, ...judged.pinned };
}

/**
 * A record from before serials, at a connection whose pin still matches: the statement for that certificate,
 * fetched over the pinned connection, gives it a serial, floor and window. Undefined when the gateway gives
 * none (a plugin from before serials) or it does not pass; the record then stays as it was.
 */
export async function upgradeGatewayPin(
  httpsBaseUrl: string,
  pinned: PinnedIdentity & { tlsPin: string },
): Promise<PinnedIdentity | undefined> {
  const reply = await requestJsonOverTls(new URL(V2_PATHS.identity, httpsBaseUrl).href, {
    kind: "pinned",
    tlsPin: pinned.tlsPin,
  }).catch(() => undefined);
  const statement = reply?.status === 200 ? verifyPinStatement(pinned.publicKey, pinned.tlsPin, reply.body) : undefined;
  const judged = statement && judgePinStatement(undefined, statement, Date.now());
  return judged?.ok ? { publicKey: pinned.publicKey, ...judged.pinned } : undefined;
}
