// Issue 26 in a real browser (Debian's Chromium, driven by playwright-core): custodians who kept
// only paper, and custodians who need a screen reader, the keyboard or large text.
// - The kit pages and recover.html pass axe-core with no serious or critical violation, before
//   and after the key is shown.
// - Two custodians each give recover.html (a page carrying no copy) one photo of their whole
//   printed kit, through the page's first file picker: each photo's share (page 1) and the
//   recovery copy's parts (page 2) are read, and the key is recovered from the keyboard alone.
// - At 200% zoom (half the viewport) nothing needs scrolling sideways.
// tests/recovery_page.rs makes the vault and the kits, named in GSL_VAULT_BROWSER_PAPER.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

const setup = process.env.GSL_VAULT_BROWSER_PAPER;

/** axe-core's serious and critical violations on `page`, as readable lines. */
async function violations(page, axeSource) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.join(', ')}`);
}

test('paper-only custodians recover in Chromium; the page and the kit pass axe-core', { skip: !setup && 'run by cargo test (tests/recovery_page.rs)', timeout: 240_000 }, async () => {
  const s = JSON.parse(readFileSync(setup, 'utf8'));
  const axeSource = readFileSync(s.axe, 'utf8');
  const browser = await chromium.launch({
    executablePath: s.chromium,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const requests = [];
  try {
    // axe is injected as a script, which the page's own policy forbids: this context only
    // audits, it recovers nothing.
    const audit = await browser.newContext({ bypassCSP: true, viewport: { width: 1000, height: 900 } });
    for (const file of [...s.kits, s.page]) {
      const page = await audit.newPage();
      await page.goto(pathToFileURL(file).href);
      assert.deepEqual(await violations(page, axeSource), [], `axe-core on ${file}`);
      await page.close();
    }

    // The kits, printed and photographed: a full-page picture of each, at twice the scale.
    const camera = await browser.newContext({ viewport: { width: 900, height: 1200 }, deviceScaleFactor: 2 });
    const photos = [];
    for (const [i, file] of s.kits.entries()) {
      const page = await camera.newPage();
      await page.goto(pathToFileURL(file).href);
      const photo = join(s.dir, `kit-photo-${i + 1}.png`);
      await page.screenshot({ path: photo, fullPage: true });
      photos.push(photo);
      await page.close();
    }

    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(pathToFileURL(s.page).href);
    await page.waitForSelector('#vault-status:has-text("No recovery copy yet")');

    // Nothing typed yet: "make a proof" says why it cannot.
    await page.click('#prove-box summary');
    await page.click('#prove');
    assert.match(await page.textContent('#prove-status'), /No share yet: type your words/);
    await page.click('#prove-box summary');

    // A third custodian types her words before any copy is here: checked as far as it can be.
    await page.locator('#words').fill(s.carol.map((w) => w.slice(0, 4)).join(' '));
    await page.click('#add-words');
    await page.waitForSelector('#word-status:has-text("Load the vault\'s recovery copy to check it")');
    assert.match(await page.textContent('#shares'), /share 3 \(typed here\): not checked yet/);

    // The first custodian's photo, through the first picker (issue 26, item 3).
    await page.setInputFiles('#files', [photos[0]]);
    await page.waitForSelector('#vault-status:has-text("Using the recovery copy")', { timeout: 60_000 }).catch(async (e) => {
      throw new Error(`${e.message}; the page said: ${await page.textContent('#file-status')} ${errors.join('|')}`);
    });
    const first = await page.textContent('#file-status');
    assert.match(first, new RegExp(`${s.names[0]}'s share`), first);
    assert.doesNotMatch(first, /is not text/);
    assert.match(await page.textContent('#shares'), new RegExp(`${s.names[0]}'s share \\(from QR code in kit-photo-1.png\\): intact`));
    // The line that asked for the copy is gone now that it is here (item 10), the typed share is
    // checked, and the copy in use is named once, in section 1 (not again in the file's line).
    assert.equal(await page.textContent('#word-status'), '');
    assert.match(await page.textContent('#shares'), /carol's share \(typed here\): intact/);
    assert.doesNotMatch(first, /recovery copy/);
    // The second custodian's photo.
    await page.setInputFiles('#files', [photos[1]]);
    await page.waitForSelector(`#file-status:has-text("${s.names[1]}'s share")`, { timeout: 60_000 });
    assert.equal(await page.textContent('#quorum-status'), 'Enough shares to recover: 3 valid, 2 needed.');

    // From the keyboard alone: Tab reaches every control, Enter reveals the key.
    const reached = new Set();
    await page.locator('body').focus();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
    }
    for (const id of ['files', 'paste', 'paste-add', 'words', 'add-words', 'qr-file', 'reveal', 'forget']) {
      assert.ok(reached.has(id), `Tab reaches #${id} (reached: ${[...reached].join(' ')})`);
    }
    await page.focus('#reveal');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#warning:visible');
    await page.focus('#reveal-now');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#result:visible');
    assert.equal(await page.textContent('#key'), s.key);
    // Every status line is announced to a screen reader.
    for (const id of ['vault-status', 'file-status', 'word-status', 'qr-status', 'prove-status']) {
      assert.equal(await page.getAttribute(`#${id}`, 'role'), 'status', `#${id} is a live region`);
    }
    assert.equal(await page.getAttribute('#error', 'role'), 'alert');

    // 200% zoom: half the viewport's CSS width; nothing to scroll sideways, before and after.
    const zoomed = await browser.newContext({ viewport: { width: 500, height: 900 } });
    for (const file of [s.page, ...s.kits]) {
      const z = await zoomed.newPage();
      await z.goto(pathToFileURL(file).href);
      const wide = await z.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(wide <= 1, `${file} at 200% needs ${wide} px of sideways scrolling`);
      await z.close();
    }

    // axe-core again with the key on screen (the audit context, the same steps by file).
    const shown = await audit.newPage();
    await shown.goto(pathToFileURL(s.page).href);
    await shown.setInputFiles('#files', photos);
    await shown.waitForSelector('#quorum-status:has-text("Enough shares")', { timeout: 60_000 });
    await shown.click('#reveal');
    await shown.click('#reveal-now');
    await shown.waitForSelector('#result:visible');
    assert.deepEqual(await violations(shown, axeSource), [], 'axe-core with the key shown');

    assert.deepEqual(errors, [], 'no error in the page');
  } finally {
    await browser.close();
  }
  const network = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('blob:'));
  assert.deepEqual(network, [], 'the page made no network request');
});
