// What the lifecycle says about itself: status sentences, errors as the view shows them, and
// how a socket close code reads. Error sentences come from the client error table.
import type { ReachFailure } from "./reach-failure.std.ts";
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
  awaitingApproval: {
    code: "AWAITING_APPROVAL",
    message:
      "Waiting for the gateway's operator to approve this device (Devices page, or openclaw devices approve). " +
      "You can cancel.",
  },
} as const satisfies Record<string, Reason>;

/** What forgetting achieved on the gateway; the local trust is wiped in every case. */
export type ForgetOutcome = "told" | "refused" | "unconfirmed" | "offline" | "not-allowed";

export const FORGET_NOTICES = {
  told: { code: "FORGOTTEN", message: "This device was removed from this computer and from the gateway." },
  refused: { code: "FORGET_REFUSED", message: CLIENT_ERROR_MESSAGES.FORGET_REFUSED },
  unconfirmed: { code: "FORGET_UNCONFIRMED", message: CLIENT_ERROR_MESSAGES.FORGET_UNCONFIRMED },
  offline: { code: "FORGET_OFFLINE", message: CLIENT_ERROR_MESSAGES.FORGET_OFFLINE },
  "not-allowed": { code: "FORGET_NOT_ALLOWED", message: CLIENT_ERROR_MESSAGES.FORGET_NOT_ALLOWED },
} as const satisfies Record<ForgetOutcome, Reason>;

/** Shown (and kept until the next pairing or forget) after a reconnect accepted a renewed certificate. */
export const CERT_RENEWED_NOTICE: Reason = {
  code: "GATEWAY_CERT_RENEWED",
  message: "The gateway's certificate changed and its identity vouched for it (a renewal). OCMAP now pins the new one.",
};

export const asReason = (error: ClientErrorInfo): Reason => ({ code: error.code, message: error.message });

/** A retryable error with the table's sentence. */
export const retryableError = (code: ClientErrorCode): ClientErrorInfo => ({
  code,
  message: CLIENT_ERROR_MESSAGES[code],
  retryable: true,
});

/**
 * The gateway closes with 4001 for more than a removal ("gateway auth changed", "gateway policy changed",
 * "operator role changed", operator access closed): only these reasons say the device itself is gone
 * (`device.pair.remove`, `device.token.revoke`/`rotate`; the second form is a request on an already
 * invalidated socket). Any other 4001 keeps the trust until a reconnect with the stored token is refused.
 */
const REMOVAL_REASONS = new Set(["device removed", "client invalidated: device-removed"]);

/** What a socket close means for this device. */
export function closeCodeError(
  code: number,
  reason = "",
): "TOKEN_REJECTED" | "ACCESS_CHANGED" | "GATEWAY_STARTING" | "CONNECTION_LOST" {
  if (code === 4001) return REMOVAL_REASONS.has(reason) ? "TOKEN_REJECTED" : "ACCESS_CHANGED";
  if (code === 1012 || code === 1013) return "GATEWAY_STARTING"; // service restart / try again later
  return "CONNECTION_LOST";
}

/** A close whose reason says this device was removed from the gateway (pairing.forgetSelf's confirmation). */
export const isRemovalClose = (close: { code: number; reason: string }) =>
  closeCodeError(close.code, close.reason) === "TOKEN_REJECTED";

/** Only our own error types pass their message on; anything else becomes INTERNAL (its text could hold anything). */
export function errorOf(error: unknown): ClientErrorInfo {
  const fields = error as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    retryable?: unknown;
    retryAfterMs?: unknown;
    reach?: ReachFailure;
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
    ...(ours && fields.reach ? { reach: { ...fields.reach } } : {}),
  };
}

export const isRevocation = (error: ClientErrorInfo) =>
  error.code === "TOKEN_REJECTED" ||
  error.code === "DEVICE_REVOKED" ||
  error.code === "EPHEMERAL_REMOVED" ||
  error.code === "DEVICE_EXPIRED";
