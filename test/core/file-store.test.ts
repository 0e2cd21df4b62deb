// The file store (`--store DIR`) on the real file system, through the Keystore as the CLI uses it:
// permissions and ownership, damage that is reported and never written over, sealing under a key file,
// durable writes (seen with strace), and the cross-process lock (several processes at once).
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { fileStoreBackend, storeFileName, type FileStoreOptions } from "../../src/core/file-store.node.ts";
import { createIdentity, type DeviceIdentity } from "../../src/core/identity.node.ts";
import { Keystore, KeystoreError, type TrustRecord } from "../../src/core/keystore.node.ts";

const run = promisify(execFile);
const root = await mkdtemp(join(tmpdir(), "ocmap-file-store-"));
afterAll(() => rm(root, { recursive: true, force: true }));

const newDir = () => join(root, randomBytes(4).toString("hex"));
const storeAt = (dir: string, options: Partial<FileStoreOptions> = {}) =>
  new Keystore({ backend: fileStoreBackend({ dir, ...options }) });

async function newKeyFile(): Promise<string> {
  const path = join(root, `key-${randomBytes(4).toString("hex")}`);
  await writeFile(path, `${randomBytes(32).toString("base64")}\n`, { mode: 0o400 });
  return path;
}

function trustFor(identity: DeviceIdentity): TrustRecord {
  return {
    gatewayUrl: "wss://gw.example.com",
    deviceId: identity.deviceId,
    deviceToken: randomBytes(32).toString("base64url"),
    role: "operator",
    scopes: ["operator.read"],
    pairedAtMs: 1_795_259_036_228,
    displayName: "OCMAP on test-host",
    gatewayIdentity: { publicKey: randomBytes(32).toString("base64url") },
  };
}

async function paired(dir: string, options: Partial<FileStoreOptions> = {}) {
  const ks = storeAt(dir, options);
  const identity = createIdentity();
  const trust = trustFor(identity);
  await ks.saveIdentity(identity);
  await ks.saveTrust(trust);
  return { ks, identity, trust };
}

async function rejection(promise: Promise<unknown>): Promise<KeystoreError> {
  const err = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (err instanceof KeystoreError) return err;
  throw new Error(`expected a KeystoreError, got ${String(err)}`);
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
const snapshot = async (dir: string) =>
  Object.fromEntries(
    await Promise.all((await readdir(dir)).sort().map(async (name) => [name, await readFile(join(dir, name), "utf8")])),
  );

describe("file store: layout and permissions", () => {
  it("creates a 0700 folder with 0600 files, returns what it saved, and wipe empties it", async () => {
    const dir = newDir();
    const { identity, trust } = await paired(dir);
    expect(await modeOf(dir)).toBe(0o700);
    expect((await readdir(dir)).sort()).toEqual(["identity.json", "trust.json"]);
    for (const name of ["identity.json", "trust.json"]) expect(await modeOf(join(dir, name))).toBe(0o600);
    const again = storeAt(dir);
    expect(await again.loadIdentity()).toEqual(identity);
    expect(await again.loadTrust()).toEqual(trust);
    await again.wipe();
    expect(await readdir(dir)).toEqual([]);
    expect(await again.loadTrust()).toBeNull();
  });

  it("refuses a folder or file that others can reach, naming the chmod that fixes it", async () => {
    const dir = newDir();
    const { identity } = await paired(dir);
    await chmod(dir, 0o755);
    const folder = await rejection(storeAt(dir).loadTrust());
    expect(folder.code).toBe("STORE_INSECURE");
    expect(folder.message).toContain(`chmod 700 ${dir}`);
    await chmod(dir, 0o700);
    await chmod(join(dir, "identity.json"), 0o640);
    const file = await rejection(storeAt(dir).loadIdentity());
    expect(file.code).toBe("STORE_INSECURE");
    expect(file.message).toContain(`chmod 600 ${join(dir, "identity.json")}`);
    // Not written over either: a save refuses just the same.
    const before = await snapshot(dir);
    expect((await rejection(storeAt(dir).saveIdentity(identity))).code).toBe("STORE_INSECURE");
    expect(await snapshot(dir)).toEqual(before);
  });

  it.runIf(process.geteuid?.() === 0)("refuses a folder owned by another user, naming the chown", async () => {
    const dir = newDir();
    await paired(dir);
    await chown(dir, 4242, 4242);
    const err = await rejection(storeAt(dir).loadTrust());
    expect(err.code).toBe("STORE_INSECURE");
    expect(err.message).toMatch(/belongs to user 4242.*chown 0 /);
  });

  it("does not follow a symbolic link in place of an entry", async () => {
    const dir = newDir();
    await paired(dir);
    const elsewhere = join(root, "elsewhere.json");
    await writeFile(elsewhere, "{}", { mode: 0o600 });
    await rm(join(dir, "trust.json"));
    await symlink(elsewhere, join(dir, "trust.json"));
    const err = await rejection(storeAt(dir).loadTrust());
    expect(err.code).toBe("STORE_INSECURE");
    expect(err.message).toContain("symbolic link");
  });
});

describe("file store: file names", () => {
  it("gives each account its own plain file name (no dot first, no slash), and one per gateway", () => {
    expect(storeFileName("trust")).toBe("trust.json");
    expect(storeFileName("trust:k0123456789abcdef")).toBe("trust.k0123456789abcdef.json");
    expect(storeFileName("../x")).toBe("%2e%2e%2fx.json");
    expect(storeFileName(":x")).toBe("%3ax.json");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (first, second) => {
        const name = storeFileName(first);
        expect(name).toMatch(/^[A-Za-z0-9_%-][A-Za-z0-9_.%-]*$/);
        if (first !== second) expect(storeFileName(second)).not.toBe(name);
      }),
    );
  });
});

