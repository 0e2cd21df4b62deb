// The changes requests write into the plugin's state, and how a change is committed.
import { codeFromRandom } from "@ocmap/protocol/pairing-code";
import { discriminatorOf } from "@ocmap/protocol/pairing-v2";
import type { AuditEvent } from "@ocmap/protocol/pairing-protocol";
import { appendAuditEvent } from "./audit-log.ts";
import { hmacHex, sameHex } from "./crypto.ts";
import { fail, PairingError } from "./errors.ts";
import type { DeviceDescription } from "./exchange-checks.ts";
import type { CodeRecord, PairingStore, PluginState } from "./store.ts";

/** Records an event in the audit log (failures aggregated: audit-log.ts). */
export function audit(state: PluginState, event: AuditEvent) {
  appendAuditEvent(state.events, event);
}

/** The code is used by this device, which becomes (again) a trusted client of the plugin. */
export function recordExchange(
  state: PluginState,
  code: CodeRecord,
  device: { id: string; publicKey: string },
  description: DeviceDescription,
  now: number,
) {
  code.status = "used";
  code.usedAtMs = now;
  code.deviceId = device.id;
  state.devices = state.devices.filter((known) => known.deviceId !== device.id);
  state.devices.push({
    deviceId: device.id,
    publicKey: device.publicKey,
    ...(description.displayName ? { displayName: description.displayName.slice(0, 128) } : {}),
    ...(description.platform ? { platform: description.platform.slice(0, 32) } : {}),
    access: code.access,
    scopes: code.scopes,
    pairedAtMs: now,
    codeId: code.codeId,
  });
}

/** One more failed attempt that named `code`; true when that locked it (its bootstrap token must go). */
export function countCodeFailure(code: CodeRecord, maxFailuresPerCode: number): boolean {
  code.failures += 1;
  if (code.status !== "active" || code.failures < maxFailuresPerCode) return false;
  code.status = "locked";
  return true;
}

/**
 * A PAKE session's /start counts its attempt at once: a code whose attempts are all spent (by sessions that
 * failed or never confirmed) is locked instead. True when that locked it (its bootstrap token must go).
 */
export function countAttempt(code: CodeRecord, maxFailuresPerCode: number): boolean {
  if (lockIfSpent(code, maxFailuresPerCode)) return true;
  code.failures += 1;
  return false;
}

/** Locks an active code whose counted attempts reached the limit; true when it did. */
export function lockIfSpent(code: CodeRecord, maxFailuresPerCode: number): boolean {
  if (code.status !== "active" || code.failures < maxFailuresPerCode) return false;
  code.status = "locked";
  return true;
}

/** At most this many codes can be active at once: one per discriminator (2 symbols of 32). */
export const MAX_ACTIVE_CODES = 32 * 32;

/**
 * A fresh code whose HMAC matches no stored code of any status (a lookup by code is unambiguous) and whose
 * discriminator (docs/pairing-protocol.md) is that of no active code (a /start finds exactly one code).
 */
export function newUniqueCode(
  stored: readonly CodeRecord[],
  secret: Buffer,
  randomBytes: (size: number) => Buffer,
): string {
  const taken = new Set(stored.filter((record) => record.status === "active").map((record) => record.discriminator));
  if (taken.size >= MAX_ACTIVE_CODES) throw fail("INVALID_REQUEST", "too many active codes");
  for (;;) {
    const code = codeFromRandom(randomBytes(5));
    const hash = hmacHex(secret, code);
    if (taken.has(discriminatorOf(code))) continue;
    if (!stored.some((record) => sameHex(record.hash, hash))) return code;
  }
}

/**
 * store.mutate, with a failed write turned into a structured error: the state is then unchanged and
 * the caller must not report success. Errors thrown by `change` itself pass through as they are.
 */
export async function commitChange<T>(
  store: PairingStore,
  log: { warn(msg: string): void },
  change: (state: PluginState) => T | Promise<T>,
): Promise<T> {
  let changed = false;
  try {
    return await store.mutate(async (state) => {
      const result = await change(state);
      changed = true;
      return result;
    });
  } catch (err) {
    if (!changed || err instanceof PairingError) throw err;
    log.warn(`ocmap-pairing: state not saved: ${(err as Error).message}`);
    throw fail("INVALID_REQUEST", "internal: state not saved");
  }
}
