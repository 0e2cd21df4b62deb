// The plugin's own state, separate from the gateway's device records: codes (HMAC only), the
// devices it paired, the revoked list and the audit log. One JSON file written atomically, plus
// a per-install secret key in its own 0600 file. Every mutation runs under one lock.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadJsonFile, writeJsonFileAtomically } from "openclaw/plugin-sdk/json-store";
import type { Access, AuditEvent, CodeStatus } from "@ocmap/protocol/pairing-protocol";

export interface CodeRecord {
  codeId: string;
  /** HMAC-SHA-256 of the canonical code under the install secret. */
  hash: string;
  /** The code's first two symbols, public on the wire (/v2/start); unique among active codes. */
  discriminator: string;
  /** The canonical code sealed under the install secret: the PAKE's password, needed at every /v2/start. */
  sealedCode: string;
  nonce: string;
  /** The bootstrap token, sealed under the install secret (sealed again to the client, and revoked). */
  sealedBootstrap: string;
  access: Access;
  scopes: string[];
  label?: string;
  createdAtMs: number;
  expiresAtMs: number;
  status: CodeStatus;
  failures: number;
  usedAtMs?: number;
  deviceId?: string;
}

export interface DeviceRecord {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  access: Access;
  scopes: string[];
  pairedAtMs: number;
  codeId: string;
  revokedAtMs?: number;
  revokedBy?: "operator" | "self";
}

export interface PluginState {
  version: 1;
  codes: CodeRecord[];
  devices: DeviceRecord[];
  events: AuditEvent[];
}

const MAX_EVENTS = 500;
const MAX_CODES = 500;

export class PairingStore {
  readonly secret: Buffer;
  private state: PluginState;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly file: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, "state.json");
    this.secret = loadOrCreateSecret(join(dir, "secret.key"));
    this.state = loadJsonFile<PluginState>(this.file) ?? { version: 1, codes: [], devices: [], events: [] };
  }

  read(): Readonly<PluginState> {
    return this.state;
  }

  /** Run `fn` alone (no other mutation interleaves); the state is persisted before it resolves. */
  mutate<T>(fn: (s: PluginState) => T | Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.state);
      const result = await fn(draft);
      draft.events = draft.events.slice(-MAX_EVENTS);
      draft.codes = prune(draft.codes);
      await writeJsonFileAtomically(this.file, draft);
      this.state = draft;
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function prune(codes: CodeRecord[]): CodeRecord[] {
  if (codes.length <= MAX_CODES) return codes;
  const active = codes.filter((c) => c.status === "active");
  const rest = codes.filter((c) => c.status !== "active").slice(-(MAX_CODES - active.length));
  return [...rest, ...active].sort((a, b) => a.createdAtMs - b.createdAtMs);
}

function loadOrCreateSecret(path: string): Buffer {
  try {
    return Buffer.from(readFileSync(path, "utf8").trim(), "base64");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    const key = randomBytes(32);
    writeFileSync(path, key.toString("base64"), { mode: 0o600, flag: "wx" });
    return key;
  }
}
