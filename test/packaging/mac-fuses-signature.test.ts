// macOS arm64 runs only validly signed code, and flipping fuses rewrites the Electron Framework binary. With
// signing off (CI, no CSC_* identity) electron-builder signs nothing after flipping (macPackager.sign: no identity,
// "skipped macOS application code signing"), so the fuse config itself must ask @electron/fuses to re-sign ad hoc.
// Here electron-builder's own fuse-config code (PlatformPackager.generateFuseConfig) and its @electron/fuses run on a
// STAND-IN .app (a framework file carrying the fuse wire) with a `codesign` on PATH that only records its arguments:
// this proves the order (fuses written, then the whole .app re-signed ad hoc) and the arguments; that the signature
// is valid and the app starts is proven by the hosted workflow (codesign --verify, then the packaged app launched).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../harness/gateway.ts";
import { builderRequire, standInElectronBinary } from "./electron-builder-dir.ts";

const config = parse(readFileSync(join(repoRoot, "electron-builder.yml"), "utf8"));
const { PlatformPackager } = builderRequire("app-builder-lib") as {
  PlatformPackager: { prototype: { generateFuseConfig(fuses: object): Promise<Record<string, unknown>> } };
};
const fuses = builderRequire("@electron/fuses") as {
  flipFuses(path: string, config: Record<string, unknown>): Promise<number>;
  getCurrentFuseWire(path: string): Promise<Record<string, number>>;
  FuseV1Options: Record<string, number>;
};

let work = "";
afterEach(() => work && rmSync(work, { recursive: true, force: true }));

/** OCMAP.app as electron-builder lays it out, with a stand-in framework binary and a recording `codesign`. */
function standInMacApp() {
  work = mkdtempSync(join(tmpdir(), "ocmap-mac-fuses-"));
  const app = join(work, "mac-arm64", "OCMAP.app");
  const framework = join(app, "Contents/Frameworks/Electron Framework.framework");
  mkdirSync(framework, { recursive: true });
  writeFileSync(join(framework, "Electron Framework"), standInElectronBinary());
  const bin = join(work, "bin");
  mkdirSync(bin);
  const log = join(work, "codesign.log");
  // Records its arguments, and the framework binary as it is when codesign runs.
  const frameworkFile = join(framework, "Electron Framework");
  const snapshot = join(work, "framework-at-codesign");
  writeFileSync(
    join(bin, "codesign"),
    `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\ncp '${frameworkFile}' '${snapshot}'\n`,
  );
  chmodSync(join(bin, "codesign"), 0o755);
  return { app, bin, log, snapshot };
}

async function withPath<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = `${dir}${delimiter}${saved}`;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe("macOS: fuses flipped, then the app re-signed ad hoc (electron-builder's fuse code, stand-in .app)", () => {
  it("asks for the ad-hoc re-sign in the config electron-builder hands to @electron/fuses", async () => {
    expect(config.electronFuses.resetAdHocDarwinSignature).toBe(true);
    const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses);
    expect(fuseConfig.resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig[fuses.FuseV1Options.RunAsNode!]).toBe(false);
  });

  it("re-signs the whole .app ad hoc after writing the fuse wire, keeping entitlements and runtime", async () => {
    const { app, bin, log, snapshot } = standInMacApp();
    const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses);
    // electron-builder passes the .app itself for macOS (addElectronFuses: `${productFilename}.app`).
    await withPath(bin, () => fuses.flipFuses(app, fuseConfig));
    const [sign, dash, force, preserve, deep, target] = readFileSync(log, "utf8").trim().split("\n");
    expect([sign, dash, force, deep, target]).toEqual(["--sign", "-", "--force", "--deep", app]);
    expect(preserve).toBe("--preserve-metadata=entitlements,requirements,flags,runtime");
    // What codesign signed was the flipped binary (Electron's default has RunAsNode on, asar-only off).
    const wire = await fuses.getCurrentFuseWire(snapshot);
    expect(wire[fuses.FuseV1Options.RunAsNode!]).toBe(48);
    expect(wire[fuses.FuseV1Options.OnlyLoadAppFromAsar!]).toBe(49);
  });

  it("without the option nothing re-signs the flipped binary (the unsigned arm64 dmg would not start)", async () => {
    const { app, bin, log } = standInMacApp();
    const { resetAdHocDarwinSignature: _, ...withoutReset } = config.electronFuses;
    const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call({}, withoutReset);
    await withPath(bin, () => fuses.flipFuses(app, fuseConfig));
    expect(() => readFileSync(log)).toThrow(/ENOENT/);
  });
});
