// `ocmap` exit codes, one per kind of outcome a script may want to branch on (README lists them).
import type { ClientErrorCode } from "../core/client-errors.std.ts";

export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  NOT_PAIRED: 3,
  REVOKED: 4,
  UNREACHABLE: 5,
  CODE_REJECTED: 6,
  KEYCHAIN: 7,
  REFUSED: 8,
  GATEWAY_IDENTITY: 9,
  /** `ocmap call`: the gateway answered the method with an error (its code is printed). */
  CALL_FAILED: 10,
} as const;

export function exitCodeFor(code: ClientErrorCode | string): number {
  switch (code) {
    case "CODE_EMPTY":
    case "CODE_LENGTH":
    case "CODE_SYMBOL":
    case "CODE_CHECK":
    case "CODE_INVALID":
    case "CODE_EXPIRED":
    case "CODE_ALREADY_USED":
    case "SETUP_CODE_INVALID":
    case "SETUP_CODE_EXPIRED":
    case "SETUP_CODE_REJECTED":
    case "APPROVAL_EXPIRED":
    case "KEY_FORMAT":
    case "KEY_CHECK":
    case "KEY_INVALID":
    case "KEY_EXPIRED":
    case "KEY_USED_UP":
      return EXIT.CODE_REJECTED;
    case "URL_INVALID":
    case "URL_INSECURE":
    case "LINK_INVALID":
    case "ALREADY_PAIRED":
    case "GATEWAY_REQUIRED":
    case "GATEWAY_UNKNOWN":
    case "GATEWAY_NAME_INVALID":
    case "GATEWAY_NAME_TAKEN":
      return EXIT.USAGE;
    case "DEVICE_REVOKED":
    case "TOKEN_REJECTED":
    case "EPHEMERAL_REMOVED":
    case "DEVICE_EXPIRED":
    case "REVOKED":
      return EXIT.REVOKED;
    case "GATEWAY_UNREACHABLE":
    case "GATEWAY_STARTING":
    case "CONNECTION_LOST":
    case "DEAD_SOCKET":
    case "ACCESS_CHANGED":
    case "TIMEOUT":
    case "NOT_CONNECTED":
    case "FORGET_OFFLINE":
      return EXIT.UNREACHABLE;
    case "KEYCHAIN_UNAVAILABLE":
    case "KEYCHAIN_LOCKED":
    case "KEYCHAIN_CORRUPT":
    case "KEYCHAIN_FAILED":
    case "STORE_INSECURE":
    case "STORE_CORRUPT":
    case "STORE_KEY_MISSING":
    case "STORE_KEY_WRONG":
    case "STORE_LOCK_TIMEOUT":
    case "STORE_FAILED":
      return EXIT.KEYCHAIN;
    case "RATE_LIMITED":
    case "AUTH_RATE_LIMITED":
    case "PAIRING_DISABLED":
    case "PLUGIN_MISSING":
    case "GATEWAY_REFUSED":
    case "INVALID_REQUEST":
    case "CLOCK_SKEW":
    case "PROTOCOL_ERROR":
    case "FORGET_REFUSED":
    case "FORGET_UNCONFIRMED":
    case "FORGET_NOT_ALLOWED":
      return EXIT.REFUSED;
    case "GATEWAY_IDENTITY_CHANGED":
    case "GATEWAY_TLS_UNTRUSTED":
    case "GATEWAY_CERT_EXPIRED":
      return EXIT.GATEWAY_IDENTITY;
    default:
      return EXIT.INTERNAL;
  }
}
