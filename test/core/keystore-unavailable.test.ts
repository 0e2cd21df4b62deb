// The keystore in child processes that have no usable Secret Service: each must fail closed with
// KEYCHAIN_UNAVAILABLE and never put a secret in its message.

import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("Keystore without a usable Secret Service (child processes)", () => {
  let dir = "";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ocmap-nokeyring-"));
    await mkdir(join(dir, "run"), { mode: 0o700 });
    await mkdir(join(dir, "services"));
    // A real session bus that can activate nothing, so org.freedesktop.secrets is missing.
    await writeFile(
      join(dir, "bus.conf"),
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=${dir}</listen>
  <servicedir>${join(dir, "services")}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>
  </policy>
</busconfig>
`,
    );
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function runChild(env: NodeJS.ProcessEnv, wrap: string[] = []) {
    const token = randomBytes(32).toString("base64url");
    const child = [
      process.execPath,
      "--import",
      "tsx",
      "test/core/fixtures/keystore-child.ts",
      `ocmap-test-${randomUUID()}`,
      token,
    ];
    const [cmd, ...args] = [...wrap, ...child];
    const { stdout } = await run(cmd!, args, { env, cwd: new URL("../..", import.meta.url).pathname, timeout: 30_000 });
    const out = JSON.parse(stdout) as {
      results: Record<string, { code?: string; message?: string; stack?: string } | "ok">;
      privateKey: string;
    };
    return { ...out, token };
  }

  function baseEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      XDG_RUNTIME_DIR: join(dir, "run"),
    };
    return env;
  }

  it.each([
    ["no D-Bus session at all", () => ({ env: baseEnv(), wrap: [] })],
    [
      "a D-Bus address that points nowhere",
      () => ({ env: { ...baseEnv(), DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, "missing-socket")}` }, wrap: [] }),
    ],
    [
      "a D-Bus session without a Secret Service",
      () => ({ env: baseEnv(), wrap: ["dbus-run-session", `--config-file=${join(dir, "bus.conf")}`, "--"] }),
    ],
  ])("%s → KEYCHAIN_UNAVAILABLE for every operation, never a secret in the message", async (_name, setup) => {
    const { env, wrap } = setup();
    const { results, token, privateKey } = await runChild(env, wrap);
    expect(Object.keys(results).sort()).toEqual([
      "loadIdentity",
      "loadTrust",
      "probe",
      "saveIdentity",
      "saveTrust",
      "wipe",
    ]);
    for (const [op, result] of Object.entries(results)) {
      expect(result, op).toMatchObject({
        code: "KEYCHAIN_UNAVAILABLE",
        message: expect.stringMatching(/cannot reach the system keychain/),
      });
      const text = JSON.stringify(result);
      expect(text, op).not.toContain(token);
      expect(text, op).not.toContain(privateKey);
    }
  });
});
