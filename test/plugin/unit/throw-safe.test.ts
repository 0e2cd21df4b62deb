// throw-safe.ts on its own: a wrapped function never throws or rejects, whatever it or its error handler does,
// and what it logs carries no token.
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { describeError, safely } from "../../../gateway-plugin/src/throw-safe.ts";

function recorder() {
  const lines: string[] = [];
  return { lines, log: { warn: (line: string) => void lines.push(line) } };
}

it("a synchronous throw is logged and answered by onError", () => {
  const { lines, log } = recorder();
  const run = safely(
    "http route",
    log,
    (n: number) => (n > 0 ? n : JSON.parse("{")),
    () => -1,
  );
  expect(run(2)).toBe(2);
  expect(run(0)).toBe(-1);
  expect(lines).toEqual([expect.stringMatching(/^ocmap-pairing: http route failed: SyntaxError: /)]);
});

it("a rejection is logged and answered by onError; a throwing onError and logger change nothing", async () => {
  const { lines, log } = recorder();
  const rejecting = safely(
    "gateway method",
    log,
    async (): Promise<string> => Promise.reject(new Error("gone")),
    () => "answered",
  );
  await expect(rejecting()).resolves.toBe("answered");
  expect(lines).toEqual(["ocmap-pairing: gateway method failed: Error: gone"]);
  const worst = safely(
    "sweep timer",
    {
      warn: () => {
        throw new Error("logger down");
      },
    },
    () => {
      throw new Error("first");
    },
    () => {
      throw new Error("second");
    },
  );
  expect(() => worst()).not.toThrow();
});

it("logs no token-like run, keeps words and ids, and stays short", () => {
  const token = randomBytes(32).toString("base64url");
  const text = describeError(new Error(`refused device-ownership-mismatch for ${"ab".repeat(32)} with ${token}`));
  expect(text).not.toContain(token);
  expect(text).toContain("[redacted]");
  expect(text).toContain("device-ownership-mismatch");
  expect(describeError(new Error("x".repeat(500))).length).toBe(200);
  expect(describeError("a string")).toBe("non-error thrown (string)");
});
