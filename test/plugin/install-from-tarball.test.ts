// The plugin as operators install it: `npm pack` of gateway-plugin/, installed into a fresh gateway that
// does not load the source folder, with `openclaw plugins install <tgz> --force --accept-capabilities`;
// then a device pairs through the installed copy. Needs `npm run build` first (the tarball packs dist/).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayEnv, gatewayNode, openclawEntry, pluginDir, startGateway, type Gateway } from "../harness/gateway.ts";
import { pairNewDevice } from "../harness/wire-pairing.ts";

const run = promisify(execFile);
const PLUGIN_ID = "ocmap-pairing";
const TARBALL_FILES = [
  "dist/control-ui/v1/index.css",
  "dist/control-ui/v1/index.js",
  "dist/index.js",
  "openclaw.plugin.json",
  "package.json",
];

let gateway: Gateway;
let packDir: string;
let tarball: string;

beforeAll(async () => {
  packDir = mkdtempSync(join(tmpdir(), "ocmap-pack-"));
  gateway = await startGateway({ loadPlugin: false });
});
afterAll(async () => {
  await gateway?.dispose();
  if (packDir) rmSync(packDir, { recursive: true, force: true });
});

/** `openclaw <args>` against the gateway's own config and state, as an operator on that machine runs it. */
async function openclaw(args: string[]) {
  try {
    const result = await run(gatewayNode, [openclawEntry, ...args], { env: gatewayEnv(gateway), timeout: 120_000 });
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

describe("ocmap-pairing installed from its npm tarball", () => {
  it("packs only the manifest, package.json and the built code, which imports only node: and the SDK", async () => {
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: pluginDir });
    const packed = (JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>)[0]!;
    expect(packed.files.map((f) => f.path).sort()).toEqual(TARBALL_FILES);
    tarball = join(packDir, packed.filename);
    const listed = (await run("tar", ["-tzf", tarball])).stdout.trim().split("\n").sort();
    expect(listed).toEqual(TARBALL_FILES.map((f) => `package/${f}`));

    // esbuild bundled @ocmap/protocol: at run time the code needs only Node built-ins and the host's SDK.
    const code = readFileSync(join(pluginDir, "dist/index.js"), "utf8");
    const specifiers = [
      ...code.matchAll(/\bfrom\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)|\brequire\(\s*"([^"]+)"\s*\)/g),
    ]
      .map((m) => m[1] ?? m[2] ?? m[3])
      .filter((s): s is string => Boolean(s));
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s.startsWith("node:") && !s.startsWith("openclaw/plugin-sdk/"))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(pluginDir, "package.json"), "utf8"));
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it("installs with --force --accept-capabilities into a fresh gateway, and a device pairs through it", async () => {
    expect(tarball, "the pack step ran").toBeTruthy();
    await expect(gateway.call("pairing.createCode", {}), "no plugin before the install").rejects.toThrow();

    // Without --force the gateway refuses a source from outside ClawHub and installs nothing.
    const refused = await openclaw(["plugins", "install", tarball]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/rerun with --force/);
    expect(existsSync(join(gateway.stateDir, "extensions", PLUGIN_ID))).toBe(false);

    const installed = await openclaw(["plugins", "install", tarball, "--force", "--accept-capabilities"]);
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);
    expect(installed.stdout).toContain(`Installed plugin: ${PLUGIN_ID}`);

    // The gateway records the install in its config and keeps its own copy under the state dir.
    const config = gateway.readConfig();
    expect(config.plugins.entries[PLUGIN_ID].enabled).toBe(true);
    expect(config.plugins.load?.paths ?? []).toEqual([]);
    const copy = join(gateway.stateDir, "extensions", PLUGIN_ID);
    expect(readdirSync(copy).sort()).toEqual(["dist", "node_modules", "openclaw.plugin.json", "package.json"]);
    // The openclaw peer dependency: the gateway links its own package in; nothing else is installed.
    expect(readdirSync(join(copy, "node_modules"))).toEqual(["openclaw"]);
    expect(realpathSync(join(copy, "node_modules/openclaw"))).toBe(realpathSync(dirname(openclawEntry)));

    // After a restart the copy loads from there: an archive install, not the source folder.
    await gateway.restart();
    const listed = await openclaw(["plugins", "list", "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    const entry = JSON.parse(listed.stdout).plugins.find((p: { id: string }) => p.id === PLUGIN_ID);
    expect(entry).toMatchObject({
      status: "loaded",
      enabled: true,
      rootDir: copy,
      source: join(copy, "dist/index.js"),
      trust: { installSource: "archive" },
      contracts: { gatewayMethodDispatch: ["authenticated-request"] },
    });

    // A device pairs through the installed copy, and the operator revoke (method dispatch) works.
    const paired = await pairNewDevice(gateway, "standard");
    expect(paired.deviceToken).toBeTruthy();
    const list = await gateway.call("pairing.list", {});
    expect(list.devices.map((d: { deviceId: string }) => d.deviceId)).toContain(paired.device.id);
    await gateway.call("pairing.revokeDevice", { deviceId: paired.device.id, reason: "tarball test" });
    expect((await paired.session.closed).code).toBe(4001);
  }, 240_000);
});
