// The committed tray icons (unit test): one per state, coloured and macOS template, at 16 and 32 px, each a
// valid PNG holding exactly what scripts/make-tray-icons.ts draws; templates are black with alpha only; the
// build copies them beside main.cjs, where the tray loads them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { TRAY_ICONS } from "../../src/main/tray-status.std.ts";
import { trayIconPath } from "../../src/main/tray.main.ts";
import { TRAY_ICON_DIR, trayIconPixels } from "../../scripts/make-tray-icons.ts";
import { repoRoot } from "../harness/gateway.ts";

vi.mock("electron", async () => (await import("./electron-stand-in.ts")).electronStandIn);

/** Size and RGBA pixels of an 8-bit RGBA PNG whose rows are unfiltered (what the script writes). */
function decodePng(png: Buffer): { size: number; pixels: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("ascii", offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      expect(body.readUInt32BE(4)).toBe(width);
      expect([...body.subarray(8, 13)]).toEqual([8, 6, 0, 0, 0]);
    } else if (type === "IDAT") data.push(body);
    offset += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(data));
  const stride = width * 4 + 1;
  expect(rows.length).toBe(stride * width);
  const pixels = Buffer.concat(
    Array.from({ length: width }, (_, row) => {
      expect(rows[row * stride]).toBe(0);
      return rows.subarray(row * stride + 1, (row + 1) * stride);
    }),
  );
  return { size: width, pixels };
}

describe("tray icons", () => {
  const dir = join(repoRoot, TRAY_ICON_DIR);
  const drawn = trayIconPixels();

  it("are committed for every state, coloured and template, at 1x and 2x, and nothing else", () => {
    const expected = TRAY_ICONS.flatMap((name) =>
      ["", "Template"].flatMap((kind) => ["", "@2x"].map((scale) => `${name}${kind}${scale}.png`)),
    ).sort();
    expect(readdirSync(dir).sort()).toEqual(expected);
    expect([...drawn.keys()].sort()).toEqual(expected);
  });

  it("hold exactly what the script draws (run it again after changing a drawing)", () => {
    for (const [file, { size, pixels }] of drawn) {
      const png = readFileSync(join(dir, file));
      expect(png.length, file).toBeLessThan(1024);
      const decoded = decodePng(png);
      expect(decoded.size, file).toBe(size);
      expect(decoded.pixels.equals(pixels), `${file} differs from the drawing`).toBe(true);
    }
  });

  it("templates are black with alpha only; states differ in shape, not only colour", () => {
    const alphas = new Set<string>();
    for (const name of TRAY_ICONS) {
      const { pixels } = drawn.get(`${name}Template.png`)!;
      for (let at = 0; at < pixels.length; at += 4) expect([...pixels.subarray(at, at + 3)]).toEqual([0, 0, 0]);
      alphas.add(Buffer.from(pixels.filter((_, index) => index % 4 === 3)).toString("hex"));
    }
    expect(alphas.size).toBe(TRAY_ICONS.length);
  });

  it("the build puts them beside main.cjs, where the tray looks (the template ones on macOS)", () => {
    const built = join(repoRoot, "dist/main/tray");
    expect(trayIconPath(built, "revoked", "darwin")).toBe(join(built, "revokedTemplate.png"));
    expect(trayIconPath(built, "revoked", "linux")).toBe(join(built, "revoked.png"));
    for (const name of TRAY_ICONS) {
      expect(existsSync(trayIconPath(built, name, "darwin")), `${name} (run npm run build)`).toBe(true);
      expect(existsSync(trayIconPath(built, name, "win32"))).toBe(true);
    }
  });
});
