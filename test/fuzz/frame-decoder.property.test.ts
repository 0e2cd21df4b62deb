// Property-based tests of the client's frame decoder: every frame from the gateway is hostile
// until proven otherwise. It never throws, refuses anything over its byte limit, and lets through
// only event and response frames of the gateway's shape, unchanged.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFrame, MAX_FRAME_BYTES } from "../../src/core/frame-decoder.std.ts";

const utf8Length = (s: string) => Buffer.byteLength(s, "utf8");
const anyString = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary-ascii" }),
  fc.json(),
);
const nonEmpty = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0);

const eventFrame = fc.record(
  { type: fc.constant("event"), event: nonEmpty, payload: fc.jsonValue(), seq: fc.nat() },
  { requiredKeys: ["type", "event"] },
);
const errorShape = fc.record(
  { code: nonEmpty, message: nonEmpty, retryable: fc.boolean(), retryAfterMs: fc.nat(), details: fc.jsonValue() },
  { requiredKeys: ["code", "message"] },
);
const resFrame = fc.record(
  { type: fc.constant("res"), id: nonEmpty, ok: fc.boolean(), payload: fc.jsonValue(), error: errorShape },
  { requiredKeys: ["type", "id", "ok"] },
);

/** What the gateway's frame shapes allow, written out independently of the guards. */
function isValidFrame(frame: any): boolean {
  if (!frame || typeof frame !== "object" || Array.isArray(frame)) return false;
  const nonEmptyString = (x: unknown) => typeof x === "string" && x.length > 0;
  const count = (x: unknown) => x === undefined || (typeof x === "number" && Number.isInteger(x) && x >= 0);
  if (frame.type === "event") return nonEmptyString(frame.event) && count(frame.seq);
  if (frame.type !== "res" || !nonEmptyString(frame.id) || typeof frame.ok !== "boolean") return false;
  const frameError = frame.error;
  if (frameError === undefined) return true;
  return (
    !!frameError &&
    typeof frameError === "object" &&
    !Array.isArray(frameError) &&
    nonEmptyString(frameError.code) &&
    nonEmptyString(frameError.message) &&
    (frameError.retryable === undefined || typeof frameError.retryable === "boolean") &&
    count(frameError.retryAfterMs)
  );
}

describe("decodeFrame: properties", () => {
  it("never throws on arbitrary strings, unicode (lone surrogates included) or bytes", () => {
    fc.assert(
      fc.property(
        fc.oneof(anyString, fc.uint8Array({ maxLength: 512 })),
        fc.integer({ min: 0, max: 4096 }),
        (data, max) => {
          const decoded = decodeFrame(data, max);
          if (!decoded.ok) expect(["too-large", "not-json", "not-a-frame"]).toContain(decoded.reason);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("refuses exactly what is over the byte limit, measured in UTF-8 bytes", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyString,
          eventFrame.map((f) => JSON.stringify(f)),
        ),
        fc.integer({ min: 0, max: 300 }),
        (text, max) => {
          const decoded = decodeFrame(text, max);
          expect(!decoded.ok && decoded.reason === "too-large").toBe(utf8Length(text) > max);
          const bytes = new TextEncoder().encode(text);
          const rb = decodeFrame(bytes, max);
          expect(!rb.ok && rb.reason === "too-large").toBe(bytes.byteLength > max);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("accepts every event and response frame of the gateway's shape, unchanged, from text and from bytes", () => {
    fc.assert(
      fc.property(fc.oneof(eventFrame, resFrame), (frame) => {
        const text = JSON.stringify(frame);
        for (const data of [text, new TextEncoder().encode(text)]) {
          const decoded = decodeFrame(data);
          expect(decoded.ok).toBe(true);
          if (decoded.ok) expect(decoded.frame).toEqual(JSON.parse(text));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it(
    "lets through only event and res frames: " + "requests, other types, arrays and malformed shapes are not-a-frame",
    () => {
      const frameLike = fc.record(
        {
          type: fc.oneof(fc.constantFrom("event", "res", "req", "hello", "EVENT", ""), fc.jsonValue()),
          event: fc.oneof(nonEmpty, fc.constantFrom("", "  "), fc.jsonValue()),
          id: fc.oneof(nonEmpty, fc.constant(""), fc.jsonValue()),
          ok: fc.oneof(fc.boolean(), fc.jsonValue()),
          seq: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.double(), fc.jsonValue()),
          error: fc.oneof(errorShape, fc.jsonValue()),
          method: fc.string(),
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(fc.oneof(frameLike, fc.jsonValue()), (value) => {
          const decoded = decodeFrame(JSON.stringify(value) ?? "undefined");
          expect(decoded.ok).toBe(isValidFrame(JSON.parse(JSON.stringify(value) ?? "null")));
          if (decoded.ok) expect(["event", "res"]).toContain(decoded.frame.type);
          else expect(["not-a-frame", "not-json"]).toContain(decoded.reason);
        }),
        { numRuns: 5000 },
      );
    },
  );

  it("rejects bytes that are not UTF-8 as not-json instead of decoding them loosely", () => {
    fc.assert(
      fc.property(
        fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]),
        fc.nat({ max: 20 }),
        (bad, at) => {
          const text = new TextEncoder().encode(
            JSON.stringify({ type: "event", event: "tick", payload: "x".repeat(20) }),
          );
          const cutAt = Math.min(at + 30, text.length - 2);
          const bytes = new Uint8Array([...text.slice(0, cutAt), ...bad, ...text.slice(cutAt)]);
          expect(decodeFrame(bytes)).toEqual({ ok: false, reason: "not-json" });
        },
      ),
    );
  });

  it("handles huge, deeply nested and prototype-polluting input without throwing or polluting", () => {
    const huge = "x".repeat(MAX_FRAME_BYTES + 1);
    const started = performance.now();
    expect(decodeFrame(huge)).toEqual({ ok: false, reason: "too-large" });
    expect(decodeFrame(new Uint8Array(MAX_FRAME_BYTES + 1))).toEqual({ ok: false, reason: "too-large" });
    // Multi-byte text whose UTF-16 length is under the limit but whose UTF-8 length is over it.
    const wide = "€".repeat(Math.floor(MAX_FRAME_BYTES / 3) + 1);
    expect(wide.length).toBeLessThan(MAX_FRAME_BYTES);
    expect(decodeFrame(wide)).toEqual({ ok: false, reason: "too-large" });
    // Just under the limit: parsed, not refused.
    const big = JSON.stringify({ type: "event", event: "tick", payload: "y".repeat(MAX_FRAME_BYTES - 64) });
    expect(decodeFrame(big).ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);

    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(decodeFrame(deep)).toMatchObject({ ok: false });
    const deepObject = `{"type":"event","event":"tick","payload":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`;
    expect(decodeFrame(deepObject).ok).toBe(true);

    const polluting = decodeFrame(
      '{"type":"event","event":"x","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    expect(polluting.ok).toBe(true);
    expect(({} as any).polluted).toBeUndefined();
    expect((Object.prototype as any).polluted).toBeUndefined();
  });
});
