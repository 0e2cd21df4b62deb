// What the installers carry: electron-builder (pinned, run for real with `--linux dir`) packs the built app into
// app.asar. Only keytar, a native addon that cannot be bundled, ships as a node module; main, preload and renderer
// are bundles. Electron's binary is a STAND-IN carrying its fuse wire (see electron-builder-dir.ts), so this proves
// the file set, the packaged package.json and the fuses electron-builder flips, not that Electron starts: the
// hosted workflow launches the packaged app on every OS for that.
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../harness/gateway.ts";
import { builderRequire, packLinuxDir, type PackedLinuxApp } from "./electron-builder-dir.ts";

const asar = builderRequire("@electron/asar") as {
  listPackage(path: string, options: object): string[];
  extractFile(path: string, file: string): Buffer;
  statFile(path: string, file: string): { unpacked?: boolean; size?: number };
};
const fuses = builderRequire("@electron/fuses") as {
  getCurrentFuseWire(path: string): Promise<Record<string, unknown>>;
  FuseV1Options: Record<string, number>;
};

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
const builderConfig = parse(readFileSync(join(repoRoot, "electron-builder.yml"), "utf8"));
const KEYTAR_FILES = ["LICENSE.md", "build/Release/keytar.node", "lib/keytar.js", "package.json"].map(
  (file) => `node_modules/keytar/${file}`,
);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)).split(sep).join("/"));
}

/** The packages a bundle still loads at run time (not Node's or Electron's built-ins). */
function packageImports(file: string): Set<string> {
  const code = readFileSync(join(repoRoot, file), "utf8");
  const names = [...code.matchAll(/\brequire\(\s*"([^"]+)"\s*\)/g)].map((match) => match[1]!);
  const builtin = (name: string) => name.startsWith("node:") || builtinModules.includes(name);
  return new Set(names.filter((name) => !builtin(name) && name !== "electron"));
}

describe("the desktop app's runtime dependencies", () => {
  it("are keytar alone: every library the bundles contain is a devDependency", () => {
    expect(pkg.dependencies).toEqual({ keytar: "7.9.0" });
    for (const bundled of ["@noble/curves", "@noble/hashes", "@openclaw/gateway-protocol", "ws", "xstate", "react"])
      expect(pkg.devDependencies[bundled], bundled).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("the built main process loads only keytar (and ws's optional helpers, which it guards) from node_modules", () => {
    expect(packageImports("dist/main/main.cjs")).toEqual(new Set(["keytar", "bufferutil", "utf-8-validate"]));
    expect(packageImports("dist/preload/preload.cjs")).toEqual(new Set());
  });
});

describe("app.asar as electron-builder packs it (electron-builder --linux dir, stand-in Electron binary)", () => {
  let packed: PackedLinuxApp;
  let archive: string;
  beforeAll(async () => {
    packed = await packLinuxDir();
    archive = join(packed.resources, "app.asar");
  }, 300_000);
  afterAll(() => packed && rmSync(packed.work, { recursive: true, force: true }));

  it("holds the built app, package.json and keytar's four files, nothing else", () => {
    const listed = asar
      .listPackage(archive, { isPack: false })
      .map((entry) => entry.replaceAll("\\", "/").replace(/^\//, ""))
      .filter((entry) => {
        const stat = asar.statFile(archive, entry) as { files?: unknown };
        return !stat.files; // files only, not folders
      })
      .sort();
    const built = ["dist/main", "dist/preload", "dist/renderer"].flatMap((dir) => filesUnder(join(repoRoot, dir)));
    const expected = [...built.filter((file) => !file.endsWith(".map")), "package.json", ...KEYTAR_FILES].sort();
    expect(listed).toEqual(expected);
  });

  it("unpacks keytar's native addon next to the archive, where Electron's require finds it", () => {
    expect(asar.statFile(archive, "node_modules/keytar/build/Release/keytar.node").unpacked).toBe(true);
    const unpacked = join(packed.resources, "app.asar.unpacked/node_modules/keytar/build/Release/keytar.node");
    expect(statSync(unpacked).size).toBe(
      statSync(join(repoRoot, "node_modules/keytar/build/Release/keytar.node")).size,
    );
  });

  it("is about the size of the built app (it was 14.8 MB when the bundled libraries shipped again)", () => {
    const code = ["dist/main", "dist/preload", "dist/renderer"]
      .flatMap((dir) => filesUnder(join(repoRoot, dir)))
      .filter((file) => !file.endsWith(".map"))
      .reduce((sum, file) => sum + statSync(join(repoRoot, file)).size, 0);
    const size = statSync(archive).size;
    expect(size).toBeGreaterThan(code);
    expect(size, `app.asar ${size} bytes for ${code} bytes of bundled code`).toBeLessThan(code + 128 * 1024);
  });

  it("carries a package.json whose only dependency is keytar, started from the built main", () => {
    const packagedPkg = JSON.parse(asar.extractFile(archive, "package.json").toString("utf8"));
    expect(packagedPkg.main).toBe("dist/main/main.cjs");
    expect(packagedPkg.dependencies).toEqual({ keytar: "7.9.0" });
    expect(packagedPkg.desktopName).toBe("ocmap.desktop");
    // keytar's entry point loads nothing but its addon: the install-time packages it declares stay out.
    const keytarMain = asar.extractFile(archive, "node_modules/keytar/lib/keytar.js").toString("utf8");
    expect([...keytarMain.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1])).toEqual([
      "../build/Release/keytar.node",
    ]);
  });

  it("flips every configured fuse in the packaged binary", async () => {
    const wire = await fuses.getCurrentFuseWire(packed.executable);
    const { FuseV1Options } = fuses;
    const expected: Record<string, boolean> = {
      RunAsNode: builderConfig.electronFuses.runAsNode,
      EnableCookieEncryption: builderConfig.electronFuses.enableCookieEncryption,
      EnableNodeOptionsEnvironmentVariable: builderConfig.electronFuses.enableNodeOptionsEnvironmentVariable,
      EnableNodeCliInspectArguments: builderConfig.electronFuses.enableNodeCliInspectArguments,
      EnableEmbeddedAsarIntegrityValidation: builderConfig.electronFuses.enableEmbeddedAsarIntegrityValidation,
      OnlyLoadAppFromAsar: builderConfig.electronFuses.onlyLoadAppFromAsar,
      GrantFileProtocolExtraPrivileges: builderConfig.electronFuses.grantFileProtocolExtraPrivileges,
    };
    for (const [name, on] of Object.entries(expected)) {
      expect(typeof on, name).toBe("boolean");
      expect(wire[FuseV1Options[name]!], name).toBe(on ? 49 : 48); // "1" / "0"
    }
  });
});
