// The contract's client sequence: check the code locally, redeem, bootstrap connect, exchange,
// final connect. Returns the live session that becomes PAIRED_CONNECTED. Persists nothing itself.
import { isGatewayRestartUnavailableError } from "@openclaw/gateway-protocol/restart-unavailable";
import { parsePairingCode } from "@ocmap/protocol/pairing-code";
import { EXCHANGE_PATH, PAIRING_ERROR_CODES, REDEEM_PATH, type RedeemResponse } from "@ocmap/protocol/pairing-protocol";
import { ClientError, type ClientErrorCode } from "./client-errors.std.ts";
import { parseGatewayUrl } from "./gateway-url.std.ts";
import { openSession, type GatewaySession, type HelloOk, type WireError } from "./gateway-session.node.ts";
import { exchangeProof, type DeviceIdentity } from "./identity.node.ts";
import type { PairingStep } from "./lifecycle-types.std.ts";

export interface PairOptions {
  gatewayUrl: string;
  code: string;
  identity: DeviceIdentity;
  displayName: string;
  version: string;
  platform?: string;
  onStep?: (step: PairingStep) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Awaited after the redeem, before anything reaches the gateway's pairing store. */
  beforeConnect?: () => Promise<void>;
}

export interface PairResult {
  session: GatewaySession;
  hello: HelloOk;
  gatewayUrl: string;
  deviceToken: string;
  scopes: string[];
}

export async function pairWithCode(o: PairOptions): Promise<PairResult> {
  const code = parsePairingCode(o.code);
  if (!code.ok) throw new ClientError(code.reason);
  const url = parseGatewayUrl(o.gatewayUrl);
  if (!url.ok) throw new ClientError(url.code);
  const step = (s: PairingStep) => o.onStep?.(s);
  const timeoutMs = o.timeoutMs ?? 15_000;
  const post = (path: string, body: unknown) => postJson(url.httpBase + path, body, timeoutMs, o.signal);
  const connect = (bootstrapToken: string, scopes: string[]) =>
    openSession({
      url: url.url,
      identity: o.identity,
      auth: { bootstrapToken },
      scopes,
      displayName: o.displayName,
      version: o.version,
      platform: o.platform,
      timeoutMs,
    });

  step("redeeming");
  const redeemed = (await post(REDEEM_PATH, { code: code.display })) as RedeemResponse;
  const scopes = redeemed.scopes;
  await o.beforeConnect?.();
  abortIfNeeded(o.signal);

  step("requesting-approval");
  const first = await connect(redeemed.bootstrapToken, scopes);
  let requestId: string | undefined;
  if (first.ok) {
    // The gateway approved this device by itself (its default for local devices); the exchange
    // below only marks the code used.
  } else if (first.error.code === "NOT_PAIRED" && typeof first.error.details?.requestId === "string") {
    requestId = first.error.details.requestId;
  } else {
    throw connectError(first.error);
  }
  try {
    step("approving");
    // Our clock may be off; the gateway's is not.
    const gatewayNow = first.challengeTs + (Date.now() - first.challengeAt);
    const device = exchangeProof(o.identity, {
      nonce: redeemed.nonce,
      ...(requestId ? { requestId } : {}),
      signedAt: gatewayNow,
    });
    await post(EXCHANGE_PATH, { code: code.display, ...(requestId ? { requestId } : {}), device });
    abortIfNeeded(o.signal);

    let final = first;
    if (!first.ok) {
      step("connecting");
      final = await connect(redeemed.bootstrapToken, scopes);
      if (!final.ok) throw connectError(final.error);
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
      scopes: final.hello.auth?.scopes ?? scopes,
    };
  } catch (err) {
    if (first.ok) first.session.close();
    throw err;
  }
}

function abortIfNeeded(signal?: AbortSignal) {
  if (signal?.aborted) throw new ClientError("INTERNAL", { cause: signal.reason });
}

/** Maps a refused `connect` to what the user can do about it. */
export function connectError(e: WireError): ClientError {
  const detail = e.details?.code;
  const retryAfterMs = typeof e.retryAfterMs === "number" ? e.retryAfterMs : undefined;
  if (detail === "AUTH_DEVICE_TOKEN_MISMATCH") return new ClientError("TOKEN_REJECTED");
  if (detail === "AUTH_BOOTSTRAP_TOKEN_INVALID") return new ClientError("CODE_INVALID");
  if (detail === "AUTH_RATE_LIMITED") return new ClientError("AUTH_RATE_LIMITED", { retryable: true, retryAfterMs });
  if (detail === "DEVICE_AUTH_SIGNATURE_EXPIRED") return new ClientError("CLOCK_SKEW");
  if (e.code === "UNAVAILABLE" || isGatewayRestartUnavailableError(e))
    return new ClientError("GATEWAY_STARTING", { retryable: true, retryAfterMs });
  if (e.code === "CONNECTION_LOST") return new ClientError("CONNECTION_LOST", { retryable: true });
  if (e.code === "TIMEOUT") return new ClientError("TIMEOUT", { retryable: true });
  return new ClientError("GATEWAY_REFUSED");
}

async function postJson(url: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      redirect: "error", // never carry a code to another host
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    if ((err as Error).name === "TimeoutError") throw new ClientError("TIMEOUT", { retryable: true, cause: err });
    throw new ClientError("GATEWAY_UNREACHABLE", { retryable: true, cause: err });
  }
  const text = await res.text().catch(() => "");
  let json: { ok?: unknown; error?: { code?: unknown; retryAfterMs?: unknown } } | undefined;
  try {
    json = text.length <= 64 * 1024 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (json?.ok === true) return json;
  const code = json?.error?.code;
  if (typeof code === "string" && (PAIRING_ERROR_CODES as readonly string[]).includes(code)) {
    const retryAfterMs = typeof json?.error?.retryAfterMs === "number" ? json.error.retryAfterMs : undefined;
    throw new ClientError(code as ClientErrorCode, { retryable: code === "RATE_LIMITED", retryAfterMs });
  }
  if (res.status === 503 || res.status === 502) throw new ClientError("GATEWAY_STARTING", { retryable: true });
  throw new ClientError("PLUGIN_MISSING");
}
