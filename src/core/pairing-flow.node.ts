// The client's side of pairing v2 (docs/pairing-protocol.md): check the code locally, run the PAKE
// (/v2/start, /v2/confirm), open the sealed grant and check the gateway's identity against the TLS seen,
// bootstrap connect through the pinned connector, /v2/exchange, final connect. Persists nothing itself.
import { isGatewayRestartUnavailableError } from "@openclaw/gateway-protocol/restart-unavailable";
import { checkGrantIdentity } from "@ocmap/protocol/gateway-identity";
import { enrolledDeviceName, looksLikeEnrollmentKey, parseEnrollmentKey } from "@ocmap/protocol/enrollment-key";
import { parsePairingCode } from "@ocmap/protocol/pairing-code";
import { abandonMac, exchangeMac, openSealedJson, type PairingKeys } from "@ocmap/protocol/pairing-keys";
import {
  V2_PATHS,
  clientKeyPake,
  clientPake,
  serverConfirmationValid,
  type ClientPake,
  type SealedGrant,
} from "@ocmap/protocol/pairing-v2";
import { ClientError } from "./client-errors.std.ts";
import { parseGatewayUrl } from "./gateway-url.std.ts";
import {
  openSession,
  type GatewaySession,
  type HelloOk,
  type OpenResult,
  type WireError,
} from "./gateway-session.node.ts";
import { exchangeProof, type DeviceIdentity } from "./identity.node.ts";
import type { PairingStep } from "./lifecycle-types.std.ts";
import { openPairingChannel, type PairingChannel } from "./pairing-channel.node.ts";
import type { PinnedIdentity } from "./trust-record.std.ts";

export interface PairOptions {
  gatewayUrl: string;
  /** A pairing code, or an enrollment key (recognised by its form, `ocmap-ek-…`). */
  code: string;
  identity: DeviceIdentity;
  displayName: string;
  version: string;
  platform?: string;
  onStep?: (step: PairingStep) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Awaited after the PAKE, before anything reaches the gateway's pairing store. */
  beforeConnect?: () => Promise<void>;
}

export interface PairResult {
  session: GatewaySession;
  hello: HelloOk;
  gatewayUrl: string;
  deviceToken: string;
  scopes: string[];
  gatewayIdentity: PinnedIdentity;
  /** The name this device connected with: an enrollment key's devices carry the key's prefix. */
  displayName: string;
  /** Set when an enrollment key paired this device. */
  enrollment?: { keyId: string; ephemeral: boolean };
  /** Removes the device the exchange approved (/v2/abandon): for a caller that fails before storing it. */
  abandon(): Promise<void>;
}

