// SPKI pins (SHA-256 of the certificate's SubjectPublicKeyInfo, unpadded base64url): from a PEM/DER
// certificate file or from the peer of a TLS socket. A pin survives a renewal that keeps the key pair.
import { X509Certificate, createHash } from "node:crypto";
import type { TLSSocket } from "node:tls";
import type { TlsPin } from "@ocmap/protocol/gateway-identity";

export function spkiPinOfCertificate(certificate: X509Certificate): TlsPin {
  const spki = certificate.publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64url");
}

/** The pin of the first certificate in a PEM (or DER) buffer/string. */
export function spkiPinOfPem(pemOrDer: string | Buffer): TlsPin {
  return spkiPinOfCertificate(new X509Certificate(pemOrDer));
}

/** The pin of the certificate the peer presented, or undefined when it presented none. */
export function spkiPinOfPeer(socket: TLSSocket): TlsPin | undefined {
  const certificate = socket.getPeerX509Certificate();
  return certificate ? spkiPinOfCertificate(certificate) : undefined;
}

/** SHA-256 of the whole certificate (DER) as 64 lowercase hex: the form a gateway's setup code pins. */
export function certificateSha256(certificate: X509Certificate): string {
  return certificate.fingerprint256.replaceAll(":", "").toLowerCase();
}
