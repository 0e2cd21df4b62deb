// openPairedSession: the device's paired, pinned session for agent programs, over the same core as the CLI
// and the desktop app (lifecycle machine, reconnects with backoff, revocation, renewed pins). The session
// object, the device token and the keys stay inside the core: a program gets calls, events and states.
import { CLIENT_ERROR_MESSAGES, toClientError } from "../core/client-errors.std.ts";
import { createCore, defaultDisplayName, type OcmapCore } from "../core/core.node.ts";
import type { CoreView } from "../core/core-view.std.ts";
import { fileStoreBackend } from "../core/file-store.node.ts";
import { Keystore } from "../core/keystore.node.ts";
import { GatewayCallError } from "../core/live-calls.node.ts";

import type { OpenPairedSessionOptions, PairedSession, SessionState } from "./ocmap-api.d.ts";

export { GatewayCallError };

/** A failure on this side (not paired, revoked, unreachable, store errors): `code` as in the CLI's table. */
export class OcmapError extends Error {
  override readonly name = "OcmapError";
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

const settled = (view: SessionState) =>
  view.state === "PAIRED_CONNECTED" ||
  (view.state === "UNPAIRED" && view.activity === "idle") ||
  (view.state === "REVOKED" && view.activity !== "forgetting");

function failureOf(view: CoreView): OcmapError {
  if (view.state === "UNPAIRED" && !view.lastError)
    return new OcmapError("NOT_PAIRED", "This device is not paired: run `ocmap pair <gateway-url>` first.");
  const error = view.lastError ?? view.reason;
  return new OcmapError(error.code, error.message, view.lastError?.retryable ?? false);
}

function keystoreFor(options: OpenPairedSessionOptions): Keystore {
  if (options.store !== undefined)
    return new Keystore({
      backend: fileStoreBackend({
        dir: options.store,
        ...(options.storeKeyFile !== undefined ? { keyFile: options.storeKeyFile } : {}),
      }),
    });
  if (options.storeKeyFile !== undefined) throw new TypeError("storeKeyFile seals a file store: give `store` too");
  return new Keystore({ service: options.keychainService ?? "ocmap" });
}

/** Waits until connected; throws an OcmapError when not paired, revoked, or not connected in time. */
async function connected(core: OcmapCore, timeoutMs: number): Promise<void> {
  let view: CoreView;
  try {
    view = await core.waitFor(settled, timeoutMs);
  } catch {
    const now = core.view(); // still reconnecting: say why, if it knows
    throw now.lastError ? failureOf(now) : new OcmapError("TIMEOUT", CLIENT_ERROR_MESSAGES.TIMEOUT, true);
  }
  if (view.state !== "PAIRED_CONNECTED") throw failureOf(view);
}

export async function openPairedSession(options: OpenPairedSessionOptions = {}): Promise<PairedSession> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const core = createCore({ keystore: keystoreFor(options), displayName: options.displayName ?? defaultDisplayName() });
  core.start();
  try {
    await connected(core, timeoutMs);
  } catch (err) {
    core.stop();
    throw err;
  }
  let closed = false;
  const stops = new Set<() => void>();
  const track = (stop: () => void) => {
    stops.add(stop);
    return () => {
      stops.delete(stop);
      stop();
    };
  };
  return {
    async call<T>(method: string, params: unknown = {}, callOptions: { timeoutMs?: number } = {}): Promise<T> {
      if (closed) throw new OcmapError("CLOSED", "This session was closed.");
      const callTimeout = callOptions.timeoutMs ?? timeoutMs;
      await connected(core, callTimeout);
      try {
        return (await core.call(method, params, callTimeout)) as T;
      } catch (err) {
        if (err instanceof GatewayCallError) throw err;
        const error = toClientError(err);
        throw new OcmapError(error.code, error.message, error.retryable);
      }
    },
    on: (event, listener) =>
      track(core.onGatewayEvent((name, payload) => (event === "*" || event === name) && listener(payload, name))),
    onState: (listener) => track(core.subscribe(listener)),
    state: core.view,
    async close() {
      if (closed) return;
      closed = true;
      for (const stop of [...stops]) stop();
      core.stop();
    },
  };
}
