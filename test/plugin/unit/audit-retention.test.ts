// The audit log's retention (audit-log.ts): failures are aggregated per source and 10-minute window and kept
// apart, so that a flood of them from many addresses over hours cannot push out what an operator needs:
// redemptions, exchanges, revocations, forgets. Real service and store, fake gateway SDK, fake JSON disk.
import { describe, expect, it, vi } from "vitest";
import { FAILURE_WINDOW_MS, KEPT, LISTED, appendAuditEvent } from "../../../gateway-plugin/src/audit-log.ts";
import {
  ADMIN,
  abandonBody,
  body,
  exchangeBody,
  grantFor,
  newDevice,
  pendingFor,
  startFakeService,
  unknownStart,
} from "./fake-gateway.ts";

vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"));

describe("audit retention (real service and store, fake gateway SDK, fake JSON disk)", () => {
  it("counts failures per source and window instead of listing each", () => {
    const events: any[] = [];
    const at = 5 * FAILURE_WINDOW_MS;
    for (const address of ["203.0.113.1", "203.0.113.1", "2001:db8::1", "2001:db8::2", "203.0.113.1"])
      appendAuditEvent(events, { atMs: at, type: "code.failed", reason: "CODE_INVALID", remoteAddress: address });
    appendAuditEvent(events, { atMs: at + 1, type: "code.failed", codeId: "c1", remoteAddress: "203.0.113.1" });
    appendAuditEvent(events, { atMs: at + FAILURE_WINDOW_MS, type: "code.failed", remoteAddress: "203.0.113.1" });
    expect(events.map((e) => [e.remoteAddress, e.codeId, e.count])).toEqual([
      ["203.0.113.1", undefined, 3],
      ["2001:db8::1", undefined, 2], // one IPv6 /48: one source
      ["203.0.113.1", "c1", undefined],
      ["203.0.113.1", undefined, undefined], // the next window
    ]);
    expect(events[0].lastAtMs).toBe(at);
  });

  it("a flood of failures from 250 addresses over 4 hours leaves every important event kept and listed", async () => {
    const { service, store, fake } = startFakeService({ maxFailuresPerAddress: 1e9, maxFailuresGlobal: 1e9 });
    // An exchanged pairing, an abandoned one and a revoked one: redeemed, exchanged, forgotten, revoked.
    for (const ending of ["kept", "abandoned", "revoked"]) {
      const created = await service.createCode({}, ADMIN);
      const granted = await grantFor(service, created.code);
      const device = newDevice();
      fake.pending.push(pendingFor(device, `request-${ending}`));
      const exchange = exchangeBody({ granted, requestId: `request-${ending}`, device, signedAt: fake.nowMs });
      await service.v2.exchange(body(exchange), "203.0.113.9");
      if (ending === "abandoned") await service.v2.abandon(body(abandonBody(granted)), "203.0.113.9");
      if (ending === "revoked") await service.revokeDevice(device.id, "operator", undefined, async () => undefined);
    }
    const important = () => store.read().events.filter((e) => e.type !== "code.failed");
    const before = structuredClone(important());
    expect(before.map((e) => e.type)).toEqual(
      expect.arrayContaining(["code.redeemed", "code.exchanged", "device.forgotten", "device.revoked"]),
    );

    // 25 windows; in each, 10 fresh addresses fail twice: 500 failures, 250 aggregated entries.
    let sent = 0;
    for (let window = 0; window < 25; window++) {
      fake.nowMs += FAILURE_WINDOW_MS;
      for (let i = 0; i < 20; i++, sent++) {
        const address = `198.51.${window}.${i % 10}`;
        await service.v2.start(body(unknownStart()), address).catch(() => undefined);
      }
    }
    expect(sent).toBe(500);
    expect(important()).toEqual(before);
    const failures = store.read().events.filter((e) => e.type === "code.failed");
    expect(failures.length).toBe(KEPT.failures);
    expect(failures.every((e) => e.count === 2)).toBe(true);
    const listed = (await service.list()).events;
    expect(listed.filter((e) => e.type !== "code.failed")).toEqual(before);
    expect(listed.filter((e) => e.type === "code.failed").length).toBe(LISTED.failures);
  }, 60_000);
});
