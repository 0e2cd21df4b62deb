import { dispatchGatewayMethod } from "openclaw/plugin-sdk/gateway-method-runtime";
import { errorShape, ErrorCodes } from "openclaw/plugin-sdk/gateway-runtime";
import type { WebhookStatus } from "@ocmap/protocol/device-events";
import type { PairingErrorCode } from "@ocmap/protocol/pairing-protocol";
import { exportAudit, parseExportParams } from "./audit-export.ts";
import { fail, PairingError } from "./errors.ts";
import {
  parseCancelCodeParams,
  parseCreateCodeParams,
  parseCreateKeyParams,
  parseRevokeKeyParams,
  parseNoParams,
  parseRevokeDeviceParams,
} from "./request-validation.ts";
import type { CertificateSummary } from "@ocmap/protocol/gateway-identity";
import { parseRequestIdParams, parseSetAccessParams, type DeviceAccess } from "./device-access.ts";
import type { RemovalSession } from "./self-remove.ts";
import type { PairingService } from "./service.ts";

type Respond = (ok: boolean, payload?: unknown, error?: unknown) => void;
export type Ctx = {
  broadcast?: (event: string, payload: unknown) => void;
  hasConnectedClientsForDevice?: (deviceId: string) => boolean;
};
interface HandlerArgs {
  params: Record<string, unknown>;
  client: { connect?: { scopes?: string[]; device?: { id?: string } } } | null;
  respond: Respond;
  context: Ctx;
}
type Api = {
  registerGatewayMethod(
    name: string,
    h: (o: HandlerArgs) => Promise<void>,
    opts: { scope: "operator.admin" | "operator.pairing" | "operator.read" },
  ): void;
};

const WIRE_CODE: Record<PairingErrorCode, keyof typeof ErrorCodes> = {
  PAIRING_DISABLED: "UNAVAILABLE",
  CODE_INVALID: "INVALID_REQUEST",
  CODE_EXPIRED: "INVALID_REQUEST",
  CODE_ALREADY_USED: "INVALID_REQUEST",
  DEVICE_REVOKED: "FORBIDDEN",
  RATE_LIMITED: "UNAVAILABLE",
  INVALID_REQUEST: "INVALID_REQUEST",
  FORGET_UNAVAILABLE: "UNAVAILABLE",
  STATE_DAMAGED: "UNAVAILABLE",
};

export interface MethodHooks {
  /** The gateway's request context is process-wide; its broadcast is kept for the HTTP routes. */
  sawContext(ctx: Ctx): void;
  /** Proves, before forgetSelf answers, that the plugin can remove a device (self-remove.ts). */
  openRemovalSession(): Promise<RemovalSession>;
  /** The certificates the gateway identity vouched for, and retiring the older ones (gateway-identity.ts). */
  certificates?(): CertificateSummary;
  retireCertificates?(): Promise<{ minSerial: number; retiredPins: number }>;
  /** Access changes (device-access.ts). */
  access?: DeviceAccess;
  /** The webhook's health for pairing.list; undefined when no webhook is configured. */
  webhookStatus?(): WebhookStatus | undefined;
  log: { warn(msg: string): void };
}

