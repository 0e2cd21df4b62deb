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
  const sum = digits.reduce((acc, digit, index) => {
    const weighted = index % 2 === 1 ? digit * 2 : digit;
    return acc + Math.floor(weighted / 32) + (weighted % 32);
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
        const parsed = parsePairingCode(input);
        if (parsed.ok) return;
        expect(REASONS).toContain(parsed.reason);
        messages.add(parsed.message);
      }),
      { numRuns: 5000 },
    );
    // The message never quotes what was typed: a handful of fixed sentences whatever the input.
    expect(messages.size).toBeLessThanOrEqual(6);
  });

  it("accepts an 8-symbol string exactly when its check symbol is right (agrees with a reference Luhn mod 32)", () => {
    fc.assert(
      fc.property(fc.array(symbol, { minLength: 8, maxLength: 8 }), (syms) => {
        const text = syms.join("");
        const parsed = parsePairingCode(text);
        expect(parsed.ok).toBe(referenceValid(text));
        if (!parsed.ok) expect(parsed.reason).toBe("CODE_CHECK");
      }),
      { numRuns: 5000 },
    );
  });

  it("whatever it accepts is 8 Crockford symbols that pass the check, shown XXXX-XXXX", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, canonical), (input) => {
        const parsed = parsePairingCode(input);
        if (!parsed.ok) return;
        expect(parsed.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
        expect(referenceValid(parsed.code)).toBe(true);
        expect(parsed.display).toBe(`${parsed.code.slice(0, 4)}-${parsed.code.slice(4)}`);
        expect(parsePairingCode(parsed.display)).toEqual(parsed);
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
              .map((char, index) => {
                const alts =
                  char === "0"
                    ? ["0", "O", "o"]
                    : char === "1"
                      ? ["1", "I", "i", "L", "l"]
                      : [lower[index] ? char.toLowerCase() : char];
                return seps[index]! + alts[pick[index]! % alts.length]!;
              })
              .join("") + seps[8]!,
        );
    fc.assert(
      fc.property(
        canonical.chain((code) => fc.tuple(fc.constant(code), variant(code))),
        ([code, typed]) => {
          const parsed = parsePairingCode(typed);
          expect(parsed).toEqual({ ok: true, code, display: formatCode(code) });
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
        (randomA, randomB) => {
          const code = codeFromRandom(randomA);
          expect(parsePairingCode(code)).toEqual({ ok: true, code, display: formatCode(code) });
          expect(parsePairingCode(formatCode(code).toLowerCase())).toMatchObject({ ok: true, code });
          // 35 of the 40 bits
          expect(code === codeFromRandom(randomB)).toBe(first40(randomA) >> 5n === first40(randomB) >> 5n);
        },
      ),
      { numRuns: 3000 },
    );
    expect(() => codeFromRandom(new Uint8Array(4))).toThrow();
  });

  it("catches every single-symbol substitution", () => {
    fc.assert(
      fc.property(canonical, fc.nat({ max: 7 }), symbol, (code, position, replacement) => {
        fc.pre(code[position] !== replacement);
        const typo = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(parsePairingCode(typo)).toMatchObject({ ok: false, reason: "CODE_CHECK" });
      }),
      { numRuns: 5000 },
    );
  });

  it("catches every adjacent transposition except Luhn's blind spot 0Z↔Z0", () => {
    fc.assert(
      fc.property(canonical, fc.nat({ max: 6 }), (code, position) => {
        fc.pre(code[position] !== code[position + 1]);
        const swapped = code.slice(0, position) + code[position + 1] + code[position] + code.slice(position + 2);
        const blindSpot = [code[position], code[position + 1]].sort().join("") === "0Z";
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
      fc.property(
        canonical,
        fc.nat({ max: 7 }),
        fc.nat(),
        fc.constantFrom(...invisible),
        (code, position, pick, mark) => {
          const alts = lookalikes[code[position]!];
          if (alts) {
            const homoglyph = code.slice(0, position) + alts[pick % alts.length] + code.slice(position + 1);
            expect(parsePairingCode(homoglyph).ok).toBe(false);
          }
          expect(parsePairingCode(code.slice(0, position) + mark + code.slice(position)).ok).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("reads the few non-ASCII letters that Unicode upper-cases into code letters as those letters (ı→I→1, ſ→S)", () => {
    // Documented, harmless leniency of toUpperCase: the result is still the one canonical code.
    const code = "1ABC1DE" + checkSymbol("1ABC1DE");
    expect(parsePairingCode(code.replace(/1/g, "\u0131"))).toMatchObject({ ok: true, code });
    expect(parsePairingCode("\u017f")).toMatchObject({ ok: false, reason: "CODE_LENGTH" });
    const allS = "SSSSSSS" + checkSymbol("SSSSSSS");
    expect(parsePairingCode(allS.replace(/S/g, "\u017f"))).toMatchObject({ ok: true, code: allS });
    expect(parsePairingCode("x".repeat(65))).toMatchObject({ ok: false, reason: "CODE_LENGTH" });
  });
});