export async function pairWithCode(options: PairOptions): Promise<PairResult> {
  const pake = pakeFor(options.code);
  const url = parseGatewayUrl(options.gatewayUrl);
  if (!url.ok) throw new ClientError(url.code);
  const step = (s: PairingStep) => options.onStep?.(s);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const channel = openPairingChannel(url.httpBase, { timeoutMs, signal: options.signal });

  step("proving-code");
  const { sessionId, keys, grant, gatewayIdentity } = await runPake(channel, pake.run).catch((err: unknown) => {
    throw pake.isKey && err instanceof ClientError && err.code in KEY_ERRORS
      ? new ClientError(KEY_ERRORS[err.code as keyof typeof KEY_ERRORS], { cause: err })
      : err;
  });
  const enrollment = grant.enrollment;
  const displayName = enrollment
    ? enrolledDeviceName(enrollment.namePrefix, options.identity.deviceId)
    : options.displayName;
  await options.beforeConnect?.();
  abortIfNeeded(options.signal);

  // From here on, every connection is checked against the pin the PAKE authenticated (or the CA chain).
  channel.pin(gatewayIdentity.tlsPin);
  const connect = (): Promise<OpenResult> =>
    openSession({
      url: url.url,
      identity: options.identity,
      auth: { bootstrapToken: grant.bootstrapToken },
      scopes: grant.scopes,
      displayName,
      version: options.version,
      platform: options.platform,
      timeoutMs,
      trust: channel.trust(),
    });
  step("requesting-approval");
  const first = await connect();
  let requestId: string | undefined;
  if (first.ok) {
    // The gateway approved this device by itself (its default for local devices); the exchange
    // below only marks the code used.
  } else if (first.error.code === "NOT_PAIRED" && typeof first.error.details?.requestId === "string") {
    requestId = first.error.details.requestId;
  } else {
    throw connectError(first.error);
  }
  // Signed at the gateway's time: our clock may be off; the gateway's is not.
  const deviceProof = () => {
    const signedAt = first.challengeTs + (Date.now() - first.challengeAt);
    const { nonce: _nonce, ...proof } = exchangeProof(options.identity, { nonce: grant.nonce, requestId, signedAt });
    return proof;
  };
  const device = deviceProof();
  // Silently approved (first.ok), the device is approved whatever the exchange does: its abandon carries the
  // exchange's device proof, so that the plugin can take that approval back too.
  const abandon = async () => {
    const body = { sessionId, mac: abandonMac(keys, sessionId), ...(first.ok ? { device: deviceProof() } : {}) };
    await channel.post(V2_PATHS.abandon, body, { uncancellable: true }).then(
      () => undefined,
      () => undefined, // best effort: the caller is already failing
    );
  };
  let exchanged = false;
  try {
    step("approving");
    const mac = exchangeMac(keys, {
      sessionId,
      requestId: requestId ?? "",
      deviceId: device.id,
      publicKey: device.publicKey,
    });
    await channel.post(V2_PATHS.exchange, { sessionId, ...(requestId ? { requestId } : {}), device, mac });
    exchanged = true;
    abortIfNeeded(options.signal);

    let final = first;
    if (!first.ok) {
      step("connecting");
      final = await finalConnect(connect, grant.expiresAtMs, options.signal);
    }
    if (!final.ok) throw new ClientError("INTERNAL");
    const deviceToken = final.hello.auth?.deviceToken;
    if (!deviceToken) {
      final.session.close();
      throw new ClientError("GATEWAY_REFUSED");
    }
    return {
      session: final.session,
      hello: final.hello,
      gatewayUrl: url.url,
      deviceToken,
      scopes: grant.scopes, // exactly what connect sent: the gateway wants the same scopes on every reconnect
      gatewayIdentity,
      displayName,
      ...(enrollment ? { enrollment: { keyId: enrollment.keyId, ephemeral: enrollment.ephemeral === true } } : {}),
      abandon,
    };
  } catch (err) {
    if (first.ok) first.session.close();
    // A pairing that fails after the gateway approved the device leaves no approved device behind.
    if (exchanged || first.ok) await abandon();
    throw err;
  }
}

/** An enrollment key's refusals say "key", not "code" (the plugin answers both with the codes' errors). */
const KEY_ERRORS = {
  CODE_INVALID: "KEY_INVALID",
  CODE_EXPIRED: "KEY_EXPIRED",
  CODE_ALREADY_USED: "KEY_USED_UP",
} as const;

/** The PAKE run for what the user gave: an enrollment key (by its form) or a pairing code; typos caught here. */
function pakeFor(input: string): { run: ClientPake<object>; isKey: boolean } {
  if (looksLikeEnrollmentKey(input)) {
    const key = parseEnrollmentKey(input);
    if (!key.ok) throw new ClientError(key.reason);
    return { run: clientKeyPake(key.key, key.keyId), isKey: true };
  }
  const code = parsePairingCode(input);
  if (!code.ok) throw new ClientError(code.reason);
  return { run: clientPake(code.code), isKey: false };
}

async function runPake(channel: PairingChannel, pake: ClientPake<object>) {
  const started = await channel.post(V2_PATHS.start, pake.request);
  const sessionId = started.body.sessionId;
  if (typeof sessionId !== "string" || sessionId.length === 0 || sessionId.length > 200) {
    throw new ClientError("PROTOCOL_ERROR");
  }
  let finished: { keys: PairingKeys; confirm: string };
  try {
    finished = pake.finish({ sessionId, share: String(started.body.share) });
  } catch (error) {
    throw new ClientError("PROTOCOL_ERROR", { cause: error });
  }
  const { keys } = finished;
  const confirmed = await channel.post(V2_PATHS.confirm, { sessionId, confirm: finished.confirm });
  // A peer that cannot prove the key does not know the code: an impostor, or a code that changed hands.
  if (!serverConfirmationValid(keys, sessionId, confirmed.body.confirm)) throw new ClientError("CODE_INVALID");
  const grant = parseGrant(openSealedJson(keys, sessionId, confirmed.body.sealed));
  const checked = checkGrantIdentity(grant.gatewayIdentity, channel.observedTls());
  if (!checked.ok) {
    // TLS_PIN_MISSING: an untrusted certificate that the PAKE did not vouch for either.
    const code = {
      IDENTITY_MALFORMED: "PROTOCOL_ERROR",
      TLS_PIN_MISSING: "GATEWAY_TLS_UNTRUSTED",
      OUTSIDE_VALIDITY: "GATEWAY_CERT_EXPIRED",
    } as const;
    throw new ClientError(code[checked.reason as keyof typeof code] ?? "GATEWAY_IDENTITY_CHANGED");
  }
  const gatewayIdentity: PinnedIdentity = { publicKey: checked.publicKey, ...checked.certificate };
  return { sessionId, keys, grant, gatewayIdentity };
}

