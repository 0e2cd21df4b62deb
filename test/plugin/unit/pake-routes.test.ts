// The v2 routes' own rules (docs/pairing-protocol.md): /start counts its attempt at once, /confirm checks the
// client's tag before anything keyed is sent, only one session of a code exchanges, the exchange MAC binds the
// requestId and device, /abandon removes what its session approved, and discriminators stay unique.
import { describe, expect, it, vi } from "vitest";
import { gatewayFingerprint } from "@ocmap/protocol/gateway-identity";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { PairingError } from "../../../gateway-plugin/src/errors.ts";
import {
  ADMIN,
  abandonBody,
  body,
  exchangeBody,
  grantFor,
  newDevice,
  pendingFor,
  startBody,
  startFakeService,
  wrongCodeOf,
} from "./fake-gateway.ts";

vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"));

const ADDRESS = "203.0.113.5";

async function failure(run: Promise<unknown>): Promise<PairingError> {
  const error = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(PairingError);
  return error as PairingError;
}

async function withCode(config = {}) {
  const setup = startFakeService({ maxFailuresPerAddress: 100, ...config });
  const created = await setup.service.createCode({}, ADMIN);
  const codeRecord = () => setup.store.read().codes.find((code) => code.codeId === created.codeId)!;
  return { ...setup, created, codeRecord };
}

