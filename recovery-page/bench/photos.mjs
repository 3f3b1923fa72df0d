// The photo benchmark (issue 26, item 2): kit pages, rendered by Chromium as a scanner or a
// phone would see them, then degraded; how many of their QR codes zbarimg, the command line and
// the recovery page each read. The figures go in BENCHMARKS.md.
//
//   node bench/photos.mjs OUT KIT.html...
//
// For each kit: page 1 and page 2, each rendered whole at 150 and 300 dpi, then each picture as
// it is ("clean") and degraded: rotated 6 degrees, blurred by 1 px, with noise, saved as JPEG
// (quality 70), and all four at once. Pictures go in OUT (kept, to look at or rerun); a table goes
// to standard output. Needs Debian's chromium and zbarimg (zbar-tools); GSL_VAULT_QR_COUNT
// names the command line's reader (cargo build --release --example qr_count:
// target/release/examples/qr_count).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const [out, ...kits] = process.argv.slice(2);
if (!out || kits.length === 0) {
  console.error('usage: node bench/photos.mjs OUT KIT.html...');
  process.exit(2);
}
const qrCount = process.env.GSL_VAULT_QR_COUNT;
mkdirSync(out, { recursive: true });

const VARIANTS = {
  clean: {},
  rotated: { rotate: 6 },
  blurred: { blur: 1 },
  noisy: { noise: 24 },
  jpeg: { jpeg: 0.7 },
  all: { rotate: 6, blur: 1, noise: 24, jpeg: 0.7 },
};

// The page's own two readers, bundled from its sources for this harness.
const harness = (
  await esbuild.build({
    stdin: {
      contents: "import { decodeQrFile, decodeQrFileJsqr } from './src/ui-qr.js'; window.readers = { decodeQrFile, decodeQrFileJsqr };",
      resolveDir: join(here, '..'),
    },
    bundle: true,
    write: false,
    format: 'iife',
    loader: { '.wasm': 'binary' },
    logLevel: 'silent',
  })
).outputFiles[0].text;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
});
const pictures = [];
try {
  // 1. Render each kit's two pages at 150 and 300 dpi (A4 is 794 CSS px wide).
  for (const kit of kits) {
    for (const dpi of [150, 300]) {
      const ctx = await browser.newContext({ viewport: { width: 794, height: 1123 }, deviceScaleFactor: dpi / 96 });
      const page = await ctx.newPage();
      await page.goto(pathToFileURL(kit).href);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      const split = await page.evaluate(() => document.querySelector('.copy')?.getBoundingClientRect().top ?? null);
      const pages = split ? [[0, split], [split, height - split]] : [[0, height]];
      for (const [i, [y, h]] of pages.entries()) {
        const file = join(out, `${basename(kit, '.html')}-p${i + 1}-${dpi}dpi-clean.png`);
        await page.screenshot({ path: file, clip: { x: 0, y, width: 794, height: h }, fullPage: true });
        pictures.push(file);
      }
      await ctx.close();
    }
  }

  // 2. Degrade each rendering in a canvas (rotation on a white margin, blur, seeded noise, JPEG).
  const work = await (await browser.newContext()).newPage();
  await work.setContent('<!doctype html><title>bench</title>');
  await work.addScriptTag({ content: harness });
  const clean = pictures.splice(0);
  for (const file of clean) {
    for (const [name, v] of Object.entries(VARIANTS)) {
      if (name === 'clean') {
        pictures.push(file);
        continue;
      }
      const data = await work.evaluate(
        async ({ b64, v }) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const img = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
          const m = v.rotate ? Math.ceil(0.06 * Math.max(img.width, img.height)) : 0;
          const c = document.createElement('canvas');
          c.width = img.width + 2 * m;
          c.height = img.height + 2 * m;
          const ctx = c.getContext('2d');
          ctx.fillStyle = '#fff';
          ctx.fillRect(0, 0, c.width, c.height);
          ctx.translate(c.width / 2, c.height / 2);
          if (v.rotate) ctx.rotate((v.rotate * Math.PI) / 180);
          if (v.blur) ctx.filter = `blur(${v.blur}px)`;
          ctx.drawImage(img, -img.width / 2, -img.height / 2);
          ctx.setTransform(1, 0, 0, 1, 0, 0);
          ctx.filter = 'none';
          if (v.noise) {
            const d = ctx.getImageData(0, 0, c.width, c.height);
            let seed = 12345;
            const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
            for (let i = 0; i < d.data.length; i += 4) {
              const n = rand() * 2 * v.noise;
              for (let k = 0; k < 3; k++) d.data[i + k] = Math.max(0, Math.min(255, d.data[i + k] + n));
            }
            ctx.putImageData(d, 0, 0);
          }
          const url = v.jpeg ? c.toDataURL('image/jpeg', v.jpeg) : c.toDataURL('image/png');
          return url.slice(url.indexOf(',') + 1);
        },
        { b64: readFileSync(file).toString('base64'), v },
      );
      const to = file.replace('-clean.png', `-${name}.${v.jpeg ? 'jpg' : 'png'}`);
      writeFileSync(to, Buffer.from(data, 'base64'));
      pictures.push(to);
    }
  }

  // 3. Read every picture with each reader; a code counts when its text is read.
  const rows = [];
  for (const file of pictures) {
    const zbar = (() => {
      try {
        return execFileSync('zbarimg', ['-q', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter((l) => l.startsWith('QR-Code:')).length;
      } catch {
        return 0; // zbarimg exits 4 when it finds nothing
      }
    })();
    const cli = qrCount ? Number(execFileSync(qrCount, [file], { encoding: 'utf8' }).split('\t')[0]) : null;
    const page = await work.evaluate(
      async ({ b64, name }) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        return (await window.readers.decodeQrFile(new File([bytes], name), () => false)).length;
      },
      { b64: readFileSync(file).toString('base64'), name: basename(file) },
    );
    const jsqr = await work.evaluate(
      async ({ b64, name }) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        return (await window.readers.decodeQrFileJsqr(new File([bytes], name), () => false)).length;
      },
      { b64: readFileSync(file).toString('base64'), name: basename(file) },
    );
    rows.push({ file: basename(file), zbar, cli, page, jsqr });
    console.log(`${basename(file).padEnd(40)} zbarimg ${zbar}  cli ${cli ?? '-'}  page ${page}  jsQR alone ${jsqr}`);
  }
  const sum = (k) => rows.reduce((a, r) => a + (r[k] ?? 0), 0);
  const short = (k) => rows.filter((r) => r[k] !== null && r[k] < r.zbar).map((r) => r.file);
  console.log(`\ncodes read over ${rows.length} pictures: zbarimg ${sum('zbar')}, cli ${qrCount ? sum('cli') : '-'}, page ${sum('page')}, jsQR alone ${sum('jsqr')}`);
  console.log(`pictures where a reader read fewer codes than zbarimg: cli [${qrCount ? short('cli').join(', ') : '-'}], page [${short('page').join(', ')}], jsQR alone [${short('jsqr').join(', ')}]`);
  writeFileSync(join(out, 'results.json'), JSON.stringify(rows, null, 1));
} finally {
  await browser.close();
}
