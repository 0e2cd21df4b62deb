// The renderer build: static files for loadFile() inside the asar (relative URLs, no dev server,
// nothing inline, so the strict CSP holds).
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * index.html fetches the chunks main.dom.tsx imports later (React) at once: a modulepreload link
 * downloads and compiles a module without running it, so it is ready when the entry asks for it.
 */
function preloadLazyChunks(): Plugin {
  return {
    name: "ocmap-preload-lazy-chunks",
    transformIndexHtml: {
      order: "post",
      handler: (_html, { bundle }) =>
        Object.values(bundle ?? {}).flatMap((item) =>
          item.type === "chunk" && item.isDynamicEntry
            ? [
                {
                  tag: "link",
                  injectTo: "head",
                  attrs: { rel: "modulepreload", crossorigin: true, href: `./${item.fileName}` },
                },
              ]
            : [],
        ),
    },
  };
}

export default defineConfig({
  root: here,
  base: "./",
  plugins: [react(), preloadLazyChunks()],
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../dist/renderer", import.meta.url)),
    emptyOutDir: true,
    target: "chrome140", // Electron 45
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
