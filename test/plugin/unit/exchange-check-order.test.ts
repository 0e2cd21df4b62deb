// /v2/exchange's checks run in the contract's order (docs/pairing-protocol.md): the PAKE session and its
// MAC, then v1's checks. Each failing check (with every later one broken too) yields its own error, nothing
// after it runs, and approval is asked only when all pass.
import { describe, expect, it, vi } from "vitest";
import { failureOf } from "./failure-of.ts";
import {
  ADMIN,
  body,
  exchangeBody,
  grantFor,
  newDevice,
  pendingFor,
  startFakeService,
  type TestDevice,
} from "./fake-gateway.ts";

vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"));

const ADDRESS = "203.0.113.7";
const REQUEST_ID = "11111111-1111-4111-8111-111111111111";

async function scenario() {
  const setup = startFakeService();
  const created = await setup.service.createCode({}, ADMIN);
  const granted = await grantFor(setup.service, created.code);
  const device = newDevice();
  setup.fake.pending.push(pendingFor(device, REQUEST_ID));
  const request = {
    granted,
    nonce: undefined as string | undefined,
    macOver: undefined as { requestId?: string; deviceId?: string } | undefined,
    requestId: REQUEST_ID,
    device,
    id: undefined as string | undefined,
    signer: undefined as TestDevice | undefined,
    signedAt: setup.fake.nowMs,
  };
  const setStatus = (status: "expired" | "used") =>
    setup.store.mutate((state) => void (state.codes.find((c) => c.codeId === created.codeId)!.status = status));
  return { ...setup, created, device, request, setStatus };
}
type Scenario = Awaited<ReturnType<typeof scenario>>;

interface Check {
  name: string;
  code: string;
  reason: string;
  /** Whether the check runs after the gateway's pending list was fetched. */
  afterListing: boolean;
  breakIt(s: Scenario): void | Promise<void>;
}

// In the contract's order (docs/pairing-protocol.md, /v2/exchange; then v1's "The plugin checks, in this order").
const CHECKS: Check[] = [
  {
    name: "enabled",
    code: "PAIRING_DISABLED",
    reason: "PAIRING_DISABLED",
    afterListing: false,
    breakIt: (scene) => {
      scene.cfg.enabled = false;
    },
  },
  {
    name: "session known and confirmed",
    code: "CODE_INVALID",
    reason: "unknown or finished session",
    afterListing: false,
    breakIt: (scene) => {
      scene.request.granted = { ...scene.request.granted, sessionId: "no-such-session" };
    },
  },
  {
    name: "MAC over this requestId, device id and key",
    code: "CODE_INVALID",
    reason: "bad exchange mac",
    afterListing: false,
    breakIt: (scene) => {
      scene.request.macOver = { requestId: "another-request" };
    },
  },
  {
    name: "not expired",
    code: "CODE_EXPIRED",
    reason: "CODE_EXPIRED",
    afterListing: false,
    // The session expires with its code, so an expired code is one the sweep marked (its session still held).
    breakIt: (s) => s.setStatus("expired"), // overrides a later check's "used"
  },
  {
    name: "not used",
    code: "CODE_ALREADY_USED",
    reason: "code used",
    afterListing: false,
    breakIt: (s) => s.setStatus("used"),
  },
  {
    name: "id matches key",
    code: "CODE_INVALID",
    reason: "device id does not match public key",
    afterListing: false,
    breakIt: (scene) => {
      scene.request.id = newDevice().id;
    },
  },
  {
    name: "signature",
    code: "CODE_INVALID",
    reason: "bad signature",
    afterListing: false,
    breakIt: (scene) => {
      scene.request.signer = newDevice();
    },
  },
  {
    name: "signedAt",
    code: "CODE_INVALID",
    reason: "signedAt outside ±120 s",
    afterListing: false,
    breakIt: (scene) => {
      scene.request.signedAt = scene.fake.nowMs - 10 * 60_000;
    },
  },
  {
    name: "pending request is this device's",
    code: "CODE_INVALID",
    reason: "pending request missing or not this device's",
    afterListing: true,
    breakIt: (scene) => {
      scene.fake.pending = [pendingFor(newDevice(), REQUEST_ID)];
    },
  },
  {
    name: "role and scopes within the code's",
    code: "CODE_INVALID",
    reason: "requested role or scopes exceed the code's",
    afterListing: true,
    breakIt: (scene) => {
      for (const pending of scene.fake.pending) pending.scopes = ["operator.admin"];
    },
  },
  {
    name: "not revoked",
    code: "DEVICE_REVOKED",
    reason: "DEVICE_REVOKED",
    afterListing: true,
    breakIt: (s) =>
      s.store.mutate((state) => {
        state.devices.push({
          deviceId: s.device.id,
          publicKey: s.device.publicKey,
          access: "standard",
          scopes: ["operator.read"],
          pairedAtMs: 1,
          codeId: "earlier",
          revokedAtMs: 2,
        });
      }),
  },
];

