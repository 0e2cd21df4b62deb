// The serials of the certificates the gateway identity key has vouched for, kept durably in their own file
// beside the key (docs/pairing-protocol.md, "Gateway identity"): a certificate with new content gets the next
// serial, never a lower one, and the operator's retirement floor (`minSerial`) and the pins it retired survive
// restarts. The file is small and rewritten only when the served certificate changes or on a retirement.
import { createHash, X509Certificate } from "node:crypto";
import { join } from "node:path";
import type { CertificateEntry, CertificateSummary, TlsPin } from "@ocmap/protocol/gateway-identity";
import { readTextFile, writeFileDurablySync } from "./durable-file.ts";

export const SERIALS_FILE = "gateway-certificates.json";
const KEPT_OLDER = 20;
const KEPT_RETIRED_PINS = 200;

export interface SignedCertificate extends CertificateEntry {
  /** SHA-256 of the certificate's DER, base64url: "new content" means a new value here. */
  certSha256: string;
}

interface Ledger {
  version: 1;
  current?: SignedCertificate;
  minSerial: number;
  older: SignedCertificate[];
  /** Pins of retired certificates that no later certificate uses: never vouched for again. */
  retiredPins: TlsPin[];
}

export function describeCertificate(pem: string): Omit<SignedCertificate, "serial" | "issuedAtMs"> {
  const certificate = new X509Certificate(pem);
  const spki = certificate.publicKey.export({ type: "spki", format: "der" });
  return {
    certSha256: createHash("sha256").update(certificate.raw).digest("base64url"),
    tlsPin: createHash("sha256").update(spki).digest("base64url"),
    notBeforeMs: Date.parse(certificate.validFrom),
    notAfterMs: Date.parse(certificate.validTo),
  };
}

export class CertificateSerials {
  private readonly path: string;
  private ledger: Ledger = { version: 1, minSerial: 1, older: [], retiredPins: [] };
  /** Set when the file exists but cannot be read: the ledger is then never written over. */
  readonly problem: string | undefined;
  servedRetired = false;

  constructor(dir: string) {
    this.path = join(dir, SERIALS_FILE);
    try {
      const text = readTextFile(this.path);
      if (text !== undefined) this.ledger = parseLedger(text);
    } catch (err) {
      const damaged = err instanceof SyntaxError || err instanceof TypeError;
      this.problem = `${SERIALS_FILE} is ${damaged ? "damaged" : "unreadable"}`;
    }
  }

  get minSerial(): number {
    return this.ledger.minSerial;
  }

  /** The served certificate's entry (`fresh`: a new serial, its content is new); undefined for a retired pin. */
  certify(pem: string, nowMs: number): (SignedCertificate & { fresh: boolean }) | undefined {
    if (this.problem) return undefined;
    const seen = describeCertificate(pem);
    const current = this.ledger.current;
    this.servedRetired = false;
    if (current?.certSha256 === seen.certSha256) return { ...current, fresh: false };
    if (this.ledger.retiredPins.includes(seen.tlsPin)) {
      this.servedRetired = true;
      return undefined;
    }
    const next: SignedCertificate = { ...seen, serial: (current?.serial ?? 0) + 1, issuedAtMs: nowMs };
    this.save({
      ...this.ledger,
      current: next,
      older: current ? [current, ...this.ledger.older].slice(0, KEPT_OLDER) : this.ledger.older,
    });
    return { ...next, fresh: true };
  }

  /** Retires every certificate older than the one served now; its statement is signed again. */
  retireOlder(nowMs: number): { minSerial: number; retiredPins: number } {
    const current = this.ledger.current;
    if (!current) throw new Error("the gateway has not served a certificate that could be retired against");
    const retired = this.ledger.older.filter((entry) => entry.serial < current.serial).map((entry) => entry.tlsPin);
    const retiredPins = [...new Set([...retired, ...this.ledger.retiredPins])]
      .filter((pin) => pin !== current.tlsPin)
      .slice(0, KEPT_RETIRED_PINS);
    this.save({ ...this.ledger, current: { ...current, issuedAtMs: nowMs }, minSerial: current.serial, retiredPins });
    return { minSerial: current.serial, retiredPins: retiredPins.length };
  }

  summary(): CertificateSummary {
    const { current, minSerial, older } = this.ledger;
    const bare = ({ certSha256: _sha, ...rest }: SignedCertificate) => rest;
    return {
      ...(current ? { served: bare(current) } : {}),
      minSerial,
      older: older.map((entry) => ({ ...bare(entry), retired: entry.serial < minSerial })),
      servedRetired: this.servedRetired,
    };
  }

  private save(ledger: Ledger) {
    writeFileDurablySync(this.path, JSON.stringify(ledger));
    this.ledger = ledger;
  }
}

function parseLedger(text: string): Ledger {
  const parsed = JSON.parse(text) as Partial<Ledger>;
  const entry = (value: unknown): value is SignedCertificate =>
    typeof value === "object" &&
    value !== null &&
    ["serial", "issuedAtMs", "notBeforeMs", "notAfterMs"].every((key) =>
      Number.isSafeInteger((value as Record<string, unknown>)[key]),
    ) &&
    typeof (value as SignedCertificate).certSha256 === "string" &&
    typeof (value as SignedCertificate).tlsPin === "string";
  const valid =
    parsed.version === 1 &&
    (parsed.current === undefined || entry(parsed.current)) &&
    Number.isSafeInteger(parsed.minSerial) &&
    Array.isArray(parsed.older) &&
    parsed.older.every(entry) &&
    Array.isArray(parsed.retiredPins) &&
    parsed.retiredPins.every((pin) => typeof pin === "string");
  if (!valid) throw new TypeError("malformed");
  return parsed as Ledger;
}
