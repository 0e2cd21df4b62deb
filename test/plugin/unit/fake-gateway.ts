// A service under test: the real PairingService and PairingStore (on the fake JSON disk), with the
// gateway's SDK calls replaced by a recording fake. Nothing here talks to a gateway.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGatewayIdentityKey } from "@ocmap/protocol/gateway-identity";
import { abandonMac, exchangeMac, openSealedJson, type PairingKeys } from "@ocmap/protocol/pairing-keys";
import { parsePairingCode } from "@ocmap/protocol/pairing-code";
import { exchangeSignaturePayload } from "@ocmap/protocol/pairing-protocol";
import { clientPake, serverConfirmationValid, type SealedGrant } from "@ocmap/protocol/pairing-v2";
import { resolveConfig, type PairingConfig } from "../../../gateway-plugin/src/config.ts";
import { PairingService } from "../../../gateway-plugin/src/service.ts";
import type { PendingRequest, PairedDeviceInfo, ServiceDeps } from "../../../gateway-plugin/src/service-deps.ts";
import { PairingStore } from "../../../gateway-plugin/src/store.ts";

export const ADMIN = ["operator.admin"];
export const START_MS = Date.UTC(2026, 10, 30, 9, 0, 0);

export interface FakeGateway {
  nowMs: number;
  /** Byte strings randomBytes(size) hands out first (for code collisions); then real random bytes. */
  scriptedRandom: Buffer[];
  pending: PendingRequest[];
  paired: PairedDeviceInfo[];
  approveAnswer: boolean;
  approved: Array<{ requestId: string; scopes: string[] }>;
  listPairingCalls: number;
  issuedTokens: string[];
  revokedTokens: string[];
  resolved: Array<Record<string, unknown>>;
  changes: string[];
  warnings: string[];
  /** Devices removed through the fake gateway (an abandoned pairing). */
  removed: string[];
  /** When set, the named notification throws (after the change it announces was committed). */
  throwOn: { broadcastResolved?: boolean; changed?: boolean };
}

/** `dir`: where the store keeps its files (on the fake disk, when a test mocks it); a fresh one by default. */
/** `store`: an already opened store (to test one whose damage was found beside it). */
export function startFakeService(config: Partial<PairingConfig> = {}, dir?: string, store?: PairingStore) {
  const fake: FakeGateway = {
    nowMs: START_MS,
    scriptedRandom: [],
    pending: [],
    paired: [],
    approveAnswer: true,
    approved: [],
    listPairingCalls: 0,
    issuedTokens: [],
    revokedTokens: [],
    resolved: [],
    changes: [],
    warnings: [],
    removed: [],
    throwOn: {},
  };
  const identityKey = createGatewayIdentityKey();
  const deps: ServiceDeps = {
    now: () => fake.nowMs,
    randomBytes: (size) => {
      const scripted = fake.scriptedRandom.find((bytes) => bytes.length === size);
      if (!scripted) return randomBytes(size);
      fake.scriptedRandom.splice(fake.scriptedRandom.indexOf(scripted), 1);
      return scripted;
    },
    issueBootstrapToken: async () => {
      const token = `bootstrap-${fake.issuedTokens.length + 1}-${randomBytes(8).toString("hex")}`;
      fake.issuedTokens.push(token);
      return { token, expiresAtMs: fake.nowMs + 3_600_000 };
    },
    revokeBootstrapToken: async (token) => void fake.revokedTokens.push(token),
    listPairing: async () => {
      fake.listPairingCalls += 1;
      return { pending: structuredClone(fake.pending), paired: structuredClone(fake.paired) };
    },
    approve: async (requestId, scopes) => {
      fake.approved.push({ requestId, scopes });
      return fake.approveAnswer;
    },
    broadcastResolved: (payload) => {
      if (fake.throwOn.broadcastResolved) throw new Error("broadcast socket gone");
      fake.resolved.push(payload);
    },
    changed: (reason) => {
      if (fake.throwOn.changed) throw new Error("event bus gone");
      fake.changes.push(reason);
    },
    publicUrl: () => "ws://127.0.0.1:18789",
    gatewayIdentity: () => ({ publicKey: identityKey.publicKey }),
    removeDevice: async (deviceId) => void fake.removed.push(deviceId),
    log: { info: () => undefined, warn: (msg) => void fake.warnings.push(msg) },
  };
  const cfg = resolveConfig(config);
  const opened = store ?? new PairingStore(dir ?? mkdtempSync(join(tmpdir(), "ocmap-plugin-unit-")));
  const service = new PairingService(opened, cfg, deps);
  return { service, store: opened, cfg, fake };
}

