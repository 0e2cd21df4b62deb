// A committed approval is a success even when announcing it fails, and a new code never
// shares its HMAC with a stored code of any status.
import { describe, expect, it, vi } from "vitest";
import { CROCKFORD } from "@ocmap/protocol/pairing-code";
import { ADMIN, body, exchangeBody, grantFor, newDevice, pendingFor, startFakeService } from "./fake-gateway.ts";

vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"));

const REQUEST_ID = "33333333-3333-4333-8333-333333333333";

async function exchangeReady(config = {}) {
  return exchangeReadyWith(startFakeService(config));
}

async function exchangeReadyWith(setup: ReturnType<typeof startFakeService>) {
  const created = await setup.service.createCode({}, ADMIN);
  const granted = await grantFor(setup.service, created.code);
  const device = newDevice();
  setup.fake.pending.push(pendingFor(device, REQUEST_ID));
  const request = {
    granted,
    requestId: REQUEST_ID,
    device,
    signedAt: setup.fake.nowMs,
  };
  return { ...setup, created, device, request };
}

describe("success is success (real service and store, fake gateway SDK whose notifications throw)", () => {
  it.each([
    ["the fake gateway's device.pair.resolved broadcast", { broadcastResolved: true }],
    ["the fake gateway's change event", { changed: true }],
    ["both fake notifications", { broadcastResolved: true, changed: true }],
  ])("%s throwing after a committed approval: success, and no failure counted", async (_what, throwOn) => {
    // A cap of one failure: a counted failure would pause the next request.
    const { service, store, fake, created, device, request } = await exchangeReady({ maxFailuresGlobal: 1 });
    fake.throwOn = throwOn;
    const answer = await service.v2.exchange(body(exchangeBody(request)), "203.0.113.9");
    expect(answer).toMatchObject({ ok: true, deviceId: device.id, scopes: created.scopes });
    expect(store.read().codes[0]).toMatchObject({ status: "used", failures: 0 });
    expect(store.read().events.filter((event) => event.type === "code.failed")).toEqual([]);
    expect((await service.list()).pausedUntilMs).toBeUndefined();
    const unknown = { discriminator: created.code.startsWith("00") ? "ZZ" : "00", sid: "A".repeat(22), share: "" };
    await expect(service.v2.start(body({ ...unknown, share: "A".repeat(43) }), "203.0.113.9")).rejects.toMatchObject({
      code: "CODE_INVALID", // not RATE_LIMITED
    });
    const log = fake.warnings.join("\n");
    expect(log).toMatch(/not sent: (broadcast socket gone|event bus gone)/);
    const { grant } = request.granted;
    for (const secret of [created.code, grant.bootstrapToken, grant.nonce]) expect(log).not.toContain(secret);
  });

  it("a throwing change event does not fail createCode, cancelCode or start/confirm either", async () => {
    const { service, fake } = startFakeService();
    fake.throwOn = { changed: true };
    const created = await service.createCode({}, ADMIN);
    await expect(grantFor(service, created.code)).resolves.toMatchObject({ grant: { codeId: created.codeId } });
    await expect(service.cancelCode(created.codeId)).resolves.toEqual({ codeId: created.codeId, status: "cancelled" });
  });
});

describe("new codes never collide with a stored code (fake gateway SDK with scripted random bytes)", () => {
  // Five bytes that codeFromRandom turns into one code; the same bytes again would make the same code.
  const SAME = Buffer.from([1, 2, 3, 4, 5]);
  const OTHER = Buffer.from([9, 8, 7, 6, 5]);

  const intoStatus: Record<string, (s: Awaited<ReturnType<typeof exchangeReady>>) => Promise<unknown>> = {
    active: async () => undefined,
    used: (s) => s.service.v2.exchange(body(exchangeBody(s.request)), "a"),
    cancelled: (s) => s.service.cancelCode(s.created.codeId),
    expired: async (ready) => {
      ready.fake.nowMs = ready.created.expiresAtMs;
      await ready.service.sweep();
    },
    locked: async (ready) => {
      const wrong = exchangeBody({ ...ready.request, nonce: "AAAA" }); // signed over another nonce
      for (let i = 0; i < 5; i++)
        await ready.service.v2.exchange(body(wrong), `198.51.100.${i}`).catch(() => undefined);
    },
  };

  it.each(Object.keys(intoStatus))("regenerates while the new code equals a stored %s code", async (status) => {
    const setup = startFakeService({ maxFailuresPerAddress: 100 });
    setup.fake.scriptedRandom.push(SAME);
    const ready = await exchangeReadyWith(setup);
    await intoStatus[status]!(ready);
    expect(ready.store.read().codes[0]!.status).toBe(status);
    ready.fake.scriptedRandom.push(SAME, OTHER);
    const next = await ready.service.createCode({}, ADMIN);
    expect(next.code).not.toBe(ready.created.code);
    expect(ready.fake.scriptedRandom).toEqual([]); // both scripted draws were used: the first collided
    // The new code's PAKE runs as itself, never as the stored one.
    await expect(grantFor(ready.service, next.code, "b")).resolves.toMatchObject({ grant: { codeId: next.codeId } });
    expect(next.code).toMatch(new RegExp(`^[${CROCKFORD}]{4}-[${CROCKFORD}]{4}$`));
  });
});
