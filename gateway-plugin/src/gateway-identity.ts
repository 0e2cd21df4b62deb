// The gateway identity (docs/pairing-protocol.md, "Gateway identity"): a per-install Ed25519 key in its own
// 0600 file beside secret.key (never in state.json), and, when the gateway terminates TLS itself, the SPKI pin
// of the certificate it serves, signed with that key. The certificate file is read again on every use, so a
// renewed certificate (the gateway reloads replaced files by itself) is pinned and signed at once.
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  createGatewayIdentityKey,
  signPinStatement,
  type GatewayIdentityKey,
  type PinStatement,
} from "@ocmap/protocol/gateway-identity";
import { fromBase64Url } from "@ocmap/protocol/base64url";
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

/** SHA-256 of the first certificate's SubjectPublicKeyInfo DER, base64url: the client's `tlsPin`. */
export function spkiPinOfPem(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64url");
}

export class GatewayIdentity {
  readonly key: GatewayIdentityKey;
  /** The served certificate (`servedCertPath`), set at each plugin registration; undefined without TLS. */
  certPath: string | undefined;
  private signed?: { pem: string; statement: PinStatement };

  constructor(
    dir: string,
    private readonly log: { warn(msg: string): void },
  ) {
    this.key = loadOrCreateIdentityKey(join(dir, IDENTITY_KEY_FILE));
  }

  /** The pin statement for the certificate served now, or undefined when the gateway serves no TLS. */
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
    if (this.signed?.pem !== pem) this.signed = { pem, statement: signPinStatement(this.key, spkiPinOfPem(pem)) };
    return this.signed.statement;
  }

  inGrant(): GatewayIdentityInGrant {
    const statement = this.statement();
    return {
      publicKey: this.key.publicKey,
      ...(statement ? { tlsPin: statement.tlsPin, tlsPinSignature: statement.signature } : {}),
    };
  }
}

function loadOrCreateIdentityKey(path: string): GatewayIdentityKey {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    const key = createGatewayIdentityKey();
    writeFileSync(path, JSON.stringify({ version: 1, ...key }), { mode: 0o600, flag: "wx" });
    return key;
  }
  const { publicKey, privateKey } = JSON.parse(text) as Partial<GatewayIdentityKey>;
  if (!fromBase64Url(publicKey, 32) || !fromBase64Url(privateKey, 32))
    throw new Error(`ocmap-pairing: ${IDENTITY_KEY_FILE} is malformed`);
  return { publicKey: publicKey!, privateKey: privateKey! };
}
