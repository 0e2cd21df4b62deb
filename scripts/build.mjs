// npm run build: the plugin (and, as they land, the CLI, Electron main/preload and the renderer).
import { build } from "esbuild";
import { rmSync } from "node:fs";

const common = { bundle: true, platform: "node", logLevel: "warning", sourcemap: false, legalComments: "none" };

// The plugin: `openclaw/*` imports are provided by the gateway's loader at run time.
rmSync("gateway-plugin/dist", { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ["gateway-plugin/src/index.ts"],
  outfile: "gateway-plugin/dist/index.js",
  format: "esm",
  target: "node24",
  external: ["openclaw", "openclaw/*"],
});
console.log("built gateway-plugin/dist");

// The headless CLI. keytar is a native addon and stays a runtime dependency.
await build({
  ...common,
  entryPoints: ["src/cli/ocmap.node.ts"],
  outfile: "dist/cli/ocmap.mjs",
  format: "esm",
  target: "node20",
  external: ["keytar", "bufferutil", "utf-8-validate"],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
console.log("built dist/cli");
