// The JavaScript core against the committed vectors (tests/vectors/): every vault and recovery
// copy opens with the key the Rust implementation sealed, and what must be refused is refused
// with the command line's exit code and reason.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCore } from './core.mjs';

const V = new URL('../../tests/vectors/', import.meta.url).pathname;
const core = await loadCore();
const read = (f) => new Uint8Array(readFileSync(join(V, f)));
const text = (f) => readFileSync(join(V, f), 'utf8');
const line = (f) => text(f).replace(/\n$/, '');
const MASTER = { v1: line('v1.master'), v2: line('v2.master'), v3: line('v3.master') };
const PASS = { v1: line('v1.passphrase'), v2: line('v2.passphrase'), v3: line('v3.passphrase') };

async function shares(...files) {
  const out = [];
  for (const f of files) {
    const r = await core.readAny(read(f), f);
    assert.deepEqual(r.problems, [], `${f} reads`);
    out.push(...r.shares);
  }
  return out;
}

const PAIRS = [['alice', 'bob'], ['alice', 'carol'], ['bob', 'carol']];

for (const ver of ['v1', 'v2', 'v3']) {
  for (const policy of ['either', 'both', 'quorum']) {
    test(`${ver}-${policy}.vault opens with every pair of its shares`, async () => {
      const doc = core.readVault(read(`${ver}-${policy}.vault`), `${ver}-${policy}.vault`);
      for (const pair of PAIRS) {
        const offered = await shares(...pair.map((n) => `${ver}-${policy}-${n}.share`));
        const pass = policy === 'both' ? PASS[ver] : undefined;
        const r = await core.recoverWithShares(doc, offered, pass);
        assert.equal(r.key, MASTER[ver]);
        assert.deepEqual(r.accepted, pair);
      }
    });
  }
  test(`${ver}-either.vault opens with the passphrase, and a wrong one exits 4`, async () => {
    const doc = core.readVault(read(`${ver}-either.vault`), `${ver}-either.vault`);
    assert.equal((await core.recoverWithPassphrase(doc, PASS[ver])).key, MASTER[ver]);
    await assert.rejects(core.recoverWithPassphrase(doc, PASS[ver] + 'x'), (e) => e.exit === 4 && /wrong passphrase/.test(e.message));
  });
}

test('every committed recovery copy opens with two of its shares', async () => {
  const copies = readdirSync(V).filter((f) => f.endsWith('.copy'));
  assert.ok(copies.length >= 4, 'the vectors hold the copies FORMAT.md lists');
  for (const f of copies) {
    const name = f.replace(/\.copy$/, '');
    const r = await core.readAny(read(f), f);
    assert.equal(r.docs.length, 1, `${f} is read as a copy`);
    const doc = r.docs[0];
    assert.equal(doc.kind, 'copy');
    const offered = await shares(`${name}-alice.share`, `${name}-carol.share`);
    const ver = name.startsWith('v3-') ? 'v3' : 'v2';
    const pass = doc.body.policy === 'both' ? PASS[ver] : undefined;
    assert.equal((await core.recoverWithShares(doc, offered, pass)).key, MASTER[ver], f);
  }
});

test('the copies inside share files open, and the newest generation is chosen', async () => {
  for (const name of ['v2-either', 'v2-both', 'v2-quorum', 'v2-authority']) {
    const docs = [];
    const offered = [];
    for (const n of ['bob', 'carol']) {
      const r = await core.readAny(read(`${name}-${n}.share`), `${name}-${n}.share`);
      docs.push(...r.docs);
      offered.push(...r.shares);
    }
    assert.equal(docs.length, 2, `${name}: each share file carries its copy`);
    if (name === 'v2-authority') docs.push((await core.readAny(read('v2-authority.copy'), 'v2-authority.copy')).docs[0]);
    const { doc } = core.chooseDocument(docs, offered);
    const pass = doc.body.policy === 'both' ? PASS.v2 : undefined;
    // The authority vector's share files hold copies from before set-secret; the .copy is newer.
    const r = await core.recoverWithShares(doc, offered, pass);
    assert.equal(r.key, MASTER.v2, name);
  }
});

test('one share of a 2-of-3 set is refused with exit 3, as the CLI says it', async () => {
  const doc = core.readVault(read('v2-either.copy'), 'v2-either.copy');
  const offered = await shares('v2-either-alice.share');
  await assert.rejects(core.recoverWithShares(doc, offered), (e) => e.exit === 3 && /^1 valid share\(s\) of 2 needed to open vault/.test(e.message));
});

