// `npm run test:unit`: every test file that needs no gateway and no browser, found by what it imports, so a new
// unit test is picked up without being listed. `npm test` still runs everything (vitest.config.ts).
import { existsSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import { defineConfig } from "vitest/config";
import { scheduled, testDefaults, testFiles } from "./vitest.config.ts";

const needsGatewayOrBrowser = /startGateway|playwright-core|renderer-in-chromium|paired-core|_electron/;

// A test's own helper modules count too (test/fuzz/hostile-http-gateway.ts starts the gateway for three files);
// test/harness is not followed: it defines startGateway for everyone.
function needsMore(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file) || !existsSync(file)) return false; // test/lint quotes imports of files that do not exist
  seen.add(file);
  const text = readFileSync(file, "utf8");
  if (needsGatewayOrBrowser.test(text)) return true;
  const localImports = [...text.matchAll(/from "(\.{1,2}\/[^"]+\.ts)"/g)].map((match) =>
    posix.join(posix.dirname(file), match[1]!),
  );
  return localImports.some((imported) => !imported.startsWith("test/harness/") && needsMore(imported, seen));
}

const unitFiles = testFiles().filter((file) => !needsMore(file));

export default defineConfig({ test: { ...testDefaults, projects: scheduled(unitFiles) } });
