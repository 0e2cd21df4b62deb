// The Dockerfile, compose.yaml, systemd unit and the hosted workflow's container job, checked by reading them
// (docker cannot run on the machines these tests run on; the hosted workflow builds and runs the image for real).
// The container's entrypoint script runs for real here, with a recording stand-in for `ocmap` on PATH.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseGatewayUrl } from "../../src/core/gateway-url.std.ts";
import { repoRoot } from "../harness/gateway.ts";

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const scratch = mkdtempSync(join(tmpdir(), "ocmap-configs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Dockerfile instructions in order, continuation lines joined, comments dropped. */
function dockerInstructions(text: string): Array<{ op: string; args: string }> {
  const joined = text.replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(" ") };
    });
}

/** systemd unit: section → key → values (a key may repeat). */
function unitFile(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> = {};
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (!line || line.startsWith("#")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) sections[section[1]!] = current = {};
    else {
      const at = line.indexOf("=");
      (current[line.slice(0, at)] ??= []).push(line.slice(at + 1));
    }
  }
  return sections;
}

describe("packaging/docker/Dockerfile", () => {
  const steps = dockerInstructions(read("packaging/docker/Dockerfile"));
  const last = (op: string) => steps.filter((step) => step.op === op).at(-1)?.args;
  const env = Object.fromEntries(
    steps
      .filter((step) => step.op === "ENV")
      .flatMap((step) => step.args.split(/\s+/))
      .map((pair) => pair.split("=") as [string, string]),
  );

  it("runs as a non-root user, with `ocmap connect` as its command and `ocmap call health` as its health check", () => {
    const user = last("USER");
    expect(user).toBeTruthy();
    expect(["root", "0"]).not.toContain(user);
    const userAt = steps.findIndex((step) => step.op === "USER");
    expect(steps.slice(userAt).some((step) => step.op === "RUN")).toBe(false); // nothing runs as root after it
    expect(JSON.parse(last("CMD")!)).toEqual(["ocmap", "connect"]);
    const health = last("HEALTHCHECK")!;
    expect(JSON.parse(health.slice(health.indexOf("CMD ") + 4))).toEqual(["ocmap", "call", "health"]);
  });

  it("keeps the store on a volume and takes both keys from secrets, never from the image or the command line", () => {
    expect(env.OCMAP_STORE).toBe("/var/lib/ocmap");
    expect(JSON.parse(last("VOLUME")!)).toEqual([env.OCMAP_STORE]);
    expect(env.OCMAP_STORE_KEY_FILE).toMatch(/^\/run\/secrets\//);
    expect(env.OCMAP_ENROLL_KEY_FILE).toMatch(/^\/run\/secrets\//);
    const install = steps.find((step) => step.op === "RUN" && step.args.includes("npm install -g"))!.args;
    expect(install).toMatch(/--omit=optional/); // no keytar: no native code in the image
    expect(install).toMatch(/install -d -o node -g node -m 0700 \/var\/lib\/ocmap/);
    expect(steps.filter((step) => step.op === "COPY").map((step) => step.args)).not.toContainEqual(
      expect.stringMatching(/secret|\.key/),
    );
  });

  it("its entrypoint enrolls from the key file when the store is unpaired (or removed), then runs the command", () => {
    const bin = join(scratch, "bin");
    execFileSync("mkdir", ["-p", bin]);
    const log = join(scratch, "calls.log");
    // A stand-in for `ocmap`: records its arguments, answers `status` with the exit code in $STATUS.
    writeFileSync(
      join(bin, "ocmap"),
      `#!/bin/sh\necho "$*" >> "${log}"\n[ "$1" = status ] && exit "\${STATUS:-0}"\nexit 0\n`,
    );
    chmodSync(join(bin, "ocmap"), 0o755);
    const keyFile = join(scratch, "enroll.key");
    writeFileSync(keyFile, "ocmap-ek-…\n");
    const entrypoint = join(repoRoot, "packaging/docker/entrypoint.sh");
    const runWith = (status: number, extra: NodeJS.ProcessEnv = {}) => {
      rmSync(log, { force: true });
      const env = { PATH: `${bin}:/usr/bin:/bin`, STATUS: String(status), OCMAP_ENROLL_KEY_FILE: keyFile, ...extra };
      const result = spawnSync("sh", [entrypoint, "ocmap", "connect"], { env, encoding: "utf8" });
      return { code: result.status, calls: existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [] };
    };
    const url = { OCMAP_GATEWAY_URL: "wss://gateway.example.com" };
    expect(runWith(3, url).calls).toEqual([
      "status",
      `pair wss://gateway.example.com --enroll-key-file ${keyFile}`,
      "connect",
    ]);
    expect(runWith(4, url).calls[1]).toMatch(/^pair /);
    expect(runWith(0, url).calls).toEqual(["status", "connect"]); // paired already: the key is not used again
    expect(runWith(5, url).calls).toEqual(["status", "connect"]); // unreachable: connect keeps trying
    const noUrl = runWith(3);
    expect(noUrl.code).not.toBe(0);
    expect(noUrl.calls).toEqual(["status"]);
  });
});

describe("packaging/compose/compose.yaml", () => {
  const compose = parseYaml(read("packaging/compose/compose.yaml"));
  const { gateway, agent } = compose.services;

  it("runs the gateway with the plugin and an enrolled agent side by side", () => {
    expect(gateway.image).toMatch(/^ghcr\.io\/openclaw\/openclaw:2026\.9\.6$/);
    expect(gateway.volumes).toContainEqual(expect.stringMatching(/gateway-plugin:\/opt\/ocmap-pairing:ro$/));
    const config = JSON.parse(read("packaging/compose/openclaw.json"));
    expect(config.plugins.load.paths).toEqual(["/opt/ocmap-pairing"]);
    expect(config.plugins.entries["ocmap-pairing"].enabled).toBe(true);
    expect(config.gateway.auth).toEqual({ mode: "token" }); // the secret comes from the environment
    expect(agent.build.dockerfile).toBe("packaging/docker/Dockerfile");
    expect(agent.depends_on).toContain("gateway");
  });

  it("gives the agent its store on a volume and its keys as secrets, and a gateway URL the client accepts", () => {
    expect(agent.volumes).toEqual(["agent-store:/var/lib/ocmap"]);
    expect(agent.secrets.sort()).toEqual(["ocmap_enroll_key", "ocmap_store_key"]);
    expect(Object.keys(compose.secrets).sort()).toEqual(["ocmap_enroll_key", "ocmap_store_key"]);
    expect(JSON.stringify(agent.environment)).not.toMatch(/ocmap-ek-|KEY=/);
    const gatewayIp = gateway.networks.fleet.ipv4_address;
    const url = parseGatewayUrl(agent.environment.OCMAP_GATEWAY_URL);
    expect(url).toMatchObject({ ok: true, host: `${gatewayIp}:18789`, insecure: true }); // private network only
    expect(read("packaging/compose/secrets/.gitignore").split("\n")).toEqual(
      expect.arrayContaining(["enroll.key", "store.key"]),
    );
  });
});

describe("packaging/systemd/ocmap.service", () => {
  const unit = unitFile(read("packaging/systemd/ocmap.service"));
  const service = unit.Service!;

  it("runs as a dynamic user with its state in StateDirectory and its keys through LoadCredential", () => {
    expect(service.DynamicUser).toEqual(["yes"]);
    expect(service.StateDirectory).toEqual(["ocmap"]);
    expect(service.StateDirectoryMode).toEqual(["0700"]);
    expect(service.LoadCredential!.sort()).toEqual([
      "enroll.key:/etc/ocmap/enroll.key",
      "store.key:/etc/ocmap/store.key",
    ]);
    expect(service.Environment).toEqual(
      expect.arrayContaining(["OCMAP_STORE=%S/ocmap", "OCMAP_STORE_KEY_FILE=%d/store.key"]),
    );
    expect(service.ExecStart).toEqual(["/usr/bin/env ocmap connect"]);
    expect(service.ExecStartPre![0]).toMatch(/--enroll-key-file "%d\/enroll\.key"/);
    // A lone $ would be expanded by systemd, not by the shell.
    expect(service.ExecStartPre![0]!.replace(/\$\$/g, "")).not.toMatch(/\$/);
    expect(service.RestartPreventExitStatus).toEqual(["4"]);
  });

  it.skipIf(!existsSync("/usr/bin/systemd-analyze"))("passes systemd-analyze verify", () => {
    const copy = join(scratch, "ocmap.service");
    writeFileSync(copy, read("packaging/systemd/ocmap.service"));
    const result = spawnSync("systemd-analyze", ["verify", copy], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr.trim()).toBe("");
  });
});

describe(".github/workflows/ci.yml", () => {
  it("builds the CLI's image and runs it against a real gateway", () => {
    const workflow = parseYaml(read(".github/workflows/ci.yml"));
    const steps: Array<{ run?: string }> = workflow.jobs.container.steps;
    const runs = steps.map((step) => step.run ?? "").join("\n");
    expect(runs).toMatch(/npm run pack:cli/);
    expect(runs).toMatch(/docker build -f packaging\/docker\/Dockerfile -t ocmap-cli:ci \./);
    expect(runs).toMatch(/scripts\/container-smoke\.ts ocmap-cli:ci/);
    expect(existsSync(join(repoRoot, "scripts/container-smoke.ts"))).toBe(true);
  });
});
