// /v2/abandon's cases one by one (abandon.ts; the real gateway runs them in test/plugin/abandon-rules.test.ts):
// with the exchange's device proof, a confirmed session takes back a device the gateway approved by itself, but
// never one the plugin holds through a code, never on a bad proof, and removes nothing the gateway does not list.
// Real service and store, fake gateway SDK, fake JSON disk.
import { describe, expect, it, vi } from "vitest";
import { PairingError } from "../../../gateway-plugin/src/errors.ts";
import {
  ADMIN,
  abandonBody,
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

async function refusal(run: Promise<unknown>) {
  const error = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(PairingError);
  return { code: (error as PairingError).code, reason: (error as PairingError).reason };
}

/** A confirmed session, and the device proof its exchange would carry (no requestId: a silent approval). */
async function confirmed(setup: ReturnType<typeof startFakeService>, device: TestDevice = newDevice()) {
  const created = await setup.service.createCode({}, ADMIN);
  const granted = await grantFor(setup.service, created.code);
  const { device: proof } = exchangeBody({ granted, device, signedAt: setup.fake.nowMs });
  const silentlyApproved = () => setup.fake.paired.push({ deviceId: device.id, publicKey: device.publicKey });
  return { granted, device, proof, silentlyApproved };
}

describe("/v2/abandon cases (real service and store, fake gateway SDK, fake JSON disk)", () => {
  it("takes back a device the gateway approved by itself; the session is finished", async () => {
    const setup = startFakeService();
    const { granted, device, proof, silentlyApproved } = await confirmed(setup);
    silentlyApproved();
    await setup.service.v2.abandon(body({ ...abandonBody(granted), device: proof }), ADDRESS);
    expect(setup.fake.removed).toEqual([device.id]);
    expect(setup.store.read().events.at(-1)).toMatchObject({ type: "device.forgotten", deviceId: device.id });
    // The session is finished: no exchange after it.
    const late = exchangeBody({ granted, device, signedAt: setup.fake.nowMs });
    expect((await refusal(setup.service.v2.exchange(body(late), ADDRESS))).code).toBe("CODE_INVALID");
  });

  it("without the device proof a confirmed session has nothing to abandon (CODE_INVALID)", async () => {
    const setup = startFakeService();
    const { granted, silentlyApproved } = await confirmed(setup);
    silentlyApproved();
    expect(await refusal(setup.service.v2.abandon(body(abandonBody(granted)), ADDRESS))).toEqual({
      code: "CODE_INVALID",
      reason: "unknown or finished session",
    });
    expect(setup.fake.removed).toEqual([]);
  });

  it("refuses a proof signed by another key or over another nonce, and removes nothing", async () => {
    const setup = startFakeService();
    const { granted, device, silentlyApproved } = await confirmed(setup);
    silentlyApproved();
    for (const wrong of [{ signer: newDevice() }, { nonce: "A".repeat(32) }]) {
      const { device: proof } = exchangeBody({ granted, device, signedAt: setup.fake.nowMs, ...wrong });
      const refused = await refusal(
        setup.service.v2.abandon(body({ ...abandonBody(granted), device: proof }), ADDRESS),
      );
      expect(refused).toEqual({ code: "CODE_INVALID", reason: "bad signature" });
    }
    expect(setup.fake.removed).toEqual([]);
  });

  it("never takes back a device the plugin paired through another code (CODE_ALREADY_USED)", async () => {
    const setup = startFakeService();
    const device = newDevice();
    const first = await grantFor(setup.service, (await setup.service.createCode({}, ADMIN)).code);
    setup.fake.pending.push(pendingFor(device, "request-1"));
    const exchange = exchangeBody({ granted: first, requestId: "request-1", device, signedAt: setup.fake.nowMs });
    await setup.service.v2.exchange(body(exchange), ADDRESS);
    const { granted, proof, silentlyApproved } = await confirmed(setup, device);
    silentlyApproved();
    const refused = await refusal(setup.service.v2.abandon(body({ ...abandonBody(granted), device: proof }), ADDRESS));
    expect(refused.code).toBe("CODE_ALREADY_USED");
    expect(setup.fake.removed).toEqual([]);
  });

  it("answers ok and removes nothing when the gateway does not list the device", async () => {
    const setup = startFakeService();
    const { granted, proof } = await confirmed(setup);
    await setup.service.v2.abandon(body({ ...abandonBody(granted), device: proof }), ADDRESS);
    expect(setup.fake.removed).toEqual([]);
  });

  it("after an exchange, a device proof must name the exchanged device", async () => {
    const setup = startFakeService();
    const device = newDevice();
    const granted = await grantFor(setup.service, (await setup.service.createCode({}, ADMIN)).code);
    setup.fake.pending.push(pendingFor(device, "request-1"));
    const exchange = exchangeBody({ granted, requestId: "request-1", device, signedAt: setup.fake.nowMs });
    await setup.service.v2.exchange(body(exchange), ADDRESS);
    const other = exchangeBody({ granted, device: newDevice(), signedAt: setup.fake.nowMs }).device;
    const refused = await refusal(setup.service.v2.abandon(body({ ...abandonBody(granted), device: other }), ADDRESS));
    expect(refused).toEqual({ code: "CODE_INVALID", reason: "not the device this session approved" });
    await setup.service.v2.abandon(body(abandonBody(granted)), ADDRESS);
    expect(setup.fake.removed).toEqual([device.id]);
  });
});
