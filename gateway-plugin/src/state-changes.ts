// The changes requests write into the plugin's state, and how a change is committed.
import { codeFromRandom } from "@ocmap/protocol/pairing-code";
import type { AuditEvent } from "@ocmap/protocol/pairing-protocol";
import { hmacHex, sameHex } from "./crypto.ts";
import { fail, PairingError } from "./errors.ts";
import type { DeviceDescription } from "./exchange-checks.ts";
import type { CodeRecord, PairingStore, PluginState } from "./store.ts";

export function audit(state: PluginState, event: AuditEvent) {
  state.events.push(event);
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

/** A fresh code whose HMAC matches no stored code of any status, so a lookup by code is unambiguous. */
export function newUniqueCode(
  stored: readonly CodeRecord[],
  secret: Buffer,
  randomBytes: (size: number) => Buffer,
): string {
  for (;;) {
    const code = codeFromRandom(randomBytes(5));
    const hash = hmacHex(secret, code);
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
