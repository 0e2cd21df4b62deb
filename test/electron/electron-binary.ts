// Finds a runnable Electron binary the way Electron 45 itself does on first use, for the tests
// that launch the real app. Electron 45 no longer downloads at install: `require("electron")` reads
// node_modules/electron/path.txt and, when the binary is missing, runs its install.js, which
// downloads it from GitHub. Here that download is tried once (it is a no-op when installed); a
// failure (no network) becomes a reason to skip, never a pass.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

export type Availability = { ok: true; path: string } | { ok: false; reason: string };

/** The binary Electron's index.js would return, if that file exists (never downloads). */
function installedBinary(dir: string): string | null {
  const pathFile = join(dir, "path.txt");
  const relative = existsSync(pathFile) ? readFileSync(pathFile, "utf8") : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override)
    return existsSync(join(override, relative || "electron")) ? join(override, relative || "electron") : null;
  return relative && existsSync(join(dir, "dist", relative)) ? join(dir, "dist", relative) : null;
}

export function findElectronBinary(downloadTimeoutMs = 300_000): Availability {
  let dir: string;
  try {
    dir = dirname(require.resolve("electron/package.json"));
  } catch {
    return { ok: false, reason: "the electron package is not installed (run npm ci)" };
  }
  const version = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
  const present = installedBinary(dir);
  if (present) return { ok: true, path: present };
  // What require("electron") does when the binary is missing: run install.js (download + unzip).
  const run = spawnSync(process.execPath, [join(dir, "install.js")], { encoding: "utf8", timeout: downloadTimeoutMs });
  const fetched = installedBinary(dir);
  if (run.status === 0 && fetched) return { ok: true, path: fetched };
  const lines = `${run.stderr ?? ""}\n${run.error?.message ?? ""}`.split("\n").map((l) => l.trim());
  const why =
    lines.find((l) => /^[A-Za-z]*Error\b|ENOTFOUND|EAI_AGAIN|fetch failed|ETIMEDOUT/.test(l)) ?? "no reason given";
  return {
    ok: false,
    reason:
      `Electron ${version}'s binary is not installed and its first-use download failed (${why}); ` +
      "it downloads from GitHub: run `npm run setup` (or `npx install-electron`) where the network allows",
  };
}

/** A display for Electron on Linux: $DISPLAY if set, else a private Xvfb, else a reason to skip. */
export async function findDisplay(): Promise<
  { ok: true; display?: string; stop(): void } | { ok: false; reason: string }
> {
  if (process.platform !== "linux" || process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
    return { ok: true, stop() {} };
  let xvfb: ChildProcess;
  try {
    xvfb = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp"], {
      stdio: ["ignore", "ignore", "ignore", "pipe"],
    });
  } catch (err) {
    return { ok: false, reason: `no $DISPLAY and Xvfb could not start (${String(err)}): run it under xvfb-run` };
  }
  const display = await new Promise<string | null>((resolve) => {
    let text = "";
    xvfb.stdio[3]!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(`:${text.trim()}`);
    });
    xvfb.once("error", () => resolve(null));
    xvfb.once("exit", () => resolve(null));
  });
  if (!display) return { ok: false, reason: "no $DISPLAY and no Xvfb (apt install xvfb): run it under xvfb-run" };
  return { ok: true, display, stop: () => void xvfb.kill() };
}
