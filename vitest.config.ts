import { defineConfig } from "vitest/config";

// Files that lock the sandbox's one keyring run alone first; then every other file, two at a time (one per core).
// A real gateway costs ~1 GB and ~8 s of CPU, so two at once is what 2 cores and the memory allow.
export const keyringLockingFiles = ["test/faults/keychain-locked.test.ts"];

export const testDefaults = {
  pool: "forks" as const,
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    ...testDefaults,
    maxWorkers: 2,
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
