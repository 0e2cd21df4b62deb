// The one-letter-names rule (eslint-rules/one-letter-names.js) fires where a name should say what it is, and stays
// quiet for tiny expression-bodied lambdas, loop counters and `_`.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint();

async function flagged(source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: "src/core/example.std.ts" });
  return (result?.messages ?? []).filter((m) => m.ruleId === "ocmap/one-letter-names").map((m) => m.message);
}

describe("one-letter names", () => {
  it("flags variables, parameters of block-bodied functions, function names and catch parameters", async () => {
    expect(await flagged("export const x = 1;\n")).toEqual([expect.stringContaining('"x"')]);
    expect(await flagged("export function f(count: number) {\n  return count;\n}\n")).toHaveLength(1);
    expect(await flagged("export function twice(n: number) {\n  return n * 2;\n}\n")).toHaveLength(1);
    expect(await flagged("export const run = (v: number) => {\n  return v;\n};\n")).toHaveLength(1);
    expect(await flagged("try {\n  JSON.parse('');\n} catch (e) {\n  void e;\n}\n")).toHaveLength(1);
    expect(await flagged("export const { a } = { a: 1 };\n")).toHaveLength(1);
  });

  it("allows tiny lambdas, loop counters and _", async () => {
    expect(await flagged("export const sorted = [3, 1].sort((a, b) => a - b);\n")).toEqual([]);
    expect(await flagged("let total = 0;\nfor (let i = 0; i < 3; i++) total += i;\nexport { total };\n")).toEqual([]);
    expect(await flagged("export const [_, second] = [1, 2];\n")).toEqual([]);
  });
});