describe("v2 routes (real service and store, fake gateway SDK, fake JSON disk)", () => {
  it("createCode gives operators the code and the gateway fingerprint, never the bootstrap token", async () => {
    const { service, created, fake, store } = await withCode();
    expect(Object.keys(created).sort()).toEqual(
      ["access", "code", "codeId", "expiresAtMs", "gatewayFingerprint", "pairingLink", "scopes"].sort(),
    );
    expect(created.gatewayFingerprint).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
    const list = await service.list();
    expect(list.gatewayFingerprint).toBe(created.gatewayFingerprint);
    const shown = JSON.stringify([created, list]);
    expect(shown).not.toContain(fake.issuedTokens[0]);
    expect(shown).not.toContain(store.read().codes[0]!.nonce);
    const granted = await grantFor(service, created.code);
    expect(gatewayFingerprint(granted.grant.gatewayIdentity.publicKey)).toBe(created.gatewayFingerprint);
    expect(granted.grant).toMatchObject({ codeId: created.codeId, bootstrapToken: fake.issuedTokens[0] });
  });

  it(
    "/start counts the attempt at once; " + "a valid /confirm keeps it counted (only the exchange spends the code)",
    async () => {
      const { service, created, codeRecord } = await withCode();
      const pake = clientPake(created.code.replace("-", ""));
      const started = await service.v2.start(body(pake.request), ADDRESS);
      expect(codeRecord().failures).toBe(1);
      const { confirm } = pake.finish(started);
      await service.v2.confirm(body({ sessionId: started.sessionId, confirm }), ADDRESS);
      expect(codeRecord().failures).toBe(1);
      // The same confirmation again (a replay): the session is past that stage.
      const replay = await failure(service.v2.confirm(body({ sessionId: started.sessionId, confirm }), ADDRESS));
      expect({ code: replay.code, reason: replay.reason }).toEqual({
        code: "CODE_INVALID",
        reason: "unknown or finished session",
      });
    },
  );

  it("sessions that never confirm spend the code: after 5 the next /start locks it", async () => {
    const { service, created, codeRecord, fake } = await withCode();
    for (let i = 0; i < 5; i++) await service.v2.start(body(startBody(wrongCodeOf(created.code))), ADDRESS);
    expect(codeRecord()).toMatchObject({ status: "active", failures: 5 });
    const sixth = await failure(service.v2.start(body(startBody(wrongCodeOf(created.code))), ADDRESS));
    expect(sixth.code).toBe("CODE_ALREADY_USED");
    expect(codeRecord().status).toBe("locked");
    expect(fake.revokedTokens).toEqual(fake.issuedTokens);
    // Even the right code is refused now.
    expect((await failure(grantFor(service, created.code))).code).toBe("CODE_ALREADY_USED");
  });

  it("a wrong code fails at /confirm (CODE_INVALID), drops the session, and counts one failure, not two", async () => {
    const { service, created, codeRecord } = await withCode();
    const pake = clientPake(wrongCodeOf(created.code));
    const started = await service.v2.start(body(pake.request), ADDRESS);
    const { confirm } = pake.finish(started);
    const wrong = await failure(service.v2.confirm(body({ sessionId: started.sessionId, confirm }), ADDRESS));
    expect({ code: wrong.code, reason: wrong.reason }).toEqual({ code: "CODE_INVALID", reason: "confirmation failed" });
    expect(codeRecord().failures).toBe(1);
    expect(service.v2.sessions.get(started.sessionId, Date.now())).toBeUndefined();
  });

  it("an identity share is INVALID_REQUEST and its attempt stays counted", async () => {
    const { service, created, codeRecord } = await withCode();
    const request = { ...startBody(created.code.replace("-", "")), share: "A".repeat(43) }; // 32 zero bytes
    const refused = await failure(service.v2.start(body(request), ADDRESS));
    expect(refused.code).toBe("INVALID_REQUEST");
    expect(codeRecord().failures).toBe(1);
  });

  it("the exchange MAC binds requestId and device: a MAC over another fails, counted against the code", async () => {
    const { service, created, fake, codeRecord } = await withCode();
    const granted = await grantFor(service, created.code);
    const device = newDevice();
    fake.pending.push(pendingFor(device, "request-1"));
    const base = { granted, requestId: "request-1", device, signedAt: fake.nowMs };
    for (const macOver of [{ requestId: "request-2" }, { deviceId: newDevice().id }]) {
      const error = await failure(service.v2.exchange(body(exchangeBody({ ...base, macOver })), ADDRESS));
      expect({ code: error.code, reason: error.reason }).toEqual({ code: "CODE_INVALID", reason: "bad exchange mac" });
    }
    expect(codeRecord().failures).toBe(3); // the session's own attempt (counted until it exchanges) and the two MACs
    expect(fake.approved).toEqual([]);
    await expect(service.v2.exchange(body(exchangeBody(base)), ADDRESS)).resolves.toMatchObject({ ok: true });
  });

  it("of two confirmed sessions of one code only one exchanges; the other gets CODE_ALREADY_USED", async () => {
    const { service, created, fake } = await withCode();
    const [first, second] = [await grantFor(service, created.code), await grantFor(service, created.code)];
    const [alice, bob] = [newDevice(), newDevice()];
    fake.pending.push(pendingFor(alice, "a"), pendingFor(bob, "b"));
    const results = await Promise.allSettled([
      service.v2.exchange(
        body(exchangeBody({ granted: first!, requestId: "a", device: alice, signedAt: fake.nowMs })),
        ADDRESS,
      ),
      service.v2.exchange(
        body(exchangeBody({ granted: second!, requestId: "b", device: bob, signedAt: fake.nowMs })),
        ADDRESS,
      ),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "CODE_ALREADY_USED" });
    expect(fake.approved).toHaveLength(1);
  });

  it("/abandon with the session's MAC removes the device it approved, once; wrong MAC or stage refused", async () => {
    const { service, created, fake, store } = await withCode();
    const granted = await grantFor(service, created.code);
    const early = await failure(service.v2.abandon(body(abandonBody(granted)), ADDRESS));
    expect(early.reason).toBe("unknown or finished session"); // nothing approved yet
    const device = newDevice();
    fake.pending.push(pendingFor(device, "r"));
    await service.v2.exchange(body(exchangeBody({ granted, requestId: "r", device, signedAt: fake.nowMs })), ADDRESS);
    expect(store.read().devices.map((known) => known.deviceId)).toEqual([device.id]);
    const forged = await failure(service.v2.abandon(body({ ...abandonBody(granted), mac: "A".repeat(43) }), ADDRESS));
    expect(forged.reason).toBe("bad abandon mac");
    expect(fake.removed).toEqual([]);
    await expect(service.v2.abandon(body(abandonBody(granted)), ADDRESS)).resolves.toEqual({ ok: true });
    await expect(service.v2.abandon(body(abandonBody(granted)), ADDRESS)).resolves.toEqual({ ok: true });
    expect(fake.removed).toEqual([device.id]);
    expect(store.read().devices).toEqual([]);
    expect(store.read().events.at(-1)).toMatchObject({ type: "device.forgotten", deviceId: device.id });
  });

  it("discriminators stay unique among active codes (scripted random bytes draw the same first symbols)", async () => {
    const setup = startFakeService();
    // [0, …]: the first two symbols are "00" whatever follows.
    setup.fake.scriptedRandom.push(
      Buffer.from([0, 1, 2, 3, 4]),
      Buffer.from([0, 9, 9, 9, 9]),
      Buffer.from([255, 1, 2, 3, 4]),
    );
    const first = await setup.service.createCode({}, ADMIN);
    const second = await setup.service.createCode({}, ADMIN);
    expect(first.code.slice(0, 2)).toBe("00");
    expect(second.code.slice(0, 2)).not.toBe("00");
    expect(setup.fake.scriptedRandom).toEqual([]); // the second draw was refused for its discriminator
    await setup.service.cancelCode(first.codeId);
    setup.fake.scriptedRandom.push(Buffer.from([0, 9, 9, 9, 9]));
    const third = await setup.service.createCode({}, ADMIN);
    expect(third.code.slice(0, 2)).toBe("00"); // free again once the first code is no longer active
  });
});
