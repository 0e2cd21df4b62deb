// Property-based tests of the pairing-code parser (shared by client and plugin), against an
// independent reference of the contract: Crockford base32, Luhn mod 32, case-insensitive, spaces
// and dashes ignored, O→0 and I/L→1.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CROCKFORD, checkSymbol, codeFromRandom, formatCode, parsePairingCode } from "@ocmap/protocol/pairing-code";

const REASONS = ["CODE_EMPTY", "CODE_LENGTH", "CODE_SYMBOL", "CODE_CHECK"];

/** Luhn mod 32 validation written from the algorithm's definition, not from the implementation. */
function referenceValid(code: string): boolean {
  const digits = [...code].map((c) => CROCKFORD.indexOf(c)).reverse();
  if (digits.length !== 8 || digits.some((d) => d < 0)) return false;
  const sum = digits.reduce((acc, d, i) => {
    const v = i % 2 === 1 ? d * 2 : d;
    return acc + Math.floor(v / 32) + (v % 32);
  }, 0);
  return sum % 32 === 0;
}

const symbol = fc.constantFrom(...CROCKFORD);
const canonical = fc.array(symbol, { minLength: 7, maxLength: 7 }).map((p) => p.join("") + checkSymbol(p.join("")));
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ maxLength: 12 }),
);

