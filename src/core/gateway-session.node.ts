// One WebSocket to the gateway: challenge → signed connect → hello-ok, then requests and events.
// It reports; it never retries: reconnect policy belongs to the state machine.
import WebSocket from "ws";
import { ClientError } from "./client-errors.std.ts";
import { decodeFrame, MAX_FRAME_BYTES } from "./frame-decoder.std.ts";
import { signConnectProof, type DeviceIdentity } from "./identity.node.ts";
import { transportError } from "./pairing-http.node.ts";
import { reachFailure } from "./reach-failure.std.ts";
import { gatewayInfoOf, type GatewayInfo } from "./gateway-info.std.ts";
import { connectVerifiedWebSocket, type TlsTrust } from "./pinned-tls.node.ts";

export const CLIENT = { id: "gateway-client", mode: "ui", role: "operator", deviceFamily: "desktop" } as const;
export const DEFAULT_TICK_INTERVAL_MS = 30_000;

export interface WireError {
  code: string;
  message: string;
  details?: { code?: string; requestId?: string; reason?: string; [k: string]: unknown };
  retryable?: boolean;
  retryAfterMs?: number;
  /** Set when this client made the error up (socket closed or not open, no answer in time): not the gateway's. */
  local?: true;
}

export interface HelloOk {
  auth?: { deviceToken?: string; role?: string; scopes?: string[] };
  policy?: { tickIntervalMs?: number };
  [k: string]: unknown;
}

export interface SessionOptions {
  url: string;
  identity: DeviceIdentity;
  auth: { deviceToken: string } | { bootstrapToken: string };
  scopes: readonly string[];
  displayName: string;
  version: string;
  platform?: string;
  /**
   * "cli" for a connection made for one answer (a CLI verb that exits after it): the gateway keeps it out of
   * its presence list, as it does for its own CLI. Default "ui", a client that stays.
   */
  mode?: "ui" | "cli";
  timeoutMs?: number;
  /** For wss://: how the certificate is checked before any byte (default: ordinary CA verification). */
  trust?: TlsTrust;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

export type OpenResult =
  | { ok: true; session: GatewaySession; hello: HelloOk; challengeTs: number; challengeAt: number }
  | { ok: false; error: WireError; challengeTs: number; challengeAt: number };

/** Opens a socket and runs the handshake. Network trouble throws a ClientError; a refused connect is a result. */
export async function openSession(options: SessionOptions): Promise<OpenResult> {
  const wsOptions = {
    maxPayload: MAX_FRAME_BYTES,
    handshakeTimeout: options.timeoutMs ?? 15_000,
    perMessageDeflate: false,
  };
  // Over wss:// the pin (or the CA chain) is checked on a socket nobody wrote to; only then does ws send.
  const ws = options.url.startsWith("wss:")
    ? (
        await connectVerifiedWebSocket(options.url, options.trust ?? { kind: "ca" }, wsOptions).catch(
          (error: unknown) => {
            throw transportError(error, options.url);
          },
        )
      ).ws
    : new WebSocket(options.url, wsOptions);
  const session = new GatewaySession(ws);
  const timeoutMs = options.timeoutMs ?? 15_000;
  try {
    const challenge = await session.nextChallenge(timeoutMs);
    const challengeAt = Date.now();
    const platform = options.platform ?? process.platform;
    const token = "deviceToken" in options.auth ? options.auth.deviceToken : options.auth.bootstrapToken;
    const device = signConnectProof(options.identity, {
      clientId: CLIENT.id,
      clientMode: options.mode ?? CLIENT.mode,
      role: CLIENT.role,
      scopes: [...options.scopes],
      token,
      nonce: challenge.nonce,
      challengeTs: challenge.ts,
      platform,
      deviceFamily: CLIENT.deviceFamily,
    });
    const params = {
      minProtocol: 4,
      maxProtocol: 4,
      client: {
        id: CLIENT.id,
        version: options.version,
        platform,
        mode: options.mode ?? CLIENT.mode,
        deviceFamily: CLIENT.deviceFamily,
        displayName: options.displayName,
      },
      role: CLIENT.role,
      scopes: [...options.scopes],
      auth: options.auth,
      device,
    };
    const res = await session.rawRequest("connect", params, timeoutMs);
    if (!res.ok) {
      session.terminateSoon();
      return { ok: false, error: res.error, challengeTs: challenge.ts, challengeAt };
    }
    session.started(res.payload as HelloOk);
    return { ok: true, session, hello: res.payload as HelloOk, challengeTs: challenge.ts, challengeAt };
  } catch (err) {
    session.terminate();
    throw err;
  }
}

type Pending = {
  resolve: (r: { ok: true; payload: unknown } | { ok: false; error: WireError }) => void;
  timer: ReturnType<typeof setTimeout>;
};

export class GatewaySession {
  readonly closed: Promise<CloseInfo>;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private challengeWaiter: ((c: { nonce: string; ts: number }) => void) | undefined;
  private activityListeners = new Set<() => void>();
  private eventListeners = new Set<(event: string, payload: unknown) => void>();
  private closeInfo: CloseInfo | undefined;
  private failure: ClientError | undefined;
  tickIntervalMs = DEFAULT_TICK_INTERVAL_MS;
  /** What hello-ok said about this device's access and the gateway (set once the handshake is done). */
  info: GatewayInfo | null = null;

  constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString().slice(0, 200) };
        for (const [id, pendingCall] of this.pending) {
          clearTimeout(pendingCall.timer);
          pendingCall.resolve({
            ok: false,
            error: { code: "CONNECTION_LOST", message: `closed ${code}`, local: true },
          });
          this.pending.delete(id);
        }
        resolve(this.closeInfo);
      });
    });
    ws.on("error", (err) => {
      this.failure ??= classifySocketError(err, ws.url);
    });
    ws.on("message", (data, isBinary) => this.onMessage(data as Buffer, isBinary));
  }

  /** Any frame from the gateway proves the socket is alive (ticks come every `tickIntervalMs`). */
  onActivity(cb: () => void): () => void {
    this.activityListeners.add(cb);
    return () => this.activityListeners.delete(cb);
  }

  /** The gateway's events after hello-ok (`tick`, `presence`, a plugin's, …). */
  onEvent(cb: (event: string, payload: unknown) => void): () => void {
    this.eventListeners.add(cb);
    return () => this.eventListeners.delete(cb);
  }

  /** A request after hello-ok; resolves the payload or rejects with the gateway's error shape. */
  async request<T = unknown>(method: string, params: unknown = {}, timeoutMs = 10_000): Promise<T> {
    const res = await this.rawRequest(method, params, timeoutMs);
    if (!res.ok) throw Object.assign(new Error(`${method}: ${res.error.code}`), { wire: res.error });
    return res.payload as T;
  }

  close(code = 1000, reason = "client closing") {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }

  /** Drop the socket without a close handshake (a dead peer will not answer one). */
  terminate() {
    this.ws.terminate();
  }

  /** The gateway closes a refused handshake itself; make sure we do not keep a half-open socket. */
  terminateSoon() {
    setTimeout(() => this.terminate(), 1000).unref();
  }

  // ---- internals used by openSession ----

  nextChallenge(timeoutMs: number): Promise<{ nonce: string; ts: number }> {
    return new Promise((resolve, reject) => {
      const noAnswer = () =>
        new ClientError("TIMEOUT", { retryable: true, reach: reachFailure({ name: "TimeoutError" }, this.ws.url) });
      const timer = setTimeout(() => reject(noAnswer()), timeoutMs);
      this.challengeWaiter = (challenge) => {
        clearTimeout(timer);
        resolve(challenge);
      };
      this.closed.then((closeInfo) => {
        clearTimeout(timer);
        reject(this.failure ?? closeToError(closeInfo));
      });
    });
  }

  rawRequest(
    method: string,
    params: unknown,
    timeoutMs: number,
  ): Promise<{ ok: true; payload: unknown } | { ok: false; error: WireError }> {
    if (this.ws.readyState !== WebSocket.OPEN)
      return Promise.resolve({
        ok: false,
        error: { code: "CONNECTION_LOST", message: "socket not open", local: true },
      });
    const id = `o${++this.nextId}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: "TIMEOUT", message: `${method} timed out`, local: true } });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.ws.send(JSON.stringify({ type: "req", id, method, params }));
    });
  }

  started(hello: HelloOk) {
    this.info = gatewayInfoOf(hello);
    const tick = hello.policy?.tickIntervalMs;
    if (typeof tick === "number" && tick >= 1000 && tick <= 600_000) this.tickIntervalMs = tick;
  }

  private onMessage(data: Buffer, isBinary: boolean) {
    const decoded = decodeFrame(isBinary ? new Uint8Array(data) : data.toString("utf8"));
    if (!decoded.ok) {
      this.failure = new ClientError("PROTOCOL_ERROR");
      this.ws.close(decoded.reason === "too-large" ? 1009 : 1007, `bad frame: ${decoded.reason}`);
      return;
    }
    for (const cb of this.activityListeners) cb();
    const frame = decoded.frame;
    if (frame.type === "res") {
      const pendingCall = this.pending.get(frame.id);
      if (!pendingCall) return;
      clearTimeout(pendingCall.timer);
      this.pending.delete(frame.id);
      pendingCall.resolve(
        frame.ok
          ? { ok: true, payload: frame.payload }
          : { ok: false, error: (frame.error ?? { code: "UNKNOWN", message: "" }) as WireError },
      );
      return;
    }
    if (frame.event === "connect.challenge") {
      const challenge = frame.payload as { nonce?: unknown; ts?: unknown };
      if (typeof challenge?.nonce === "string" && typeof challenge.ts === "number")
        this.challengeWaiter?.({ nonce: challenge.nonce, ts: challenge.ts });
      this.challengeWaiter = undefined;
      return;
    }
    for (const cb of this.eventListeners) cb(frame.event, frame.payload);
  }
}

function classifySocketError(err: Error & { code?: string }, url: string): ClientError {
  if (/Unexpected server response: (404|426)/.test(err.message))
    return new ClientError("GATEWAY_REFUSED", { cause: err });
  if (/Max payload size exceeded/i.test(err.message)) return new ClientError("PROTOCOL_ERROR", { cause: err });
  return new ClientError("GATEWAY_UNREACHABLE", { retryable: true, cause: err, reach: reachFailure(err, url) });
}

export function closeToError(closeInfo: CloseInfo): ClientError {
  if (closeInfo.code === 4001) return new ClientError("TOKEN_REJECTED");
  if (closeInfo.code === 1012 || closeInfo.code === 1013)
    return new ClientError("GATEWAY_STARTING", { retryable: true });
  if (closeInfo.code === 1009 || closeInfo.code === 1007) return new ClientError("PROTOCOL_ERROR", { retryable: true });
  return new ClientError("CONNECTION_LOST", { retryable: true });
}
