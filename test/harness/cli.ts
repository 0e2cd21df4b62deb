// Runs the built `ocmap` CLI as a user would, each caller with its own keychain service name so
// tests never share trust.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { repoRoot } from "./gateway.ts";

export const ocmapBin = join(repoRoot, "bin/ocmap.mjs");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines (with --json). */
  lines: any[];
}

export function newKeychainService(): string {
  return `ocmap-test-${randomBytes(4).toString("hex")}`;
}

export function runCli(
  service: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /** Written to the child's stdin (then closed); without it stdin is /dev/null. */
    input?: string;
    /** Called once the child exists, with its pid (to read /proc/<pid>/cmdline, say). */
    onSpawn?: (pid: number) => void;
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ocmapBin, ...args], {
      env: { ...process.env, OCMAP_KEYCHAIN_SERVICE: service, ...options.env },
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    if (options.input !== undefined) child.stdin!.end(options.input);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `ocmap ${args.join(" ")} did not exit within ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, lines: parseLines(stdout) });
    });
  });
}

/** A long-running `ocmap connect --json`: wait on the lines it prints. */
export class CliProcess {
  readonly child: ChildProcess;
  readonly lines: any[] = [];
  stdout = "";
  stderr = "";
  readonly exited: Promise<number>;
  private waiters: Array<() => void> = [];

  constructor(service: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [ocmapBin, ...args], {
      env: { ...process.env, OCMAP_KEYCHAIN_SERVICE: service, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buf = "";
    this.child.stdout!.on("data", (chunk) => {
      this.stdout += chunk;
      buf += chunk;
      let newline: number;
      while ((newline = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, newline);
        buf = buf.slice(newline + 1);
        try {
          this.lines.push(JSON.parse(line));
        } catch {
          this.lines.push({ text: line });
        }
        this.waiters.forEach((w) => w());
      }
    });
    this.child.stderr!.on("data", (d) => (this.stderr += d));
    this.exited = new Promise((r) =>
      this.child.on("exit", (code) => (r(code ?? -1), this.waiters.forEach((w) => w()))),
    );
  }

  /** Resolves with the first line (from index `from`) that matches. */
  waitForLine(match: (line: any) => boolean, what: string, timeoutMs = 60_000, from = 0): Promise<any> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.lines.slice(from).find(match);
        if (hit) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve(hit);
        } else if (this.child.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`ocmap exited (${this.child.exitCode}) before ${what}\n${this.stdout}\n${this.stderr}`));
        }
      };
      const timer = setTimeout(
        () => reject(new Error(`no line for ${what} within ${timeoutMs} ms\n${this.stdout}\n${this.stderr}`)),
        timeoutMs,
      );
      this.waiters.push(check);
      check();
    });
  }

  stop() {
    this.child.kill("SIGTERM");
    return this.exited;
  }
}

function parseLines(text: string): any[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return { text: line };
      }
    });
}
