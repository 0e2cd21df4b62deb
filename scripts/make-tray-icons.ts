// Draws the tray (menu-bar) icons and writes them to assets/tray/ (`npx tsx scripts/make-tray-icons.ts`):
// per state a coloured icon for Windows and Linux and a black-and-alpha template image for macOS (which
// tints it for light and dark menu bars), each at 16 px and 32 px (@2x). The state shows in the shape
// too, since a template image has no colour. A test checks the committed files match this drawing.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { TRAY_ICONS, type TrayIconName } from "../src/main/tray-status.std.ts";

type Shape = (px: number, py: number) => boolean;
type Rgb = readonly [number, number, number];

const disc =
  (cx: number, cy: number, radius: number): Shape =>
  (px, py) =>
    (px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2;
const ring =
  (radius: number, width: number, gapFrom?: number, gapTo?: number): Shape =>
  (px, py) => {
    const distance = Math.hypot(px - 0.5, py - 0.5);
    if (Math.abs(distance - radius) > width / 2) return false;
    if (gapFrom === undefined || gapTo === undefined) return true;
    const angle = (Math.atan2(0.5 - py, px - 0.5) * 180) / Math.PI; // counter-clockwise from 3 o'clock
    return angle < gapFrom || angle > gapTo;
  };
const segment =
  (x1: number, y1: number, x2: number, y2: number, width: number): Shape =>
  (px, py) => {
    const [dx, dy] = [x2 - x1, y2 - y1];
    const along = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(px - (x1 + along * dx), py - (y1 + along * dy)) <= width / 2;
  };
const triangle: Shape = (px, py) => py <= 0.92 && py >= 0.08 + Math.abs(px - 0.5) * 1.84;
const rect =
  (u1: number, v1: number, u2: number, v2: number): Shape =>
  (px, py) =>
    px >= u1 && px <= u2 && py >= v1 && py <= v2;
const union =
  (...shapes: Shape[]): Shape =>
  (px, py) =>
    shapes.some((shape) => shape(px, py));
const minus =
  (shape: Shape, ...holes: Shape[]): Shape =>
  (px, py) =>
    shape(px, py) && !holes.some((hole) => hole(px, py));

const GLYPHS: Record<TrayIconName, { shape: Shape; color: Rgb }> = {
  // Not paired (or starting): an empty ring with a dot.
  idle: { shape: union(ring(0.36, 0.11), disc(0.5, 0.5, 0.1)), color: [125, 133, 144] },
  connected: { shape: disc(0.5, 0.5, 0.42), color: [38, 150, 72] },
  // A ring broken at the top right: the link is down.
  disconnected: { shape: ring(0.36, 0.13, 15, 75), color: [125, 133, 144] },
  revoked: { shape: union(ring(0.36, 0.13), segment(0.25, 0.75, 0.75, 0.25, 0.13)), color: [205, 45, 40] },
  "identity-changed": {
    shape: minus(triangle, rect(0.44, 0.33, 0.56, 0.64), disc(0.5, 0.77, 0.065)),
    color: [222, 128, 0],
  },
};

const SAMPLES = 4; // per axis, for smooth edges

function rgba(shape: Shape, size: number, color: Rgb): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++)
        for (let sx = 0; sx < SAMPLES; sx++)
          if (shape((x + (sx + 0.5) / SAMPLES) / size, (y + (sy + 0.5) / SAMPLES) / size)) covered++;
      const at = (y * size + x) * 4;
      pixels.set([...color, Math.round((255 * covered) / SAMPLES ** 2)], at);
    }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = index;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  return crc >>> 0;
});
function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG, every row unfiltered. */
export function encodePng(pixels: Buffer, size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.concat(
    Array.from({ length: size }, (_, y) =>
      Buffer.concat([Buffer.from([0]), pixels.subarray(y * size * 4, (y + 1) * size * 4)]),
    ),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export const BLACK: Rgb = [0, 0, 0];

/** Every icon file: name → RGBA pixels and size (the PNG bytes depend on the zlib version; the pixels do not). */
export function trayIconPixels(): Map<string, { size: number; pixels: Buffer }> {
  const files = new Map<string, { size: number; pixels: Buffer }>();
  for (const name of TRAY_ICONS) {
    const { shape, color } = GLYPHS[name];
    for (const [suffix, size] of [
      ["", 16],
      ["@2x", 32],
    ] as const) {
      files.set(`${name}${suffix}.png`, { size, pixels: rgba(shape, size, color) });
      files.set(`${name}Template${suffix}.png`, { size, pixels: rgba(shape, size, BLACK) });
    }
  }
  return files;
}

export const TRAY_ICON_DIR = "assets/tray";

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(TRAY_ICON_DIR, { recursive: true });
  for (const [file, { size, pixels }] of trayIconPixels())
    writeFileSync(join(TRAY_ICON_DIR, file), encodePng(pixels, size));
  console.log(`wrote ${trayIconPixels().size} icons to ${TRAY_ICON_DIR}`);
}
