// vitest.config.ts and vitest.unit.config.ts list the test files themselves; vitest matches those lists as globs
// against '/'-separated paths on every OS, so a list built with Node's platform `join` ('\' on Windows) matches
// nothing there and the Windows job runs no test. Here Node's path module is swapped for its Windows flavour
// (and the file system told to accept '\' the way Windows does) before the configs load: every listed file must
// still be '/'-separated and exist.
import { existsSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";

vi.mock("node:path", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:path")>();
  return { ...actual.win32, default: actual.win32, posix: actual.posix, win32: actual.win32 };
});
vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  const slashes = (path: unknown) => (typeof path === "string" ? path.replaceAll("\\", "/") : path);
  const fs = {
    ...actual,
    existsSync: (path: string) => actual.existsSync(slashes(path) as string),
    readFileSync: (path: string, ...rest: [BufferEncoding]) => actual.readFileSync(slashes(path) as string, ...rest),
    readdirSync: (path: string, options: { withFileTypes: true }) =>
      actual.readdirSync(slashes(path) as string, options),
  };
  return { ...fs, default: fs };
});

type Project = { test: { name: string; include: string[] } };
const includes = (projects: Project[]) => projects.flatMap((project) => project.test.include);
const FORWARD_SLASHED_TEST = /^test\/(?:[\w.-]+\/)*[\w.-]+\.test\.ts$/;

describe("the test file lists, as built on Windows", () => {
  it("the path module really is Windows' here (the check can fail)", async () => {
    const path = await import("node:path");
    expect(path.join("test", "core")).toBe("test\\core");
  });

  it("npm test's list: every file '/'-separated, existing, this file among them", async () => {
    const { testFiles, scheduled } = await import("../../vitest.config.ts");
    const files = includes(scheduled(testFiles()) as Project[]);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      expect(file).toMatch(FORWARD_SLASHED_TEST);
      expect(existsSync(file), file).toBe(true);
    }
    expect(files).toContain("test/lint/test-lists-on-windows.test.ts");
  });

  it("npm run test:unit's list: '/'-separated; what a file imports is still followed, test/harness not", async () => {
    const config = (await import("../../vitest.unit.config.ts")).default as { test: { projects: Project[] } };
    const files = includes(config.test.projects);
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) expect(file).toMatch(FORWARD_SLASHED_TEST);
    expect(files).toContain("test/lint/test-lists-on-windows.test.ts");
    expect(files).not.toContain("test/electron/electron-app.e2e.test.ts"); // starts a gateway
    // Takes only repoRoot from test/harness/gateway.ts (the harness that starts gateways is not followed).
    expect(files).toContain("test/packaging/ci-workflow.test.ts");
  });
});
