// An authenticator-app master key in recover.html, in Debian's Chromium (playwright-core): the
// live code after two custodians' words and the warning, compared with oathtool at the time the
// page shows; the setup QR code drawn on request, saved for tests/recovery_page.rs to decode.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

const setup = process.env.GSL_VAULT_BROWSER_TOTP;

test('the live code of an authenticator key matches oathtool in Chromium', { skip: !setup && 'run by cargo test (tests/recovery_page.rs)', timeout: 120_000 }, async () => {
  const s = JSON.parse(readFileSync(setup, 'utf8'));
  const browser = await chromium.launch({ executablePath: s.chromium, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(s.page).href);
    await page.waitForSelector('#vault-status:has-text("Using the recovery copy")');
    for (const who of ['alice', 'bob']) {
      await page.locator('#words').fill(s[who].map((w) => w.slice(0, 4)).join(' '));
      await page.click('#add-words');
      await page.waitForSelector(`#word-status:has-text("${who}'s share")`);
    }
    await page.click('#reveal');
    await page.click('#reveal-now');
    await page.waitForSelector('#totp-code:not(:empty)');
    assert.equal(await page.isVisible('#plain-key'), false, 'the setup key is not shown as the key');
    assert.equal(await page.textContent('#key'), '');
    // The code and the time it belongs to, read at one moment, against oathtool at that time.
    const [code, utc, next] = await page.evaluate(() => ['totp-code', 'totp-utc', 'totp-next'].map((id) => document.getElementById(id).textContent));
    assert.match(code, /^\d{6}$/);
    const when = utc.replace('T', ' ').replace('Z', ' UTC');
    const oath = (at) => execFileSync('oathtool', ['--totp', '-b', s.secret, '--now', at]).toString().trim();
    assert.equal(code, oath(when));
    // The sign-in authenticator key kept as an entry: its own live code.
    await page.waitForSelector('#entries .totp-code strong:not(:empty)');
    const [signIn, signAt] = await page.evaluate(() => [document.querySelector('#entries .totp-code strong').textContent, Math.floor(Date.now() / 1000)]);
    const at = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, ' UTC').replace('T', ' ');
    const signOath = (t) => execFileSync('oathtool', ['--totp', '-b', s.signInSecret, '--now', at(t)]).toString().trim();
    // Read within a second of its last tick: the code of now or of a second ago.
    assert.ok([signOath(signAt), signOath(signAt - 1)].includes(signIn), `sign-in code ${signIn}`);
    const after = new Date(Date.parse(utc) + 30_000).toISOString().replace(/\.\d+Z$/, 'Z');
    assert.equal(next, oath(after.replace('T', ' ').replace('Z', ' UTC')));
    // The setup QR code, only on request.
    assert.equal(await page.locator('#setup-qr svg').count(), 0);
    await page.click('#setup-box summary');
    await page.click('#show-setup');
    await page.waitForSelector('#setup-qr svg');
    assert.equal(await page.textContent('#setup-uri'), s.uri);
    writeFileSync(s.setupSvg, await page.locator('#setup-qr svg').evaluate((e) => e.outerHTML));
    // Forgetting clears the code and the setup key.
    await page.click('#forget');
    assert.equal(await page.textContent('#totp-code'), '');
    assert.equal(await page.locator('#setup-qr svg').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
