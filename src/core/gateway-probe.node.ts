// The cheap question asked between reconnect handshakes: is the gateway serving yet? One GET of the gateway's
// own unauthenticated startup probe (`/startupz`: 200 `started` once startup has settled, 503 `starting` or
// `draining` before), with no credential of any kind, over the same pinned TLS as the session on wss://. It
// only ever decides when to hand-shake; the handshake itself still proves everything.
import http from "node:http";
import { parseGatewayUrl } from "./gateway-url.std.ts";
import type { TrustRecord } from "./keystore.node.ts";
import { openVerifiedTls, type TlsTrust } from "./pinned-tls.node.ts";
import { tlsTrustOf } from "./trusted-session.node.ts";
import type { ProbeAnswer } from "./lifecycle-types.std.ts";

export const PROBE_PATH = "/startupz";
// Generous: a probe in flight only delays the next one, and a loaded gateway has been seen to take 0.6 s.
const PROBE_TIMEOUT_MS = 5_000;
const MAX_BODY_BYTES = 4 * 1024;

/** Asks the gateway of a stored trust, checking its certificate as the session does; sends no credential. */
export const probeStoredGateway = (record: TrustRecord, signal?: AbortSignal): Promise<ProbeAnswer> =>
  probeGateway(record.gatewayUrl, tlsTrustOf(record), signal);

/** Asks `gatewayUrl` (ws:// or wss://) once; never throws. `trust` is how its certificate is checked on wss://. */
export async function probeGateway(gatewayUrl: string, trust: TlsTrust, signal?: AbortSignal): Promise<ProbeAnswer> {
  const url = parseGatewayUrl(gatewayUrl);
  if (!url.ok) return "unknown";
  const target = new URL(url.httpBase + PROBE_PATH);
  const abort = signal
    ? AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)])
    : AbortSignal.timeout(PROBE_TIMEOUT_MS);
  const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
  try {
    if (target.protocol === "https:") {
      const tls = await openVerifiedTls({ host, port: Number(target.port || 443), trust, timeoutMs: PROBE_TIMEOUT_MS });
      if (abort.aborted) {
        tls.socket.destroy();
        return "unknown";
      }
      return await get(target, abort, () => tls.socket);
    }
    return await get(target, abort);
  } catch (error) {
    return refused(error) ? "refused" : "unknown";
  }
}

const refused = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException)?.code === "ECONNREFUSED" || (!!error && refused((error as Error).cause));

function get(target: URL, signal: AbortSignal, createConnection?: () => import("node:net").Socket) {
  return new Promise<ProbeAnswer>((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: target.port || (target.protocol === "https:" ? 443 : 80),
        path: target.pathname,
        method: "GET",
        headers: { host: target.host, accept: "application/json", connection: "close" },
        signal,
        // The verified TLS socket, or a fresh connection (no keep-alive agent: one probe, one socket).
        ...(createConnection ? { createConnection } : { agent: false }),
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          if (text.length > MAX_BODY_BYTES) req.destroy();
        });
        res.on("error", () => resolve("unknown"));
        res.on("end", () => resolve(answerOf(res.statusCode ?? 0, text)));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Only the gateway's own JSON counts: a proxy's page or a web app's fallback route proves nothing. */
function answerOf(status: number, text: string): ProbeAnswer {
  let body: { status?: unknown } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    return "unknown";
  }
  if (status === 200 && body?.status === "started") return "serving";
  if (status === 503 && (body?.status === "starting" || body?.status === "draining")) return "starting";
  return "unknown";
}
