// Changing a device's access without pairing it again (docs/pairing-protocol.md, "Changing access").
// - Lower: the gateway's own `device.token.rotate` with the new scopes, on the operator's authority. The gateway
//   mints a narrower token inside the device's approved baseline and closes its sockets (4001 "device
//   removed"), so no open session keeps a removed scope. It withholds a cross-device rotation's token, so the
//   plugin hands it to the device itself: the device asks the device-status route with a proof signed by its
//   own key, and gets the token the gateway holds for it, while the gateway says it was not used since.
// - Raise: recorded as pending. At its next connection the device asks the gateway for the wider scopes with
//   the gateway's own live flow (`device.scopes.requestUpgrade`), the plugin approves exactly that request
//   (`pairing.acceptUpgrade`, the caller's own device only), and the device takes the token the gateway hands
//   it (`device.scopes.waitUpgrade`). Until then nothing changes on the gateway.
import { ACCESS_SCOPES, type Access } from "@ocmap/protocol/pairing-protocol";
import { deviceStatusSignaturePayload, type DeviceStatus } from "@ocmap/protocol/pairing-v2";
import { SIGNED_AT_SKEW_MS } from "@ocmap/protocol/pairing-protocol";
import { deviceIdOf, verifyEd25519 } from "./crypto.ts";
import { expiredReason } from "./device-expiry.ts";
import { fail } from "./errors.ts";
import type { PairingService } from "./service.ts";
import type { PendingRequest } from "./service-deps.ts";
import { audit, commitChange } from "./state-changes.ts";

const RANK: Record<Access, number> = { "read-only": 0, standard: 1, full: 2 };

export interface OperatorToken {
  token: string;
  scopes: string[];
  rotatedAtMs?: number;
  lastUsedAtMs?: number;
  revokedAtMs?: number;
}

export interface AccessDeps {
  /** The gateway's operator token record for a device (raw: never passed on but to that device). */
  operatorToken(deviceId: string): Promise<OperatorToken | undefined>;
  pending(): Promise<PendingRequest[]>;
  approve(requestId: string, scopes: string[]): Promise<boolean>;
  expireAfterMs: number;
}

export class DeviceAccess {
  constructor(
    private readonly service: PairingService,
    private readonly deps: AccessDeps,
  ) {}

  private active(deviceId: string) {
    const device = this.service.core.store.read().devices.find((known) => known.deviceId === deviceId);
    if (!device || device.revokedAtMs) throw fail("INVALID_REQUEST", "not an active device paired through a code");
    return device;
  }

  /** `rotate` runs `device.token.rotate` with the caller's authority (only a lower access needs it). */
  async setAccess(deviceId: string, access: Access, rotate: (scopes: string[]) => Promise<void>) {
    const device = this.active(deviceId);
    const from = device.access;
    const scopes = [...ACCESS_SCOPES[access]];
    const lower = RANK[access] < RANK[from];
    if (access === from && !device.pendingAccess) return { deviceId, access, effective: "unchanged" as const };
    if (lower) await rotate(scopes);
    const now = this.service.core.deps.now();
    const when = lower ? "at once" : access === from ? "pending upgrade withdrawn" : "at its next connection";
    await commitChange(this.service.core.store, this.service.core.deps.log, (state) => {
      const record = state.devices.find((known) => known.deviceId === deviceId)!;
      delete record.pendingAccess;
      if (lower || access === from) Object.assign(record, { access, scopes });
      if (lower) record.reissuePending = true;
      if (!lower && access !== from) record.pendingAccess = access;
      audit(state, { atMs: now, type: "device.access-changed", deviceId, reason: `${from} → ${access} (${when})` });
    });
    this.announce(deviceId, device.displayName, now, `${from} → ${access} (${when})`);
    return { deviceId, access, effective: lower ? ("now" as const) : ("next-connection" as const) };
  }

  /** Clawpodz refreshes; operators and the webhook get the device event. */
  private announce(deviceId: string, displayName: string | undefined, atMs: number, detail: string) {
    this.service.core.announceChange("device.access-changed");
    const named = displayName ? { displayName } : {};
    this.service.core.notifyDevice({ kind: "access-changed", deviceId, ...named, atMs }, detail);
  }

  /** A caller's own view: its access and any upgrade waiting for it. */
  own(deviceId: string) {
    const device = this.active(deviceId);
    return {
      access: device.access,
      scopes: device.scopes,
      ...(device.pendingAccess
        ? { pendingAccess: device.pendingAccess, pendingScopes: [...ACCESS_SCOPES[device.pendingAccess]] }
        : {}),
    };
  }

