// pairing.forgetSelf for a device of any access level. No in-process public API lets a plugin remove
// a device on behalf of a caller without `operator.pairing`, so the plugin opens one short loopback
// socket to its own gateway with the gateway's shared secret and asks only for `operator.pairing`.
// Why this is safe:
// - the target is never taken from params: it is the device id the gateway itself verified in the
//   caller's `connect` (signature over the challenge nonce), and only one this plugin paired and
//   has not revoked;
// - the secret never leaves the process and is never logged; the socket lives for one request;
// - it fails closed whenever the gateway is not using a shared secret we can present (trusted-proxy,
//   no auth configured), and when anything about the answer is unexpected.
import { resolveGatewayAuth } from "openclaw/plugin-sdk/gateway-runtime";

export interface SelfRemoveConfig {
  port: number;
  auth: unknown;
}

export async function removeDeviceViaLoopback(
  cfg: SelfRemoveConfig,
  deviceId: string,
  timeoutMs = 10_000,
): Promise<void> {
  const auth = resolveGatewayAuth({ authConfig: cfg.auth as never, env: process.env });
  const credential =
    auth.mode === "token" && auth.token
      ? { token: auth.token }
      : auth.mode === "password" && auth.password
        ? { password: auth.password }
        : null;
  if (!credential) throw new Error(`self-removal needs token or password gateway auth (mode is ${auth.mode})`);
  const ws = new WebSocket(`ws://127.0.0.1:${cfg.port}`);
  const timer = setTimeout(() => ws.close(), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      let step: "challenge" | "connect" | "remove" = "challenge";
      ws.onerror = () => reject(new Error("loopback socket error"));
      ws.onclose = (ev) => reject(new Error(`loopback socket closed (${ev.code}) during ${step}`));
      ws.onmessage = (ev) => {
        const frame = JSON.parse(String(ev.data));
        if (step === "challenge" && frame.type === "event" && frame.event === "connect.challenge") {
          step = "connect";
          ws.send(
            JSON.stringify({
              type: "req",
              id: "c",
              method: "connect",
              params: {
                minProtocol: 4,
                maxProtocol: 4,
                client: { id: "cli", version: "ocmap-pairing", platform: process.platform, mode: "cli" },
                role: "operator",
                scopes: ["operator.pairing"],
                auth: credential,
              },
            }),
          );
        } else if (frame.type === "res" && frame.id === "c") {
          if (!frame.ok) return reject(new Error(`loopback connect refused: ${frame.error?.code}`));
          step = "remove";
          ws.send(JSON.stringify({ type: "req", id: "r", method: "device.pair.remove", params: { deviceId } }));
        } else if (frame.type === "res" && frame.id === "r") {
          if (!frame.ok) return reject(new Error(`device.pair.remove refused: ${frame.error?.code}`));
          resolve();
        }
      };
    });
  } finally {
    clearTimeout(timer);
    ws.onclose = null;
    ws.close();
  }
}
