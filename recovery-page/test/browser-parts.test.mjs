// Page 2 of a format 3 kit in a real browser (Debian's Chromium, driven by playwright-core): the
// recovery copy printed as several QR codes, read by recover.html (opened from a file:// URL,
// carrying no copy of its own) from photos in any order, a few at a time, and from one photo of
// the whole page; then two custodians' words recover the key.
// tests/recovery_page.rs makes the kit and names it in GSL_VAULT_BROWSER_PARTS (a JSON file).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

const setup = process.env.GSL_VAULT_BROWSER_PARTS;

test('page 2 QR parts, photographed in any order, recover the key in Chromium', { skip: !setup && 'run by cargo test (tests/recovery_page.rs)', timeout: 180_000 }, async () => {
  const s = JSON.parse(readFileSync(setup, 'utf8'));
  const browser = await chromium.launch({
    executablePath: s.chromium,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const requests = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    context.on('request', (r) => requests.push(r.url()));
    const errors = [];
    const open = async () => {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(pathToFileURL(s.page).href);
      await page.waitForSelector('#vault-status:has-text("No recovery copy yet")');
      return page;
    };
    const n = s.parts.length;
    assert.ok(n >= 2, `page 2 holds ${n} parts`);

    // One photo per part, in shuffled order: all but one first, then the last one.
    const page = await open();
    const order = s.parts.map((_, i) => i).reverse();
    const last = order.pop();
    await page.setInputFiles('#qr-file', order.map((i) => s.parts[i]));
    await page.waitForSelector('#qr-status:has-text("still needed")', { timeout: 30_000 });
    assert.match(await page.textContent('#qr-status'), new RegExp(`Read ${n - 1} of the ${n} QR codes of page 2; still needed: part ${last + 1} `));
    await page.setInputFiles('#qr-file', [s.parts[last]]);
    await page.waitForSelector('#vault-status:has-text("Using the recovery copy")', { timeout: 30_000 });
    assert.match(await page.textContent('#qr-status'), new RegExp(`Read all ${n} QR codes of page 2`));
    for (const who of ['alice', 'bob', 'carol']) {
      await page.locator('#words').fill(s[who].map((w) => w.slice(0, 4)).join(' '));
      await page.click('#add-words');
      await page.waitForSelector(`#word-status:has-text("${who}'s share")`);
    }
    await page.click('#reveal');
    await page.click('#reveal-now');
    await page.waitForSelector('#result:visible');
    assert.equal(await page.textContent('#key'), s.key);

    // One photo of the whole page 2.
    const whole = await open();
    await whole.setInputFiles('#qr-file', [s.whole]);
    await whole.waitForSelector('#vault-status:has-text("Using the recovery copy")', { timeout: 30_000 }).catch(async (e) => {
      throw new Error(`${e.message}; the page said: ${await whole.textContent('#qr-status')} ${errors.join('|')}`);
    });
    assert.match(await whole.textContent('#qr-status'), new RegExp(`Read all ${n} QR codes of page 2`));

    assert.deepEqual(errors, [], 'no error in the page');
  } finally {
    await browser.close();
  }
  const network = requests.filter((u) => !u.startsWith('file:') && !u.startsWith('blob:'));
  assert.deepEqual(network, [], 'the page made no network request');
});
