// npm run build: the plugin (and, as they land, the CLI, Electron main/preload and the renderer).
import { build } from "esbuild";
import { copyFileSync, cpSync, mkdirSync, rmSync } from "node:fs";

const common = { bundle: true, platform: "node", logLevel: "warning", sourcemap: false, legalComments: "none" };

// The plugin: `openclaw/*` imports are provided by the gateway's loader at run time; `ws` (its
// loopback admin session needs TLS options Node's own WebSocket lacks) is bundled, and the CJS it
// is written in gets a real `require` for Node's built-ins.
rmSync("gateway-plugin/dist", { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ["gateway-plugin/src/index.ts"],
  outfile: "gateway-plugin/dist/index.js",
  format: "esm",
  target: "node24",
  external: ["openclaw", "openclaw/*", "bufferutil", "utf-8-validate"],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
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
// The same bundle is the installable CLI package (packaging/cli: `npm run pack:cli`).
mkdirSync("packaging/cli/dist", { recursive: true });
copyFileSync("dist/cli/ocmap.mjs", "packaging/cli/dist/ocmap.mjs");
console.log("built dist/cli (and packaging/cli/dist)");

// The Node API for agent programs (package.json "exports": "./api"): the same core as the CLI; its types
// are the hand-kept declarations that the implementation is checked against.
await build({
  ...common,
  entryPoints: ["src/api/index.node.ts"],
  outfile: "dist/api/index.mjs",
  format: "esm",
  target: "node20",
  external: ["keytar", "bufferutil", "utf-8-validate"],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
copyFileSync("src/api/ocmap-api.d.ts", "dist/api/index.d.ts");
console.log("built dist/api");

// The Electron app: main and preload as CommonJS (electron is provided at run time; keytar is a
// native addon that stays a runtime dependency), the renderer with vite into dist/renderer.
const electronCommon = {
  ...common,
  format: "cjs",
  target: "node22",
  external: ["electron", "keytar", "bufferutil", "utf-8-validate"],
  // The main process pre-renders the first screen with React (src/main/first-screen.std.ts): React's
  // production build, and JSX as the renderer compiles it.
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
};
// import("keytar") becomes require("keytar"): Electron's require reads native addons from app.asar.unpacked.
await build({
  ...electronCommon,
  entryPoints: ["src/main/main.main.ts"],
  outfile: "dist/main/main.cjs",
  supported: { "dynamic-import": false },
});
// A sandboxed preload may only require("electron") and a few built-ins: everything else is bundled.
await build({
  ...electronCommon,
  entryPoints: ["src/preload/preload.preload.ts"],
  outfile: "dist/preload/preload.cjs",
  platform: "browser",
  target: "chrome140",
});
// The tray icons (drawn by scripts/make-tray-icons.ts) beside main.cjs, which loads them from there.
cpSync("assets/tray", "dist/main/tray", { recursive: true });
const { build: viteBuild } = await import("vite");
await viteBuild({ configFile: "src/renderer/vite.config.ts" });
console.log("built dist/main, dist/preload, dist/renderer");

// Clawpodz: the plugin's native Control UI page (browser ESM + CSS), served by the gateway from the
// manifest's `controlUi` entry. Self-contained: no external assets, nothing loaded at run time.
await build({
  bundle: true,
  logLevel: "warning",
  sourcemap: false,
  legalComments: "none",
  entryPoints: [
    { in: "gateway-plugin/src/control-ui/index.ts", out: "index" },
    { in: "gateway-plugin/src/control-ui/clawpodz.css", out: "index" },
  ],
  outdir: "gateway-plugin/dist/control-ui/v1",
  format: "esm",
  platform: "browser",
  target: "es2022",
  external: ["openclaw", "openclaw/*"],
});
console.log("built gateway-plugin/dist/control-ui");
