// Builds recover.html: src/ bundled by esbuild into one inline script, the page template around
// it, and a Content-Security-Policy that names the script and style by their SHA-256 and allows
// no connection at all. `node build.mjs` writes recover.html; `node build.mjs --check` fails if
// the committed file differs from a fresh build (the bundle is reproducible).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, 'recover.html');

const common = {
  bundle: true,
  write: false,
  charset: 'utf8',
  legalComments: 'inline',
  loader: { '.txt': 'text', '.wasm': 'binary' },
  logLevel: 'silent',
  mainFields: ['module', 'main'],
};

/** src/core.js as one ES module (for the tests). */
export async function bundleCore() {
  const r = await esbuild.build({ ...common, entryPoints: [join(here, 'src/core.js')], format: 'esm', platform: 'neutral' });
  return r.outputFiles[0].text;
}

async function bundle(entry, define = {}) {
  const r = await esbuild.build({
    ...common,
    entryPoints: [join(here, entry)],
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'firefox115', 'safari16'],
    minify: true,
    define,
  });
  return r.outputFiles[0].text;
}

const sha256b64 = (s) => createHash('sha256').update(s, 'utf8').digest('base64');

/** The whole page, as a string. */
export async function buildPage() {
  const worker = await bundle('src/kdf-worker.js');
  const script = (await bundle('src/ui.js', { __KDF_WORKER__: JSON.stringify(worker) })).replaceAll('</script', '<\\/script');
  const style = readFileSync(join(here, 'src/page.css'), 'utf8');
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256b64(script)}' 'wasm-unsafe-eval'`,
    `style-src 'sha256-${sha256b64(style)}'`,
    'worker-src blob:',
    "img-src 'none'",
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return readFileSync(join(here, 'src/page.html'), 'utf8')
    .replace('@CSP@', () => csp)
    .replace('@STYLE@', () => style)
    .replace('@SCRIPT@', () => script);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const page = await buildPage();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(OUT, 'utf8');
    if (committed !== page) {
      console.error('recovery-page/recover.html differs from a fresh build: run `npm run build` in recovery-page/ and commit it.');
      process.exit(1);
    }
    console.log(`recover.html matches a fresh build (sha256 ${createHash('sha256').update(page).digest('hex')}).`);
  } else {
    writeFileSync(OUT, page);
    console.log(`wrote recover.html (${page.length} bytes, sha256 ${createHash('sha256').update(page).digest('hex')}).`);
  }
}
