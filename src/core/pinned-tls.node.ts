// TLS to the gateway, verified BEFORE any application byte is written, then handed to `ws` (createConnection)
// or to one HTTP request. `rejectUnauthorized: false` + `checkServerIdentity` on ws does not enforce anything
// (docs/gateway-facts.md, "TLS"); here the pin is compared on `secureConnect`, on a socket that
// nobody has written to yet, and a mismatch destroys it.
import type { X509Certificate } from "node:crypto";
import http from "node:http";
import tls, { type TLSSocket } from "node:tls";
import WebSocket, { type ClientOptions } from "ws";
import { withinValidity, type TlsPin } from "@ocmap/protocol/gateway-identity";
import { certificateSha256, spkiPinOfCertificate } from "./tls-pin.node.ts";

/**
 * `pinned`: only a certificate with this SPKI pin (no CA or name check: the pin is stronger), inside its own
 * validity window and inside `validity` (the window the gateway identity signed for it), each with the
 * skew allowance (CLOCK_SKEW_ALLOWANCE_MS).
 * `ca`: ordinary verification against the system store (or `ca` for tests), with the host name check.
 * `capture`: no verification, for requests that carry no secret (pairing's PAKE messages); the caller gets
 * the peer's pin to compare later with the one the PAKE authenticates.
 * `certificate`: only the certificate whose SHA-256 (of the whole DER, 64 lowercase hex) is this: the pin format of
 * a gateway's own setup code, for gateways without ocmap-pairing. Unlike an SPKI pin it does not survive a renewal.
 */
export type TlsTrust =
  | { kind: "pinned"; tlsPin: TlsPin; validity?: Validity }
  | { kind: "ca"; ca?: string | Buffer }
  | { kind: "capture" }
  | { kind: "certificate"; sha256: string };

export interface Validity {
  notBeforeMs: number;
  notAfterMs: number;
}

export type TlsConnectErrorCode =
  "GATEWAY_IDENTITY_CHANGED" | "GATEWAY_CERT_EXPIRED" | "GATEWAY_TLS_UNTRUSTED" | "GATEWAY_UNREACHABLE";

export class TlsConnectError extends Error {
  constructor(
    readonly code: TlsConnectErrorCode,
    message: string,
    /** The pin of the certificate the peer presented, when it got that far. */
    readonly observedPin?: TlsPin,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "TlsConnectError";
  }
}

export interface TlsTarget {
  host: string;
  port: number;
  trust: TlsTrust;
  timeoutMs?: number;
}

const isIpAddress = (host: string) => /^[\d.]+$/.test(host) || host.includes(":");

export interface VerifiedTls {
  socket: TLSSocket;
  tlsPin: TlsPin;
  /** The presented certificate's own validity window. */
  validity: Validity;
}

/** A TLS socket whose peer passed `trust`, with nothing written on it yet, the peer's pin and window. */
export function openVerifiedTls(target: TlsTarget): Promise<VerifiedTls> {
  const { host, port, trust, timeoutMs = 10_000 } = target;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: isIpAddress(host) ? undefined : host,
      rejectUnauthorized: trust.kind === "ca",
      ca: trust.kind === "ca" ? trust.ca : undefined,
      ALPNProtocols: ["http/1.1"],
    });
    const fail = (error: TlsConnectError) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new TlsConnectError("GATEWAY_UNREACHABLE", `No TLS handshake with ${host}:${port} in time.`)),
      timeoutMs,
    );
    socket.once("secureConnect", () => {
      // Node 20 hands out the peer's X509Certificate once per socket (a second call answers undefined): read it once.
      const certificate = socket.getPeerX509Certificate();
      if (!certificate)
        return fail(new TlsConnectError("GATEWAY_TLS_UNTRUSTED", "The gateway presented no certificate."));
      const tlsPin = spkiPinOfCertificate(certificate);
      const validity = { notBeforeMs: Date.parse(certificate.validFrom), notAfterMs: Date.parse(certificate.validTo) };
      const refusal =
        trust.kind === "pinned"
          ? pinnedRefusal(trust, tlsPin, validity, Date.now())
          : trust.kind === "certificate"
            ? certificateRefusal(trust, certificate, validity, Date.now())
            : undefined;
      if (refusal) return fail(new TlsConnectError(refusal.code, refusal.message, tlsPin));
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve({ socket, tlsPin, validity });
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      const peer = socket.getPeerX509Certificate();
      const observedPin = peer ? spkiPinOfCertificate(peer) : undefined;
      const untrusted = observedPin !== undefined || /CERT|SELF_SIGNED|ERR_TLS_CERT/.test(error.code ?? "");
      fail(
        untrusted
          ? new TlsConnectError("GATEWAY_TLS_UNTRUSTED", "The gateway's certificate is not trusted.", observedPin, {
              cause: error,
            })
          : new TlsConnectError("GATEWAY_UNREACHABLE", `Cannot reach ${host}:${port} over TLS.`, undefined, {
              cause: error,
            }),
      );
    });
  });
}