test('a share of another vault is named and refused', async () => {
  const doc = core.readVault(read('v2-either.vault'), 'v2-either.vault');
  const offered = await shares('v2-quorum-alice.share', 'v2-either-bob.share');
  await assert.rejects(core.recoverWithShares(doc, offered), (e) => e.exit === 3 && /v2-quorum-alice.share belongs to another vault \(MMQ3-XO7C\)/.test(e.message));
});

test('every flipped bit of a copy is refused before any share is used', async () => {
  const bytes = read('v2-quorum.copy');
  let refused = 0;
  for (let i = 0; i < bytes.length; i += 7) {
    for (const bit of [0, 3, 6]) {
      const flipped = bytes.slice();
      flipped[i] ^= 1 << bit;
      try {
        core.readVault(flipped, 'flipped.copy');
        assert.fail(`byte ${i} bit ${bit} flipped was accepted`);
      } catch (e) {
        assert.equal(e.exit, 5, e.message);
        refused++;
      }
    }
  }
  assert.ok(refused > 1000);
});

test('a mistyped word is located; the first four letters are enough', () => {
  const words = text('v2-either-alice.share').split('words:')[1].split('compact:')[0].trim().split(/\s+/);
  const four = words.map((w) => w.slice(0, 4));
  const share = core.readShare(four.join(' '), 'typed');
  assert.equal(share.x, 1);
  const typo = four.slice();
  typo[11] = core.WORDS[(core.lookup(typo[11]) + 1) % 1024].slice(0, 4);
  assert.throws(() => core.readShare(typo.join(' '), 'typed'), (e) => e.exit === 3 && e.data.suspect === 12 && /word 12 is most likely wrong/.test(e.message));
  const swapped = four.slice();
  const k = swapped.findIndex((w, i) => i >= 9 && w !== swapped[i + 1]);
  [swapped[k], swapped[k + 1]] = [swapped[k + 1], swapped[k]];
  assert.throws(() => core.readShare(swapped.join(' '), 'typed'), (e) => e.data.swapped === k + 1 && new RegExp(`words ${k + 1} and ${k + 2} look swapped`).test(e.message));
  const unknown = four.slice();
  unknown[4] = 'zzzz';
  unknown[20] = 'acdemy';
  assert.throws(() => core.readShare(unknown.join(' '), 'typed'), (e) => /words 5, 21 are not in the word list/.test(e.message) && e.data.unknown[1].near.includes('academic'));
});

test("words read across the rows of the kit's three-column table are recognised, not reordered", () => {
  const words = text('v2-either-alice.share').split('words:')[1].split('compact:')[0].trim().split(/\s+/);
  // The kit numbers down each column (1-12, 13-24, 25-36); a reading across its rows:
  const rows = [];
  for (let r = 0; r < 12; r++) for (let c = 0; c < 3; c++) rows.push(words[c * 12 + r]);
  assert.throws(
    () => core.readShare(rows.join(' '), 'typed'),
    (e) => e.exit === 3 && e.data.byRows === true && /read across the rows of the kit's table.*1 to 12, then 13 to 24/.test(e.message),
  );
  // Two words wrong in the right order is not mistaken for such a reading.
  const two = words.slice();
  [two[3], two[30]] = ['academic', 'acid'];
  assert.throws(() => core.readShare(two.join(' '), 'typed'), (e) => e.data.byRows === false && /two or more words are wrong/.test(e.message));
});

test('the compact form is accepted as the kit prints it, and a digit is named', () => {
  const compact = text('v2-either-bob.share').split('compact:')[1].trim().split(/\s+/)[0];
  const grouped = compact.match(/.{1,6}/g).join(' ').toLowerCase();
  assert.equal(core.readShare(grouped, 'typed').x, 2);
  const eight = compact.slice(0, 9) + '8' + compact.slice(10);
  assert.throws(() => core.readShare(eight.match(/.{1,6}/g).join(' '), 'typed'), (e) => e.exit === 3 && /character 10 of the compact form is 8, .*most likely the letter B/.test(e.message));
});

test('a vault file is used only when no copy is newer, and then with a warning naming its pin', async () => {
  const file = core.readVault(read('v2-either.vault'), 'v2-either.vault');
  const copy = core.readVault(read('v2-either.copy'), 'v2-either.copy');
  const offered = await shares('v2-either-alice.share', 'v2-either-bob.share');
  const chosen = core.chooseDocument([copy, file], offered);
  assert.ok(file.generation >= copy.generation, 'the committed copy is of the committed file');
  assert.equal(chosen.doc, file);
  assert.match(chosen.warning, new RegExp(`its pin \\(${core.pinOf(file.identity)}\\)`));
  const older = { ...file, generation: copy.generation - 1 };
  const again = core.chooseDocument([older, copy], offered);
  assert.equal(again.doc, copy, 'a vault file older than a copy is not used');
  assert.equal(again.warning, null);
});

