// Unit tests of forgetOnGateway with FAKE sessions (named fake*): which answers and closes make
// "the gateway was told". The real plugin's answer-then-remove is proven in test/client/.
import { describe, expect, it } from "vitest";
import {
  forgetOnGateway,
  type ConnectWithStoredToken,
  type ForgetSession,
} from "../../src/core/forget-on-gateway.std.ts";

type Answer = { ok: true } | { ok: false; code: string; detail?: string };

/** A fake session: answers forgetSelf as told, then closes the way the gateway would (or not). */
function fakeSession(answer: Answer, closeAfterAnswer?: { code: number; reason: string }) {
  let closeWith!: (c: { code: number; reason: string }) => void;
  const fake: ForgetSession & { requests: string[]; closedByClient: boolean } = {
    requests: [],
    closedByClient: false,
    closed: new Promise((resolve) => (closeWith = resolve)),
    async request(method) {
      fake.requests.push(method);
      if (closeAfterAnswer) setImmediate(() => closeWith(closeAfterAnswer));
      if (answer.ok) return { ok: true };
      throw Object.assign(new Error(method), {
        wire: { code: answer.code, message: "", details: answer.detail ? { code: answer.detail } : undefined },
      });
    },
    close() {
      fake.closedByClient = true;
    },
  };
  return fake;
}

const REMOVED = { code: 4001, reason: "device removed" };
const fast = { answerMs: 200, removalMs: 50 };
const refusedAs = (code: string, detail?: string) => ({
  ok: false as const,
  error: { code, details: { code: detail } },
});

/** A fake reconnect with the stored token: each call takes the next reply. */
function fakeConnects(...replies: Array<"unreachable" | ReturnType<typeof refusedAs> | ForgetSession>) {
  const calls = { count: 0 };
  const connect: ConnectWithStoredToken = async () => {
    calls.count++;
    const next = replies.shift() ?? "unreachable";
    if (next === "unreachable") throw new Error("ECONNREFUSED");
    if ("ok" in next) return next;
    return { ok: true, session: next };
  };
  return { connect, calls };
}

describe("forgetOnGateway (fake sessions)", () => {
  it("ok answer + 4001 'device removed' on that socket → told, without a reconnect", async () => {
    const live = fakeSession({ ok: true }, REMOVED);
    const { connect, calls } = fakeConnects();
    expect(await forgetOnGateway(live, connect, fast)).toBe("told");
    expect(live.requests).toEqual(["pairing.forgetSelf"]);
    expect(calls.count).toBe(0);
    expect(live.closedByClient).toBe(false); // the live session belongs to the socket actor
  });

  it("FORGET_UNAVAILABLE (or any error answer) → refused, not offline", async () => {
    const { connect } = fakeConnects();
    const unavailable = { ok: false as const, code: "UNAVAILABLE", detail: "FORGET_UNAVAILABLE" };
    expect(await forgetOnGateway(fakeSession(unavailable), connect, fast)).toBe("refused");
    const invalid = { ok: false as const, code: "INVALID_REQUEST" };
    expect(await forgetOnGateway(fakeSession(invalid), connect, fast)).toBe("refused");
  });

  it("ok answer but no removal close → one reconnect decides: mismatch or NOT_PAIRED is told", async () => {
    const mismatch = fakeConnects(refusedAs("INVALID_REQUEST", "AUTH_DEVICE_TOKEN_MISMATCH"));
    expect(await forgetOnGateway(fakeSession({ ok: true }), mismatch.connect, fast)).toBe("told");
    expect(mismatch.calls.count).toBe(1);
    const notPaired = fakeConnects(refusedAs("NOT_PAIRED", "PAIRING_REQUIRED"));
    expect(await forgetOnGateway(fakeSession({ ok: true }), notPaired.connect, fast)).toBe("told");
  });

  it("ok answer, but the stored token still connects → unconfirmed (and that session is closed)", async () => {
    const stillTrusted = fakeSession({ ok: true });
    const { connect } = fakeConnects(stillTrusted);
    expect(await forgetOnGateway(fakeSession({ ok: true }), connect, fast)).toBe("unconfirmed");
    expect(stillTrusted.closedByClient).toBe(true);
  });

  it("a close that is not a removal does not count as told", async () => {
    const { connect } = fakeConnects("unreachable");
    const closedOtherwise = fakeSession({ ok: true }, { code: 4001, reason: "gateway auth changed" });
    expect(await forgetOnGateway(closedOtherwise, connect, fast)).toBe("unconfirmed");
  });

  it("the answer lost with the socket → confirmed by the removal close or the reconnect", async () => {
    const lost = fakeSession({ ok: false, code: "CONNECTION_LOST" }, REMOVED);
    expect(await forgetOnGateway(lost, fakeConnects().connect, fast)).toBe("told");
  });

  it("not connected: opens its own session and closes it afterwards; unreachable → offline", async () => {
    const own = fakeSession({ ok: true }, REMOVED);
    expect(await forgetOnGateway(null, fakeConnects(own).connect, fast)).toBe("told");
    expect(own.closedByClient).toBe(true);
    expect(await forgetOnGateway(null, fakeConnects("unreachable").connect, fast)).toBe("offline");
    const gone = fakeConnects(refusedAs("INVALID_REQUEST", "AUTH_DEVICE_TOKEN_MISMATCH"));
    expect(await forgetOnGateway(null, gone.connect, fast)).toBe("told");
    const otherRefusal = fakeConnects(refusedAs("UNAVAILABLE"));
    expect(await forgetOnGateway(null, otherRefusal.connect, fast)).toBe("offline");
  });

  it("a stock gateway: the gateway's own device.pair.remove, confirmed by the removal close", async () => {
    const live = fakeSession({ ok: true }, REMOVED);
    const { connect } = fakeConnects();
    const ask = { method: "device.pair.remove", params: { deviceId: "ab".repeat(32) } };
    expect(await forgetOnGateway(live, connect, fast, ask)).toBe("told");
    expect(live.requests).toEqual(["device.pair.remove"]);
  });

  it("a device whose scopes cannot remove it: not-allowed, without asking the gateway anything", async () => {
    const live = fakeSession({ ok: true }, REMOVED);
    const { connect, calls } = fakeConnects();
    expect(await forgetOnGateway(live, connect, fast, null)).toBe("not-allowed");
    expect(live.requests).toEqual([]);
    expect(calls.count).toBe(0);
  });
});
