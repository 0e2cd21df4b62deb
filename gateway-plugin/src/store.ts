// The plugin's own state, separate from the gateway's device records: codes (HMAC only), the
// devices it paired, the revoked list and the audit log (its retention: audit-log.ts). One JSON file
// written atomically and durably, plus a per-install secret key in its own 0600 file. Every mutation
// runs under one lock. Only a first start (neither file exists) creates them: a missing, empty or
// short key or a missing or corrupt state file is damage, reported loudly and never papered over with
// a fresh start that would forget the revoked list (see `damage`).
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Access, AuditEvent, CodeStatus } from "@ocmap/protocol/pairing-protocol";
import { KEPT, retainEvents } from "./audit-log.ts";
import { ensureDir, readTextFile, writeFileDurably, writeFileDurablySync } from "./durable-file.ts";
import { fail } from "./errors.ts";
import type { PairedDeviceInfo } from "./service-deps.ts";

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
  /** Set on a use of an enrollment key (made at its /v2/confirm): its bootstrap token and nonce are this use's own. */
  keyId?: string;
}

export type KeyStatus = "active" | "exhausted" | "expired" | "revoked" | "locked";

/** An enrollment key (docs/pairing-protocol.md, "Enrollment keys"): pairs up to `uses` distinct devices. */
export interface KeyRecord {
  keyId: string;
  /** The normalized key sealed under the install secret: the PAKE's password at every /v2/start. */
  sealedKey: string;
  label?: string;
  access: Access;
  scopes: string[];
  namePrefix: string;
  ephemeral: boolean;
  uses: number;
  used: number;
  createdAtMs: number;
  expiresAtMs: number;
  status: KeyStatus;
  /** Attempts counted at /start not yet proven by a valid confirmation (see enrollment-pake.ts). */
  failures: number;
  revokedAtMs?: number;
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
  revokedBy?: "operator" | "self" | "ephemeral" | "expired";
  /** An upgrade granted by the operator, approved when the device asks for it (device-access.ts). */
  pendingAccess?: Access;
  /** Its token was rotated to a lower access: the new one is handed to it once (device-access.ts). */
  reissuePending?: true;
  /** Enrolled with this key (codeId is then the key's use). */
  keyId?: string;
  /** Removed from the gateway once disconnected for `ephemeralRemoveAfterSeconds` (ephemeral-devices.ts). */
  ephemeral?: true;
  /** Since when an ephemeral device has been seen disconnected: persisted so a restart keeps the deadline. */
  disconnectedSinceMs?: number;
  /** What the gateway's record said when the device was removed (its record goes with it). */
  lastGatewayFacts?: Omit<PairedDeviceInfo, "deviceId" | "publicKey">;
}

export interface PluginState {
  version: 1;
  codes: CodeRecord[];
  devices: DeviceRecord[];
  events: AuditEvent[];
  /** Enrollment keys; absent in state written before they existed (read as empty). */
  keys: KeyRecord[];
}

/** What is wrong with the plugin's files; pairing stays refused while there is any. */
export interface StoreDamage {
  problems: string[];
  /** False when state.json could not be read: nothing may be written over it. */
  stateReadable: boolean;
}

const MAX_CODES = 500;
const KEY_BYTES = 32;

export class PairingStore {
  damage: StoreDamage | undefined;
  private readonly key: Buffer | undefined;
  private state: PluginState | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly file: string;

  constructor(dir: string) {
    ensureDir(dir);
    this.file = join(dir, "state.json");
    const keyFile = join(dir, "secret.key");
    const keyText = readOrProblem(keyFile);
    const stateText = readOrProblem(this.file);
    if (keyText === undefined && stateText === undefined) {
      // First start: the state first, so that a crash in between leaves a detectable missing key.
      this.state = emptyState();
      writeFileDurablySync(this.file, JSON.stringify(this.state));
      this.key = randomBytes(KEY_BYTES);
      writeFileDurablySync(keyFile, this.key.toString("base64"));
      return;
    }
    const problems: string[] = [];
    this.key = parseKey(keyText, problems);
    this.state = parseState(stateText, problems);
    if (problems.length) this.damage = { problems, stateReadable: this.state !== undefined };
  }

  /** The install secret; STATE_DAMAGED when the key file is missing or damaged. */
  get secret(): Buffer {
    if (!this.key) throw this.damaged();
    return this.key;
  }

  /** Damage found beside the store's own files (the gateway identity key): pairing is refused too. */
  addDamage(problem: string): void {
    const problems = [...(this.damage?.problems ?? []), problem];
    this.damage = { problems, stateReadable: this.state !== undefined };
  }

  /** True when no client can have pinned a gateway identity key yet (no v2 code was ever made). */
  get hasNoV2Codes(): boolean {
    return !this.damage && this.read().codes.every((code) => !code.sealedCode) && this.read().keys.length === 0;
  }

  /** Refuses (STATE_DAMAGED) while any file is damaged: what gates creating codes and pairing. */
  assertHealthy(): void {
    if (this.damage) throw this.damaged();
  }

  read(): Readonly<PluginState> {
    if (!this.state) throw this.damaged();
    return this.state;
  }

  /** Run `fn` alone (no other mutation interleaves); the state is persisted before it resolves. */
  mutate<T>(fn: (s: PluginState) => T | Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.read() as PluginState);
      const result = await fn(draft);
      draft.events = retainEvents(draft.events, KEPT);
      draft.codes = prune(draft.codes);
      await writeFileDurably(this.file, JSON.stringify(draft));
      this.state = draft;
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private damaged() {
    return fail("STATE_DAMAGED", `state damaged: ${this.damage?.problems.join("; ") ?? "unknown"}`);
  }
}

function emptyState(): PluginState {
  return { version: 1, codes: [], devices: [], events: [], keys: [] };
}

/** undefined when the file does not exist; a read error counts as "unreadable", not as missing. */
function readOrProblem(path: string): string | undefined | Error {
  try {
    return readTextFile(path);
  } catch (err) {
    return err as Error;
  }
}

function parseKey(text: string | undefined | Error, problems: string[]): Buffer | undefined {
  if (text === undefined) return void problems.push("secret.key is missing");
  if (text instanceof Error) return void problems.push(`secret.key is unreadable (${errorCode(text)})`);
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== KEY_BYTES || key.toString("base64") !== text.trim())
    return void problems.push(`secret.key is damaged (${key.length} of ${KEY_BYTES} bytes)`);
  return key;
}

function parseState(text: string | undefined | Error, problems: string[]): PluginState | undefined {
  if (text === undefined) return void problems.push("state.json is missing");
  if (text instanceof Error) return void problems.push(`state.json is unreadable (${errorCode(text)})`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return void problems.push("state.json is not valid JSON");
  }
  const state = value as PluginState;
  const arrays = state && [state.codes, state.devices, state.events].every((list) => Array.isArray(list));
  if (state?.version !== 1 || !arrays || !(state.keys === undefined || Array.isArray(state.keys)))
    return void problems.push("state.json has an unknown shape");
  return { ...state, keys: state.keys ?? [] };
}

function errorCode(err: Error): string {
  return (err as NodeJS.ErrnoException).code ?? "error";
}

function prune(codes: CodeRecord[]): CodeRecord[] {
  if (codes.length <= MAX_CODES) return codes;
  const active = codes.filter((c) => c.status === "active");
  const rest = codes.filter((c) => c.status !== "active").slice(-(MAX_CODES - active.length));
  return [...rest, ...active].sort((a, b) => a.createdAtMs - b.createdAtMs);
}
