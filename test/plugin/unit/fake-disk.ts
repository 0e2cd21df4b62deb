// A fake of the plugin's `durable-file.ts` for plugin unit tests: the real PairingStore (its lock,
// its draft-then-commit, its damage checks) runs on an in-memory disk whose writes can fail. Each
// unit test file maps the module here with
// `vi.mock("../../../gateway-plugin/src/durable-file.ts", () => import("./fake-disk.ts"))`.

export const fakeDisk = {
  files: new Map<string, string>(),
  /** When set, every write throws this many more times (a full disk, a read-only mount). */
  failingWrites: 0,
  writes: 0,
};

export function ensureDir(): void {}

export function readTextFile(path: string): string | undefined {
  return fakeDisk.files.get(path);
}

export function writeFileDurablySync(path: string, text: string): void {
  fakeDisk.files.set(path, text);
}

export async function writeFileDurably(path: string, text: string): Promise<void> {
  fakeDisk.writes += 1;
  if (fakeDisk.failingWrites > 0) {
    fakeDisk.failingWrites -= 1;
    throw new Error("ENOSPC: no space left on device (fake disk)");
  }
  fakeDisk.files.set(path, text);
}
