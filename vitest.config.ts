import { defineConfig } from "vitest/config";

// Files that lock the sandbox's one keyring run alone first; then every other file, three at a time. A real gateway
// costs ~1 GB and ~8 s of CPU; most files then spend their time waiting on it (a 120 s code lifetime, a reconnect
// timer), so a third file keeps 2 cores busy. npm test on 2 cores: 9.1 min idle (10.7 under other load) with three at
// a time, 13.1 with two (under load), 17 with one.
export const keyringLockingFiles = ["test/faults/keychain-locked.test.ts"];

export const testDefaults = {
  pool: "forks" as const,
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    ...testDefaults,
    maxWorkers: 3,
    reporters: ["default", "./test/harness/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: { name: "keyring-locking", include: keyringLockingFiles, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: "suite",
          include: ["test/**/*.test.ts"],
          exclude: keyringLockingFiles,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
