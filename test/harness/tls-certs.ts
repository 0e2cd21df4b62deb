// Throwaway self-signed certificates for TLS tests, made with the machine's openssl (P-256, valid for
// 127.0.0.1 and localhost, one day).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
  key: string;
  cert: string;
}

export function makeSelfSignedCertificate(commonName = "localhost"): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "ocmap-cert-"));
  try {
    const keyPath = join(dir, "key.pem");
    const certPath = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ["-keyout", keyPath, "-out", certPath, "-days", "1", "-subj", `/CN=${commonName}`],
        ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
      ].flat(),
      { stdio: "ignore" },
    );
    return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
