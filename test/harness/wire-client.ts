// A protocol-level OpenClaw client written for the tests only: plain `ws` and Node's crypto, so the
// plugin is proven against the gateway's own wire rules and not against OCMAP's client core.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import WebSocket from "ws";

export interface WireError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface WireDevice {
  id: string;
  publicKey: string;
  privateKey: KeyObject;
}

export function newWireDevice(): WireDevice {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");
  return { id: createHash("sha256").update(raw).digest("hex"), publicKey: raw.toString("base64url"), privateKey };
}

export function signWith(device: WireDevice, text: string): string {
  return sign(null, Buffer.from(text, "utf8"), device.privateKey).toString("base64url");
}

export interface ConnectOptions {
  url: string;
  auth?: { token?: string; bootstrapToken?: string; deviceToken?: string };
  device?: WireDevice;
  clientId?: string;
  mode?: string;
  role?: string;
  scopes?: string[];
  platform?: string;
  deviceFamily?: string;
  displayName?: string;
  /** Extra `ws` options, e.g. `ca` + `checkServerIdentity` for a gateway serving its own certificate. */
  wsOptions?: WebSocket.ClientOptions;
}

export type ConnectResult =
  | { ok: true; hello: Record<string, unknown>; session: WireSession }
  | { ok: false; error: WireError; close: Promise<{ code: number; reason: string }> };

export interface WireSession {
  ws: WebSocket;
  request(
    method: string,
    params?: unknown,
    timeoutMs?: number,
  ): Promise<{ ok: boolean; payload?: any; error?: WireError }>;
  events: Array<{ event: string; payload: unknown }>;
  waitForEvent(event: string, timeoutMs?: number): Promise<unknown>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

let seq = 0;

/** Open a socket, answer the challenge with a signed v3 connect, and return hello-ok or the error. */
export async function wireConnect(options: ConnectOptions): Promise<ConnectResult> {
  const ws = new WebSocket(options.url, { maxPayload: 8 * 1024 * 1024, ...options.wsOptions });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const pending = new Map<string, (frame: any) => void>();
  const events: Array<{ event: string; payload: unknown }> = [];
  const eventWaiters: Array<{ event: string; resolve: (p: unknown) => void }> = [];
  let challenge: (nonce: { nonce: string; ts: number }) => void;
  const challenged = new Promise<{ nonce: string; ts: number }>((r) => (challenge = r));
  ws.on("message", (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === "event") {
      if (frame.event === "connect.challenge") return challenge(frame.payload);
      events.push({ event: frame.event, payload: frame.payload });
      for (const waiter of eventWaiters.filter((w) => w.event === frame.event)) {
        eventWaiters.splice(eventWaiters.indexOf(waiter), 1);
        waiter.resolve(frame.payload);
      }
    } else if (frame.type === "res") {
      pending.get(frame.id)?.(frame);
      pending.delete(frame.id);
    }
  });
  const failed = new Promise<never>((_, reject) => {
    ws.once("error", reject);
    closed.then((closeEvent) => reject(new Error(`socket closed ${closeEvent.code} ${closeEvent.reason}`)));
  });
  failed.catch(() => undefined);

  const request: WireSession["request"] = (method, params = {}, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      const id = `t${++seq}`;
      const timer = setTimeout(() => reject(new Error(`${method} timed out`)), timeoutMs);
      pending.set(id, (frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
      ws.send(JSON.stringify({ type: "req", id, method, params }));
      closed.then((closeEvent) => {
        clearTimeout(timer);
        reject(new Error(`socket closed ${closeEvent.code} before ${method} answered`));
      });
    });

  const { nonce, ts } = await Promise.race([challenged, failed]);
  const clientId = options.clientId ?? "gateway-client";
  const mode = options.mode ?? "ui";
  const role = options.role ?? "operator";
  const scopes = options.scopes ?? ["operator.read"];
  const platform = options.platform ?? "linux";
  const deviceFamily = options.deviceFamily ?? "desktop";
  const auth = Object.fromEntries(Object.entries(options.auth ?? {}).filter(([, v]) => v));
  const params: Record<string, unknown> = {
    minProtocol: 4,
    maxProtocol: 4,
    client: {
      id: clientId,
      version: "test",
      platform,
      mode,
      deviceFamily,
      ...(options.displayName ? { displayName: options.displayName } : {}),
    },
    role,
    scopes,
    ...(Object.keys(auth).length ? { auth } : {}),
  };
  if (options.device) {
    const token = auth.token ?? auth.deviceToken ?? auth.bootstrapToken ?? "";
    const payload = [
      "v3",
      options.device.id,
      clientId,
      mode,
      role,
      scopes.join(","),
      ts,
      token,
      nonce,
      platform,
      deviceFamily,
    ].join("|");
    params.device = {
      id: options.device.id,
      publicKey: options.device.publicKey,
      signature: signWith(options.device, payload),
      signedAt: ts,
      nonce,
    };
  }
  const res = await Promise.race([request("connect", params), failed]);
  if (!res.ok) return { ok: false, error: res.error!, close: closed };
  const waitForEvent = (event: string, timeoutMs = 10_000) => {
    const seen = events.find((e) => e.event === event);
    if (seen) return Promise.resolve(seen.payload);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs} ms`)), timeoutMs);
      eventWaiters.push({ event, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  };
  return {
    ok: true,
    hello: res.payload,
    session: { ws, request, events, waitForEvent, closed, close: () => ws.close() },
  };
}
