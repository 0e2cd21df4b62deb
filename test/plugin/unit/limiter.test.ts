// The failure limits: the limiter's windows on their own, then per-code locks and the operator's
// lift through the real service (fake gateway SDK, fake JSON disk, fake clock).
import { describe, expect, it, vi } from "vitest";
import { FailureLimiter } from "../../../gateway-plugin/src/limiter.ts";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { ADMIN, body, grantFor, startFakeService, unknownStart, wrongCodeOf } from "./fake-gateway.ts";

vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"));

const limits = { maxGlobal: 20, globalWindowMs: 600_000, maxPerAddress: 10, addressWindowMs: 60_000 };

describe("FailureLimiter (pure, fake clock)", () => {
  it("limits one address after 10 failures in a minute and says when the oldest leaves the window", () => {
    const limiter = new FailureLimiter(limits);
    for (let i = 0; i < 10; i++) {
      expect(limiter.check("a", 1_000 + i).limited).toBe(false);
      limiter.fail("a", 1_000 + i);
    }
    expect(limiter.check("a", 1_010)).toEqual({ limited: true, retryAfterMs: 1_000 + 60_000 - 1_010 });
    expect(limiter.check("b", 1_010).limited).toBe(false); // another address is not affected
    expect(limiter.check("a", 60_999).limited).toBe(true);
    expect(limiter.check("a", 61_000).limited).toBe(false); // the window slid past the first failure
  });

  it("pauses every address after 20 failures in 10 minutes, gateway-wide", () => {
    const limiter = new FailureLimiter(limits);
    for (let i = 0; i < 20; i++) limiter.fail(`198.51.100.${i}`, 5_000);
    const verdict = limiter.check("192.0.2.1", 5_000);
    expect(verdict).toEqual({ limited: true, retryAfterMs: 600_000 });
    expect(limiter.pausedUntil(5_000)).toBe(605_000);
    expect(limiter.check("192.0.2.1", 605_000).limited).toBe(false);
    expect(limiter.pausedUntil(605_000)).toBeUndefined();
  });

  it("reports the longer of the two waits when both limits apply", () => {
    const limiter = new FailureLimiter({ ...limits, maxGlobal: 10 });
    for (let i = 0; i < 10; i++) limiter.fail("a", 0);
    expect(limiter.check("a", 0)).toEqual({ limited: true, retryAfterMs: 600_000 });
  });

  it("liftGlobal clears the gateway-wide pause but not an address's own window", () => {
    const limiter = new FailureLimiter({ ...limits, maxGlobal: 10 });
    for (let i = 0; i < 10; i++) limiter.fail("a", 0);
    limiter.liftGlobal();
    expect(limiter.pausedUntil(0)).toBeUndefined();
    expect(limiter.check("b", 0).limited).toBe(false);
    expect(limiter.check("a", 0)).toEqual({ limited: true, retryAfterMs: 60_000 });
  });
});

describe("limits through the service (real service and store, fake gateway SDK)", () => {
  it("answers RATE_LIMITED with retryAfterMs before running anything once an address is over its limit", async () => {
    const { service, fake } = startFakeService({ maxFailuresPerAddress: 3 });
    for (let i = 0; i < 3; i++)
      await expect(service.v2.start(body(unknownStart()), "a")).rejects.toMatchObject({ code: "CODE_INVALID" });
    let read = 0;
    const counted = async () => ((read += 1), unknownStart());
    await expect(service.v2.start(counted, "a")).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 60_000 });
    expect(read).toBe(0); // the body was not even read
    await expect(service.v2.start(body(unknownStart()), "b")).rejects.toMatchObject({ code: "CODE_INVALID" });
    fake.nowMs += 60_000;
    await expect(service.v2.start(body(unknownStart()), "a")).rejects.toMatchObject({ code: "CODE_INVALID" });
  });

  it("locks a code after 5 failed PAKE attempts, revokes its bootstrap token (unknown ones name none)", async () => {
    const { service, store, fake } = startFakeService({ maxFailuresPerAddress: 100 });
    const created = await service.createCode({}, ADMIN);
    const guess = async (address: string) => {
      const pake = clientPake(wrongCodeOf(created.code));
      const started = await service.v2.start(body(pake.request), address);
      const { confirm } = pake.finish(started);
      return service.v2.confirm(body({ sessionId: started.sessionId, confirm }), address);
    };
    for (let i = 0; i < 4; i++) await expect(guess(`198.51.100.${i}`)).rejects.toMatchObject({ code: "CODE_INVALID" });
    expect(store.read().codes[0]).toMatchObject({ status: "active", failures: 4 });
    expect(fake.revokedTokens).toEqual([]);
    await expect(service.v2.start(body(unknownStart([created.code])), "x")).rejects.toMatchObject({
      code: "CODE_INVALID",
    });
    expect(store.read().codes[0]!.failures).toBe(4); // an unknown discriminator names no code
    await expect(guess("198.51.100.9")).rejects.toMatchObject({ code: "CODE_INVALID" });
    expect(store.read().codes[0]).toMatchObject({ status: "locked", failures: 5 });
    expect(fake.revokedTokens).toEqual(fake.issuedTokens);
    await expect(grantFor(service, created.code, "y")).rejects.toMatchObject({ code: "CODE_ALREADY_USED" });
    const failed = store.read().events.filter((event) => event.type === "code.failed");
    expect(failed).toHaveLength(7);
    expect(failed[0]).toMatchObject({
      codeId: created.codeId,
      reason: "confirmation failed",
      remoteAddress: "198.51.100.0",
    });
  });

  it("pauses pairing gateway-wide at the cap and lifts the pause when an operator creates a code", async () => {
    const { service, fake } = startFakeService({ maxFailuresGlobal: 4 });
    for (let i = 0; i < 4; i++)
      await expect(service.v2.start(body(unknownStart()), `a${i}`)).rejects.toMatchObject({
        code: "CODE_INVALID",
      });
    await expect(service.v2.start(body(unknownStart()), "fresh")).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterMs: 600_000,
    });
    expect((await service.list()).pausedUntilMs).toBe(fake.nowMs + 600_000);
    const created = await service.createCode({}, ADMIN);
    expect((await service.list()).pausedUntilMs).toBeUndefined();
    await expect(grantFor(service, created.code, "fresh")).resolves.toMatchObject({
      grant: { codeId: created.codeId },
    });
  });

  it("a /start of a disabled plugin is PAIRING_DISABLED and counts nothing", async () => {
    const { service, cfg, store } = startFakeService({ maxFailuresGlobal: 1 });
    cfg.enabled = false;
    await expect(service.v2.start(body(unknownStart()), "a")).rejects.toMatchObject({ code: "PAIRING_DISABLED" });
    cfg.enabled = true;
    await expect(service.v2.start(body(unknownStart()), "a")).rejects.toMatchObject({ code: "CODE_INVALID" });
    expect(store.read().events.filter((event) => event.type === "code.failed")).toHaveLength(1);
  });
});
