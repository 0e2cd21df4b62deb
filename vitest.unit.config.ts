// `npm run test:unit`: every test file that needs no gateway and no browser, found by what it imports, so a new
// unit test is picked up without being listed. `npm test` still runs everything (vitest.config.ts).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

const needsGatewayOrBrowser = /startGateway|playwright-core|renderer-in-chromium|paired-core|_electron/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

const unitFiles = testFiles("test").filter((file) => !needsGatewayOrBrowser.test(readFileSync(file, "utf8")));

// Not mergeConfig: it would append to the base include list instead of replacing it.
export default defineConfig({ test: { ...base.test, include: unitFiles, fileParallelism: true } });
