// The CLI as a server installs it: `npm pack` of packaging/cli, `npm install -g` of that tarball into a fresh
// prefix (offline: npm's cache holds keytar, which `npm run setup` warms), then the installed `ocmap` enrolls
// with an enrollment key against the real gateway and reconnects. Needs `npm run build` first (it packs dist/).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newKeychainService } from "../harness/cli.ts";
import { repoRoot, startGateway, type Gateway } from "../harness/gateway.ts";

const run = promisify(execFile);
const packageDir = join(repoRoot, "packaging/cli");
const PACKED = ["bin/ocmap.mjs", "dist/ocmap.mjs", "package.json"];

let gateway: Gateway;
let work: string;
let tarball: string;
const prefix = () => join(work, "prefix");

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "ocmap-cli-pack-"));
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function installedOcmap(args: string[], service: string) {
  try {
    const result = await run(join(prefix(), "bin", "ocmap"), args, {
      env: { ...process.env, OCMAP_KEYCHAIN_SERVICE: service },
      timeout: 60_000,
    });
    return { code: 0, stdout: result.stdout, stderr: result.stderr };
  } catch (err) {
    const failure = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === "number" ? failure.code : 1,
      stdout: failure.stdout ?? "",
      stderr: failure.stderr ?? "",
    };
  }
}

describe("the ocmap CLI installed from its npm tarball", () => {
  it("packs the launcher and one bundle, whose only package import is keytar (optional)", async () => {
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: packageDir });
    const packed = (JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>)[0]!;
    expect(packed.files.map((file) => file.path).sort()).toEqual(PACKED);
    tarball = join(work, packed.filename);

    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.optionalDependencies).toEqual({ keytar: "7.9.0" });
    expect(manifest.bin).toEqual({ ocmap: "bin/ocmap.mjs" });
    // ws's bufferutil and utf-8-validate are optional requires it guards itself.
    const code = readFileSync(join(packageDir, "dist/ocmap.mjs"), "utf8");
    const specifiers = [
      ...code.matchAll(/\bfrom\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)|\brequire\(\s*"([^"]+)"\s*\)/g),
    ]
      .map((match) => match[1] ?? match[2] ?? match[3])
      .filter((specifier): specifier is string => Boolean(specifier));
    const builtin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier);
    const packages = new Set(specifiers.filter((specifier) => !builtin(specifier)));
    expect(packages).toContain("keytar");
    for (const name of packages) expect(["keytar", "bufferutil", "utf-8-validate"]).toContain(name);
  });

  it("installs into a fresh prefix with keytar only, and the installed ocmap enrolls and reconnects", async () => {
    expect(tarball, "the pack step ran").toBeTruthy();
    const install = await run(
      "npm",
      ["install", "-g", "--prefix", prefix(), "--offline", "--no-audit", "--no-fund", "--loglevel=error", tarball],
      { env: { ...process.env, npm_config_build_from_source: "true" }, timeout: 300_000 },
    ).catch((err) => {
      throw new Error(
        `npm install -g of the tarball failed (run \`npm run setup\`: it puts keytar in npm's cache): ${err.stderr}`,
      );
    });
    expect(install.stderr).not.toMatch(/ERR!/);
    const installed = join(prefix(), "lib", "node_modules", "ocmap-cli");
    expect(existsSync(join(prefix(), "bin", "ocmap"))).toBe(true);
    // Only keytar (and what its own install needs) came along: ws, xstate and @noble/* are in the bundle.
    const modules = readdirSync(join(installed, "node_modules"));
    expect(modules).toContain("keytar");
    for (const bundled of ["ws", "xstate", "@noble", "@openclaw"]) expect(modules).not.toContain(bundled);
    expect(existsSync(join(installed, "node_modules/keytar/build/Release/keytar.node"))).toBe(true);

    const help = await installedOcmap(["--help"], "unused");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--enroll-key-file/);

    const key = await gateway.call("pairing.createEnrollmentKey", { uses: 1, namePrefix: "installed" });
    const keyFile = join(work, "enroll.key");
    writeFileSync(keyFile, key.key, { mode: 0o600 });
    const service = newKeychainService();
    const paired = await installedOcmap(["pair", gateway.url, "--enroll-key-file", keyFile, "--json"], service);
    expect(paired.code, paired.stdout + paired.stderr).toBe(0);
    const status = await installedOcmap(["status", "--json"], service);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    const view = JSON.parse(status.stdout.trim().split("\n").at(-1)!);
    expect(view).toMatchObject({ state: "PAIRED_CONNECTED", device: { name: expect.stringMatching(/^installed-/) } });
    const devices = (await gateway.call("pairing.list", {})).devices;
    expect(devices.filter((device: any) => device.keyId === key.keyId)).toHaveLength(1);
  }, 420_000);
});
