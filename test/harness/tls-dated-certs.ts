// A self-signed certificate with a chosen validity window (in the past, for an expired one) and an existing
// key or a new RSA one (the key type the gateway generates itself), made with the machine's openssl
// (`openssl ca -selfsign`, the one command of OpenSSL 3.0 that takes explicit dates). Valid for 127.0.0.1 and
// localhost, like tls-certs.ts.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestCertificate } from "./tls-certs.ts";

const CONFIG = `[ca]
default_ca = dated
[dated]
database = index.txt
new_certs_dir = .
serial = serial.txt
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[ext]
subjectAltName = IP:127.0.0.1,DNS:localhost
basicConstraints = CA:FALSE
`;

/** openssl's date form: YYYYMMDDHHMMSSZ. */
const opensslDate = (date: Date) => `${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;

export function makeDatedCertificate(window: { notBefore: Date; notAfter: Date }, key?: string): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "ocmap-dated-cert-"));
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  try {
    if (key) writeFileSync(join(dir, "key.pem"), key, { mode: 0o600 });
    else run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem"]);
    writeFileSync(join(dir, "ca.cnf"), CONFIG);
    writeFileSync(join(dir, "index.txt"), "");
    writeFileSync(join(dir, "serial.txt"), "01\n");
    run(["req", "-new", "-key", "key.pem", "-subj", "/CN=localhost", "-out", "csr.pem"]);
    run(
      [
        ["ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "key.pem", "-in", "csr.pem"],
        ["-out", "cert.pem", "-extensions", "ext", "-notext"],
        ["-startdate", opensslDate(window.notBefore), "-enddate", opensslDate(window.notAfter)],
      ].flat(),
    );
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