describe("parsePairingCode: properties", () => {
  it("never throws, on any string or value, and fails only with the four reasons and a fixed sentence", () => {
    const messages = new Set<string>();
    fc.assert(
      fc.property(fc.oneof(anyText, fc.anything()), (input) => {
        const r = parsePairingCode(input);
        if (r.ok) return;
        expect(REASONS).toContain(r.reason);
        messages.add(r.message);
      }),
      { numRuns: 5000 },
    );
    // The message never quotes what was typed: a handful of fixed sentences whatever the input.
    expect(messages.size).toBeLessThanOrEqual(6);
  });

  it("accepts an 8-symbol string exactly when its check symbol is right (agrees with a reference Luhn mod 32)", () => {
    fc.assert(
      fc.property(fc.array(symbol, { minLength: 8, maxLength: 8 }), (syms) => {
        const s = syms.join("");
        const r = parsePairingCode(s);
        expect(r.ok).toBe(referenceValid(s));
        if (!r.ok) expect(r.reason).toBe("CODE_CHECK");
      }),
      { numRuns: 5000 },
    );
  });

  it("whatever it accepts is 8 Crockford symbols that pass the check, shown XXXX-XXXX", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, canonical), (input) => {
        const r = parsePairingCode(input);
        if (!r.ok) return;
        expect(r.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
        expect(referenceValid(r.code)).toBe(true);
        expect(r.display).toBe(`${r.code.slice(0, 4)}-${r.code.slice(4)}`);
        expect(parsePairingCode(r.display)).toEqual(r);
      }),
      { numRuns: 3000 },
    );
  });

  it("normalises case, dashes, spaces, O→0 and I/L→1 to the same code", () => {
    const variant = (code: string) =>
      fc
        .tuple(
          fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
          fc.array(fc.constantFrom("", "", "", "-", " ", "  ", "\t", "--"), { minLength: 9, maxLength: 9 }),
          fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        )
        .map(
          ([lower, seps, pick]) =>
            [...code]
              .map((c, i) => {
                const alts =
                  c === "0"
                    ? ["0", "O", "o"]
                    : c === "1"
                      ? ["1", "I", "i", "L", "l"]
                      : [lower[i] ? c.toLowerCase() : c];
                return seps[i]! + alts[pick[i]! % alts.length]!;
              })
              .join("") + seps[8]!,
        );
    fc.assert(
      fc.property(
        canonical.chain((code) => fc.tuple(fc.constant(code), variant(code))),
        ([code, typed]) => {
          const r = parsePairingCode(typed);
          expect(r).toEqual({ ok: true, code, display: formatCode(code) });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("every code made by codeFromRandom parses to itself, and distinct 35-bit inputs make distinct codes", () => {
    const first40 = (b: Uint8Array) =>
      (BigInt(b[0]!) << 32n) | (BigInt(b[1]!) << 24n) | (BigInt(b[2]!) << 16n) | (BigInt(b[3]!) << 8n) | BigInt(b[4]!);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 5, maxLength: 16 }),
        fc.uint8Array({ minLength: 5, maxLength: 5 }),
        (a, b) => {
          const code = codeFromRandom(a);
          expect(parsePairingCode(code)).toEqual({ ok: true, code, display: formatCode(code) });
          expect(parsePairingCode(formatCode(code).toLowerCase())).toMatchObject({ ok: true, code });
          expect(code === codeFromRandom(b)).toBe(first40(a) >> 5n === first40(b) >> 5n); // 35 of the 40 bits
        },
      ),
      { numRuns: 3000 },
    );
    expect(() => codeFromRandom(new Uint8Array(4))).toThrow();
  });

  it("catches every single-symbol substitution", () => {
    fc.assert(
      fc.property(canonical, fc.nat({ max: 7 }), symbol, (code, i, s) => {
        fc.pre(code[i] !== s);
        const typo = code.slice(0, i) + s + code.slice(i + 1);
        expect(parsePairingCode(typo)).toMatchObject({ ok: false, reason: "CODE_CHECK" });
      }),
      { numRuns: 5000 },
    );
  });

  it("catches every adjacent transposition except Luhn's blind spot 0Z↔Z0", () => {
    fc.assert(
      fc.property(canonical, fc.nat({ max: 6 }), (code, i) => {
        fc.pre(code[i] !== code[i + 1]);
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        const blindSpot = [code[i], code[i + 1]].sort().join("") === "0Z";
        expect(parsePairingCode(swapped).ok).toBe(blindSpot);
      }),
      { numRuns: 5000 },
    );
  });

  it("refuses look-alikes of code symbols: fullwidth, Cyrillic and Greek letters, zero-width and bidi marks", () => {
    // Fullwidth, Cyrillic, Greek and other look-alikes (escaped, so that no editor normalises them away).
    const lookalikes: Record<string, string[]> = {
      "0": ["\uff10", "\u041e", "\u039f", "\u3007"],
      "1": ["\uff11", "\u0406", "\u0399", "\u01c0", "\u217c"],
      A: ["\uff21", "\u0410", "\u0391"],
      B: ["\uff22", "\u0412", "\u0392"],
      C: ["\u0421", "\u03f9"],
      E: ["\u0415", "\u0395"],
      H: ["\u041d", "\u0397"],
      K: ["\u041a", "\u039a", "\u212a"],
      M: ["\u041c", "\u039c"],
      P: ["\u0420", "\u03a1"],
      T: ["\u0422", "\u03a4"],
      X: ["\u0425", "\u03a7"],
    };
    const invisible = ["\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f", "\u202e", "\u2066", "\u00ad"];
    fc.assert(
      fc.property(canonical, fc.nat({ max: 7 }), fc.nat(), fc.constantFrom(...invisible), (code, i, pick, mark) => {
        const alts = lookalikes[code[i]!];
        if (alts) {
          const homoglyph = code.slice(0, i) + alts[pick % alts.length] + code.slice(i + 1);
          expect(parsePairingCode(homoglyph).ok).toBe(false);
        }
        expect(parsePairingCode(code.slice(0, i) + mark + code.slice(i)).ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it("reads the few non-ASCII letters that Unicode upper-cases into code letters as those letters (ı→I→1, ſ→S)", () => {
    // Documented, harmless leniency of toUpperCase: the result is still the one canonical code.
    const code = "1ABC1DE" + checkSymbol("1ABC1DE");
    expect(parsePairingCode(code.replace(/1/g, "\u0131"))).toMatchObject({ ok: true, code });
    expect(parsePairingCode("\u017f")).toMatchObject({ ok: false, reason: "CODE_LENGTH" });
    const s = "SSSSSSS" + checkSymbol("SSSSSSS");
    expect(parsePairingCode(s.replace(/S/g, "\u017f"))).toMatchObject({ ok: true, code: s });
    expect(parsePairingCode("x".repeat(65))).toMatchObject({ ok: false, reason: "CODE_LENGTH" });
  });
});
