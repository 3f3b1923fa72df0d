// recover.html in a real browser (Debian's Chromium, driven by playwright-core), opened from a
// file:// URL as a custodian would: two custodians type their words (four letters each; the
// first makes a typo, is told which word, and corrects it), the key is revealed after the
// warning, a photo of a kit's QR code is accepted, and the page makes no network request.
// tests/recovery_page.rs makes the vault and names it in GSL_VAULT_BROWSER (a JSON file).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

const setup = process.env.GSL_VAULT_BROWSER;

test('a custodian recovers the key in Chromium from file://, offline', { skip: !setup && 'run by cargo test (tests/recovery_page.rs)', timeout: 180_000 }, async () => {
  const s = JSON.parse(readFileSync(setup, 'utf8'));
  mkdirSync(s.screenshots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: s.chromium,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const requests = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    context.on('request', (r) => requests.push(r.url()));
    context.on('websocket', (w) => requests.push(w.url()));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const shot = (n) => page.screenshot({ path: join(s.screenshots, n), fullPage: true });

    await page.goto(pathToFileURL(s.page).href);
    await assert.doesNotReject(page.waitForSelector('#vault-status:has-text("Using the recovery copy")', { timeout: 10_000 }));
    assert.match(await page.textContent('#offline'), /works offline/);
    await shot('1-opened.png');

    // Alice types four letters of each word, with word 7 replaced by another list word.
    const four = s.alice.map((w) => w.slice(0, 4));
    const typo = four.slice();
    typo[6] = s.wrongWord.slice(0, 4);
    await page.locator('#words').pressSequentially(typo.join(' '), { delay: 0 });
    await page.waitForSelector('#word-status:has-text("word 7 is most likely wrong")');
    await shot('2-typo-named.png');
    await page.locator('#words').fill(four.join(' '));
    await page.waitForSelector('#word-status:has-text("checksum is correct")');
    await page.click('#add-words');
    await page.waitForSelector("#word-status:has-text(\"alice's share\")");
    // Alice proves her share for the owner's remote check: two lines, none of her words.
    await page.click('#prove-box summary');
    await page.click('#prove');
    const proof = await page.inputValue('#proof-text');
    assert.match(proof, /^gsl-vault proof v1: vault \S+ epoch 1 share 1 \(alice\) \S+Z\nsignature: [A-Z2-7]{103}\n$/);
    for (const w of s.alice) assert.ok(!proof.toLowerCase().split(/\s+/).includes(w.slice(0, 4)), `no word of the share (${w})`);
    await shot('2b-proof.png');
    await page.click('#prove-box summary');
    await page.locator('#words').fill(s.bob.map((w) => w.slice(0, 4)).join(' '));
    await page.click('#add-words');
    await page.waitForSelector("#word-status:has-text(\"bob's share\")");
    assert.equal(await page.textContent('#quorum-status'), 'Enough shares to recover: 2 valid, 2 needed.');
    await shot('3-two-shares.png');

    // The key only after the warning.
    assert.equal(await page.isVisible('#key'), false);
    await page.click('#reveal');
    await page.waitForSelector('#warning:visible');
    assert.match(await page.textContent('#warning'), /nobody can see this screen/);
    await shot('4-warning.png');
    await page.click('#reveal-now');
    await page.waitForSelector('#result:visible');
    assert.equal(await page.textContent('#key'), s.key);
    await shot('5-key.png');

    // Carol's kit, photographed: her share is read from the QR code and checked.
    await page.setInputFiles('#qr-file', s.qr);
    await page.waitForSelector("#qr-status:has-text(\"carol's share (3 of 3)\")", { timeout: 20_000 });
    assert.match(await page.textContent('#qr-status'), /matches its commitment/);
    await shot('6-qr-accepted.png');

    // Forgetting clears the shares and the key.
    await page.click('#forget');
    assert.equal(await page.locator('#shares li').count(), 0);
    assert.equal(await page.isVisible('#key'), false);
    assert.equal(await page.textContent('#quorum-status'), '0 of the 2 shares needed.');

    // The owner loads the vault file: the page names the vault and its pin, and shows the key
    // only after the same warning as the custodians' (issue 28, item 6).
    await page.setInputFiles('#files', s.vault);
    await page.waitForSelector('#owner:visible');
    assert.match(await page.textContent('#owner-vault'), new RegExp(`vault file of vault "[^"]+".*Its pin is ${s.pin}`));
    await page.fill('#owner-passphrase', s.passphrase);
    await page.click('#owner-open');
    await page.waitForSelector('#owner-warning:visible');
    assert.match(await page.textContent('#owner-warning'), /nobody can see this screen/);
    assert.equal(await page.isVisible('#result'), false);
    await page.click('#owner-open-now');
    await page.waitForSelector('#result:visible', { timeout: 60_000 });
    assert.equal(await page.textContent('#key'), s.key);
    assert.equal(await page.inputValue('#owner-passphrase'), '');
    await shot('7-owner.png');

    assert.deepEqual(errors, [], 'no error in the page');
  } finally {
    await browser.close();
  }
  const network = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('blob:'));
  assert.deepEqual(network, [], 'the page made no network request');
  assert.ok(requests.some((u) => u.startsWith('file:')), 'requests were observed');
});
