// Draws Klartext's toolbar and store icons: a dark rounded square with a light "K".
// No dependencies: the shapes are rasterised with 4x4 supersampling and written as PNG with
// node:zlib. Run `node tests/tools/make-icons.mjs` to redraw extension/icons/*.png.

import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../../extension/icons/', import.meta.url));
const SIZES = [16, 32, 48, 128];
const BG = [0x1f, 0x2a, 0x38];
const FG = [0xf4, 0xf1, 0xea];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Inside a rounded square covering the unit square, corner radius r. */
function inRoundedSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= 0 && x <= 1 && y >= 0 && y <= 1;
}

function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// The "K": a stem and two arms, as thick strokes in unit coordinates.
function inK(x, y, size) {
  const w = size <= 16 ? 0.085 : 0.07; // half stroke width, bolder when small
  const upper = [[0.68, 0.24], [0.38, 0.53]];
  const lower = [[0.47, 0.45], [0.69, 0.76]];
  const inStem = Math.abs(x - 0.34) <= w && y >= 0.24 && y <= 0.76;
  return inStem
    || (distToSegment(x, y, ...upper) <= w && y >= 0.24 - w / 2)
    || (distToSegment(x, y, ...lower) <= w && y <= 0.76 + w / 2);
}

function draw(size) {
  const rgba = Buffer.alloc(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          if (!inRoundedSquare(x, y, 0.2)) continue;
          if (inK(x, y, size)) fg++;
          else bg++;
        }
      }
      const cover = (bg + fg) / (S * S);
      const i = (py * size + px) * 4;
      if (cover === 0) continue;
      const f = fg / (bg + fg);
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(BG[c] * (1 - f) + FG[c] * f);
      rgba[i + 3] = Math.round(cover * 255);
    }
  }
  return png(size, rgba);
}

mkdirSync(OUT, { recursive: true });
for (const size of SIZES) {
  writeFileSync(`${OUT}icon-${size}.png`, draw(size));
}
console.log(`wrote ${SIZES.map((s) => `icon-${s}.png`).join(', ')} to ${OUT}`);