function parseGrant(value: unknown): SealedGrant {
  const grant = value as Partial<SealedGrant> | undefined;
  const valid =
    typeof grant === "object" &&
    grant !== null &&
    typeof grant.nonce === "string" &&
    typeof grant.bootstrapToken === "string" &&
    grant.bootstrapToken.length > 0 &&
    Array.isArray(grant.scopes) &&
    grant.scopes.every((scope) => typeof scope === "string") &&
    typeof grant.expiresAtMs === "number" &&
    typeof grant.gatewayIdentity === "object" &&
    (grant.enrollment === undefined || validEnrollment(grant.enrollment));
  if (!valid) throw new ClientError("PROTOCOL_ERROR");
  return grant as SealedGrant;
}

function validEnrollment(value: unknown): boolean {
  const enrollment = value as SealedGrant["enrollment"];
  return (
    typeof enrollment === "object" &&
    enrollment !== null &&
    typeof enrollment.keyId === "string" &&
    typeof enrollment.ephemeral === "boolean" &&
    typeof enrollment.namePrefix === "string" &&
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(enrollment.namePrefix)
  );
}

/**
 * After a successful exchange the device is approved: retry the final connect on a transient failure while
 * the bootstrap token is valid, so the approval is not left for nobody (the caller abandons otherwise).
 */
async function finalConnect(connect: () => Promise<OpenResult>, validUntilMs: number, signal?: AbortSignal) {
  for (let attempt = 1; ; attempt++) {
    let failure: ClientError;
    try {
      const result = await connect();
      if (result.ok) return result;
      failure = connectError(result.error);
    } catch (error) {
      failure = error instanceof ClientError ? error : new ClientError("GATEWAY_UNREACHABLE", { cause: error });
    }
    const delayMs = Math.min(250 * 2 ** attempt, 2_000);
    if (!failure.retryable || attempt >= 5 || Date.now() + delayMs >= validUntilMs) throw failure;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    abortIfNeeded(signal);
  }
}

function abortIfNeeded(signal?: AbortSignal) {
  if (signal?.aborted) throw new ClientError("INTERNAL", { cause: signal.reason });
}

/** Maps a refused `connect` to what the user can do about it. */
export function connectError(wireError: WireError): ClientError {
  const detail = wireError.details?.code;
  const retryAfterMs = typeof wireError.retryAfterMs === "number" ? wireError.retryAfterMs : undefined;
  if (detail === "AUTH_DEVICE_TOKEN_MISMATCH") return new ClientError("TOKEN_REJECTED");
  if (detail === "AUTH_BOOTSTRAP_TOKEN_INVALID") return new ClientError("CODE_INVALID");
  if (detail === "AUTH_RATE_LIMITED") return new ClientError("AUTH_RATE_LIMITED", { retryable: true, retryAfterMs });
  if (detail === "DEVICE_AUTH_SIGNATURE_EXPIRED") return new ClientError("CLOCK_SKEW");
  if (wireError.code === "UNAVAILABLE" || isGatewayRestartUnavailableError(wireError))
    return new ClientError("GATEWAY_STARTING", { retryable: true, retryAfterMs });
  if (wireError.code === "CONNECTION_LOST") return new ClientError("CONNECTION_LOST", { retryable: true });
  if (wireError.code === "TIMEOUT") return new ClientError("TIMEOUT", { retryable: true });
  return new ClientError("GATEWAY_REFUSED");
}
