import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A real gateway costs ~1 GB and ~8 s; files run one at a time, each with at most one gateway.
    fileParallelism: false,
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/harness/summary-reporter.ts"],
  },
});
