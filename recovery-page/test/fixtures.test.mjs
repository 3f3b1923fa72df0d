// The JavaScript core against vaults the Rust binary made in the same test run
// (tests/recovery_page.rs writes them and the command line's own outcome for each into a
// manifest named by GSL_VAULT_FIXTURES): the same key where the CLI opens, the same exit code
// and reason where it refuses.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';
import { loadCore } from './core.mjs';

const manifest = process.env.GSL_VAULT_FIXTURES;

test('vaults the CLI made open or are refused as the CLI says', { skip: !manifest && 'run by cargo test (tests/recovery_page.rs), which makes the vaults' }, async (t) => {
  const core = await loadCore();
  const { cases, prove } = JSON.parse(readFileSync(manifest, 'utf8'));
  assert.ok(cases.length >= 12, 'the manifest lists every case');
  if (prove) {
    // The page's proof of a share the binary made; tests/recovery_page.rs attests it.
    const r = await core.readAny(new Uint8Array(readFileSync(prove.share)), basename(prove.share));
    const { doc } = core.chooseDocument(r.docs, r.shares);
    const name = core.checkShare(doc, r.shares[0].share, 'bob').name;
    writeFileSync(prove.out, core.proveShare(r.shares[0].share, name, Math.floor(Date.now() / 1000)));
  }
  for (const c of cases) {
    await t.test(c.name, async () => {
      const files = c.files.map((f) => ({ name: basename(f), bytes: new Uint8Array(readFileSync(f)) }));
      const run = core.recoverFiles(files, c.passphrase ?? undefined);
      if (c.key !== undefined) {
        const r = await run;
        assert.equal(r.key, c.key);
        if (c.entries) assert.deepEqual(r.entries, c.entries);
      } else {
        await assert.rejects(run, (e) => {
          assert.ok(e instanceof core.GslError, `a GslError, not ${e}`);
          assert.equal(e.exit, c.exit, e.message);
          assert.ok(e.message.includes(c.reason), `"${e.message}" says "${c.reason}" as the CLI did: ${c.cli}`);
          return true;
        });
      }
    });
  }
});
