import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveRequestClientIp } from "openclaw/plugin-sdk/webhook-ingress";
import { sendHttpRequestRejection } from "openclaw/plugin-sdk/webhook-request-guards";
import { EXCHANGE_PATH, REDEEM_PATH } from "@ocmap/protocol/pairing-protocol";
import { fail, PairingError } from "./errors.ts";
import { assertPlausibleRequest, readJsonBody } from "./request-guard.ts";
import type { PairingService } from "./service.ts";

type Api = {
  registerHttpRoute(p: {
    path: string;
    auth: "plugin";
    match: "exact";
    handler: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  }): void;
};

export function registerPairingRoutes(api: Api, service: PairingService, trustedProxies: () => string[] | undefined) {
  const route = (path: string, run: (read: () => Promise<unknown>, address: string) => Promise<object>) =>
    api.registerHttpRoute({
      path,
      auth: "plugin",
      match: "exact",
      async handler(req, res) {
        const address = resolveRequestClientIp(req, trustedProxies()) ?? req.socket.remoteAddress ?? "unknown";
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("X-Content-Type-Options", "nosniff");
        try {
          assertPlausibleRequest(req); // before the limiter: these cannot be guesses and do not count
          const body = await run(() => readJsonBody(req), address);
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
  route(REDEEM_PATH, (read, address) => service.redeem(read, address));
  route(EXCHANGE_PATH, (read, address) => service.exchange(read, address));
}
