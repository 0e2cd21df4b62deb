// /v2/abandon (docs/pairing-protocol.md): a client that cannot finish pairing takes back the approval its
// session led to, so that no approved device is left behind for nobody:
// - after its exchange, the device that exchange approved;
// - before any exchange succeeded, with the exchange's own device proof, a device the gateway approved by
//   itself (its silent approval of local devices), unless the plugin paired that device through a code and
//   holds it active (that approval is not this session's to take back);
// - a repeat answers as the first did, except once the device paired again since (`CODE_ALREADY_USED`):
//   a replayed abandon changes nothing then, and must not say it did.
import { abandonMac, tagMatches } from "@ocmap/protocol/pairing-keys";
import { fail } from "./errors.ts";
import { checkDeviceProof, type ExchangeProof } from "./exchange-checks.ts";
import type { PakeSession } from "./pake-sessions.ts";
import type { PluginCore } from "./plugin-core.ts";
import { audit, commitChange } from "./state-changes.ts";

export interface AbandonRequest {
  mac: string;
  device?: ExchangeProof["device"];
}

export async function abandonSession(core: PluginCore, session: PakeSession, request: AbandonRequest) {
  if (session.stage === "confirmed" && !request.device) throw fail("CODE_INVALID", "unknown or finished session");
  if (!tagMatches(abandonMac(session.keys, session.sessionId), request.mac))
    throw fail("CODE_INVALID", "bad abandon mac");
  if (request.device && session.deviceId && request.device.id !== session.deviceId)
    throw fail("CODE_INVALID", "not the device this session approved");
  if (session.stage === "abandoned") return repeated(core, session);
  if (session.stage === "exchanged") {
    await removeAbandoned(core, session, session.deviceId!, "pairing abandoned by its client");
    return;
  }
  const device = request.device!;
  const code = core.store.read().codes.find((candidate) => candidate.codeId === session.codeId);
  if (!code) throw fail("CODE_INVALID", "code gone");
  checkDeviceProof({ device }, code.nonce, core.deps.now());
  const held = core.store.read().devices.some((known) => known.deviceId === device.id && !known.revokedAtMs);
  if (held) throw fail("CODE_ALREADY_USED", "the device is paired through a code: forget it instead");
  const { paired } = await core.deps.listPairing();
  if (!paired.some((known) => known.deviceId === device.id && known.publicKey === device.publicKey)) {
    session.stage = "abandoned"; // nothing approved to take back; the session is finished all the same
    session.deviceId = device.id;
    return;
  }
  await removeAbandoned(core, session, device.id, "pairing abandoned by its client (approved by the gateway itself)");
}

/** A repeat: the first one's outcome, unless the device paired again since. */
async function repeated(core: PluginCore, session: PakeSession) {
  await session.removal; // a repeat during the removal answers as the removal ends
  const deviceId = session.deviceId!;
  const again =
    core.store.read().devices.some((known) => known.deviceId === deviceId && !known.revokedAtMs) ||
    (await core.deps.listPairing()).paired.some((known) => known.deviceId === deviceId);
  if (again) throw fail("CODE_ALREADY_USED", "replayed abandon: the device paired again since");
}

async function removeAbandoned(core: PluginCore, session: PakeSession, deviceId: string, reason: string) {
  const before = { stage: session.stage, deviceId: session.deviceId };
  session.stage = "abandoned"; // at once: a concurrent repeat waits for this removal instead of starting one
  session.deviceId = deviceId;
  session.removal = core.deps.removeDevice(deviceId).catch((err) => {
    Object.assign(session, before, { removal: undefined });
    core.deps.log.warn(`ocmap-pairing: abandoned device not removed: ${(err as Error).message}`);
    throw fail("INVALID_REQUEST", "internal: device not removed");
  });
  await session.removal;
  const now = core.deps.now();
  const displayName = await commitChange(core.store, core.deps.log, (state) => {
    const abandoned = (known: (typeof state.devices)[number]) =>
      known.deviceId === deviceId && known.codeId === session.codeId && !known.revokedAtMs;
    const name = state.devices.find(abandoned)?.displayName;
    // A revoked record stays: the revoked list is in force whatever the gateway approved.
    state.devices = state.devices.filter((known) => !abandoned(known));
    audit(state, { atMs: now, type: "device.forgotten", codeId: session.codeId, deviceId, reason });
    return name;
  });
  core.announceChange("device.forgotten");
  core.notifyDevice({ kind: "revoked", deviceId, ...(displayName ? { displayName } : {}), atMs: now }, reason);
}
