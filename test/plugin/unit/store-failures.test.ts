// A state write that throws (the fake JSON disk fails) becomes a structured error: nothing is
// reported as success, the state is unchanged, and nothing issued for the failed change stays valid.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { PairingError } from "../../../gateway-plugin/src/errors.ts";
import { ADMIN, body, exchangeBody, grantFor, newDevice, pendingFor, startFakeService } from "./fake-gateway.ts";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { fakeDisk } from "./fake-disk.ts";

vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"));

const REQUEST_ID = "22222222-2222-4222-8222-222222222222";
const STATE_NOT_SAVED = { code: "INVALID_REQUEST", reason: "internal: state not saved" };

beforeEach(() => {
  fakeDisk.failingWrites = 0;
});

async function rejection(run: Promise<unknown>): Promise<PairingError> {
  const error = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(PairingError);
  return error as PairingError;
}

describe("store failures (real service and store on a fake JSON disk whose writes throw, fake gateway SDK)", () => {
  it("createCode: structured error, no code stored, its bootstrap token revoked, no change announced", async () => {
    const { service, store, fake } = startFakeService();
    fakeDisk.failingWrites = 1;
    const error = await rejection(service.createCode({}, ADMIN));
    expect(error).toMatchObject(STATE_NOT_SAVED);
    expect(store.read().codes).toEqual([]);
    expect(fake.issuedTokens).toHaveLength(1);
    expect(fake.revokedTokens).toEqual(fake.issuedTokens);
    expect(fake.changes).toEqual([]);
    expect(fake.warnings.join("\n")).toContain("state not saved");
    expect(fake.warnings.join("\n")).not.toContain(fake.issuedTokens[0]);
  });

  it("confirm: structured error and no sealed grant handed out when its audit cannot be written", async () => {
    const { service, store, fake } = startFakeService();
    const created = await service.createCode({}, ADMIN);
    const pake = clientPake(created.code.replace("-", ""));
    const started = await service.v2.start(body(pake.request), "a");
    const { confirm } = pake.finish(started);
    fakeDisk.failingWrites = 1;
    const error = await rejection(service.v2.confirm(body({ sessionId: started.sessionId, confirm }), "a"));
    expect(error).toMatchObject(STATE_NOT_SAVED);
    expect(store.read().events.some((event) => event.type === "code.redeemed")).toBe(false);
    expect(JSON.stringify(error)).not.toContain(fake.issuedTokens[0]);
  });

  it("exchange: structured error, the code stays unused and the device untrusted, nothing broadcast", async () => {
    const { service, store, fake } = startFakeService();
    const created = await service.createCode({}, ADMIN);
    const granted = await grantFor(service, created.code);
    const device = newDevice();
    fake.pending.push(pendingFor(device, REQUEST_ID));
    // The exchange's write fails, and so does the write recording that failure.
    fakeDisk.failingWrites = 2;
    const request = { granted, requestId: REQUEST_ID, device, signedAt: fake.nowMs };
    const error = await rejection(service.v2.exchange(body(exchangeBody(request)), "a"));
    expect(error).toMatchObject(STATE_NOT_SAVED);
    expect(store.read().codes[0]!.status).toBe("active");
    expect(store.read().devices).toEqual([]);
    expect(fake.resolved).toEqual([]);
    expect(fake.changes).not.toContain("code.exchanged");
    expect(fake.warnings.join("\n")).toContain("failure not recorded");
  });

  it("cancelCode: structured error and the bootstrap token is not reported revoked", async () => {
    const { service, store, fake } = startFakeService();
    const created = await service.createCode({}, ADMIN);
    fakeDisk.failingWrites = 1;
    const error = await rejection(service.cancelCode(created.codeId));
    expect(error).toMatchObject(STATE_NOT_SAVED);
    expect(store.read().codes[0]!.status).toBe("active");
    expect(fake.revokedTokens).toEqual([]);
  });

  it("revokeDevice: structured error and the device is not marked revoked", async () => {
    const { service, store, fake } = startFakeService();
    const created = await service.createCode({}, ADMIN);
    const granted = await grantFor(service, created.code);
    const device = newDevice();
    fake.pending.push(pendingFor(device, REQUEST_ID));
    const request = { granted, requestId: REQUEST_ID, device, signedAt: fake.nowMs };
    await service.v2.exchange(body(exchangeBody(request)), "a");
    fakeDisk.failingWrites = 1;
    const error = await rejection(service.revokeDevice(device.id, "self", undefined, async () => undefined));
    expect(error).toMatchObject(STATE_NOT_SAVED);
    expect(store.read().devices[0]!.revokedAtMs).toBeUndefined();
    expect(service.isActiveDevice(device.id)).toBe(true);
  });
});