describe("exchange check order (real service and store, fake gateway SDK, fake JSON disk)", () => {
  it.each(CHECKS.map((check, index) => [check.name, index] as const))(
    "check '%s' failing (and every later one broken too) yields its own error and runs nothing after it",
    async (_name, index) => {
      const scene = await scenario();
      // Break the later checks first, so that where two share a field the earlier check's breakage holds.
      for (const check of CHECKS.slice(index).reverse()) await check.breakIt(scene);
      const expected = CHECKS[index]!;
      const error = await failureOf(scene.service.v2.exchange(body(exchangeBody(scene.request)), ADDRESS));
      expect({ code: error.code, reason: error.reason }).toEqual({ code: expected.code, reason: expected.reason });
      expect(scene.fake.approved).toEqual([]);
      expect(scene.fake.listPairingCalls).toBe(expected.afterListing ? 1 : 0);
      expect(scene.fake.resolved).toEqual([]);
      const stored = scene.store.read().codes.find((c) => c.codeId === scene.created.codeId)!;
      if (expected.name !== "not used") expect(stored.status).not.toBe("used");
      expect(stored.deviceId).toBeUndefined();
      expect(scene.store.read().devices.some((d) => d.deviceId === scene.device.id && !d.revokedAtMs)).toBe(false);
    },
  );

  it("asks the fake gateway to approve only when every check passes, with exactly the code's scopes", async () => {
    const scene = await scenario();
    const answer = await scene.service.v2.exchange(body(exchangeBody(scene.request)), ADDRESS);
    expect(answer).toMatchObject({
      ok: true,
      deviceId: scene.device.id,
      role: "operator",
      scopes: scene.created.scopes,
    });
    expect(scene.fake.approved).toEqual([{ requestId: REQUEST_ID, scopes: ["operator.read", "operator.write"] }]);
    expect(scene.fake.resolved).toEqual([
      { requestId: REQUEST_ID, deviceId: scene.device.id, decision: "approved", ts: scene.fake.nowMs },
    ]);
    expect(scene.store.read().codes.find((c) => c.codeId === scene.created.codeId)).toMatchObject({
      status: "used",
      deviceId: scene.device.id,
    });
  });

  it("a refusal by the fake gateway's approval fails the exchange and leaves the code unused", async () => {
    const scene = await scenario();
    scene.fake.approveAnswer = false;
    const error = await failureOf(scene.service.v2.exchange(body(exchangeBody(scene.request)), ADDRESS));
    expect(error.reason).toBe("approval refused by the gateway");
    expect(scene.store.read().codes.find((c) => c.codeId === scene.created.codeId)!.status).toBe("active");
    expect(scene.fake.resolved).toEqual([]);
  });

  it("without requestId, only a device the fake gateway already paired with this id and key passes", async () => {
    const scene = await scenario();
    const { requestId: _none, ...withoutRequest } = scene.request;
    const stranger = await failureOf(scene.service.v2.exchange(body(exchangeBody(withoutRequest)), ADDRESS));
    expect(stranger.reason).toBe("no requestId and the device is not paired");
    scene.fake.paired.push({ deviceId: scene.device.id, publicKey: scene.device.publicKey });
    const answer = await scene.service.v2.exchange(body(exchangeBody(withoutRequest)), ADDRESS);
    expect(answer.ok).toBe(true);
    expect(scene.fake.approved).toEqual([]); // the gateway approved it by itself: nothing to approve
    expect(scene.fake.resolved).toEqual([]);
  });
});
