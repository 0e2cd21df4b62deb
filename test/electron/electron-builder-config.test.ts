// Packaging cannot run here (no Electron binary), so the electron-builder config is checked by reading it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../harness/gateway.ts";

const config = parse(readFileSync(join(repoRoot, "electron-builder.yml"), "utf8"));
const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));

function pngSize(path: string): { width: number; height: number } {
  const png = readFileSync(path);
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("electron-builder.yml", () => {
  it("names the app and registers the ocmap:// protocol", () => {
    expect(config.appId).toBe("ai.ocmap.desktop");
    expect(config.productName).toBe("OCMAP");
    expect(config.protocols).toEqual([{ name: "OCMAP pairing link", schemes: ["ocmap"] }]);
  });

  it("builds AppImage and deb, dmg, and nsis, with the icon from assets/", () => {
    expect(config.linux.target).toEqual(["AppImage", "deb"]);
    expect(config.mac.target).toEqual(["dmg"]);
    expect(config.win.target).toEqual(["nsis"]);
    for (const os of ["linux", "mac", "win"]) expect(config[os].icon, os).toBe("assets/icon.png");
    expect(config.directories.buildResources).toBe("assets");
    expect(pngSize(join(repoRoot, "assets/icon.png"))).toEqual({ width: 512, height: 512 });
    expect(readFileSync(join(repoRoot, "assets/icon.svg"), "utf8")).toMatch(/^<svg /);
  });

  it("packs only the built app and package.json, in an asar", () => {
    expect(config.asar).toBe(true);
    const included = config.files.filter((f: string) => !f.startsWith("!"));
    expect(included).toEqual(["dist/main/**/*", "dist/preload/**/*", "dist/renderer/**/*", "package.json"]);
    expect(pkg.main).toBe("dist/main/main.cjs");
    expect(pkg.main.startsWith("dist/main/")).toBe(true);
  });

  it("sets every Electron fuse the app relies on", () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});
