import { readFileSync, readdirSync } from "node:fs";
import { posix } from "node:path";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

// Files that lock the sandbox's one keyring run alone first; then every other file, three at a time. A real gateway
// costs ~1 GB and ~8 s of CPU; most files then spend their time waiting on it (a 120 s code lifetime, a reconnect
// timer), so a third file keeps 2 cores busy. npm test on 2 cores: 9.1 min idle (10.7 under other load) with three at
// a time, 13.1 with two (under load), 17 with one.

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
  testTimeout: 60_000,
  hookTimeout: 120_000,
  maxWorkers: 3,
  reporters: ["default", "./test/harness/summary-reporter.ts"],
};

export default defineConfig({ test: { ...testDefaults, projects: scheduled(testFiles()) } });
