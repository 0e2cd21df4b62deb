// Every failure the client can show, as a code and a sentence that says what to do next.
// Messages never contain a token, a code or a key: they are shown, logged and sent over IPC.
import { KEY_PARSE_MESSAGES } from "@ocmap/protocol/enrollment-key";
import { CODE_PARSE_MESSAGES } from "@ocmap/protocol/pairing-code";
import { reachSentence, type ReachFailure } from "./reach-failure.std.ts";

export const CLIENT_ERROR_MESSAGES = {
  ...CODE_PARSE_MESSAGES,
  ...KEY_PARSE_MESSAGES,
  KEY_INVALID: "The gateway did not accept that enrollment key. Check that it is the whole key, or ask for a new one.",
  KEY_EXPIRED: "That enrollment key has expired. Ask the gateway's operator for a new one.",
  KEY_USED_UP: "That enrollment key has no uses left or was revoked. Ask the gateway's operator for a new one.",
  EPHEMERAL_REMOVED:
    "The gateway no longer knows this ephemeral device: it removes ephemeral devices that stay disconnected too " +
    "long (or its operator revoked it). Enroll again with the key.",
  DEVICE_EXPIRED: "The gateway removed this device because it was not seen for too long. Pair again with a new code.",
  URL_INVALID: "Enter the gateway address, like wss://gateway.example.com.",
  URL_INSECURE: "Unencrypted ws:// is only allowed on this computer or your local network; use wss://.",
  LINK_INVALID: "That pairing link is malformed. Ask for a new one, or type the gateway and code.",
  CODE_INVALID: "The gateway did not accept that code. Check it, or ask for a new one.",
  CODE_EXPIRED: "That code has expired. Ask for a new one in Clawpodz.",
  CODE_ALREADY_USED: "That code was already used or cancelled. Ask for a new one in Clawpodz.",
  SETUP_CODE_INVALID: "That setup code is malformed. Copy all of it, or ask the gateway's operator for a new one.",
  SETUP_CODE_EXPIRED: "That setup code has expired. Ask the gateway's operator for a new one (openclaw qr).",
  SETUP_CODE_REJECTED:
    "The gateway did not accept that setup code: it expired, was revoked, or another device used it. " +
    "Ask for a new one.",
  APPROVAL_EXPIRED:
    "The gateway's operator did not approve this device before the setup code expired. Ask for a new setup code.",
  DEVICE_REVOKED: "This device was revoked. Pair again to create a new device identity.",
  RATE_LIMITED: "Too many failed attempts on this gateway. Wait, then try again.",
  PAIRING_DISABLED: "Pairing is turned off on this gateway. Ask its operator to turn it on.",
  INVALID_REQUEST: "The gateway rejected the request. Update OCMAP or ask the gateway's operator.",
  PLUGIN_MISSING: "This gateway does not have the ocmap-pairing plugin. Ask its operator to install it.",
  GATEWAY_UNREACHABLE: "Cannot reach the gateway. Check the address and your network.",
  GATEWAY_STARTING: "The gateway is starting or restarting. OCMAP will reconnect by itself.",
  GATEWAY_TLS_UNTRUSTED:
    "The gateway's certificate is not trusted and it did not prove its identity. Check the address, then try again.",
  GATEWAY_IDENTITY_CHANGED:
    "The gateway's identity changed since pairing, so OCMAP sent nothing. If its operator did not reinstall it, " +
    "someone may be in between: check your network. Otherwise forget this device and pair again.",
  GATEWAY_CERT_EXPIRED:
    "The gateway's certificate has expired (or is not valid yet), so OCMAP sent nothing. Check this computer's " +
    "clock; otherwise ask the gateway's operator to renew the certificate.",
  GATEWAY_REFUSED: "The gateway refused the connection. Check its version, or ask its operator.",
  TOKEN_REJECTED: "The gateway no longer accepts this device. Pair again.",
  AUTH_RATE_LIMITED: "The gateway is rate limiting sign-ins from this address. OCMAP will retry later.",
  DEAD_SOCKET: "The connection went silent. Reconnecting.",
  CONNECTION_LOST: "The connection to the gateway was lost. Reconnecting.",
  ACCESS_CHANGED:
    "The gateway closed the connection after a change to its access settings. Checking this device is still trusted.",
  NOT_CONNECTED: "Not connected to the gateway right now. OCMAP is reconnecting; try again.",
  PROTOCOL_ERROR: "The gateway sent something OCMAP does not understand. Update OCMAP.",
  TIMEOUT: "The gateway did not answer in time. Check your network, then try again.",
  CLOCK_SKEW: "This computer's clock is far off from the gateway's. Set the correct time, then try again.",
  KEYCHAIN_UNAVAILABLE: "No keychain is available. Start your desktop's keyring (Secret Service), then try again.",
  KEYCHAIN_LOCKED: "Your keychain is locked. Unlock it, then try again.",
  KEYCHAIN_CORRUPT: "OCMAP's keychain entry is damaged. Forget this device and pair again.",
  KEYCHAIN_FAILED: "The keychain refused to store OCMAP's credentials. Check your keyring, then try again.",
  STORE_INSECURE: "OCMAP's store folder or a file in it is open to other users or not yours. Fix its permissions.",
  STORE_CORRUPT:
    "A file in OCMAP's store is damaged. OCMAP left it as it is: restore it, or move it away and pair again.",
  STORE_KEY_MISSING: "OCMAP's store is sealed and needs its key file (OCMAP_STORE_KEY_FILE).",
  STORE_KEY_WRONG: "The key file does not open OCMAP's sealed store. Use the key it was sealed with.",
  STORE_LOCK_TIMEOUT: "Another OCMAP process kept the store locked. Try again.",
  STORE_FAILED: "OCMAP could not read or write its store folder. Check the disk and the folder, then try again.",
  FORGET_OFFLINE:
    "Removed from this computer. The gateway was not reachable: ask its operator to revoke this device in Clawpodz.",
  FORGET_REFUSED:
    "Removed from this computer. The gateway refused to remove this device: ask its operator to revoke it in Clawpodz.",
  FORGET_UNCONFIRMED:
    "Removed from this computer. The gateway did not confirm that it removed this device: ask its operator to " +
    "revoke it in Clawpodz.",
  ALREADY_PAIRED: "OCMAP is already paired with this gateway. Forget it first to pair with it again.",
  GATEWAY_NAME_INVALID: "A gateway name is 1 to 64 characters, without control characters.",
  GATEWAY_NAME_TAKEN: "Another gateway already has that name. Choose another one.",
  FORGET_NOT_ALLOWED:
    "Removed from this computer. This device's access does not let it remove itself from the gateway: ask its " +
    "operator to remove it in the Devices page (openclaw devices remove <device id>).",
  INTERNAL: "Something went wrong inside OCMAP. Try again.",
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERROR_MESSAGES;

export interface ClientErrorInfo {
  code: ClientErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  /** For GATEWAY_UNREACHABLE and TIMEOUT: where the gateway was tried and why it did not answer. */
  reach?: ReachFailure;
}

export class ClientError extends Error {
  readonly code: ClientErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly reach?: ReachFailure;
  /** `message` replaces the table's sentence where one code needs a more exact one (never with secrets in it). */
  constructor(
    code: ClientErrorCode,
    options: {
      retryable?: boolean;
      retryAfterMs?: number;
      cause?: unknown;
      message?: string;
      reach?: ReachFailure;
    } = {},
  ) {
    super(
      options.message ?? (options.reach ? reachSentence(options.reach) : CLIENT_ERROR_MESSAGES[code]),
      options.cause ? { cause: options.cause } : undefined,
    );
    this.name = "ClientError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.reach) this.reach = { ...options.reach };
  }
  info(): ClientErrorInfo {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.reach ? { reach: { ...this.reach } } : {}),
    };
  }
}

export function toClientError(err: unknown): ClientError {
  if (err instanceof ClientError) return err;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && code in CLIENT_ERROR_MESSAGES)
    return new ClientError(code as ClientErrorCode, { cause: err });
  return new ClientError("INTERNAL", { cause: err });
}