export interface TestDevice {
  id: string;
  publicKey: string;
  privateKey: KeyObject;
}

export function newDevice(): TestDevice {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  return { id: createHash("sha256").update(raw).digest("hex"), publicKey: raw.toString("base64url"), privateKey };
}

export interface Granted {
  sessionId: string;
  keys: PairingKeys;
  grant: SealedGrant;
}

type Routes = { v2: { start: Route; confirm: Route } };
type Route = (read: () => Promise<unknown>, address: string) => Promise<any>;

/** The client's /start and /confirm against the service, in process; the grant opened. */
export async function grantFor(service: Routes, code: string, address = "203.0.113.1"): Promise<Granted> {
  const parsed = parsePairingCode(code);
  if (!parsed.ok) throw new Error("not a code");
  const pake = clientPake(parsed.code);
  const started = await service.v2.start(body(pake.request), address);
  const { keys, confirm } = pake.finish(started);
  const confirmed = await service.v2.confirm(body({ sessionId: started.sessionId, confirm }), address);
  if (!serverConfirmationValid(keys, started.sessionId, confirmed.confirm)) throw new Error("server tag invalid");
  const grant = openSealedJson(keys, started.sessionId, confirmed.sealed) as SealedGrant;
  return { sessionId: started.sessionId, keys, grant };
}

/** An exchange body; every field can be made wrong on purpose. */
export function exchangeBody(options: {
  granted: Granted;
  nonce?: string;
  requestId?: string;
  device: TestDevice;
  id?: string;
  signer?: TestDevice;
  signedAt: number;
  /** The MAC over another requestId or device id than the body's. */
  macOver?: { requestId?: string; deviceId?: string };
}) {
  const id = options.id ?? options.device.id;
  const payload = exchangeSignaturePayload({
    nonce: options.nonce ?? options.granted.grant.nonce,
    requestId: options.requestId ?? "",
    id,
    publicKey: options.device.publicKey,
    signedAt: options.signedAt,
  });
  const signature = sign(null, Buffer.from(payload, "utf8"), (options.signer ?? options.device).privateKey).toString(
    "base64url",
  );
  const mac = exchangeMac(options.granted.keys, {
    sessionId: options.granted.sessionId,
    requestId: options.macOver?.requestId ?? options.requestId ?? "",
    deviceId: options.macOver?.deviceId ?? id,
    publicKey: options.device.publicKey,
  });
  return {
    sessionId: options.granted.sessionId,
    ...(options.requestId ? { requestId: options.requestId } : {}),
    device: { id, publicKey: options.device.publicKey, signature, signedAt: options.signedAt },
    mac,
  };
}

export const abandonBody = (granted: Granted) => ({
  sessionId: granted.sessionId,
  mac: abandonMac(granted.keys, granted.sessionId),
});

/** A pending request in the fake gateway, made by `device` for the standard scopes. */
export function pendingFor(device: TestDevice, requestId: string): PendingRequest {
  return {
    requestId,
    deviceId: device.id,
    publicKey: device.publicKey,
    displayName: "OCMAP on unit",
    platform: "linux",
    role: "operator",
    scopes: ["operator.read", "operator.write"],
  };
}

/** The body as the HTTP route would hand it over. */
export const body = (value: unknown) => async () => value;

/** A /start body for any 8 symbols (a guess): the discriminator is its first two. */
export const startBody = (symbols: string) => clientPake(symbols).request;

/** A /start body whose discriminator no code in `codes` (display form) has. */
export function unknownStart(codes: string[] = []) {
  const taken = new Set(codes.map((code) => code.slice(0, 2)));
  const discriminator = ["ZZ", "00", "YY"].find((candidate) => !taken.has(candidate))!;
  return startBody(`${discriminator}000000`);
}

/** The code with every symbol after the discriminator changed: the right session, the wrong password. */
export const wrongCodeOf = (code: string) =>
  code.slice(0, 2) + [...code.replace("-", "").slice(2)].map((symbol) => (symbol === "7" ? "8" : "7")).join("");
