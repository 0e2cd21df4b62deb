// One admin WebSocket session from the plugin to its own gateway, asking only for
// `operator.pairing`: how pairing.forgetSelf removes a device whose caller lacks that scope (no
// in-process public API can). Where to dial is taken from how the gateway really runs:
// - port: `resolveGatewayPort` (the gateway puts the port it listens on, from `--port`, the
//   environment or the config, into OPENCLAW_GATEWAY_PORT at start);
// - address: 127.0.0.1, which every bind mode listens on (loopback; lan = 0.0.0.0; tailnet and
//   custom add 127.0.0.1 to their own address);
// - transport: the gateway's own TLS when on (wss://, trusting exactly its certificate file);
// - credential: its shared token or password (`resolveGatewayAuth`, env and SecretRefs included;
//   with trusted-proxy auth a configured password is tried, though 2026.9.6 closes that deviceless
//   session with 4001, so forget is refused there: the preflight is the real connect).
// The secret never leaves the process and is never logged.
import { createPublicKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PeerCertificate } from "node:tls";
import WebSocket from "ws";
import { resolveGatewayPort } from "openclaw/plugin-sdk/core";
import { resolveGatewayAuth } from "openclaw/plugin-sdk/gateway-runtime";

export interface GatewayConfigView {
  gateway?: { port?: number; auth?: unknown; tls?: { enabled?: boolean; certPath?: string } };
}

interface DialPlan {
  url: string;
  credential: { token: string } | { password: string };
  wsOptions: WebSocket.ClientOptions;
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
  if (!gateway.tls?.enabled) return { url: `ws://127.0.0.1:${port}`, credential, wsOptions: {} };
  const certPath = gateway.tls.certPath ?? join(stateDir, "gateway", "tls", "gateway-cert.pem");
  let certPem: string;
  try {
    certPem = readFileSync(certPath, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new Error(`gateway TLS certificate not readable (${code})`, { cause: err });
  }
  return { url: `wss://127.0.0.1:${port}`, credential, wsOptions: trustExactly(certPem) };
}

/** Accept exactly this certificate's key (as its own CA, whatever name it carries). */
function trustExactly(certPem: string): WebSocket.ClientOptions {
  const expected = new X509Certificate(certPem).publicKey;
  const checkServerIdentity = (_host: string, peer: PeerCertificate) =>
    peer.pubkey && createPublicKey({ key: peer.pubkey, format: "der", type: "spki" }).equals(expected)
      ? undefined
      : new Error("the gateway presented another certificate");
  // ws types it as returning boolean; Node's TLS (which calls it) wants an Error or undefined.
  return { ca: certPem, checkServerIdentity: checkServerIdentity as never };
}

type Frame = { type?: string; id?: string; event?: string; ok?: boolean; payload?: any; error?: { code?: string } };

/** An open session whose `hello-ok` granted exactly `operator.pairing`. */
export class LoopbackAdminSession {
  private nextId = 0;
  private readonly waiting = new Map<string, (frame: Frame) => void>();
  private closedReason: string | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(data));
      } catch {
        return void this.close();
      }
      if (frame.type === "res" && frame.id) this.waiting.get(frame.id)?.(frame);
    });
    ws.on("error", () => undefined); // a close always follows
    ws.on("close", (code) => this.onClosed(code));
  }

  static async open(plan: DialPlan, timeoutMs: number): Promise<LoopbackAdminSession> {
    const ws = new WebSocket(plan.url, { ...plan.wsOptions, handshakeTimeout: timeoutMs, maxPayload: 4 << 20 });
    const challenge = new Promise<void>((resolve, reject) => {
      ws.once("error", (err) =>
        reject(new Error(`loopback socket error: ${(err as NodeJS.ErrnoException).code ?? err.message}`)),
      );
      ws.once("close", (code) => reject(new Error(`loopback socket closed (${code}) before the challenge`)));
      ws.on("message", function onChallenge(data) {
        if (!/"connect\.challenge"/.test(String(data))) return;
        ws.off("message", onChallenge);
        resolve();
      });
    });
    const session = new LoopbackAdminSession(ws);
    try {
      await withTimeout(challenge, timeoutMs, "challenge");
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
    this.ws.send(JSON.stringify({ type: "req", id, method, params }));
    try {
      const frame = await withTimeout(answer, timeoutMs, method);
      if (!frame.ok) throw new Error(`loopback ${method} refused: ${frame.error?.code ?? "unknown"}`);
      return frame.payload;
    } finally {
      this.waiting.delete(id);
    }
  }

  close() {
    this.closedReason ??= "closed by the plugin";
    this.ws.close();
  }

  private onClosed(code: number) {
    this.closedReason ??= `socket closed (${code})`;
    for (const resolve of this.waiting.values()) resolve({ ok: false, error: { code: this.closedReason } });
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`loopback ${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
