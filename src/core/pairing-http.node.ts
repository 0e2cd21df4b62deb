// The pairing routes' HTTP: plain fetch over http://, and over https:// one request per socket through the
// pinned connector (docs/pairing-protocol.md, "Client rules"), which also reports the certificate it saw.
import { PAIRING_ERROR_CODES } from "@ocmap/protocol/pairing-protocol";
import type { TlsPin } from "@ocmap/protocol/gateway-identity";
import { ClientError, type ClientErrorCode } from "./client-errors.std.ts";
import { TlsConnectError, requestJsonOverTls, type TlsTrust } from "./pinned-tls.node.ts";
import { reachFailure } from "./reach-failure.std.ts";

const MAX_RESPONSE_BYTES = 64 * 1024;

export interface PairingPost {
  /** The `{ok: true, ...}` body. */
  body: Record<string, unknown>;
  /** Over https://, the pin of the certificate this request saw. */
  tlsPin?: TlsPin;
}

export interface PostOptions {
  /** Required for https:// URLs. */
  trust?: TlsTrust;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** POSTs JSON to a pairing route; a refusal or a transport failure throws a ClientError. */
export async function postPairing(url: string, body: unknown, options: PostOptions): Promise<PairingPost> {
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)])
    : AbortSignal.timeout(options.timeoutMs);
  if (url.startsWith("https:")) {
    if (!options.trust) throw new ClientError("INTERNAL");
    const response = await withSignal(requestJsonOverTls(url, options.trust, { method: "POST", body }), signal).catch(
      (error: unknown) => {
        throw transportError(error, url);
      },
    );
    return { body: pairingBody(response.status, response.body), tlsPin: response.tlsPin };
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      redirect: "error",
      signal,
    });
  } catch (error) {
    throw transportError(error, url);
  }
  const text = await res.text().catch(() => "");
  let json: unknown;
  try {
    json = text.length <= MAX_RESPONSE_BYTES ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { body: pairingBody(res.status, json) };
}

/** Maps the pinned connector's and fetch's failures to what the user can do about them. */
export function transportError(error: unknown, url: string): ClientError {
  if (error instanceof ClientError) return error;
  const reach = reachFailure(error, url);
  if (error instanceof TlsConnectError) {
    const unreachable = error.code === "GATEWAY_UNREACHABLE";
    return new ClientError(error.code, { retryable: unreachable, cause: error, ...(unreachable ? { reach } : {}) });
  }
  if ((error as Error)?.name === "TimeoutError")
    return new ClientError("TIMEOUT", { retryable: true, cause: error, reach });
  return new ClientError("GATEWAY_UNREACHABLE", { retryable: true, cause: error, reach });
}

function pairingBody(status: number, json: unknown): Record<string, unknown> {
  const reply = json as { ok?: unknown; error?: { code?: unknown; retryAfterMs?: unknown } } | undefined;
  if (reply?.ok === true) return reply as Record<string, unknown>;
  const code = reply?.error?.code;
  if (typeof code === "string" && (PAIRING_ERROR_CODES as readonly string[]).includes(code)) {
    const retryAfterMs = typeof reply?.error?.retryAfterMs === "number" ? reply.error.retryAfterMs : undefined;
    throw new ClientError(code as ClientErrorCode, { retryable: code === "RATE_LIMITED", retryAfterMs });
  }
  if (status === 503 || status === 502) throw new ClientError("GATEWAY_STARTING", { retryable: true });
  throw new ClientError("PLUGIN_MISSING");
}

function withSignal<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
