// Prints the plain closing line CI reads: "tests: N passed, N failed, N skipped".
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of modules) {
      let moduleFailures = 0;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") moduleFailures++;
        else skipped++;
      }
      // A failed file with no failed test (a throwing beforeAll, an import error) is a failure too.
      failed += testModule.state() === "failed" && moduleFailures === 0 ? 1 : moduleFailures;
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
