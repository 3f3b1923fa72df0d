// Photos or scans of a kit's QR codes, decoded in the page: each image is drawn on a canvas and
// never leaves the page. ZXing-C++ (zxing-wasm, its WebAssembly build, carried inside the page:
// nothing is fetched) reads every code of a photo at once, rotated, blurred or small; jsQR, the
// fallback, finds one code at a time, so each one found is painted over and the image searched
// again.
import jsQR from 'jsqr';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import ZXING_WASM from 'zxing-wasm/reader/zxing_reader.wasm';

// The module is built from the bytes inside the page, never from its default address online
// (which the page's security policy would refuse anyway).
prepareZXingModule({ overrides: { wasmBinary: ZXING_WASM.buffer.slice(ZXING_WASM.byteOffset, ZXING_WASM.byteOffset + ZXING_WASM.byteLength) } });

const MAX_SIDE = 2000;
/** ZXing reads the photo at up to this size (a whole printed kit, two pages, at scan quality). */
const ZXING_MAX_SIDE = 6000;
const ZXING_MAX_PIXELS = 24_000_000;
/** A page 2 holds at most 99 parts (FORMAT.md, "Recovery copy (version 3)"), page 1 one more. */
const MAX_CODES = 100;

/**
 * The texts of the QR codes in an image file, in the order found (empty if none). jsQR finds one
 * code at a time, and none at all when several codes share an image: so each code found is
 * painted over and the image searched again, and then overlapping windows of it (halves, thirds,
 * quarters) are searched one by one, until `enough(texts)` says the codes found are all that is
 * needed.
 */
export async function decodeQrFile(file, enough = (texts) => texts.length > 0) {
  const bitmap = await createImageBitmap(file);
  const texts = [];
  try {
    for (const t of await zxingTexts(bitmap)) if (!texts.includes(t) && texts.length < MAX_CODES) texts.push(t);
  } catch {
    // A picture ZXing cannot take (or a browser without WebAssembly): jsQR alone, below.
  }
  if (enough(texts)) {
    bitmap.close();
    return texts;
  }
  return jsqrTexts(bitmap, texts, enough);
}

/** jsQR alone (the fallback), for the photo benchmark's comparison (bench/photos.mjs). */
export async function decodeQrFileJsqr(file, enough = (texts) => texts.length > 0) {
  return jsqrTexts(await createImageBitmap(file), [], enough);
}

/** The picture drawn on white on a canvas of its own, `scale` times its size. */
function drawn(bitmap, scale) {
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(bitmap, 0, 0, w, h);
  return { ctx, w, h };
}

/** Every QR code ZXing finds in the picture, drawn at up to ZXING_MAX_SIDE on white. */
async function zxingTexts(bitmap) {
  const big = Math.max(bitmap.width, bitmap.height);
  const { ctx, w, h } = drawn(bitmap, Math.min(1, ZXING_MAX_SIDE / big, Math.sqrt(ZXING_MAX_PIXELS / (bitmap.width * bitmap.height))));
  const image = ctx.getImageData(0, 0, w, h);
  try {
    const found = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true, tryRotate: true, tryDownscale: true, maxNumberOfSymbols: MAX_CODES });
    return found.filter((r) => r.isValid && r.text.length > 0).map((r) => r.text);
  } finally {
    image.data.fill(0);
    ctx.clearRect(0, 0, w, h);
  }
}

/** The texts jsQR finds, added to `texts` (painting over each code, then blocks, then windows). */
async function jsqrTexts(bitmap, texts, enough) {
  const { ctx, w, h } = drawn(bitmap, Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height)));
  bitmap.close();
  // An empty reading (jsQR takes a cluster of finder-like squares for a code) is no code.
  const found = (t) => t.trim().length > 0 && !texts.includes(t) && texts.length < MAX_CODES && texts.push(t) > 0;
  try {
    // The whole image, painting over each code found.
    // (At most MAX_CODES searches: an image tiled with codes must not keep the page busy.)
    for (let n = 0; n < MAX_CODES; n++) {
      const code = scan(ctx, 0, 0, w, h);
      if (!code || !found(code.data)) break;
      paintOver(ctx, code.location, 0, 0);
    }
    // The blocks that white gaps separate (a printed page 2 lays its codes out on a grid).
    if (!enough(texts)) {
      for (const [x0, y0, bw, bh] of blocks(ctx, w, h)) {
        if (enough(texts)) break;
        const code = scan(ctx, x0, y0, bw, bh);
        if (code) {
          found(code.data);
          paintOver(ctx, code.location, x0, y0);
        }
      }
    }
    // Windows: k by k, each 1.6 times the k-th of a side, every half step.
    for (let k = 2; k <= 4 && !enough(texts); k++) {
      const [tw, th] = [Math.min(w, Math.round((w / k) * 1.6)), Math.min(h, Math.round((h / k) * 1.6))];
      const [sx, sy] = [Math.max(1, Math.round(w / (2 * k))), Math.max(1, Math.round(h / (2 * k)))];
      for (let y = 0; y + th <= h + sy - 1 && !enough(texts); y += sy) {
        for (let x = 0; x + tw <= w + sx - 1 && !enough(texts); x += sx) {
          const [x0, y0] = [Math.min(x, w - tw), Math.min(y, h - th)];
          const code = scan(ctx, x0, y0, tw, th);
          if (code) {
            found(code.data);
            paintOver(ctx, code.location, x0, y0);
          }
        }
      }
    }
  } finally {
    ctx.clearRect(0, 0, w, h);
  }
  return texts;
}

