// One admin WebSocket session from the plugin to its own gateway, asking only for
// `operator.pairing`: how pairing.forgetSelf removes a device whose caller lacks that scope (no
// in-process public API can). Where to dial is taken from how the gateway really runs:
// - port: `resolveGatewayPort` (the gateway puts the port it listens on, from `--port`, the
//   environment or the config, into OPENCLAW_GATEWAY_PORT at start);
// - address: 127.0.0.1, which every bind mode listens on (loopback; lan = 0.0.0.0; tailnet and
//   custom add 127.0.0.1 to their own address);
// - transport: the gateway's own TLS when on (wss://), to the certificate its `certPath` holds: the peer's
//   leaf must carry that certificate's public key (SPKI pin, compared on `secureConnect` before a byte is
//   written, as the client's pinned TLS does), whatever its key type and however it was issued;
// - credential: its shared token or password (`resolveGatewayAuth`, env and SecretRefs included;
//   with trusted-proxy auth a configured password is tried, though 2026.9.6 closes that deviceless
//   session with 4001, so forget is refused there: the preflight is the real connect).
// The secret never leaves the process and is never logged. The socket's message and close handlers run
// through `safely` (throw-safe.ts), and the error handler only records a reason: nothing a peer sends can
// throw out of them into the gateway.
import { X509Certificate, createHash } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import tls, { type TLSSocket } from "node:tls";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { resolveGatewayPort } from "openclaw/plugin-sdk/core";
import { resolveGatewayAuth } from "openclaw/plugin-sdk/gateway-runtime";
import { safely, type SafeLog } from "./throw-safe.ts";

export interface GatewayConfigView {
  gateway?: { port?: number; auth?: unknown; tls?: { enabled?: boolean; certPath?: string } };
}

interface DialPlan {
  url: string;
  port: number;
  credential: { token: string } | { password: string };
  /** With the gateway's TLS on: the SPKI pin (SHA-256, base64url) of the certificate it serves. */
  tlsPin?: string;
}

/** Where and how to dial; throws (with a reason safe to log) when the gateway cannot be dialled. */
export function planLoopbackDial(config: GatewayConfigView, env: NodeJS.ProcessEnv, stateDir: string): DialPlan {
  const gateway = config.gateway ?? {};
  const auth = resolveGatewayAuth({ authConfig: gateway.auth as never, env });
  // trusted-proxy mode documents `gateway.auth.password` as a same-host direct fallback.
  const credential =
    auth.mode === "token" && auth.token
      ? { token: auth.token }
      : (auth.mode === "password" || auth.mode === "trusted-proxy") && auth.password
        ? { password: auth.password }
        : null;
  if (!credential) throw new Error(`gateway auth mode ${auth.mode} has no shared secret the plugin can present`);
  const port = resolveGatewayPort(config as never, env);
  if (!gateway.tls?.enabled) return { url: `ws://127.0.0.1:${port}`, port, credential };
  const certPath = gateway.tls.certPath ?? join(stateDir, "gateway", "tls", "gateway-cert.pem");
  let certPem: string;
  try {
    certPem = readFileSync(certPath, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new Error(`gateway TLS certificate not readable (${code})`, { cause: err });
  }
  return { url: `wss://127.0.0.1:${port}`, port, credential, tlsPin: leafPin(certPem) };
}

/** The pin of the first certificate in a PEM file (the leaf; any chain after it is not trusted). */
function leafPin(pem: string): string {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new Error("gateway TLS certificate file holds no readable certificate");
  }
  return spkiPin(certificate);
}

function spkiPin(certificate: X509Certificate): string {
  return createHash("sha256")
    .update(certificate.publicKey.export({ type: "spki", format: "der" }))
    .digest("base64url");
}

/**
 * A TLS socket to 127.0.0.1:`port` whose peer presented a leaf with this SPKI pin, with nothing written on it
 * yet. No CA or name check: the pin says more (the gateway's own certificate file), and a CA-issued leaf
 * served without its chain must pass too. The check runs in this function, not in a TLS callback.
 */
async function openPinnedTls(port: number, tlsPin: string, timeoutMs: number): Promise<TLSSocket> {
  const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] });
  try {
    await withTimeout(once(socket, "secureConnect"), timeoutMs, "TLS handshake"); // rejects on "error"
    const peer = socket.getPeerX509Certificate();
    if (!peer || spkiPin(peer) !== tlsPin) throw new Error("the gateway presented another certificate");
  } catch (err) {
    socket.destroy();
    const code = (err as NodeJS.ErrnoException).code;
    throw code ? new Error(`loopback TLS failed (${code})`) : err;
  }
  socket.on("error", () => undefined); // until ws takes the socket over and reports its errors itself
  return socket;
}

