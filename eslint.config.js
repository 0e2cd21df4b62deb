import js from "@eslint/js";
import globals from "globals";
import { builtinModules } from "node:module";
import tseslint from "typescript-eslint";
import oneLetterNames from "./eslint-rules/one-letter-names.js";

// The file-name rule (README, "Where code may run"): the suffix says where a file may run, and these
// restrictions make a wrong import an error at lint time instead of a crash in the other process.
const nodeModules = builtinModules.flatMap((name) => [name, `${name}/*`, `node:${name}`, `node:${name}/*`]);
const nodeImport = { group: ["node:*", ...nodeModules], message: "needs Node: rename the file to .node.ts" };
const electronImport = {
  group: ["electron", "electron/*"],
  message: "only .main.ts and .preload.ts files import electron",
};
const runtimeGlobals = ["window", "document", "navigator", "localStorage", "process", "Buffer", "require", "global"];
const restrict = (...patterns) => ["error", { patterns }];

export default tseslint.config(
  { ignores: ["**/dist/**", "node_modules/**", ".gateway/**", "scripts/scratch/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    plugins: { ocmap: { rules: { "one-letter-names": oneLetterNames } } },
    rules: {
      "ocmap/one-letter-names": "error",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "no-control-regex": "off",
      "max-len": ["error", { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
      // Small files: under 300 lines, whatever they are.
      "max-lines": ["error", { max: 299 }],
    },
  },
  {
    files: ["**/*.std.ts", "**/*.std.tsx"],
    rules: {
      "no-restricted-imports": restrict(
        { ...nodeImport, message: ".std files run anywhere: no Node module (use .node.ts)" },
        { ...electronImport, message: ".std files run anywhere: no electron (use .main.ts)" },
      ),
      "no-restricted-globals": [
        "error",
        ...runtimeGlobals.map((name) => ({ name, message: ".std files run anywhere" })),
      ],
    },
  },
  {
    files: ["**/*.dom.ts", "**/*.dom.tsx"],
    rules: {
      "no-restricted-imports": restrict(
        { ...nodeImport, message: ".dom files run in a browser: no Node module" },
        electronImport,
      ),
    },
  },
  {
    files: ["**/*.node.ts"],
    rules: { "no-restricted-imports": restrict(electronImport) },
  },
);
