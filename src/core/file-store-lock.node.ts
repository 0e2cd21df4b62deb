// One lock per store folder across processes (`ocmap connect` and `ocmap status` on one store): a file
// created with O_EXCL that holds the owner's pid, host and a nonce. A Keystore job holds it for a few
// milliseconds (no network inside), so a lock whose owner is gone, or that is older than `staleMs`, is
// stale. Breaking one renames it first and checks that what it moved is what it judged stale, so two
// processes breaking the same stale lock cannot take away a fresh one.
import { randomBytes } from "node:crypto";
import { link, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { storeErrors } from "./file-store-errors.std.ts";

export interface LockOptions {
  /** How long to wait for another process's lock. */
  timeoutMs?: number;
  /** A lock older than this is stale whoever holds it. */
  staleMs?: number;
}

const LOCK_NAME = ".lock";

export async function withStoreLock<T>(dir: string, job: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const path = join(dir, LOCK_NAME);
  const nonce = randomBytes(12).toString("hex");
  await acquire(path, `${process.pid} ${hostname()} ${nonce}`, options);
  try {
    return await job();
  } finally {
    await release(path, nonce);
  }
}

async function acquire(path: string, content: string, options: LockOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      const handle = await open(path, "wx", 0o600);
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw storeErrors.failed(path, errno(err));
    }
    if (await breakIfStale(path, staleMs)) continue;
    if (Date.now() >= deadline) throw storeErrors.lockTimeout(path, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

async function release(path: string, nonce: string): Promise<void> {
  const held = await readFile(path, "utf8").catch(() => "");
  if (held.endsWith(` ${nonce}`)) await unlink(path).catch(() => undefined);
}

async function breakIfStale(path: string, staleMs: number): Promise<boolean> {
  let content: string;
  let ageMs: number;
  try {
    [content, ageMs] = await Promise.all([readFile(path, "utf8"), stat(path).then((s) => Date.now() - s.mtimeMs)]);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT"; // released meanwhile: try again at once
  }
  // Written but not yet filled in: its owner is between open and write.
  if (content === "" && ageMs < staleMs) return false;
  if (!isStale(content, ageMs, staleMs)) return false;
  const moved = `${path}.stale-${randomBytes(6).toString("hex")}`;
  try {
    await rename(path, moved);
  } catch {
    return true; // someone else broke or released it: try again
  }
  const movedContent = await readFile(moved, "utf8").catch(() => "");
  if (movedContent !== content) {
    // We moved a fresh lock that replaced the stale one: put it back unless yet another one is there.
    await link(moved, path).catch(() => undefined);
  }
  await unlink(moved).catch(() => undefined);
  return true;
}

function isStale(content: string, ageMs: number, staleMs: number): boolean {
  if (ageMs >= staleMs) return true;
  const [pidText, host] = content.split(" ");
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0) return false;
  // Jobs in this process are queued, so a lock with our own pid is left from an earlier process (a
  // container's pid 1 after a restart, for example).
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code ?? "error";
