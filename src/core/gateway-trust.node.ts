// Which TLS pin to use for a gateway whose identity the client pinned at pairing (docs/pairing-protocol.md,
// "Gateway identity"): the stored pin; or, when the gateway now serves another certificate, that
// certificate's pin if and only if the pinned identity key signed it. No secret is sent while deciding.
import { V2_PATHS } from "@ocmap/protocol/pairing-v2";
import { pinStatementValid, type TlsPin } from "@ocmap/protocol/gateway-identity";
import { TlsConnectError, openVerifiedTls, requestJsonOverTls } from "./pinned-tls.node.ts";

export interface PinnedGateway {
  /** The gateway identity public key pinned at pairing. */
  identityPublicKey: string;
  tlsPin: TlsPin;
}

export type PinDecision = { tlsPin: TlsPin; renewed: false } | { tlsPin: TlsPin; renewed: true };

/**
 * Resolves to the pin to connect with (`renewed` when the caller must store the new one), or rejects with
 * GATEWAY_IDENTITY_CHANGED (a certificate the pinned key did not vouch for) or GATEWAY_UNREACHABLE.
 */
export async function resolveGatewayPin(httpsBaseUrl: string, pinned: PinnedGateway): Promise<PinDecision> {
  const base = new URL(httpsBaseUrl);
  const host = base.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(base.port || 443);
  try {
    const { socket } = await openVerifiedTls({ host, port, trust: { kind: "pinned", tlsPin: pinned.tlsPin } });
    socket.destroy();
    return { tlsPin: pinned.tlsPin, renewed: false };
  } catch (error) {
    if (!(error instanceof TlsConnectError) || error.code !== "GATEWAY_IDENTITY_CHANGED") throw error;
  }
  const statement = await requestJsonOverTls(new URL(V2_PATHS.identity, base).href, { kind: "capture" });
  if (statement.status === 200 && pinStatementValid(pinned.identityPublicKey, statement.tlsPin, statement.body)) {
    return { tlsPin: statement.tlsPin, renewed: true };
  }
  throw new TlsConnectError(
    "GATEWAY_IDENTITY_CHANGED",
    "The gateway's certificate changed and its pinned identity key did not vouch for the new one.",
    statement.tlsPin,
  );
}
