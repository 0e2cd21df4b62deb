// pairing.forgetSelf's order, with the real method handler, service and store on a fake SDK (fake
// gateway API, fake disk, fake removal session): refuse before changing anything when the removal
// session cannot be opened; answer, then remove; mark the device forgotten only after the gateway
// removed it; audit a failed removal and keep the device active and revocable. Also what
// `enabled: false` leaves working: list, revoke and forget.
import { describe, expect, it, vi } from "vitest";
import { registerPairingMethods } from "../../../gateway-plugin/src/gateway-methods.ts";
import type { RemovalSession } from "../../../gateway-plugin/src/self-remove.ts";
import { ADMIN, body, exchangeBody, grantFor, newDevice, pendingFor, startFakeService } from "./fake-gateway.ts";

vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"));
vi.mock("openclaw/plugin-sdk/gateway-method-runtime", () => ({
  dispatchGatewayMethod: async () => ({ ok: true }),
}));
vi.mock("openclaw/plugin-sdk/gateway-runtime", () => ({
  ErrorCodes: { UNAVAILABLE: "UNAVAILABLE", INVALID_REQUEST: "INVALID_REQUEST", FORBIDDEN: "FORBIDDEN" },
  errorShape: (code: string, message: string, extra: object) => ({ code, message, ...extra }),
}));

type Handler = (a: any) => Promise<void>;

async function pairedSetup(config = {}) {
  const setup = startFakeService(config);
  const { service, fake } = setup;
  const created = await service.createCode({ access: "read-only" }, ADMIN);
  const device = newDevice();
  fake.pending.push({ ...pendingFor(device, "req-1"), scopes: ["operator.read"] });
  const granted = await grantFor(service, created.code, "a");
  const exchange = exchangeBody({ granted, requestId: "req-1", device, signedAt: fake.nowMs });
  await service.v2.exchange(body(exchange), "a");
  const log: string[] = [];
  const handlers = new Map<string, Handler>();
  let opener: () => Promise<RemovalSession> = async () => {
    throw new Error("no session");
  };
  registerPairingMethods({ registerGatewayMethod: (name: string, h: Handler) => void handlers.set(name, h) }, service, {
    sawContext: () => undefined,
    openRemovalSession: () => opener(),
    log: { warn: (msg) => void log.push(msg) },
  });
  const call = async (name: string, params: object = {}) => {
    const answers: Array<{ ok: boolean; payload?: any; error?: any }> = [];
    const respond = (ok: boolean, payload?: unknown, error?: unknown) => void answers.push({ ok, payload, error });
    await handlers.get(name)!({ params, client: { connect: { device: { id: device.id } } }, respond, context: {} });
    return answers;
  };
  return { ...setup, device, call, setOpener: (o: typeof opener) => (opener = o), log };
}

describe("pairing.forgetSelf order (real handler, service and store; fake SDK and session)", () => {
  it("answers FORGET_UNAVAILABLE and changes nothing when the removal session cannot be opened", async () => {
    const { call, store, device } = await pairedSetup();
    const eventsBefore = store.read().events.length;
    const answers = await call("pairing.forgetSelf");
    expect(answers).toEqual([
      { ok: false, payload: undefined, error: expect.objectContaining({ details: { code: "FORGET_UNAVAILABLE" } }) },
    ]);
    expect(store.read().devices.find((d) => d.deviceId === device.id)?.revokedAtMs).toBeUndefined();
    expect(store.read().events).toHaveLength(eventsBefore);
  });

  it("answers, then removes, and marks the device forgotten only after the gateway removed it", async () => {
    const { call, store, device, setOpener } = await pairedSetup();
    const steps: string[] = [];
    setOpener(async () => ({
      remove: async (id) => {
        steps.push(`remove ${id === device.id} revoked=${Boolean(store.read().devices[0]!.revokedAtMs)}`);
      },
      close: () => void steps.push("close"),
    }));
    const answers = await call("pairing.forgetSelf");
    expect(answers).toMatchObject([{ ok: true, payload: { deviceId: device.id } }]);
    expect(steps).toEqual(["remove true revoked=false", "close"]);
    expect(store.read().devices[0]).toMatchObject({ revokedBy: "self" });
    expect(store.read().events.at(-1)).toMatchObject({ type: "device.forgotten", deviceId: device.id });
  });

  it("audits a failed removal and keeps the device active and revocable", async () => {
    const { call, store, device, setOpener } = await pairedSetup();
    let closed = false;
    setOpener(async () => ({
      remove: async () => {
        throw new Error("loopback device.pair.remove refused: UNAVAILABLE");
      },
      close: () => void (closed = true),
    }));
    const answers = await call("pairing.forgetSelf");
    expect(answers).toMatchObject([{ ok: true }]);
    expect(closed).toBe(true);
    expect(store.read().devices[0]!.revokedAtMs).toBeUndefined();
    expect(store.read().events.at(-1)).toMatchObject({ type: "device.forget-failed", deviceId: device.id });
    expect(store.read().events.some((e) => e.type === "device.forgotten")).toBe(false);
    const revoked = await call("pairing.revokeDevice", { deviceId: device.id });
    expect(revoked).toMatchObject([{ ok: true }]);
    expect(store.read().devices[0]).toMatchObject({ revokedBy: "operator" });
  });

  it("enabled: false refuses codes and pairing, and leaves list, revoke and forget working", async () => {
    const { call, cfg, store, device, setOpener } = await pairedSetup();
    cfg.enabled = false;
    expect(await call("pairing.createCode")).toMatchObject([
      { ok: false, error: { details: { code: "PAIRING_DISABLED" } } },
    ]);
    expect(await call("pairing.list")).toMatchObject([{ ok: true }]);
    setOpener(async () => ({ remove: async () => undefined, close: () => undefined }));
    expect(await call("pairing.forgetSelf")).toMatchObject([{ ok: true }]);
    expect(store.read().devices.find((d) => d.deviceId === device.id)).toMatchObject({ revokedBy: "self" });
  });
});
