// Where the pairing routes' requests go and how their TLS is checked (docs/pairing-protocol.md, "Client
// rules"): over https:// CA verification first; only when the gateway's certificate is untrusted (its own
// self-signed one) capture mode, which carries no secret and records the pin the PAKE must then vouch for.
// After the grant check the channel is pinned: the exchange, the abandon and the connects are verified.
import type { TlsPin } from "@ocmap/protocol/gateway-identity";
import { ClientError } from "./client-errors.std.ts";
import { postPairing, type PairingPost } from "./pairing-http.node.ts";
import type { TlsTrust } from "./pinned-tls.node.ts";

export interface PairingChannel {
  /** `uncancellable`: ignores the pairing's abort signal (for /v2/abandon while cancelling). */
  post(path: string, body: unknown, options?: { uncancellable?: boolean }): Promise<PairingPost>;
  /** What the PAKE requests saw over TLS (undefined over plain http://). */
  observedTls(): { observedPin: TlsPin; verifiedByCa: boolean } | undefined;
  /** From now on, only this pin (or, without one, the CA chain). */
  pin(tlsPin: TlsPin | undefined): void;
  /** The trust for a wss:// connect (undefined over ws://). */
  trust(): TlsTrust | undefined;
}

export function openPairingChannel(
  httpBase: string,
  channelOptions: { timeoutMs: number; signal?: AbortSignal },
): PairingChannel {
  const overTls = httpBase.startsWith("https:");
  let trust: TlsTrust | undefined = overTls ? { kind: "ca" } : undefined;
  let locked = false;
  const seenPins = new Set<TlsPin>();

  const send = (path: string, body: unknown, uncancellable?: boolean) =>
    postPairing(httpBase + path, body, {
      trust,
      timeoutMs: channelOptions.timeoutMs,
      signal: uncancellable ? undefined : channelOptions.signal,
    });

  return {
    async post(path, body, options) {
      let response: PairingPost;
      try {
        response = await send(path, body, options?.uncancellable);
      } catch (error) {
        const untrusted = error instanceof ClientError && error.code === "GATEWAY_TLS_UNTRUSTED";
        if (!untrusted || trust?.kind !== "ca" || locked || seenPins.size > 0) throw error;
        trust = { kind: "capture" };
        response = await send(path, body, options?.uncancellable);
      }
      if (response.tlsPin && !locked) seenPins.add(response.tlsPin);
      return response;
    },
    observedTls() {
      if (!overTls || !trust) return undefined;
      // Two different certificates during one PAKE: no single pin to vouch for, so nothing will match.
      const observedPin = seenPins.size === 1 ? [...seenPins][0]! : "";
      return { observedPin, verifiedByCa: trust.kind === "ca" };
    },
    pin(tlsPin) {
      if (!overTls) return;
      locked = true;
      if (tlsPin) trust = { kind: "pinned", tlsPin };
      else if (trust?.kind !== "ca") throw new ClientError("GATEWAY_IDENTITY_CHANGED");
    },
    trust: () => trust,
  };
}
