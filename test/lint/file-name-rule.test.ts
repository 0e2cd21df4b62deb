// The file-name rule is enforced by eslint.config.js: these cases prove each restriction fires (and
// stays quiet where the import is allowed), by linting snippets as if they lived at the given paths.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint();

async function restrictedBy(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "no-restricted-globals")
    .map((m) => m.message);
}

describe("file-name rule", () => {
  it(".std files import no Node module, no electron and use no DOM or Node globals", async () => {
    expect(
      await restrictedBy("src/core/x.std.ts", `import { readFileSync } from "node:fs";\nreadFileSync("a");\n`),
    ).toEqual([expect.stringContaining(".std files run anywhere")]);
    expect(await restrictedBy("src/core/x.std.ts", `import { join } from "path";\njoin("a");\n`)).toHaveLength(1);
    expect(await restrictedBy("src/core/x.std.ts", `import { app } from "electron";\napp.quit();\n`)).toHaveLength(1);
    expect(await restrictedBy("src/core/x.std.ts", `export const t = document.title;\n`)).toHaveLength(1);
    expect(await restrictedBy("src/core/x.std.ts", `export const e = process.env;\n`)).toHaveLength(1);
    expect(await restrictedBy("src/core/x.std.ts", `import { z } from "./y.std.ts";\nexport const q = z;\n`)).toEqual(
      [],
    );
  });

  it("only .main and .preload files import electron", async () => {
    const source = `import { app } from "electron";\napp.quit();\n`;
    expect(await restrictedBy("src/main/x.node.ts", source)).toHaveLength(1);
    expect(await restrictedBy("src/renderer/x.dom.tsx", source)).toHaveLength(1);
    expect(await restrictedBy("src/main/x.main.ts", source)).toEqual([]);
    expect(await restrictedBy("src/preload/x.preload.ts", source)).toEqual([]);
  });

  it(".dom files import no Node module; .node files may", async () => {
    const source = `import { readFileSync } from "node:fs";\nreadFileSync("a");\n`;
    expect(await restrictedBy("src/renderer/x.dom.tsx", source)).toEqual([expect.stringContaining("browser")]);
    expect(await restrictedBy("src/core/x.node.ts", source)).toEqual([]);
  });
});
