import { HTTP_STATUS, type PairingErrorCode } from "@ocmap/protocol/pairing-protocol";

/** A contract error: HTTP routes send `{ok:false,error}`, WS methods put the code in `details.code`. */
export class PairingError extends Error {
  constructor(
    readonly code: PairingErrorCode,
    message: string,
    readonly retryAfterMs?: number,
    /** Why, for the audit log; never sent to the caller (it could help an attacker). */
    readonly reason: string = code,
  ) {
    super(message);
  }
  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

const MESSAGES: Record<PairingErrorCode, string> = {
  PAIRING_DISABLED: "Pairing is turned off on this gateway.",
  CODE_INVALID: "That pairing code or device proof is not valid.",
  CODE_EXPIRED: "That pairing code has expired; ask for a new one.",
  CODE_ALREADY_USED: "That pairing code was already used or cancelled; ask for a new one.",
  DEVICE_REVOKED: "This device identity was revoked; pair again with a new identity.",
  RATE_LIMITED: "Too many failed pairing attempts; try again later.",
  INVALID_REQUEST: "The request was malformed.",
  FORGET_UNAVAILABLE: "This gateway cannot remove the device for the plugin; nothing was changed.",
  STATE_DAMAGED: "Pairing is unavailable: the plugin's state on the gateway is damaged; see the gateway log.",
};

export const fail = (code: PairingErrorCode, reason?: string, retryAfterMs?: number) =>
  new PairingError(code, MESSAGES[code], retryAfterMs, reason ?? code);
