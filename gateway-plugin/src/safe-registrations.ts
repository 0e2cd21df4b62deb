// The plugin's gateway methods and HTTP routes, registered through these wrappers: whatever a handler
// throws (or rejects with) is logged by `safely` and answered as an internal error, never left to the
// gateway, which ends its process on an uncaught error.
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorShape, ErrorCodes } from "openclaw/plugin-sdk/gateway-runtime";
import { safely, type SafeLog } from "./throw-safe.ts";

type Respond = (ok: boolean, payload?: unknown, error?: unknown) => void;
type MethodArgs = { respond: Respond };
type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface MethodApi<H> {
  registerGatewayMethod(name: string, handler: H, opts: { scope: any }): void;
}
export interface RouteApi<R> {
  registerHttpRoute(route: R): void;
}

/** `api` whose registerGatewayMethod wraps each handler; an unanswered request then gets an internal error. */
export function safeMethods<H extends (args: any) => Promise<void>>(api: MethodApi<H>, log: SafeLog): MethodApi<H> {
  return {
    registerGatewayMethod(name, handler, opts) {
      const wrapped = (args: MethodArgs) => {
        let answered = false;
        const respond: Respond = (...answer) => {
          answered = true;
          args.respond(...answer);
        };
        return safely(
          "gateway method",
          log,
          () => handler({ ...args, respond }),
          () => {
            if (!answered) respond(false, undefined, errorShape(ErrorCodes.UNAVAILABLE, `${name}: internal error`));
          },
        )();
      };
      api.registerGatewayMethod(name, wrapped as H, opts);
    },
  };
}

/** `api` whose registerHttpRoute wraps each handler; a request it failed gets a 500 (or a closed socket). */
export function safeRoutes<R extends { handler: RouteHandler }>(api: RouteApi<R>, log: SafeLog): RouteApi<R> {
  return {
    registerHttpRoute(route) {
      const handler = safely("http route", log, route.handler, (_error, _req, res) => {
        if (res.headersSent) res.destroy();
        else {
          res.statusCode = 500;
          res.setHeader("Content-Type", "application/json; charset=utf-8");
          res.end(JSON.stringify({ ok: false, error: { code: "INVALID_REQUEST", message: "internal error" } }));
        }
        return true;
      });
      api.registerHttpRoute({ ...route, handler });
    },
  };
}
