// What the lifecycle says about itself: status sentences, errors as the view shows them, and
// how a socket close code reads. Error sentences come from the client error table.
import { CLIENT_ERROR_MESSAGES, type ClientErrorCode, type ClientErrorInfo } from "./client-errors.std.ts";
import type { Reason } from "./lifecycle-types.std.ts";

const REVOKED_MESSAGE = "This device was revoked on the gateway. Pair again to create a new device identity.";

export const STATUS = {
  starting: { code: "STARTING", message: "Reading this device's trust from the keychain." },
  unpaired: { code: "UNPAIRED", message: "Not paired with a gateway yet." },
  pairing: { code: "PAIRING", message: "Pairing with the gateway." },
  paired: { code: "PAIRED", message: "Paired and connected." },
  reconnected: { code: "RECONNECTED", message: "Connected to the gateway." },
  launch: { code: "RECONNECTING", message: "Connecting to the trusted gateway." },
  forgotten: { code: "FORGOTTEN", message: "This device was forgotten. Pair again to use a gateway." },
  revoked: { code: "REVOKED", message: REVOKED_MESSAGE },
  cancelled: { code: "CANCELLED", message: "Pairing was cancelled." },
} as const satisfies Record<string, Reason>;

export const FORGET_NOTICES = {
  toldGateway: { code: "FORGOTTEN", message: "This device was removed from this computer and from the gateway." },
  offline: { code: "FORGET_OFFLINE", message: CLIENT_ERROR_MESSAGES.FORGET_OFFLINE },
} as const satisfies Record<string, Reason>;

export const asReason = (error: ClientErrorInfo): Reason => ({ code: error.code, message: error.message });

/** A retryable error with the table's sentence. */
export const retryableError = (code: ClientErrorCode): ClientErrorInfo => ({
  code,
  message: CLIENT_ERROR_MESSAGES[code],
  retryable: true,
});

/** A 4001 close: the gateway no longer accepts this device. */
export const REVOKED_BY_CLOSE: ClientErrorInfo = { code: "TOKEN_REJECTED", message: REVOKED_MESSAGE, retryable: false };

/** What a socket close code means for this device. */
export function closeCodeError(code: number): "TOKEN_REJECTED" | "GATEWAY_STARTING" | "CONNECTION_LOST" {
  if (code === 4001) return "TOKEN_REJECTED";
  if (code === 1012 || code === 1013) return "GATEWAY_STARTING"; // service restart / try again later
  return "CONNECTION_LOST";
}

/** Only our own error types pass their message on; anything else becomes INTERNAL (its text could hold anything). */
export function errorOf(error: unknown): ClientErrorInfo {
  const fields = error as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    retryable?: unknown;
    retryAfterMs?: unknown;
  };
  const code =
    typeof fields?.code === "string" && fields.code in CLIENT_ERROR_MESSAGES
      ? (fields.code as ClientErrorCode)
      : "INTERNAL";
  const ours =
    code !== "INTERNAL" &&
    (fields.name === "ClientError" || fields.name === "KeystoreError") &&
    typeof fields.message === "string";
  return {
    code,
    message: ours ? (fields.message as string) : CLIENT_ERROR_MESSAGES[code],
    retryable: fields?.retryable === true,
    ...(typeof fields?.retryAfterMs === "number" ? { retryAfterMs: fields.retryAfterMs } : {}),
  };
}

export const isRevocation = (error: ClientErrorInfo) =>
  error.code === "TOKEN_REJECTED" || error.code === "DEVICE_REVOKED";
