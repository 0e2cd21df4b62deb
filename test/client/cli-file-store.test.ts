// `ocmap` on a machine with no desktop session: no D-Bus at all (DBUS_SESSION_BUS_ADDRESS unset, no X11 to
// autolaunch one, an empty runtime dir), so the keychain is unusable, and the file store (`--store DIR`,
// OCMAP_STORE) holds the trust. Against the real gateway + plugin: pairing with the code from stdin or a
// file (never in argv), reconnect after a restart, two processes on one store, revoke, forget, a loose
// store refused, a sealed store under a wrong key.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileStoreBackend } from "../../src/core/file-store.node.ts";
import { Keystore } from "../../src/core/keystore.node.ts";
import { CliProcess, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { onlyGateway } from "../harness/gateway-keys.ts";
import { waitFor } from "../harness/wait.ts";

let gateway: Gateway;
let root = "";
const secrets = new Set<string>();
const outputs: string[] = [];

/** The environment of a container without a desktop: no session bus, nothing to autolaunch one with. */
const noDbus = (): NodeJS.ProcessEnv => ({
  DBUS_SESSION_BUS_ADDRESS: undefined,
  DISPLAY: undefined,
  XDG_RUNTIME_DIR: join(root, "empty-runtime"),
});

const newStore = () => join(root, `store-${randomBytes(4).toString("hex")}`);

async function ocmap(args: string[], env: NodeJS.ProcessEnv = {}, more: Parameters<typeof runCli>[2] = {}) {
  const result = await runCli("unused-keychain-service", [...args, "--json"], {
    ...more,
    env: { ...noDbus(), ...env },
  });
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function newCode(access = "standard") {
  const created = await gateway.call("pairing.createCode", { access });
  secrets.add(created.code).add(created.code.replace("-", ""));
  return created as { code: string };
}

/** Reads the store as the CLI would, and remembers its secrets for the final scan. */
async function storeContents(dir: string, keyFile?: string) {
  const ks = await onlyGateway(new Keystore({ backend: fileStoreBackend({ dir, ...(keyFile ? { keyFile } : {}) }) }));
  const [trust, identity] = [await ks.loadTrust(), await ks.loadIdentity()];
  if (trust) secrets.add(trust.deviceToken);
  if (identity) secrets.add(identity.privateKey);
  return { trust, identity };
}

/** Pairs a new store with the code on stdin; the code is never in the child's command line. */
async function pairStore(access = "standard", env: NodeJS.ProcessEnv = {}) {
  const store = newStore();
  const { code } = await newCode(access);
  let cmdline = "";
  const result = await ocmap(
    ["pair", gateway.url],
    { OCMAP_STORE: store, ...env },
    {
      input: `${code}\n`,
      onSpawn: (pid) => (cmdline = readFileSyncSafe(`/proc/${pid}/cmdline`)),
    },
  );
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(cmdline).toContain("pair");
  expect(cmdline).not.toContain(code);
  return { store, ...(await storeContents(store, env.OCMAP_STORE_KEY_FILE)) };
}

function readFileSyncSafe(path: string): string {
  // Read at once, while the child runs: its argv as the process list shows it.
  try {
    return readFileSync(path, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ocmap-headless-"));
  await mkdir(join(root, "empty-runtime"), { mode: 0o700 });
  gateway = await startGateway({ pluginConfig: { maxFailuresPerAddress: 1000, maxFailuresGlobal: 1000 } });
}, 300_000); // a busy machine can take minutes to start a gateway
afterAll(async () => {
  await gateway?.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("ocmap with no D-Bus at all and a file store", () => {
  it("has no keychain here: without --store it fails with KEYCHAIN_UNAVAILABLE and never writes a file", async () => {
    const result = await ocmap(["status"]);
    expect(result.code).toBe(7);
    expect(result.lines.at(-1)).toMatchObject({ lastError: { code: "KEYCHAIN_UNAVAILABLE" } });
  });

  it("pairs with the code on stdin (nothing in argv) into a 0700 folder of 0600 files; status connects", async () => {
    const { store, trust, identity } = await pairStore();
    expect(trust?.deviceId).toBe(identity?.deviceId);
    expect((await stat(store)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(store)) expect((await stat(join(store, name))).mode & 0o777).toBe(0o600);
    expect(outputs.join("\n")).not.toContain("CODE_IN_ARGV");
    const status = await ocmap(["status", "--store", store]);
    expect(status.code).toBe(0);
    expect(status.lines.at(-1)).toMatchObject({ state: "PAIRED_CONNECTED", device: { id: identity!.deviceId } });
  });

  it("pairs with --code-file into a sealed store; a wrong key and a missing key are clear errors", async () => {
    const store = newStore();
    const keyFile = join(root, "store.key");
    await writeFile(keyFile, randomBytes(32).toString("base64"), { mode: 0o400 });
    const { code } = await newCode();
    const codeFile = join(root, "code.txt");
    await writeFile(codeFile, `${code}\n`, { mode: 0o600 });
    const env = { OCMAP_STORE_KEY_FILE: keyFile };
    let cmdline = "";
    const paired = await ocmap(["pair", gateway.url, "--store", store, "--code-file", codeFile], env, {
      onSpawn: (pid) => (cmdline = readFileSyncSafe(`/proc/${pid}/cmdline`)),
    });
    expect(paired.code, paired.stdout + paired.stderr).toBe(0);
    expect(cmdline).toContain("--code-file");
    expect(cmdline).not.toContain(code);
    const { trust } = await storeContents(store, keyFile);
    const files = (await Promise.all((await readdir(store)).map((name) => readFile(join(store, name), "utf8")))).join();
    expect(files).not.toContain(trust!.deviceToken);

    const wrongKey = join(root, "wrong.key");
    await writeFile(wrongKey, randomBytes(32).toString("base64"), { mode: 0o400 });
    const wrong = await ocmap(["status", "--store", store], { OCMAP_STORE_KEY_FILE: wrongKey });
    expect(wrong.code).toBe(7);
    expect(wrong.lines.at(-1).lastError).toMatchObject({ code: "STORE_KEY_WRONG" });
    expect(wrong.lines.at(-1).lastError.message).toContain(join(store, "gateways.json")); // the list is read first
    const missing = await ocmap(["status", "--store", store]);
    expect(missing.code).toBe(7);
    expect(missing.lines.at(-1).lastError).toMatchObject({ code: "STORE_KEY_MISSING" });
    expect((await ocmap(["status", "--store", store], env)).code).toBe(0);
  });

  it("a code in argv still pairs, with a warning on stderr and an info line", async () => {
    const store = newStore();
    const { code } = await newCode();
    const result = await ocmap(["pair", gateway.url, code, "--store", store]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/process list and your shell history/);
    expect(result.lines).toContainEqual(expect.objectContaining({ type: "info", warning: "CODE_IN_ARGV" }));
    await storeContents(store);
  });

  it("refuses a store others can read, names the chmod, and connects to nothing", async () => {
    const { store } = await pairStore();
    await chmod(store, 0o755);
    const result = await ocmap(["status", "--store", store]);
    expect(result.code).toBe(7);
    expect(result.lines.at(-1).lastError).toMatchObject({ code: "STORE_INSECURE" });
    expect(result.lines.at(-1).lastError.message).toContain(`chmod 700 ${store}`);
    await chmod(store, 0o700);
    const trustFile = join(
      store,
      (await readdir(store)).find((name) => name.startsWith("trust."))!,
    ); // trust.<id>.json
    await chmod(trustFile, 0o644);
    const file = await ocmap(["status", "--store", store]);
    expect(file.code).toBe(7);
    expect(file.lines.at(-1).lastError.message).toContain(`chmod 600 ${trustFile}`);
  });

  it("connect and status share one store at once; connect rides out a gateway restart", async () => {
    const { store, identity } = await pairStore();
    const env = { ...noDbus(), OCMAP_STORE: store };
    const connect = new CliProcess("unused", ["connect", "--json"], env);
    const statuses = await Promise.all([1, 2, 3].map(() => ocmap(["status"], { OCMAP_STORE: store })));
    for (const status of statuses) expect(status.code, status.stdout + status.stderr).toBe(0);
    await connect.waitForLine((l) => l.state === "PAIRED_CONNECTED", "connected");
    const mark = connect.lines.length;
    await gateway.restart();
    await connect.waitForLine((l) => l.state === "PAIRED_DISCONNECTED", "disconnect seen", 30_000, mark);
    await connect.waitForLine((l) => l.state === "PAIRED_CONNECTED", "reconnected by itself", 60_000, mark);
    expect((await ocmap(["status"], { OCMAP_STORE: store })).code).toBe(0);
    expect(await connect.stop()).toBe(0);
    outputs.push(connect.stdout, connect.stderr);
    expect((await storeContents(store)).identity?.deviceId).toBe(identity!.deviceId);
  }, 120_000);

  it("revoking on the gateway drops `ocmap connect` to REVOKED and wipes the store's secrets", async () => {
    const { store, identity } = await pairStore();
    const connect = new CliProcess("unused", ["connect", "--json"], { ...noDbus(), OCMAP_STORE: store });
    await connect.waitForLine((l) => l.state === "PAIRED_CONNECTED", "connected");
    await waitFor(
      async () =>
        (await gateway.call("pairing.list", {})).devices.find((d: any) => d.deviceId === identity!.deviceId)?.connected,
      "the device shown connected",
    );
    await gateway.call("pairing.revokeDevice", { deviceId: identity!.deviceId });
    await connect.waitForLine((l) => l.state === "REVOKED", "REVOKED");
    expect(await connect.exited).toBe(4);
    outputs.push(connect.stdout, connect.stderr);
    expect(await readdir(store)).toEqual([]);
    expect((await ocmap(["status"], { OCMAP_STORE: store })).code).toBe(3);
  });

  it("forget tells the gateway first, then empties the store", async () => {
    const { store, identity } = await pairStore("read-only");
    const result = await ocmap(["forget", "--store", store]);
    expect(result.code).toBe(0);
    expect(result.lines.at(-1)).toMatchObject({ type: "info", notice: "FORGOTTEN" });
    expect(await readdir(store)).toEqual([]);
    const list = await gateway.call("pairing.list", {});
    expect(list.devices.find((d: any) => d.deviceId === identity!.deviceId)).toMatchObject({ revokedBy: "self" });
  });

  it("never prints a code, token or key", () => {
    expect(secrets.size).toBeGreaterThan(10);
    const all = outputs.join("\n");
    for (const secret of secrets) expect(all.includes(secret), "CLI output contains a secret").toBe(false);
  });
});
