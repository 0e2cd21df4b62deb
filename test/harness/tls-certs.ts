// Throwaway certificates for TLS tests, made with the machine's openssl (valid for 127.0.0.1 and localhost,
// one day): self-signed or issued by a throwaway CA, with an RSA, P-256, P-384 or Ed25519 key. And `ws`
// options that trust exactly one such certificate, whatever its key type and chain.
import { execFileSync } from "node:child_process";
import { X509Certificate, createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PeerCertificate } from "node:tls";
import type WebSocket from "ws";

export interface TestCertificate {
  key: string;
  cert: string;
}

export type TestKeyType = "rsa" | "p256" | "p384" | "ed25519";

const KEY_ALGORITHM: Record<TestKeyType, string[]> = {
  rsa: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
  p256: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  p384: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
  ed25519: ["-algorithm", "ED25519"],
};

const LEAF_EXTENSIONS = ["subjectAltName=IP:127.0.0.1,DNS:localhost", "basicConstraints=critical,CA:FALSE"];
const CA_EXTENSIONS = ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"];

function inTempDir<T>(run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "ocmap-cert-"));
  try {
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });

function newKey(dir: string, type: TestKeyType): string {
  const keyPath = join(dir, `key-${type}-${Math.random().toString(36).slice(2)}.pem`);
  openssl(["genpkey", ...KEY_ALGORITHM[type], "-out", keyPath]);
  return keyPath;
}

/** A self-signed certificate (P-256 unless told otherwise). */
export function makeSelfSignedCertificate(commonName = "localhost", type: TestKeyType = "p256"): TestCertificate {
  return inTempDir((dir) => {
    const keyPath = newKey(dir, type);
    const certPath = join(dir, "cert.pem");
    const extensions = ["-addext", LEAF_EXTENSIONS[0]!];
    openssl(
      ["req", "-x509", "-new", "-key", keyPath, "-out", certPath, "-days", "1", "-subj", `/CN=${commonName}`].concat(
        extensions,
      ),
    );
    return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
  });
}

/** A throwaway certificate authority: its certificate, and `issue` for leaves it signs. */
export function makeTestCa(type: TestKeyType = "p256", commonName = "OCMAP Test CA") {
  const ca = inTempDir((dir) => {
    const keyPath = newKey(dir, type);
    const certPath = join(dir, "ca.pem");
    const extensions = CA_EXTENSIONS.flatMap((ext) => ["-addext", ext]);
    openssl(
      ["req", "-x509", "-new", "-key", keyPath, "-out", certPath, "-days", "1", "-subj", `/CN=${commonName}`].concat(
        extensions,
      ),
    );
    return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
  });
  /** A leaf for 127.0.0.1/localhost with its own key of `leafType`, signed by this CA (`cert` is the leaf only). */
  const issue = (leafType: TestKeyType, leafName = "localhost"): TestCertificate =>
    inTempDir((dir) => {
      const keyPath = newKey(dir, leafType);
      const caKeyPath = join(dir, "ca.key");
      const caCertPath = join(dir, "ca.pem");
      const extPath = join(dir, "leaf.ext");
      writeFileSync(caKeyPath, ca.key, { mode: 0o600 });
      writeFileSync(caCertPath, ca.cert);
      writeFileSync(extPath, `${LEAF_EXTENSIONS.join("\n")}\n`);
      const csrPath = join(dir, "leaf.csr");
      const certPath = join(dir, "leaf.pem");
      openssl(["req", "-new", "-key", keyPath, "-out", csrPath, "-subj", `/CN=${leafName}`]);
      openssl(
        ["x509", "-req", "-in", csrPath, "-CA", caCertPath, "-CAkey", caKeyPath, "-set_serial", "2"].concat([
          "-days",
          "1",
          "-extfile",
          extPath,
          "-out",
          certPath,
        ]),
      );
      return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
    });
  return { cert: ca.cert, issue };
}

/** SHA-256 of a certificate's SubjectPublicKeyInfo (DER), base64url: the same pin for every key type. */
export function spkiPin(certificate: string | Buffer): string {
  const spki = new X509Certificate(certificate).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64url");
}

/**
 * `ws` options that accept exactly the certificate first in `certPem` (a leaf, alone or followed by its chain):
 * that certificate is the trust anchor (a partial chain, so a CA-issued leaf works without its CA), and the
 * peer's leaf must carry the same public key. The pin is taken from the certificate's DER, never from
 * `peer.pubkey` (a raw point for EC keys), and the check never throws.
 */
export function trustOnly(certPem: string): WebSocket.ClientOptions {
  const expected = spkiPin(certPem);
  const checkServerIdentity = (_host: string, peer: PeerCertificate) => {
    try {
      return peer.raw && spkiPin(peer.raw) === expected
        ? undefined
        : new Error("the gateway presented another certificate");
    } catch (err) {
      return new Error(`the gateway's certificate could not be read (${(err as Error).message})`);
    }
  };
  // ws's types say boolean; Node's TLS (which calls it) wants an Error or undefined.
  return {
    ca: new X509Certificate(certPem).toString(),
    allowPartialTrustChain: true,
    checkServerIdentity: checkServerIdentity as never,
  } as WebSocket.ClientOptions;
}
