// The gateway identity (docs/pairing-protocol.md, "Gateway identity"): a per-install Ed25519 key in its own
// 0600 file beside secret.key (never in state.json), and, when the gateway terminates TLS itself, a statement
// signed with that key binding the served certificate's SPKI pin to its serial (certificate-serials.ts) and
// validity window. The certificate file is read again on every use, so a renewed certificate (the gateway
// reloads replaced files by itself) gets the next serial and is stated at once.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createGatewayIdentityKey,
  signPinStatement,
  type CertificateSummary,
  type GatewayIdentityKey,
  type PinStatement,
} from "@ocmap/protocol/gateway-identity";
import { fromBase64Url } from "@ocmap/protocol/base64url";
import { CertificateSerials } from "./certificate-serials.ts";
import { readTextFile, writeFileDurablySync } from "./durable-file.ts";
import { fail } from "./errors.ts";
import type { GatewayIdentityInGrant } from "./service-deps.ts";

export const IDENTITY_KEY_FILE = "gateway-identity.key";

/** `gateway.tls` as the gateway's config has it (docs/gateway/config-gateway.md). */
export interface GatewayTlsConfig {
  enabled?: boolean;
  certPath?: string;
}

/** The certificate the gateway serves: `certPath`, or the one it auto-generates under its state dir. */
export function servedCertPath(tls: GatewayTlsConfig | undefined, stateDir: string): string | undefined {
  if (!tls?.enabled) return undefined;
  return tls.certPath ?? join(stateDir, "gateway", "tls", "gateway-cert.pem");
}

/**
 * Like secret.key, the identity key is created only when no client can have pinned it yet: `mayCreate` is
 * true on a first start and on state from before v2 (no v2 code was ever made). Otherwise a missing key is
 * damage, never silently regenerated: a new key would make every paired client refuse the gateway
 * (GATEWAY_IDENTITY_CHANGED). `problem` then says what is wrong; index.ts adds it to the store's damage.
 */
export class GatewayIdentity {
  private readonly loaded: GatewayIdentityKey | undefined;
  readonly problem: string | undefined;
  readonly serials: CertificateSerials;
  /** The served certificate (`servedCertPath`), set at each plugin registration; undefined without TLS. */
  certPath: string | undefined;
  private signed?: { pem: string; minSerial: number; statement: PinStatement };
  private warnedRetired?: string;
  /** Told of each new serial after the first (index.ts audits it). */
  onRenewed?: (serial: number) => void;

  constructor(
    dir: string,
    private readonly log: { warn(msg: string): void },
    mayCreate: boolean,
    private readonly now: () => number = Date.now,
  ) {
    const loaded = loadOrCreateIdentityKey(join(dir, IDENTITY_KEY_FILE), mayCreate);
    if (typeof loaded === "string") this.problem = loaded;
    else this.loaded = loaded;
    this.serials = new CertificateSerials(dir);
    this.problem ??= this.serials.problem;
  }

  /** The key; STATE_DAMAGED while its file (or the serials' file) is missing or damaged. */
  get key(): GatewayIdentityKey {
    if (!this.loaded || this.problem) throw fail("STATE_DAMAGED", `state damaged: ${this.problem}`);
    return this.loaded;
  }

  /** The statement for the certificate served now; undefined without TLS, or for a retired certificate. */
  statement(): PinStatement | undefined {
    const path = this.certPath;
    if (!path) return undefined;
    let pem: string;
    try {
      pem = readFileSync(path, "utf8");
    } catch (err) {
      // No pin is safe: a client that paired over the gateway's own certificate then refuses (TLS_PIN_MISSING).
      this.log.warn(`ocmap-pairing: TLS certificate unreadable, no pin sent: ${(err as Error).message}`);
      return undefined;
    }
    const minSerial = this.serials.minSerial;
    if (this.signed?.pem === pem && this.signed.minSerial === minSerial) return this.signed.statement;
    const key = this.key;
    let certified;
    try {
      certified = this.serials.certify(pem, this.now());
    } catch (err) {
      this.log.warn(`ocmap-pairing: TLS certificate unusable, no pin sent: ${(err as Error).message}`);
      return undefined;
    }
    if (!certified) {
      if (this.warnedRetired !== pem)
        this.log.warn("ocmap-pairing: the served TLS certificate was retired in Clawpodz; no pin is vouched for it");
      this.warnedRetired = pem;
      this.signed = undefined;
      return undefined;
    }
    const { serial, tlsPin, issuedAtMs, notBeforeMs, notAfterMs } = certified;
    const statement = signPinStatement(key, { tlsPin, serial, issuedAtMs, notBeforeMs, notAfterMs, minSerial });
    if (certified.fresh && serial > 1) this.onRenewed?.(serial);
    this.signed = { pem, minSerial, statement };
    return statement;
  }

  /** The statement as the sealed grant and /v2/identity carry it; just the public key without TLS. */
  inGrant(): GatewayIdentityInGrant {
    return this.statement() ?? { publicKey: this.key.publicKey };
  }

  /** Retires every certificate older than the served one (pairing.retireCertificates). */
  retireOlder(): { minSerial: number; retiredPins: number } {
    if (!this.statement())
      throw fail("INVALID_REQUEST", "the gateway serves no certificate that its identity vouches for");
    const retired = this.serials.retireOlder(this.now());
    this.statement(); // signed again with the new floor
    return retired;
  }

  certificates(): CertificateSummary {
    this.statement();
    return this.serials.summary();
  }
}

/** The key, or what is wrong with its file. */
function loadOrCreateIdentityKey(path: string, mayCreate: boolean): GatewayIdentityKey | string {
  let text: string | undefined;
  try {
    text = readTextFile(path);
  } catch (err) {
    return `${IDENTITY_KEY_FILE} is unreadable (${(err as NodeJS.ErrnoException).code ?? "error"})`;
  }
  if (text === undefined) {
    if (!mayCreate) return `${IDENTITY_KEY_FILE} is missing (clients have pinned it)`;
    const key = createGatewayIdentityKey();
    writeFileDurablySync(path, JSON.stringify({ version: 1, ...key }));
    return key;
  }
  try {
    const { publicKey, privateKey } = JSON.parse(text) as Partial<GatewayIdentityKey>;
    if (fromBase64Url(publicKey, 32) && fromBase64Url(privateKey, 32))
      return { publicKey: publicKey!, privateKey: privateKey! };
  } catch {
    // malformed below
  }
  return `${IDENTITY_KEY_FILE} is damaged`;
}