type Frame = { type?: string; id?: string; event?: string; ok?: boolean; payload?: any; error?: { code?: string } };

/** An open session whose `hello-ok` granted exactly `operator.pairing`. */
export class LoopbackAdminSession {
  private nextId = 0;
  private readonly waiting = new Map<string, (frame: Frame) => void>();
  private closedReason: string | undefined;
  private challenged: () => void = () => undefined;
  /** Resolves on the gateway's `connect.challenge`, or when the session ends first (`closedReason` says why). */
  private readonly challenge = new Promise<void>((resolve) => (this.challenged = resolve));

  private constructor(
    private readonly ws: WebSocket,
    log: SafeLog,
  ) {
    // Whatever handling a frame throws ends the session: a close follows and fails what waits.
    const closeOnError = () => this.close("a frame could not be handled");
    ws.on(
      "message",
      safely("loopback message", log, (data: WebSocket.RawData) => this.onFrame(data), closeOnError),
    );
    // A close always follows (and fails what waits); the error only names why, first.
    ws.on(
      "error",
      (err: NodeJS.ErrnoException) => void (this.closedReason ??= `socket error (${err?.code ?? "error"})`),
    );
    ws.on(
      "close",
      safely(
        "loopback close",
        log,
        (code: number) => this.onClosed(`socket closed (${code})`),
        () => this.onClosed("socket closed"),
      ),
    );
  }

  static async open(plan: DialPlan, timeoutMs: number, log: SafeLog): Promise<LoopbackAdminSession> {
    const options = { handshakeTimeout: timeoutMs, maxPayload: 4 << 20 };
    let ws: WebSocket;
    if (plan.tlsPin) {
      const socket = await openPinnedTls(plan.port, plan.tlsPin, timeoutMs);
      ws = new WebSocket(plan.url, { ...options, createConnection: () => socket });
    } else {
      ws = new WebSocket(plan.url, options);
    }
    const session = new LoopbackAdminSession(ws, log);
    try {
      await withTimeout(session.challenge, timeoutMs, "challenge");
      if (session.closedReason) throw new Error(`loopback ${session.closedReason} before the challenge`);
      const hello = await session.request(
        "connect",
        {
          minProtocol: 4,
          maxProtocol: 4,
          client: { id: "cli", version: "ocmap-pairing", platform: process.platform, mode: "cli" },
          role: "operator",
          scopes: ["operator.pairing"],
          auth: plan.credential,
        },
        timeoutMs,
      );
      const scopes = hello?.auth?.scopes;
      if (hello?.type !== "hello-ok") throw new Error("loopback connect: no hello-ok");
      if (scopes !== undefined && !(Array.isArray(scopes) && scopes.join() === "operator.pairing"))
        throw new Error("loopback connect: granted scopes other than operator.pairing");
      return session;
    } catch (err) {
      session.close();
      throw err;
    }
  }

  /** The response payload; throws with the gateway's error code on `ok: false`. */
  async request(method: string, params: unknown, timeoutMs: number): Promise<any> {
    if (this.closedReason) throw new Error(`loopback ${method}: ${this.closedReason}`);
    const id = `ocmap-${++this.nextId}`;
    const answer = new Promise<Frame>((resolve) => this.waiting.set(id, resolve));
    try {
      this.ws.send(JSON.stringify({ type: "req", id, method, params }));
      const frame = await withTimeout(answer, timeoutMs, method);
      if (!frame.ok) throw new Error(`loopback ${method} refused: ${frame.error?.code ?? "unknown"}`);
      return frame.payload;
    } finally {
      this.waiting.delete(id);
    }
  }

  close(reason = "closed by the plugin") {
    this.closedReason ??= reason;
    this.challenged(); // `open` then sees closedReason
    try {
      this.ws.close();
    } catch {
      this.ws.terminate();
    }
  }

  private onFrame(data: WebSocket.RawData) {
    let frame: Frame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return void this.close("the gateway sent a frame that is not JSON");
    }
    if (frame.type === "event" && frame.event === "connect.challenge") this.challenged();
    if (frame.type === "res" && typeof frame.id === "string") this.waiting.get(frame.id)?.(frame);
  }

  private onClosed(reason: string) {
    this.closedReason ??= reason;
    this.challenged();
    for (const resolve of this.waiting.values()) resolve({ ok: false, error: { code: this.closedReason } });
  }
}

/** `promise`, or a rejection after `ms`; a promise timer, so no callback of ours runs when it fires. */
async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const cancel = new AbortController();
  const timeout = sleep(ms, undefined, { signal: cancel.signal }).then(() => {
    throw new Error(`loopback ${what}: no answer within ${ms} ms`);
  });
  timeout.catch(() => undefined); // aborted once the promise settles
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    cancel.abort();
  }
}
