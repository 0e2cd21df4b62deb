// Pairing with a gateway that has no ocmap-pairing, the gateway's own way: its setup code's bootstrap token in
// `connect.auth` with this device's signed identity, the certificate pinned when the code carries a fingerprint,
// and, when the gateway answers NOT_PAIRED, a wait for its operator's approval (connect again now and then until
// hello-ok), bounded by the code's expiry and cancellable. Persists nothing itself.
import { ClientError } from "./client-errors.std.ts";
import { openSession, type GatewaySession, type HelloOk, type OpenResult } from "./gateway-session.node.ts";
import type { DeviceIdentity } from "./identity.node.ts";
import type { PairingStep } from "./lifecycle-types.std.ts";
import { connectError } from "./pairing-flow.node.ts";
import type { TlsTrust } from "./pinned-tls.node.ts";
import type { SetupCode } from "./setup-code.std.ts";
import type { StockGateway } from "./trust-record.std.ts";

/** What a device paired with a setup code asks for; `full` can remove itself on forget (device.pair.remove). */
export const STOCK_ACCESS_SCOPES = {
  standard: ["operator.read", "operator.write"],
  "read-only": ["operator.read"],
  full: ["operator.admin", "operator.read", "operator.write"],
} as const satisfies Record<string, readonly string[]>;
export type StockAccess = keyof typeof STOCK_ACCESS_SCOPES;

/** Without an expiry in the code, the gateway's own bootstrap token lifetime bounds the wait. */
const DEFAULT_CODE_LIFETIME_MS = 10 * 60_000;

export interface StockPairOptions {
  setupCode: SetupCode;
  identity: DeviceIdentity;
  displayName: string;
  version: string;
  platform?: string;
  access?: StockAccess;
  onStep?: (step: PairingStep) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Awaited before the first connect (the keychain check), so a locked keychain spends nothing. */
  beforeConnect?: () => Promise<void>;
  /** How often to ask again while the operator has not approved yet (each ask refreshes the same request). */
  approvalPollMs?: number;
}

export interface StockPairResult {
  session: GatewaySession;
  hello: HelloOk;
  gatewayUrl: string;
  deviceToken: string;
  scopes: string[];
  stockGateway: StockGateway;
  /** Removes the device again where its scopes allow it (for a caller that fails before storing it). */
  abandon(): Promise<void>;
}

/** The TLS check for a stock gateway: the certificate's fingerprint when pinned, else the CA chain. */
export function stockTrust(stock: StockGateway): TlsTrust {
  return stock.tlsFingerprint ? { kind: "certificate", sha256: stock.tlsFingerprint } : { kind: "ca" };
}

/** Whether a device with these scopes may call device.pair.remove on itself (the gateway's method scope). */
export const canRemoveItself = (scopes: readonly string[]) =>
  scopes.includes("operator.pairing") || scopes.includes("operator.admin");

export async function pairWithSetupCode(options: StockPairOptions): Promise<StockPairResult> {
  const code = options.setupCode;
  const scopes = [...STOCK_ACCESS_SCOPES[options.access ?? "standard"]];
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pollMs = options.approvalPollMs ?? 2_000;
  const validUntil = code.expiresAtMs ?? Date.now() + DEFAULT_CODE_LIFETIME_MS;
  const stockGateway: StockGateway = code.tlsFingerprint ? { tlsFingerprint: code.tlsFingerprint } : {};
  const step = (s: PairingStep) => options.onStep?.(s);
  const connect = (): Promise<OpenResult> =>
    openSessionChecked({
      url: code.gatewayUrl,
      identity: options.identity,
      auth: { bootstrapToken: code.bootstrapToken },
      scopes,
      displayName: options.displayName,
      version: options.version,
      platform: options.platform,
      timeoutMs,
      trust: stockTrust(stockGateway),
    });

  await options.beforeConnect?.();
  abortIfNeeded(options.signal);
  step("requesting-approval");
  let result = await connect();
  while (!result.ok) {
    const refused = result.error;
    let waitMs = pollMs;
    if (refused.code === "NOT_PAIRED") {
      step("waiting-for-approval");
    } else if (refused.details?.code === "AUTH_BOOTSTRAP_TOKEN_INVALID") {
      throw new ClientError(Date.now() >= validUntil ? "SETUP_CODE_EXPIRED" : "SETUP_CODE_REJECTED");
    } else {
      const failure = connectError(refused);
      if (!failure.retryable) throw failure;
      waitMs = Math.max(pollMs, failure.retryAfterMs ?? 0);
    }
    if (Date.now() + waitMs >= validUntil) throw new ClientError("APPROVAL_EXPIRED");
    await sleep(waitMs, options.signal);
    result = await connectUnlessTransient(connect);
  }

  const { session, hello } = result;
  const abandon = async () => {
    if (!canRemoveItself(scopes)) return; // only the operator can remove it (the caller says so)
    await session.request("device.pair.remove", { deviceId: options.identity.deviceId }, 5_000).catch(() => undefined);
  };
  const deviceToken = hello.auth?.deviceToken;
  if (!deviceToken) {
    session.close();
    throw new ClientError("GATEWAY_REFUSED");
  }
  if (options.signal?.aborted) {
    await abandon();
    session.close();
    abortIfNeeded(options.signal);
  }
  return { session, hello, gatewayUrl: code.gatewayUrl, deviceToken, scopes, stockGateway, abandon };
}

/** A certificate other than the one the setup code names: said in those words (nothing was sent). */
async function openSessionChecked(options: Parameters<typeof openSession>[0]): Promise<OpenResult> {
  try {
    return await openSession(options);
  } catch (error) {
    if (error instanceof ClientError && error.code === "GATEWAY_IDENTITY_CHANGED") {
      throw new ClientError("GATEWAY_IDENTITY_CHANGED", { message: CERTIFICATE_NOT_IN_CODE, cause: error });
    }
    throw error;
  }
}

const CERTIFICATE_NOT_IN_CODE =
  "The gateway presented a certificate other than the one its setup code names, so OCMAP sent nothing. " +
  "Check the address and your network, or ask its operator for a new setup code.";

/** A network blip while waiting is not the end of the wait: it reads as one more refusal to retry. */
async function connectUnlessTransient(connect: () => Promise<OpenResult>): Promise<OpenResult> {
  try {
    return await connect();
  } catch (error) {
    if (error instanceof ClientError && error.retryable) {
      return { ok: false, error: { code: "CONNECTION_LOST", message: "lost" }, challengeTs: 0, challengeAt: 0 };
    }
    throw error;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(new ClientError("INTERNAL", { cause: signal?.reason }));
    }
    if (signal?.aborted) return aborted();
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

function abortIfNeeded(signal?: AbortSignal) {
  if (signal?.aborted) throw new ClientError("INTERNAL", { cause: signal.reason });
}
