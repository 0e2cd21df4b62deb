// A fake of the gateway's `openclaw/plugin-sdk/json-store` for plugin unit tests: the real
// PairingStore (its lock, its draft-then-commit) runs on an in-memory disk whose writes can fail.
// Each unit test file maps the SDK module here with
// `vi.mock("openclaw/plugin-sdk/json-store", () => import("./fake-json-store.ts"))`.

export const fakeDisk = {
  files: new Map<string, string>(),
  /** When set, every write throws this many more times (a full disk, a read-only mount). */
  failingWrites: 0,
  writes: 0,
};

export function loadJsonFile<T>(path: string): T | undefined {
  const text = fakeDisk.files.get(path);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

export async function writeJsonFileAtomically(path: string, value: unknown): Promise<void> {
  fakeDisk.writes += 1;
  if (fakeDisk.failingWrites > 0) {
    fakeDisk.failingWrites -= 1;
    throw new Error("ENOSPC: no space left on device (fake disk)");
  }
  fakeDisk.files.set(path, JSON.stringify(value));
}