export function registerPairingMethods(api: Api, service: PairingService, hooks: MethodHooks) {
  const method = (
    name: string,
    scope: "operator.admin" | "operator.pairing" | "operator.read",
    run: (a: HandlerArgs) => Promise<unknown>,
    after?: (a: HandlerArgs, result: any) => Promise<void>,
  ) =>
    api.registerGatewayMethod(
      name,
      async (handlerArgs) => {
        hooks.sawContext(handlerArgs.context);
        let result: unknown;
        try {
          result = await run(handlerArgs);
        } catch (err) {
          const pairingError = err instanceof PairingError ? err : fail("INVALID_REQUEST", (err as Error).message);
          const wireMessage =
            err instanceof PairingError && pairingError.code === "INVALID_REQUEST"
              ? `${pairingError.message} (${pairingError.reason})`
              : pairingError.message;
          handlerArgs.respond(
            false,
            undefined,
            errorShape(ErrorCodes[WIRE_CODE[pairingError.code]], wireMessage, {
              details: { code: pairingError.code },
              ...(pairingError.retryAfterMs ? { retryable: true, retryAfterMs: pairingError.retryAfterMs } : {}),
            }),
          );
          return;
        }
        handlerArgs.respond(true, result);
        await after?.(handlerArgs, result).catch((err) =>
          hooks.log.warn(`ocmap-pairing: ${name} follow-up failed: ${(err as Error).message}`),
        );
      },
      { scope },
    );

  method("pairing.createCode", "operator.admin", async ({ params, client }) =>
    service.createCode(parseCreateCodeParams(params), client?.connect?.scopes ?? []),
  );

  method("pairing.cancelCode", "operator.admin", async ({ params }) => {
    const { codeId } = parseCancelCodeParams(params);
    return service.cancelCode(codeId);
  });

  method("pairing.list", "operator.pairing", async ({ params, context }) => {
    parseNoParams(params);
    const list = await service.list((id) => context.hasConnectedClientsForDevice?.(id) ?? false);
    const webhook = hooks.webhookStatus?.();
    const withWebhook = webhook ? { ...list, webhook } : list;
    return "gatewayFingerprint" in list && hooks.certificates
      ? { ...withWebhook, certificates: hooks.certificates() }
      : withWebhook;
  });

  // The whole retained audit log as a file (audit-export.ts); admin only: it names every source address.
  method("pairing.exportAudit", "operator.admin", async ({ params }) => {
    const { format } = parseExportParams(params);
    return exportAudit(service.core.store.read().events, format, Date.now());
  });

  method("pairing.retireCertificates", "operator.admin", async ({ params }) => {
    parseNoParams(params);
    const retired = await hooks.retireCertificates?.();
    if (!retired) throw fail("INVALID_REQUEST", "certificates cannot be retired here");
    service.core.announceChange("certificates.retired");
    return retired;
  });

  // The caller's own authority: the gateway's ownership rules still decide.
  const removeWithCallerAuthority = (deviceId: string) => async () => {
    const removal = await dispatchGatewayMethod("device.pair.remove", { deviceId });
    if (!removal.ok)
      throw new PairingError("INVALID_REQUEST", `the gateway refused: ${removal.error?.code ?? "unknown"}`);
  };

  method("pairing.revokeDevice", "operator.pairing", async ({ params }) => {
    const { deviceId, reason } = parseRevokeDeviceParams(params);
    return service.revokeDevice(deviceId, "operator", reason, removeWithCallerAuthority(deviceId));
  });

  method("pairing.createEnrollmentKey", "operator.admin", async ({ params, client }) =>
    service.keys.create(parseCreateKeyParams(params), client?.connect?.scopes ?? []),
  );

  // Revoking a key stops new uses; with revokeDevices every device it enrolled is removed too, each as
  // pairing.revokeDevice would (one that the gateway refuses to remove is listed as not revoked).
  method("pairing.revokeEnrollmentKey", "operator.admin", async ({ params }) => {
    const { keyId, revokeDevices } = parseRevokeKeyParams(params);
    const revoked = await service.keys.revoke(keyId);
    const devicesRevoked: string[] = [];
    const devicesNotRevoked: string[] = [];
    for (const deviceId of revokeDevices ? revoked.deviceIds : []) {
      const reason = `enrollment key ${keyId} revoked`;
      await service.revokeDevice(deviceId, "operator", reason, removeWithCallerAuthority(deviceId)).then(
        () => devicesRevoked.push(deviceId),
        () => devicesNotRevoked.push(deviceId),
      );
    }
    return { keyId, revokedAtMs: revoked.revokedAtMs, devicesRevoked, devicesNotRevoked };
  });

  // A lower access rotates the device's token on the operator's own authority (device-access.ts).
  method("pairing.setAccess", "operator.admin", async ({ params }) => {
    const { deviceId, access } = parseSetAccessParams(params);
    return hooks.access!.setAccess(deviceId, access, async (scopes) => {
      const rotated = await dispatchGatewayMethod("device.token.rotate", { deviceId, role: "operator", scopes });
      if (!rotated.ok)
        throw new PairingError("INVALID_REQUEST", `the gateway refused: ${rotated.error?.code ?? "unknown"}`);
    });
  });
  const callerDevice = (handlerArgs: HandlerArgs) => {
    const deviceId = handlerArgs.client?.connect?.device?.id;
    if (!deviceId) throw fail("INVALID_REQUEST", "caller is not a device");
    return deviceId;
  };
  method("pairing.deviceAccess", "operator.read", async (handlerArgs) => {
    parseNoParams(handlerArgs.params);
    return hooks.access!.own(callerDevice(handlerArgs));
  });
  method("pairing.acceptUpgrade", "operator.read", async (handlerArgs) =>
    hooks.access!.acceptUpgrade(callerDevice(handlerArgs), parseRequestIdParams(handlerArgs.params).requestId),
  );

  // Preflight, answer, remove, record: the answer is sent only once the removal session is open
  // (else FORGET_UNAVAILABLE, nothing changed), and the device is marked revoked only after the
  // gateway removed it; a failed removal is audited and the device stays active and revocable.
  const removals = new WeakMap<HandlerArgs, RemovalSession>();
  method(
    "pairing.forgetSelf",
    "operator.read",
    async (handlerArgs) => {
      parseNoParams(handlerArgs.params);
      const deviceId = handlerArgs.client?.connect?.device?.id;
      if (!deviceId || !service.isActiveDevice(deviceId))
        throw fail("INVALID_REQUEST", "caller is not a device paired through a code");
      const session = await hooks.openRemovalSession().catch((err) => {
        hooks.log.warn(`ocmap-pairing: forgetSelf unavailable: ${(err as Error).message}`);
        throw fail("FORGET_UNAVAILABLE", (err as Error).message);
      });
      removals.set(handlerArgs, session);
      return { deviceId, revokedAtMs: Date.now() };
    },
    // After the answer: the removal closes the caller's own socket.
    async (handlerArgs, result: { deviceId: string }) => {
      const session = removals.get(handlerArgs)!;
      try {
        await service.revokeDevice(result.deviceId, "self", undefined, () => session.remove(result.deviceId));
      } catch (err) {
        hooks.log.warn(`ocmap-pairing: forgetSelf removal failed: ${(err as Error).message}`);
        await service.auditForgetFailure(result.deviceId, `gateway removal failed: ${(err as Error).message}`);
      } finally {
        session.close();
      }
    },
  );
}
