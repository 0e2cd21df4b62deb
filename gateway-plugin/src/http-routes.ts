import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveRequestClientIp } from "openclaw/plugin-sdk/webhook-ingress";
import { readJsonBodyWithLimit, sendHttpRequestRejection } from "openclaw/plugin-sdk/webhook-request-guards";
import { MAX_BODY_BYTES } from "@ocmap/protocol/pairing-protocol";
import { V2_PATHS } from "@ocmap/protocol/pairing-v2";
import { fail, PairingError } from "./errors.ts";
import { parseIdentityBody } from "./request-validation.ts";
import type { PairingService } from "./service.ts";

type Api = {
  registerHttpRoute(p: {
    path: string;
    auth: "plugin";
    match: "exact";
    handler: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  }): void;
};

type Run = (read: () => Promise<unknown>, address: string, method: string | undefined) => Promise<object>;

/** The v2 routes (docs/pairing-protocol.md). v1's /ocmap-pairing/redeem and /exchange are retired. */
export function registerPairingRoutes(
  api: Api,
  service: PairingService,
  trustedProxies: () => string[] | undefined,
  identity: () => object,
) {
  const route = (path: string, run: Run) =>
    api.registerHttpRoute({
      path,
      auth: "plugin",
      match: "exact",
      async handler(req, res) {
        const address = resolveRequestClientIp(req, trustedProxies()) ?? req.socket.remoteAddress ?? "unknown";
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("X-Content-Type-Options", "nosniff");
        try {
          const body = await run(() => readBody(req), address, req.method);
          res.statusCode = 200;
          res.setHeader("Content-Type", "application/json; charset=utf-8");
          res.end(JSON.stringify(body));
        } catch (err) {
          const e = err instanceof PairingError ? err : fail("INVALID_REQUEST");
          const error = {
            code: e.code,
            message: e.message,
            ...(e.retryAfterMs ? { retryAfterMs: e.retryAfterMs } : {}),
          };
          if (e.retryAfterMs) res.setHeader("Retry-After", String(Math.ceil(e.retryAfterMs / 1000)));
          await sendHttpRequestRejection(
            req,
            res,
            e.status,
            JSON.stringify({ ok: false, error }),
            "application/json; charset=utf-8",
          );
        }
        return true;
      },
    });
  route(V2_PATHS.start, (read, address) => service.v2.start(read, address));
  route(V2_PATHS.confirm, (read, address) => service.v2.confirm(read, address));
  route(V2_PATHS.exchange, (read, address) => service.v2.exchange(read, address));
  route(V2_PATHS.abandon, (read, address) => service.v2.abandon(read, address));
  // Public and never counted: what the gateway identity key says of the certificate served now.
  route(V2_PATHS.identity, async (read, _address, method) => {
    if (method !== "GET") parseIdentityBody(await read());
    return { ok: true, ...identity() };
  });
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  if (req.method !== "POST") throw fail("INVALID_REQUEST", `method ${String(req.method).slice(0, 16)}`);
  if (!isPlainJson(req.headers["content-type"])) throw fail("INVALID_REQUEST", "content type");
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw fail("INVALID_REQUEST", "body too large");
  // 5 s like the SDK's own pre-auth profile: a stalled unauthenticated body must not hold a socket long.
  const r = await readJsonBodyWithLimit(req, {
    maxBytes: MAX_BODY_BYTES,
    timeoutMs: 5_000,
    destroyOnLimit: false,
    emptyObjectOnEmpty: false,
  });
  if (!r.ok) throw fail("INVALID_REQUEST", `body: ${r.code}`);
  return r.value;
}

/**
 * The contract's `Content-Type: application/json`, optionally `; charset=utf-8`, and nothing else:
 * the body is always read as UTF-8, so another declared charset (or a `+json` type) is refused
 * rather than read as something the client did not say it sent.
 */
function isPlainJson(header: string | undefined): boolean {
  return /^\s*application\/json\s*(?:;\s*charset\s*=\s*(?:"utf-8"|utf-8)\s*)?$/i.test(header ?? "");
}
