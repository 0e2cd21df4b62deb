import { readFileSync, readdirSync } from "node:fs";
import { posix } from "node:path";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

// Files that lock the sandbox's one keyring run alone first; then every other file, two at a time. A real gateway
// costs ~1 GB and ~8 s of CPU; most files then spend their time waiting on it (a 120 s code lifetime, a reconnect
// timer). Two at a time since the suite grew to ~100 files with several gateway restarts each: three at a time
// starved gateway start-up on 2 cores under other load (hooks and tests timing out, nothing wrong in the code).

export function testFiles(dir = "test"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(dir, entry.name); // globs and includes need "/" on Windows too
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

// Found by what a file imports, so a new test that locks the keyring is kept apart without being listed.
const locksKeyring = /import \{[^}]*\block(?:Keyring)?\b[^}]*\} from "\.\.\/harness\/keyring\.ts"/;
const keyringLocking = (file: string) => locksKeyring.test(readFileSync(file, "utf8"));

/** The two groups, in order: the keyring-locking files one by one, then the rest side by side. */
export function scheduled(files: string[]): TestProjectInlineConfiguration[] {
  const locking = files.filter(keyringLocking);
  return [
    { extends: true, test: { name: "keyring-locking", include: locking, maxWorkers: 1, sequence: { groupOrder: 0 } } },
    {
      extends: true,
      test: { name: "suite", include: files.filter((file) => !locking.includes(file)), sequence: { groupOrder: 1 } },
    },
  ];
}

export const testDefaults = {
  pool: "forks" as const,
  testTimeout: 120_000,
  hookTimeout: 420_000, // above the harness's 180 s readiness wait with its two restarts
  maxWorkers: 2,
  reporters: ["default", "./test/harness/summary-reporter.ts"],
};

export default defineConfig({ test: { ...testDefaults, projects: scheduled(testFiles()) } });