const OUTSIDE_WINDOW =
  "The gateway's certificate is outside its validity window (or this computer's clock is wrong); nothing was sent.";
const OTHER_CERTIFICATE = "The gateway presented a certificate other than the one paired with; nothing was sent.";

/** A setup code's whole-certificate pin: that very certificate, inside its own window. */
function certificateRefusal(
  trust: Extract<TlsTrust, { kind: "certificate" }>,
  certificate: X509Certificate,
  presented: Validity,
  nowMs: number,
): { code: TlsConnectErrorCode; message: string } | undefined {
  if (certificateSha256(certificate) !== trust.sha256)
    return { code: "GATEWAY_IDENTITY_CHANGED", message: OTHER_CERTIFICATE };
  return withinValidity(presented, nowMs) ? undefined : { code: "GATEWAY_CERT_EXPIRED", message: OUTSIDE_WINDOW };
}

/** Why a pinned peer is refused, or undefined: another pin, or a certificate outside its window or the signed one. */
function pinnedRefusal(
  trust: Extract<TlsTrust, { kind: "pinned" }>,
  tlsPin: TlsPin,
  presented: Validity,
  nowMs: number,
): { code: TlsConnectErrorCode; message: string } | undefined {
  if (tlsPin !== trust.tlsPin) return { code: "GATEWAY_IDENTITY_CHANGED", message: OTHER_CERTIFICATE };
  if (!withinValidity(presented, nowMs) || (trust.validity && !withinValidity(trust.validity, nowMs)))
    return { code: "GATEWAY_CERT_EXPIRED", message: OUTSIDE_WINDOW };
  return undefined;
}

/** A `ws` client over a verified socket: ws writes its upgrade request only after the check passed. */
export async function connectVerifiedWebSocket(
  url: string,
  trust: TlsTrust,
  options: ClientOptions = {},
): Promise<{ ws: WebSocket; tlsPin: TlsPin }> {
  const parsed = new URL(url);
  if (parsed.protocol !== "wss:") throw new Error("connectVerifiedWebSocket needs a wss:// URL");
  const { socket, tlsPin } = await openVerifiedTls({ host: hostOf(parsed), port: portOf(parsed), trust });
  return { ws: new WebSocket(url, { ...options, createConnection: () => socket }), tlsPin };
}

export interface TlsJsonResponse {
  status: number;
  body: unknown;
  tlsPin: TlsPin;
  validity: Validity;
}

/** One JSON request over a verified (or, with `capture`, unverified but recorded) TLS socket. */
export async function requestJsonOverTls(
  url: string,
  trust: TlsTrust,
  request: { method?: "GET" | "POST"; body?: unknown; maxBytes?: number } = {},
): Promise<TlsJsonResponse> {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:") throw new Error("requestJsonOverTls needs an https:// URL");
  const { socket, tlsPin, validity } = await openVerifiedTls({ host: hostOf(parsed), port: portOf(parsed), trust });
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        createConnection: () => socket,
        method: request.method ?? (payload ? "POST" : "GET"),
        path: parsed.pathname + parsed.search,
        headers: {
          host: parsed.host,
          accept: "application/json",
          connection: "close",
          ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > (request.maxBytes ?? 64 * 1024)) req.destroy(new Error("response too large"));
          else chunks.push(chunk);
        });
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON (a proxy's HTML error page): the caller branches on status and body shape.
          }
          resolve({ status: res.statusCode ?? 0, body, tlsPin, validity });
        });
      },
    );
    req.on("error", (error) =>
      reject(new TlsConnectError("GATEWAY_UNREACHABLE", "The request failed.", tlsPin, { cause: error })),
    );
    req.end(payload);
  });
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");
const portOf = (url: URL) => Number(url.port || 443);
