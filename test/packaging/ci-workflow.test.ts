// The hosted workflow cannot run here (no GitHub runners, no Electron binary), so it is read: valid YAML, and the
// packaged-app job builds each OS's installer, installs it and launches the installed app in its smoke-test mode,
// with paths that match what electron-builder produces for this config. Whether the runs pass is GitHub's to show.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../harness/gateway.ts";

type Step = { name?: string; uses?: string; run?: string; if?: string; shell?: string; with?: Record<string, unknown> };
const text = readFileSync(join(repoRoot, ".github/workflows/ci.yml"), "utf8");
const workflow = parse(text, { uniqueKeys: true }) as { jobs: Record<string, any> };
const job = workflow.jobs["packaged-app"];
const builder = parse(readFileSync(join(repoRoot, "electron-builder.yml"), "utf8"));
const smokeFlag = /SMOKE_TEST_FLAG = "([^"]+)"/.exec(
  readFileSync(join(repoRoot, "src/main/smoke-test.main.ts"), "utf8"),
)![1]!;
const RUNNER_OS = { "ubuntu-24.04": "Linux", "macos-14": "macOS", "windows-2022": "Windows" } as const;

/** The steps a runner of `os` runs (GitHub evaluates `if: runner.os == '…'`), joined to one script to search. */
function stepsOn(os: keyof typeof RUNNER_OS): Step[] {
  return (job.steps as Step[]).filter((step) => {
    if (!step.if || step.if === "always()") return true;
    const match = /^runner\.os == '(Linux|macOS|Windows)'$/.exec(step.if);
    expect(match, `a condition this test understands: ${step.if}`).not.toBeNull();
    return match![1] === RUNNER_OS[os];
  });
}
const scriptOn = (os: keyof typeof RUNNER_OS) =>
  stepsOn(os)
    .map((step) => step.run ?? "")
    .join("\n");
/** Each needle is in the script, after the one before it. */
function expectInOrder(script: string, label: string, ...needles: string[]): void {
  let previous = -1;
  for (const needle of needles) {
    const at = script.indexOf(needle);
    expect(at, `${label}: ${needle}`).toBeGreaterThan(previous);
    previous = at;
  }
}

describe("the hosted workflow's packaged-app job", () => {
  it("runs on Linux, macOS arm64 and Windows runners, every step a `uses` or a `run`", () => {
    expect(job.strategy.matrix.os).toEqual(["ubuntu-24.04", "macos-14", "windows-2022"]); // macos-14: Apple silicon
    expect(job["runs-on"]).toBe("${{ matrix.os }}");
    expect(job.env.CSC_IDENTITY_AUTO_DISCOVERY).toBe("false"); // unsigned: the ad-hoc signature must hold
    for (const step of job.steps as Step[]) expect(Boolean(step.uses) !== Boolean(step.run), step.name).toBe(true);
  });

  it("builds the installer, then launches the installed app with the app's own smoke-test flag, on each OS", () => {
    expect(smokeFlag).toBe("--smoke-test");
    for (const os of Object.keys(RUNNER_OS) as Array<keyof typeof RUNNER_OS>) {
      expectInOrder(scriptOn(os), os, "npm run dist", smokeFlag);
    }
  });

  it("Linux: installs the deb and runs /opt/OCMAP/ocmap under xvfb (electron-builder's deb layout)", () => {
    const script = scriptOn("ubuntu-24.04");
    expect(builder.productName).toBe("OCMAP");
    expect(builder.linux.executableName).toBe("ocmap");
    expect(builder.linux.target).toContain("deb");
    expectInOrder(script, "linux", "apt-get install -y -qq ./release/ocmap_", "xvfb-run -a /opt/OCMAP/ocmap");
    expect(script).toContain("x-scheme-handler/ocmap");
  });

  it("macOS: builds arm64, verifies the signature of the dmg's app, then launches it", () => {
    const script = scriptOn("macos-14");
    expect(script).toContain("npm run dist -- --arm64");
    expectInOrder(
      script,
      "macOS",
      "hdiutil attach",
      "lipo -archs",
      "codesign --verify --deep --strict",
      `"$app/Contents/MacOS/OCMAP" ${smokeFlag}`,
    );
  });

  it("Windows: installs silently, checks ocmap:// in the registry, launches what it names, uninstalls it away", () => {
    const steps = stepsOn("windows-2022").filter((step) => step.run);
    for (const step of steps.filter((s) => /registry|ocmap:\/\/|smoke/i.test(s.name ?? "")))
      expect(step.shell).toBe("pwsh");
    const script = scriptOn("windows-2022");
    expectInOrder(
      script,
      "Windows",
      '-ArgumentList "/S"',
      "HKCU:\\Software\\Classes\\ocmap",
      `-FilePath $env:OCMAP_EXE -ArgumentList "${smokeFlag}"`,
      '"Uninstall OCMAP.exe"',
      'Test-Path "HKCU:\\Software\\Classes\\ocmap"',
    );
    // The command value the installer writes (assets/installer.nsh), as the script expects it.
    expect(script).toContain(`'^"(?<exe>[^"]+\\\\OCMAP\\.exe)" "%1"$'`);
    expect(builder.nsis.include).toBe("assets/installer.nsh");
  });

  it("the desktop job runs on Windows, and there runs the check that the test file lists are '/'-separated", () => {
    const desktop = workflow.jobs.desktop;
    expect(desktop.strategy.matrix.os).toContain("windows-2022");
    const runs = (desktop.steps as Step[]).map((step) => step.run ?? "").join("\n");
    expect(runs).toMatch(/npx vitest run [^\n]*[\s\S]*test\/lint\/test-lists-on-windows\.test\.ts/);
  });

  it("its bash steps parse, and every test file the workflow names exists", () => {
    for (const step of job.steps as Step[]) {
      if (!step.run || step.shell === "pwsh" || step.if === "runner.os == 'Windows'") continue;
      const check = spawnSync("bash", ["-n"], { input: step.run, encoding: "utf8" });
      expect(check.status, `${step.name}: ${check.stderr}`).toBe(0);
    }
    for (const [file] of text.matchAll(/test\/[\w/.-]+\.test\.ts/g))
      expect(existsSync(join(repoRoot, file)), file).toBe(true);
  });
});
