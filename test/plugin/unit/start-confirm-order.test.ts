// /v2/start and /v2/confirm check in the contract's order (docs/pairing-protocol.md): each failing check, with
// every later one broken too, yields its own error; no session is made; the attempt is counted only once the
// code is found usable, and then exactly once whatever fails after it.
import { describe, expect, it, vi } from "vitest";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { failureOf } from "./failure-of.ts";
import { ADMIN, body, startFakeService, unknownStart } from "./fake-gateway.ts";

vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"));

const ADDRESS = "203.0.113.8";
const IDENTITY_SHARE = "A".repeat(43); // 32 zero bytes: ristretto255's identity element

async function scenario() {
  const setup = startFakeService({ maxFailuresPerAddress: 100 });
  const created = await setup.service.createCode({}, ADMIN);
  const request: Record<string, string> = { ...clientPake(created.code.replace("-", "")).request };
  const setStatus = (status: "expired" | "used") =>
    setup.store.mutate((state) => void (state.codes[0]!.status = status));
  return { ...setup, created, request, setStatus };
}
type Scenario = Awaited<ReturnType<typeof scenario>>;

interface Check {
  name: string;
  code: string;
  reason: string;
  /** Failures recorded on the code afterwards (the counted attempt, or v1's count of a named failure). */
  failures: number;
  breakIt(s: Scenario): void | Promise<void>;
}

const START_CHECKS: Check[] = [
  {
    name: "enabled",
    code: "PAIRING_DISABLED",
    reason: "PAIRING_DISABLED",
    failures: 0,
    breakIt: (s) => void (s.cfg.enabled = false),
  },
  {
    name: "body shape",
    code: "INVALID_REQUEST",
    reason: "bad sid",
    failures: 0,
    breakIt: (s) => void (s.request.sid = "AAAA"),
  },
  {
    name: "a code with this discriminator",
    code: "CODE_INVALID",
    reason: "unknown discriminator",
    failures: 0,
    breakIt: (s) => void (s.request.discriminator = unknownStart([s.created.code]).discriminator),
  },
  // A failure that names an expired or used code counts on it as v1's did (harmless: it is over anyway).
  {
    name: "not expired",
    code: "CODE_EXPIRED",
    reason: "CODE_EXPIRED",
    failures: 1,
    breakIt: (s) => s.setStatus("expired"),
  },
  {
    name: "not used",
    code: "CODE_ALREADY_USED",
    reason: "code used",
    failures: 1,
    breakIt: (s) => s.setStatus("used"),
  },
  {
    name: "a valid share (after the attempt is counted)",
    code: "INVALID_REQUEST",
    reason: "share refused (CPace: SHARE_IDENTITY)",
    failures: 1,
    breakIt: (s) => void (s.request.share = IDENTITY_SHARE),
  },
];

describe("/v2/start and /v2/confirm check order (real service and store, fake gateway SDK)", () => {
  it.each(START_CHECKS.map((check, index) => [check.name, index] as const))(
    "/start: check '%s' failing (later ones broken too) yields its own error and makes no session",
    async (_name, index) => {
      const scene = await scenario();
      for (const check of START_CHECKS.slice(index).reverse()) await check.breakIt(scene);
      const expected = START_CHECKS[index]!;
      const error = await failureOf(scene.service.v2.start(body(scene.request), ADDRESS));
      expect({ code: error.code, reason: error.reason }).toEqual({ code: expected.code, reason: expected.reason });
      expect(scene.store.read().codes[0]!.failures).toBe(expected.failures);
      expect(scene.service.v2.sessions.size).toBe(0);
    },
  );

  it("/confirm: unknown session, then a code no longer usable, then a wrong tag, each its own error", async () => {
    const scene = await scenario();
    const pake = clientPake(scene.created.code.replace("-", ""));
    const started = await scene.service.v2.start(body(pake.request), ADDRESS);
    const { confirm } = pake.finish(started);
    const unknown = await failureOf(scene.service.v2.confirm(body({ sessionId: "nope", confirm }), ADDRESS));
    expect(unknown.reason).toBe("unknown or finished session");
    const wrongTag = { sessionId: started.sessionId, confirm: IDENTITY_SHARE };
    const refused = await failureOf(scene.service.v2.confirm(body(wrongTag), ADDRESS));
    expect({ code: refused.code, reason: refused.reason }).toEqual({
      code: "CODE_INVALID",
      reason: "confirmation failed",
    });
    expect(scene.store.read().codes[0]!.failures).toBe(1); // the attempt counted at /start, not a second time
    // A second session of the same code, then the code is cancelled: its right tag no longer opens anything.
    const again = clientPake(scene.created.code.replace("-", ""));
    const second = await scene.service.v2.start(body(again.request), ADDRESS);
    await scene.service.cancelCode(scene.created.codeId);
    const cancelled = await failureOf(
      scene.service.v2.confirm(body({ sessionId: second.sessionId, confirm: again.finish(second).confirm }), ADDRESS),
    );
    expect(cancelled.code).toBe("CODE_ALREADY_USED");
  });
});