test('a hostile file is refused, never thrown: deep nesting, huge share text, noise', async () => {
  const deep = new TextEncoder().encode('gsl-vault recovery copy v1\n' + '{"a":'.repeat(20000) + '1' + '}'.repeat(20000) + '\nsignature ' + '0'.repeat(128) + '\n');
  const r = await core.readAny(deep, 'deep.copy');
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0].exit, 5);
  const huge = new TextEncoder().encode('abandon '.repeat(20000));
  const h = await core.readAny(huge, 'huge.share');
  assert.match(h.problems[0].message, /larger than any share file/);
  const noise = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
  const n = await core.readAny(noise, 'noise.bin');
  assert.ok(n.problems.length >= 1 && n.problems.every((p) => p instanceof core.GslError));
});

test('a share proof is the one FORMAT.md and the Rust implementation make', () => {
  const { derivations } = JSON.parse(text('format-v2.json'));
  for (const d of derivations) {
    const v = d.share_proof;
    const hex = (h) => Uint8Array.from(Buffer.from(h, 'hex'));
    const share = { fingerprint: hex(v.fingerprint), epoch: v.epoch, x: v.x, y: hex(v.y) };
    assert.equal(Buffer.from(core.proofPublic(share)).toString('hex'), v.proof_public);
    assert.equal(core.proveShare(share, 'bob', v.at), v.text);
  }
});

test('a vault with a cancelled reshare opens, and its cancelled share is named as cancelled', async () => {
  const doc = core.readVault(read('v2-cancelled.vault'), 'v2-cancelled.vault');
  const offered = await shares('v2-cancelled-bob.share', 'v2-cancelled-carol.share');
  assert.equal((await core.recoverWithShares(doc, offered)).key, MASTER.v2);
  const xena = await shares('v2-cancelled-xena.share');
  assert.throws(() => core.checkShare(doc, xena[0].share, 'xena'), (e) => e.exit === 3 && e.data.reason === 'cancelled' && /cancelled on 2026-09-21/.test(e.message));
});

test('the whole recovery sheet: the page gives the entries the vault holds', async () => {
  const doc = core.readVault(read('v2-sheet.vault'), 'v2-sheet.vault');
  const r = await core.recoverWithShares(doc, await shares('v2-sheet-alice.share', 'v2-sheet-carol.share'));
  assert.equal(r.key, MASTER.v2);
  assert.deepEqual(r.entries, [
    { name: 'recovery-codes', text: '1111-aaaa\n2222-bbbb\n3333-cccc' },
    { name: 'note', text: 'Kraken, account vector@example.com. Call Bob.' },
  ]);
});

test('a format 3 copy read from its QR parts, in any order, recovers; a missing part is named', async () => {
  const parts = text('v3-either.qr.txt').trim().split('\n');
  assert.ok(parts.length >= 2, 'the sample copy needs several parts');
  const shuffled = [parts[1], ...parts.slice(2), parts[0], parts[1]].join('\n\n');
  const r = await core.readAny(new TextEncoder().encode(shuffled), 'photos');
  assert.equal(r.docs.length, 1);
  assert.equal(r.docs[0].version, 3);
  const offered = await shares('v3-either-alice.share', 'v3-either-bob.share');
  assert.equal((await core.recoverWithShares(r.docs[0], offered)).key, MASTER.v3);
  const missing = await core.readAny(new TextEncoder().encode(parts.slice(1).join(' ')), 'photos');
  assert.equal(missing.docs.length, 0);
  assert.deepEqual(missing.shares, []);
  assert.equal(missing.problems.length, 1);
  assert.equal(missing.problems[0].exit, 5);
  assert.match(missing.problems[0].message, /lacks part \d+ of the \d+ QR codes on page 2/);
});

test('v3-totp.vault keeps the authenticator key; its codes are the Rust implementation\'s', async () => {
  const { parseTotp, codeAt } = await import('../src/totp.js');
  const want = JSON.parse(text('v3-totp.json'));
  const doc = core.readVault(read('v3-totp.vault'), 'v3-totp.vault');
  assert.deepEqual(doc.body.master, { kind: 'totp', digits: 6, algorithm: 'SHA1', period: 30 });
  assert.equal((await core.recoverWithPassphrase(doc, PASS.v3)).key, want.uri);
  const offered = await shares('v3-totp-alice.share', 'v3-totp-carol.share');
  assert.equal((await core.recoverWithShares(doc, offered)).key, want.uri);
  const t = parseTotp(want.uri);
  for (const { at, code } of want.codes) assert.equal(await codeAt(t, at), code, `at ${at}`);
});
