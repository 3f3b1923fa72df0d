// The JavaScript core as the page ships it: src/core.js bundled by esbuild (the same options as
// build.mjs), written to a temporary file and imported.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleCore } from '../build.mjs';

export async function loadCore() {
  const dir = mkdtempSync(join(tmpdir(), 'gsl-vault-core-'));
  const file = join(dir, 'core.mjs');
  writeFileSync(file, await bundleCore());
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
