import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveRequestClientIp } from "openclaw/plugin-sdk/webhook-ingress";
import { sendHttpRequestRejection } from "openclaw/plugin-sdk/webhook-request-guards";
import { DEVICE_STATUS_PATH, V2_PATHS } from "@ocmap/protocol/pairing-v2";
import type { DeviceAccess } from "./device-access.ts";
import { fail, PairingError } from "./errors.ts";
import { assertPlausibleRequest, readJsonBody } from "./request-guard.ts";
import { assertRouteAccess, type RouteAccess } from "./route-access.ts";
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
  access: () => RouteAccess,
  deviceAccess?: DeviceAccess,
) {
  const route = (path: string, run: Run, isPublic = false) =>
    api.registerHttpRoute({
      path,
      auth: "plugin",
      match: "exact",
      async handler(req, res) {
        const address = resolveRequestClientIp(req, trustedProxies()) ?? req.socket.remoteAddress ?? "unknown";
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("X-Content-Type-Options", "nosniff");
        try {
          // Before the limiter: a request that fails these cannot be a guess and is not counted.
          if (!isPublic) assertRouteAccess(req, address, access());
          const body = req.method === "GET" && isPublic ? undefined : await readPlausibleBody(req);
          const result = await run(async () => body, address, req.method);
          res.statusCode = 200;
          res.setHeader("Content-Type", "application/json; charset=utf-8");
          res.end(JSON.stringify(result));
        } catch (err) {
          const pairingError = err instanceof PairingError ? err : fail("INVALID_REQUEST");
          const error = {
            code: pairingError.code,
            message: pairingError.message,
            ...(pairingError.retryAfterMs ? { retryAfterMs: pairingError.retryAfterMs } : {}),
          };
          if (pairingError.retryAfterMs)
            res.setHeader("Retry-After", String(Math.ceil(pairingError.retryAfterMs / 1000)));
          await sendHttpRequestRejection(
            req,
            res,
            pairingError.status,
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
  // A paired device's own question, signed by its key: what became of it (device-access.ts).
  if (deviceAccess) route(DEVICE_STATUS_PATH, async (read) => deviceAccess.status(await read()));
  // Public and never counted: what the gateway identity key says of the certificate served now.
  route(
    V2_PATHS.identity,
    async (read, _address, method) => {
      if (method !== "GET") parseIdentityBody(await read());
      return { ok: true, ...identity() };
    },
    true,
  );
}

async function readPlausibleBody(req: IncomingMessage): Promise<unknown> {
  assertPlausibleRequest(req);
  return readJsonBody(req);
}
