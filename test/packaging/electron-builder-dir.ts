// Runs the pinned electron-builder for real (`--linux dir`, offline) against a STAND-IN Electron distribution:
// Electron's own binary cannot be downloaded here, so `electronDist` points at a folder whose `electron` file
// is a few bytes carrying Electron's fuse wire (the sentinel @electron/fuses searches for, version 1, eight
// fuses in Electron's default states). Everything else is electron-builder's own work: the file set, the
// dependency collection, the asar with its unpacked native addon, and the fuses it flips.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../harness/gateway.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
/** electron-builder's own copies of @electron/asar and @electron/fuses (the versions that pack the app). */
export const builderRequire = createRequire(require.resolve("app-builder-lib/package.json"));

export const FUSE_SENTINEL = "dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX";
/** Electron's defaults, in @electron/fuses' V1 order: RunAsNode on, cookie encryption off, NODE_OPTIONS on, … */
export const DEFAULT_FUSE_WIRE = "10110001";

/** A file that @electron/fuses accepts as an Electron binary: the sentinel, wire version 1, length, states. */
export function standInElectronBinary(wire = DEFAULT_FUSE_WIRE): Buffer {
  return Buffer.concat([
    Buffer.from("#!/bin/sh\nexit 1\n"),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, wire.length]),
    Buffer.from(wire, "latin1"),
  ]);
}

export interface PackedLinuxApp {
  /** The temporary folder holding everything (remove it when done). */
  work: string;
  /** release/linux-unpacked as electron-builder wrote it. */
  appOutDir: string;
  resources: string;
  executable: string;
  log: string;
}

/** `electron-builder --linux dir` of the built app (run `npm run build` first), into a fresh temporary folder. */
export async function packLinuxDir(): Promise<PackedLinuxApp> {
  const work = mkdtempSync(join(tmpdir(), "ocmap-pack-"));
  const electronDist = join(work, "electron-dist");
  mkdirSync(electronDist);
  writeFileSync(join(electronDist, "electron"), standInElectronBinary(), { mode: 0o755 });
  const output = join(work, "release");
  const cli = require.resolve("electron-builder/cli.js");
  const { stdout, stderr } = await run(
    process.execPath,
    [
      cli,
      "--linux",
      "dir",
      "--publish",
      "never",
      `-c.electronDist=${electronDist}`,
      "-c.npmRebuild=false", // keytar as npm ci built it; rebuilding for Electron needs Electron's headers
      `-c.directories.output=${output}`,
    ],
    { cwd: repoRoot, timeout: 240_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, CI: "true" } },
  );
  const appOutDir = join(output, "linux-unpacked");
  return {
    work,
    appOutDir,
    resources: join(appOutDir, "resources"),
    executable: join(appOutDir, "ocmap"),
    log: `${stdout}\n${stderr}`,
  };
}