  /** Approves the caller's own `device.scopes.requestUpgrade` request when it asks exactly the granted upgrade. */
  async acceptUpgrade(deviceId: string, requestId: string) {
    const device = this.active(deviceId);
    const access = device.pendingAccess;
    if (!access) throw fail("INVALID_REQUEST", "no upgrade is waiting for this device");
    const scopes = [...ACCESS_SCOPES[access]];
    const request = (await this.deps.pending()).find((pending) => pending.requestId === requestId);
    const asked = [...(request?.scopes ?? [])].sort().join();
    if (!request || request.deviceId !== deviceId || request.publicKey !== device.publicKey)
      throw fail("INVALID_REQUEST", "the request is not this device's");
    if (asked !== [...scopes].sort().join()) throw fail("INVALID_REQUEST", "the request asks other scopes");
    if (!(await this.deps.approve(requestId, scopes))) throw fail("INVALID_REQUEST", "the gateway refused");
    const now = this.service.core.deps.now();
    await commitChange(this.service.core.store, this.service.core.deps.log, (state) => {
      const record = state.devices.find((known) => known.deviceId === deviceId)!;
      Object.assign(record, { access, scopes });
      delete record.pendingAccess;
      audit(state, { atMs: now, type: "device.access-changed", deviceId, reason: `upgrade to ${access} taken` });
    });
    this.announce(deviceId, device.displayName, now, `upgrade to ${access} taken`);
    return { access, scopes };
  }

  /** The device-status route: what became of the device that signed the request. */
  async status(body: unknown): Promise<DeviceStatus> {
    const device = parseStatusBody(body, this.service.core.deps.now());
    const record = this.service.core.store.read().devices.find((known) => known.deviceId === device.id);
    if (!record || record.publicKey !== device.publicKey) return { ok: true, status: "unknown" };
    if (record.revokedBy === "expired")
      return { ok: true, status: "expired", reason: expiredReason(this.deps.expireAfterMs) };
    if (record.revokedAtMs) return { ok: true, status: "revoked" };
    const answer = { ok: true as const, status: "active" as const, access: record.access, scopes: record.scopes };
    if (!record.reissuePending) return answer;
    const token = await this.deps.operatorToken(device.id);
    const unused = token && !token.revokedAtMs && (token.lastUsedAtMs ?? 0) <= (token.rotatedAtMs ?? 0);
    if (!token || !unused) {
      await commitChange(this.service.core.store, this.service.core.deps.log, (state) => {
        delete state.devices.find((known) => known.deviceId === device.id)!.reissuePending;
      });
      return answer;
    }
    return { ...answer, scopes: token.scopes, deviceToken: token.token };
  }
}

function parseStatusBody(body: unknown, now: number) {
  const device = (body as { device?: Record<string, unknown> } | null)?.device;
  const keys = body && typeof body === "object" ? Object.keys(body) : [];
  if (!device || keys.join() !== "device") throw fail("INVALID_REQUEST", "body must be {device}");
  const { id, publicKey, signature, signedAt } = device;
  if (typeof id !== "string" || typeof publicKey !== "string" || typeof signature !== "string")
    throw fail("INVALID_REQUEST", "device fields must be strings");
  if (typeof signedAt !== "number" || !Number.isSafeInteger(signedAt))
    throw fail("INVALID_REQUEST", "signedAt must be an integer");
  if (Object.keys(device).length !== 4) throw fail("INVALID_REQUEST", "device has unknown fields");
  if (deviceIdOf(publicKey) !== id) throw fail("CODE_INVALID", "device id does not match public key");
  const signed = deviceStatusSignaturePayload({ id, publicKey, signedAt });
  if (!verifyEd25519(publicKey, signed, signature)) throw fail("CODE_INVALID", "bad signature");
  if (Math.abs(signedAt - now) > SIGNED_AT_SKEW_MS) throw fail("CODE_INVALID", "signedAt outside ±120 s");
  return { id, publicKey };
}

const ACCESS_LEVELS = Object.keys(ACCESS_SCOPES) as Access[];

export function parseSetAccessParams(params: Record<string, unknown>): { deviceId: string; access: Access } {
  const { deviceId, access } = params;
  if (Object.keys(params).some((key) => key !== "deviceId" && key !== "access"))
    throw fail("INVALID_REQUEST", "unknown parameter");
  if (typeof deviceId !== "string" || !/^[0-9a-f]{64}$/.test(deviceId))
    throw fail("INVALID_REQUEST", "deviceId must be a device id");
  if (!ACCESS_LEVELS.includes(access as Access))
    throw fail("INVALID_REQUEST", `access must be one of ${ACCESS_LEVELS.join(", ")}`);
  return { deviceId, access: access as Access };
}

export function parseRequestIdParams(params: Record<string, unknown>): { requestId: string } {
  const { requestId } = params;
  const valid = typeof requestId === "string" && requestId.length > 0 && requestId.length <= 200;
  if (Object.keys(params).join() !== "requestId" || !valid) throw fail("INVALID_REQUEST", "params must be {requestId}");
  return { requestId: requestId as string };
}