describe("file store: damage", () => {
  it.each([
    ["empty", ""],
    ["not JSON", '{"ocmapStore":1,"acc'],
    ["another entry's file", '{"ocmapStore":1,"account":"identity","value":"{}"}\n'],
    ["a value that is not a trust record", '{"ocmapStore":1,"account":"trust","value":"{\\"x\\":1}"}\n'],
  ])("%s: a loud STORE_CORRUPT naming the file; no save or wipe changes anything", async (_what, content) => {
    const dir = newDir();
    const { identity } = await paired(dir);
    const file = join(dir, "trust.json");
    await writeFile(file, content);
    const before = await snapshot(dir);
    const ks = storeAt(dir);
    const loaded = await rejection(ks.loadTrust());
    expect(loaded.code).toBe("STORE_CORRUPT");
    expect(loaded.message).toContain(file);
    if (content.includes('"trust"')) {
      // Readable as a file, so a save may replace it; the Keystore's own check found the damage.
      expect(loaded.message).toContain("pairing record");
      return;
    }
    expect((await rejection(ks.saveTrust(trustFor(identity)))).code).toBe("STORE_CORRUPT");
    expect((await rejection(ks.wipe())).code).toBe("STORE_CORRUPT");
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe("file store: sealed with OCMAP_STORE_KEY_FILE", () => {
  it("keeps no secret in plaintext, and opens again with the same key", async () => {
    const dir = newDir();
    const keyFile = await newKeyFile();
    const { identity, trust } = await paired(dir, { keyFile });
    const files = JSON.stringify(await snapshot(dir));
    for (const secret of [trust.deviceToken, identity.privateKey, identity.deviceId])
      expect(files).not.toContain(secret);
    expect(JSON.parse((await snapshot(dir))["trust.json"]).sealed.aead).toBe("xchacha20poly1305");
    expect(await storeAt(dir, { keyFile }).loadTrust()).toEqual(trust);
  });

  it("a wrong key, a missing key and an unsealed store under a key are clear errors that change nothing", async () => {
    const dir = newDir();
    const { trust } = await paired(dir, { keyFile: await newKeyFile() });
    const before = await snapshot(dir);
    const wrong = await rejection(storeAt(dir, { keyFile: await newKeyFile() }).loadTrust());
    expect(wrong.code).toBe("STORE_KEY_WRONG");
    expect(wrong.message).toContain(join(dir, "trust.json"));
    expect((await rejection(storeAt(dir, { keyFile: await newKeyFile() }).wipe())).code).toBe("STORE_KEY_WRONG");
    const missing = await rejection(storeAt(dir).loadTrust());
    expect(missing.code).toBe("STORE_KEY_MISSING");
    expect(missing.message).toContain("OCMAP_STORE_KEY_FILE");
    const noFile = await rejection(storeAt(dir, { keyFile: join(root, "no-such-key") }).loadTrust());
    expect(noFile.code).toBe("STORE_KEY_MISSING");
    expect(await snapshot(dir)).toEqual(before);
    for (const secret of [trust.deviceToken]) expect(wrong.message + missing.message).not.toContain(secret);

    const plain = newDir();
    await paired(plain);
    expect((await rejection(storeAt(plain, { keyFile: await newKeyFile() }).loadTrust())).code).toBe("STORE_KEY_WRONG");
  });

  it("a changed byte or a sealed file moved to another entry does not open (the account is bound in)", async () => {
    const dir = newDir();
    const keyFile = await newKeyFile();
    await paired(dir, { keyFile });
    const trustFile = join(dir, "trust.json");
    const sealed = JSON.parse(await readFile(trustFile, "utf8"));
    const data = Buffer.from(sealed.sealed.data, "base64url");
    data[5]! ^= 1;
    await writeFile(
      trustFile,
      JSON.stringify({ ...sealed, sealed: { ...sealed.sealed, data: data.toString("base64url") } }),
    );
    expect((await rejection(storeAt(dir, { keyFile }).loadTrust())).code).toBe("STORE_CORRUPT");
    const identity = JSON.parse(await readFile(join(dir, "identity.json"), "utf8"));
    await writeFile(trustFile, JSON.stringify({ ...identity, account: "trust" }));
    expect((await rejection(storeAt(dir, { keyFile }).loadTrust())).code).toBe("STORE_CORRUPT");
  });

  it("refuses a key file with fewer than 32 bytes", async () => {
    const keyFile = join(root, "short-key");
    await writeFile(keyFile, "hunter2\n");
    const err = await rejection(storeAt(newDir(), { keyFile }).loadTrust());
    expect(err.code).toBe("STORE_KEY_WRONG");
    expect(err.message).toContain("openssl rand");
  });
});

describe("file store: durable writes", () => {
  it("writes a temp file, fsyncs it, renames it over the entry, then fsyncs the folder (strace)", async () => {
    const dir = newDir();
    await paired(dir);
    const script = `
      import { fileStoreBackend } from "./src/core/file-store.node.ts";
      const backend = fileStoreBackend({ dir: ${JSON.stringify(dir)} });
      await backend.exclusive(() => backend.set("trust", "new value"));`;
    const { stderr } = await run(
      "strace",
      ["-f", "-e", "trace=openat,fsync,rename,renameat,renameat2", process.execPath, "--import", "tsx", "-e", script],
      { cwd: new URL("../..", import.meta.url).pathname, timeout: 30_000, maxBuffer: 16 << 20 },
    );
    const calls = stderr.split("\n").filter((line) => line.includes(dir) || /fsync\(/.test(line));
    const tempOpen = calls.findIndex((line) => /openat\(.*\.tmp-[0-9a-f]+".*O_CREAT\|O_EXCL/.test(line));
    const renameAt = calls.findIndex((line) => /rename.*\.tmp-[0-9a-f]+".*trust\.json"/.test(line));
    expect(tempOpen, calls.join("\n")).toBeGreaterThanOrEqual(0);
    expect(renameAt).toBeGreaterThan(tempOpen);
    expect(calls.slice(tempOpen, renameAt).some((line) => /fsync\(/.test(line))).toBe(true);
    const folderOpen = calls.findIndex((line, i) => i > renameAt && line.includes(`"${dir}"`));
    expect(folderOpen).toBeGreaterThan(renameAt);
    expect(calls.slice(folderOpen).some((line) => /fsync\(/.test(line))).toBe(true);
    expect((await readdir(dir)).filter((name) => name.startsWith(".tmp"))).toEqual([]);
  }, 40_000);
});

describe("file store: the lock across processes", () => {
  const counter = (dir: string, times: number) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "test/core/fixtures/file-store-counter.ts", dir, String(times)],
        { cwd: new URL("../..", import.meta.url).pathname, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
    });

  it("four processes doing read-modify-write on one store lose no update", async () => {
    const dir = newDir();
    await mkdir(dir, { mode: 0o700 });
    await Promise.all([1, 2, 3, 4].map(() => counter(dir, 25)));
    const backend = fileStoreBackend({ dir });
    expect(await backend.exclusive(() => backend.get("counter"))).toBe("100");
    expect((await readdir(dir)).sort()).toEqual(["counter.json"]);
  }, 60_000);

  it("breaks a lock left by a process that is gone, and waits out one that is held", async () => {
    const dir = newDir();
    await mkdir(dir, { mode: 0o700 });
    const dead = spawn(process.execPath, ["-e", "0"]);
    const deadPid = await new Promise<number>((resolve) => dead.on("exit", () => resolve(dead.pid!)));
    const { hostname } = await import("node:os");
    await writeFile(join(dir, ".lock"), `${deadPid} ${hostname()} left-behind`, { mode: 0o600 });
    const backend = fileStoreBackend({ dir });
    await backend.exclusive(() => backend.set("entry", "after a stale lock"));
    expect(await backend.exclusive(() => backend.get("entry"))).toBe("after a stale lock");

    await writeFile(join(dir, ".lock"), `${process.ppid} ${hostname()} held`, { mode: 0o600 });
    const held = fileStoreBackend({ dir, lock: { timeoutMs: 300 } });
    const err = await rejection(held.exclusive(() => held.get("entry")));
    expect(err.code).toBe("STORE_LOCK_TIMEOUT");
    expect(err.message).toContain(join(dir, ".lock"));
    await rm(join(dir, ".lock"));
  });
});
