// Locks and unlocks the throwaway gnome-keyring of scripts/with-sandbox.sh for real: dbus-send
// (Debian `dbus`) for the Secret Service, and gnome-keyring's own control socket to unlock, which
// needs no GUI prompt (it is what `gnome-keyring-daemon --unlock` speaks at login).
import { execFile } from "node:child_process";
import net from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Refuses to run outside the sandbox: these helpers would lock the user's own keyring. */
export function testKeyringPassword(): string {
  const password = process.env.OCMAP_TEST_KEYRING_PASSWORD;
  if (!process.env.OCMAP_TEST_KEYRING || !password) {
    throw new Error(
      "The keychain tests need the throwaway keyring: run them with " +
        "`bash scripts/with-sandbox.sh npx vitest run test/core`.",
    );
  }
  return password;
}

async function secrets(objectPath: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("dbus-send", [
    "--session",
    "--print-reply",
    "--dest=org.freedesktop.secrets",
    objectPath,
    ...args,
  ]);
  return stdout;
}

/** The collection keytar writes to: the Secret Service's "default" alias. */
export async function defaultCollection(): Promise<string> {
  const out = await secrets("/org/freedesktop/secrets", "org.freedesktop.Secret.Service.ReadAlias", "string:default");
  const path = /object path "([^"]+)"/.exec(out)?.[1];
  if (!path || path === "/") throw new Error(`The Secret Service has no default collection: ${out}`);
  return path;
}

export async function isLocked(collection: string): Promise<boolean> {
  const out = await secrets(
    collection,
    "org.freedesktop.DBus.Properties.Get",
    "string:org.freedesktop.Secret.Collection",
    "string:Locked",
  );
  const match = /boolean (true|false)/.exec(out);
  if (!match) throw new Error(`Unexpected Locked property: ${out}`);
  return match[1] === "true";
}

export async function lock(collection: string): Promise<void> {
  await secrets("/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock", `array:objpath:${collection}`);
  if (!(await isLocked(collection))) throw new Error(`${collection} did not lock`);
}

export type UnlockResult = "ok" | "denied" | "failed" | "no-daemon";

/**
 * gkd-control protocol: one credentials byte, then a packet of big-endian u32s
 * [length][op UNLOCK=1][password length] + password; the reply is [length=8][result].
 */
export function unlockLoginKeyring(password: string): Promise<UnlockResult> {
  const dir = process.env.GNOME_KEYRING_CONTROL ?? join(process.env.XDG_RUNTIME_DIR ?? "", "keyring");
  const pw = Buffer.from(password, "utf8");
  const packet = Buffer.alloc(12 + pw.length);
  packet.writeUInt32BE(packet.length, 0);
  packet.writeUInt32BE(1, 4);
  packet.writeUInt32BE(pw.length, 8);
  pw.copy(packet, 12);
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(join(dir, "control"));
    let reply = Buffer.alloc(0);
    socket.setTimeout(10_000, () => socket.destroy(new Error("gnome-keyring control socket did not answer")));
    socket.on("error", reject);
    socket.on("connect", () => socket.write(Buffer.concat([Buffer.from([0]), packet])));
    socket.on("data", (chunk) => {
      reply = Buffer.concat([reply, chunk]);
      if (reply.length < 8) return;
      socket.end();
      resolve((["ok", "denied", "failed", "no-daemon"] as const)[reply.readUInt32BE(4)] ?? "failed");
    });
    socket.on("end", () => {
      if (reply.length < 8) reject(new Error("gnome-keyring control socket closed without an answer"));
    });
  });
}

/** Lock the sandbox keyring (end-to-end tests). */
export async function lockKeyring(): Promise<void> {
  testKeyringPassword();
  await lock(await defaultCollection());
}

export async function unlockKeyring(): Promise<void> {
  const result = await unlockLoginKeyring(testKeyringPassword());
  if (result !== "ok") throw new Error(`unlocking the test keyring failed: ${result}`);
}
