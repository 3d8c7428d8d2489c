// Draws the app's icons into public/ from one shape (a keyhole on the brand blue), so the SVG,
// the PNGs and favicon.ico agree. Run after changing the shape: `node scripts/make-icons.mjs`.
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const BLUE = [0x24, 0x51, 0xd6];
const WHITE = [0xff, 0xff, 0xff];
// In units of the icon's side: background corner radius, keyhole circle, keyhole stem.
const CORNER = 0.22;
const HOLE = { cx: 0.5, cy: 0.4, r: 0.15 };
const STEM = { top: 0.45, bottom: 0.78, halfTop: 0.055, halfBottom: 0.11 };

function inRoundedSquare(x, y) {
  const dx = Math.max(CORNER - x, 0, x - (1 - CORNER));
  const dy = Math.max(CORNER - y, 0, y - (1 - CORNER));
  return dx * dx + dy * dy <= CORNER * CORNER;
}

function inKeyhole(x, y) {
  if ((x - HOLE.cx) ** 2 + (y - HOLE.cy) ** 2 <= HOLE.r ** 2) return true;
  if (y < STEM.top || y > STEM.bottom) return false;
  const t = (y - STEM.top) / (STEM.bottom - STEM.top);
  return Math.abs(x - 0.5) <= STEM.halfTop + t * (STEM.halfBottom - STEM.halfTop);
}

/** An RGBA PNG of the icon at `size` pixels, 4×4 supersampled for smooth edges. */
function png(size) {
  const image = new PNG({ width: size, height: size });
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          if (!inRoundedSquare(x, y)) continue;
          if (inKeyhole(x, y)) fg++;
          else bg++;
        }
      }
      const covered = bg + fg;
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) {
        image.data[i + c] = covered ? Math.round((BLUE[c] * bg + WHITE[c] * fg) / covered) : 0;
      }
      image.data[i + 3] = Math.round((255 * covered) / (n * n));
    }
  }
  return PNG.sync.write(image);
}

/** favicon.ico holding PNG images (an ICO directory entry per size). */
function ico(sizes) {
  const images = sizes.map(png);
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((data, k) => {
    const e = 6 + 16 * k;
    header.writeUInt8(sizes[k] % 256, e); // 0 means 256
    header.writeUInt8(sizes[k] % 256, e + 1);
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images]);
}

const f = (v) => Number((v * 64).toFixed(2));
const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Latchkey">
  <title>Latchkey</title>
  <rect width="64" height="64" rx="${f(CORNER)}" fill="#2451d6"/>
  <circle cx="${f(HOLE.cx)}" cy="${f(HOLE.cy)}" r="${f(HOLE.r)}" fill="#fff"/>
  <path d="M${f(0.5 - STEM.halfTop)} ${f(STEM.top)}H${f(0.5 + STEM.halfTop)}L${f(0.5 + STEM.halfBottom)} ${f(STEM.bottom)}H${f(0.5 - STEM.halfBottom)}Z" fill="#fff"/>
</svg>
`;

writeFileSync('public/icon.svg', svg);
writeFileSync('public/favicon.ico', ico([16, 32, 48]));
writeFileSync('public/apple-touch-icon.png', png(180));
writeFileSync('public/icon-192.png', png(192));
writeFileSync('public/icon-512.png', png(512));
console.info('icons written to public/');
