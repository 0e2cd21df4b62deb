// The failure limits: the limiter's windows on their own (a source's window that RATE_LIMITED answers
// count toward, the gateway-wide window that holds back only sources over their share, the attack
// summary), then per-code locks and the same limits through the real service (fake gateway SDK, fake JSON
// disk, fake clock).
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

  it("holds back only sources over their share once the gateway-wide window is full", () => {
    const limiter = new FailureLimiter(limits);
    for (let i = 0; i < 20; i++) limiter.fail(i < 10 ? "198.51.100.1" : "198.51.100.2", 5_000 + i);
    expect(limiter.pausedUntil(5_019)).toBe(605_000);
    // Both attackers are over their share until the window drops below the cap.
    expect(limiter.check("198.51.100.1", 70_000)).toEqual({ limited: true, retryAfterMs: 605_000 - 70_000 });
    expect(limiter.check("198.51.100.2", 70_000).limited).toBe(true);
    // A source with no failure (a user with a fresh code) is served; so is one with a single failure.
    expect(limiter.check("192.0.2.1", 70_000).limited).toBe(false);
    limiter.fail("192.0.2.1", 70_000);
    expect(limiter.check("192.0.2.1", 70_001).limited).toBe(false);
    limiter.fail("192.0.2.1", 70_001);
    // The window holds 22 now: it drops below 20 once the three oldest (5 000–5 002) leave it.
    expect(limiter.check("192.0.2.1", 70_002)).toEqual({ limited: true, retryAfterMs: 605_002 - 70_002 });
    expect(limiter.check("198.51.100.1", 605_002).limited).toBe(false);
  });

  it("counts a RATE_LIMITED answer toward its sender's own window: polling while limited keeps it limited", () => {
    const limiter = new FailureLimiter(limits);
    for (let i = 0; i < 10; i++) limiter.fail("a", 0);
    // Polling every 5 s (12 a minute, over the 10): without counting, it would be free again at 60 s.
    for (let t = 5_000; t <= 180_000; t += 5_000) {
      expect(limiter.check("a", t).limited).toBe(true);
      limiter.refused("a", t);
    }
    expect(limiter.check("b", 180_000).limited).toBe(false); // another source is not affected
    expect(limiter.pausedUntil(180_000)).toBeUndefined(); // refusals do not fill the gateway-wide window
    expect(limiter.check("a", 180_000 + 14_999).limited).toBe(true);
    expect(limiter.check("a", 180_000 + 15_000).limited).toBe(false); // quiet long enough: served again
  });

  it("reports the longer of the two waits when both limits apply", () => {
    const limiter = new FailureLimiter({ ...limits, maxGlobal: 10 });
    for (let i = 0; i < 10; i++) limiter.fail("a", 0);
    expect(limiter.check("a", 0)).toEqual({ limited: true, retryAfterMs: 600_000 });
  });

  it("summarizes failures and refusals per minute and the busiest sources for Clawpodz", () => {
    const limiter = new FailureLimiter({ ...limits, maxPerAddress: 3 });
    const minute = 60_000;
    for (let i = 0; i < 3; i++) limiter.fail("198.51.100.1", 100 * minute + i);
    limiter.refused("198.51.100.1", 101 * minute);
    limiter.fail("2001:db8:7:1::1", 103 * minute);
    limiter.fail("192.0.2.9", 95 * minute); // older than the summary's ten minutes
    expect(limiter.summary(101 * minute).busiest[0]).toMatchObject({ source: "198.51.100.1", heldBack: true });
    const summary = limiter.summary(104 * minute + 5);
    expect(summary.sinceMs).toBe(95 * minute);
    expect(summary.failuresPerMinute).toEqual([1, 0, 0, 0, 0, 3, 0, 0, 1, 0]);
    expect(summary.refusedPerMinute).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(limiter.summary(105 * minute).failuresPerMinute).toEqual([0, 0, 0, 0, 3, 0, 0, 1, 0, 0]);
    expect(limiter.summary(105 * minute).busiest).toEqual([
      { source: "198.51.100.1", failures: 3, refused: 1, lastAtMs: 101 * minute, heldBack: false },
      { source: "2001:db8:7::/48", failures: 1, refused: 0, lastAtMs: 103 * minute, heldBack: false },
    ]);
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

  it("at the gateway-wide cap holds back the failing source, not a fresh one; a new code lifts nothing", async () => {
    const { service, fake } = startFakeService({ maxFailuresGlobal: 4 });
    for (let i = 0; i < 4; i++)
      await expect(service.v2.start(body(unknownStart()), "attacker")).rejects.toMatchObject({ code: "CODE_INVALID" });
    await expect(service.v2.start(body(unknownStart()), "attacker")).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterMs: 600_000,
    });
    expect((await service.list()).pausedUntilMs).toBe(fake.nowMs + 600_000);
    const created = await service.createCode({}, ADMIN);
    expect((await service.list()).pausedUntilMs).toBe(fake.nowMs + 600_000);
    await expect(service.v2.start(body(unknownStart([created.code])), "attacker")).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    await expect(grantFor(service, created.code, "fresh")).resolves.toMatchObject({
      grant: { codeId: created.codeId },
    });
    expect((await service.list()).attack).toMatchObject({
      busiest: [{ source: "attacker", failures: 4, refused: 2, heldBack: true }],
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