/**
 * The rectangles [x, y, w, h] of the dark blocks that runs of white rows and columns separate
 * (a recursive cut, as far as three levels), each widened by a margin of white.
 */
function blocks(ctx, w, h) {
  const image = ctx.getImageData(0, 0, w, h);
  const dark = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = [image.data[4 * i], image.data[4 * i + 1], image.data[4 * i + 2]];
    dark[i] = r * 0.299 + g * 0.587 + b * 0.114 < 128 ? 1 : 0;
  }
  image.data.fill(0);
  const out = [];
  const minGap = Math.max(4, Math.round(Math.min(w, h) / 100));
  // The dark runs along one axis of a rectangle, split where `minGap` white lines pass.
  const runsOf = ([x0, y0, x1, y1], vertical) => {
    const len = vertical ? x1 - x0 : y1 - y0;
    const count = new Uint32Array(len);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (dark[y * w + x]) count[vertical ? x - x0 : y - y0]++;
    const runs = [];
    let start = -1;
    let end = -1;
    for (let i = 0; i < len; i++) {
      if (count[i] === 0) continue;
      if (start >= 0 && i - end > minGap) {
        runs.push([start, end + 1]);
        start = -1;
      }
      if (start < 0) start = i;
      end = i;
    }
    if (start >= 0) runs.push([start, end + 1]);
    return runs.map(([a, b]) => (vertical ? [x0 + a, y0, x0 + b, y1] : [x0, y0 + a, x1, y0 + b]));
  };
  const cut = (rect, depth) => {
    const rows = runsOf(rect, false);
    if (rows.length > 1 && depth > 0) return rows.forEach((r) => cut(r, depth - 1));
    const cols = runsOf(rows[0] ?? rect, true);
    if (cols.length > 1 && depth > 0) return cols.forEach((r) => cut(r, depth - 1));
    if (cols.length > 0) out.push(cols[0]);
  };
  cut([0, 0, w, h], 6);
  const m = minGap * 2;
  return out
    .filter(([x0, y0, x1, y1]) => x1 - x0 >= 21 && y1 - y0 >= 21)
    .map(([x0, y0, x1, y1]) => {
      const [a, b] = [Math.max(0, x0 - m), Math.max(0, y0 - m)];
      return [a, b, Math.min(w, x1 + m) - a, Math.min(h, y1 + m) - b];
    });
}

/** One jsQR search of a window of the canvas; the pixels read are wiped after. */
function scan(ctx, x, y, w, h) {
  const image = ctx.getImageData(x, y, w, h);
  const code = jsQR(image.data, w, h, { inversionAttempts: 'attemptBoth' });
  image.data.fill(0);
  return code;
}

/** Paints a found code white (its four corners, widened a little), in a window at (x0, y0). */
function paintOver(ctx, loc, x0, y0) {
  const corners = [loc.topLeftCorner, loc.topRightCorner, loc.bottomRightCorner, loc.bottomLeftCorner].map((p) => ({ x: p.x + x0, y: p.y + y0 }));
  const cx = corners.reduce((s, p) => s + p.x, 0) / 4;
  const cy = corners.reduce((s, p) => s + p.y, 0) / 4;
  ctx.fillStyle = '#fff';
  ctx.beginPath();
  corners.forEach((p, i) => {
    const x = cx + (p.x - cx) * 1.15;
    const y = cy + (p.y - cy) * 1.15;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.closePath();
  ctx.fill();
}
