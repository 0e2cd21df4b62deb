// Packaging cannot run here (no Electron binary), so the electron-builder config is checked by reading it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../harness/gateway.ts";

const config = parse(readFileSync(join(repoRoot, "electron-builder.yml"), "utf8"));
const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
const require = createRequire(import.meta.url);

function pngSize(path: string): { width: number; height: number } {
  const png = readFileSync(path);
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("electron-builder.yml", () => {
  it("is valid for electron-builder's own configuration schema", async () => {
    const { validateConfiguration } = require("app-builder-lib/out/util/config/config.js");
    const { DebugLogger } = require("builder-util");
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // The check can fail: a misspelt key is refused.
    const misspelt = { ...config, linux: { ...config.linux, mimeType: ["x-scheme-handler/ocmap"] } };
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/);
  });

  it("names the app and registers the ocmap:// protocol on every OS", () => {
    expect(config.appId).toBe("ai.ocmap.desktop");
    expect(config.productName).toBe("OCMAP");
    expect(config.mac.protocols).toEqual([{ name: "OCMAP pairing link", schemes: ["ocmap"] }]);
    // Linux: the .desktop file's MimeType (once: no top-level `protocols`, which would add it again).
    expect(config.linux.mimeTypes).toEqual(["x-scheme-handler/ocmap"]);
    expect(config.protocols).toBeUndefined();
    expect(config.linux.protocols).toBeUndefined();
  });

  it("has the metadata a deb and an AppImage need (electron-builder 26 refuses a deb without them)", () => {
    const meta = { ...pkg, ...config.extraMetadata };
    expect(meta.homepage).toMatch(/^https:\/\//);
    expect(meta.author).toEqual({
      name: expect.any(String),
      email: expect.stringMatching(/^[^@\s]+@[^@\s]+\.[a-z]+$/),
    });
    expect(config.linux.maintainer).toMatch(/^[^<>]+ <[^@\s]+@[^@\s]+>$/);
    expect(config.linux.vendor).toEqual(expect.any(String));
    // Electron's Linux app_id / WM_CLASS is desktopName; the .desktop file carries the same name.
    expect(meta.desktopName).toBe("ocmap.desktop");
    expect(config.linux.syncDesktopName).toBe(true);
    expect(config.linux.executableName).toBe("ocmap");
    expect(config.linux.category).toBe("Utility");
    expect(config.linux.synopsis.length).toBeGreaterThan(0);
    expect(config.linux.description.length).toBeGreaterThan(0);
    expect(config.linux.desktop.entry.Exec, "electron-builder writes Exec itself (with %U)").toBeUndefined();
    expect(config.deb.depends, "keep electron-builder's default depends (they include libsecret-1-0)").toBeUndefined();
    expect(config.mac.category).toBe("public.app-category.utilities");
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
    expect(included).toEqual([
      "dist/main/**/*",
      "dist/preload/**/*",
      "dist/renderer/**/*",
      "package.json",
      "node_modules/keytar/{package.json,LICENSE.md,lib/**,build/Release/keytar.node}",
    ]);
    expect(config.files).toContain("!node_modules/**/*");
    expect(pkg.main).toBe("dist/main/main.cjs");
    expect(pkg.main.startsWith("dist/main/")).toBe(true);
  });

  it("sets every Electron fuse the app relies on (file:// gets no extra privileges: the app uses app://)", () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      resetAdHocDarwinSignature: true, // macOS arm64: a valid ad-hoc signature after the flip
    });
  });
});
