// SPKI pins (SHA-256 of the certificate's SubjectPublicKeyInfo, unpadded base64url): from a PEM/DER
// certificate file or from the certificate a TLS peer presented. A pin survives a renewal that keeps the key pair.
import { X509Certificate, createHash } from "node:crypto";
import type { TlsPin } from "@ocmap/protocol/gateway-identity";

export function spkiPinOfCertificate(certificate: X509Certificate): TlsPin {
  const spki = certificate.publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64url");
}

/** The pin of the first certificate in a PEM (or DER) buffer/string. */
export function spkiPinOfPem(pemOrDer: string | Buffer): TlsPin {
  return spkiPinOfCertificate(new X509Certificate(pemOrDer));
}
