// The gateway identity (docs/pairing-protocol.md, "Gateway identity"): a per-install Ed25519 key in its own
// 0600 file beside secret.key (never in state.json), and, when the gateway terminates TLS itself, the SPKI pin
// of the certificate it serves, signed with that key. The certificate file is read again on every use, so a
// renewed certificate (the gateway reloads replaced files by itself) is pinned and signed at once.
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createGatewayIdentityKey,
  signPinStatement,
  type GatewayIdentityKey,
  type PinStatement,
} from "@ocmap/protocol/gateway-identity";
import { fromBase64Url } from "@ocmap/protocol/base64url";
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

/** SHA-256 of the first certificate's SubjectPublicKeyInfo DER, base64url: the client's `tlsPin`. */
export function spkiPinOfPem(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64url");
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
  /** The served certificate (`servedCertPath`), set at each plugin registration; undefined without TLS. */
  certPath: string | undefined;
  private signed?: { pem: string; statement: PinStatement };

  constructor(
    dir: string,
    private readonly log: { warn(msg: string): void },
    mayCreate: boolean,
  ) {
    const loaded = loadOrCreateIdentityKey(join(dir, IDENTITY_KEY_FILE), mayCreate);
    if (typeof loaded === "string") this.problem = loaded;
    else this.loaded = loaded;
  }

  /** The key; STATE_DAMAGED while its file is missing or damaged. */
  get key(): GatewayIdentityKey {
    if (!this.loaded) throw fail("STATE_DAMAGED", `state damaged: ${this.problem}`);
    return this.loaded;
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
