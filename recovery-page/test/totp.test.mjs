// RFC 6238 Appendix B in the page's TOTP code (WebCrypto's HMAC): SHA1, SHA256 and SHA512, 8
// digits, at the listed times; and the URI the command line writes read back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toBase32 } from '../src/bytes.js';
import { codeAt, codes, parseTotp } from '../src/totp.js';

const seed = (n) => new TextEncoder().encode('1234567890'.repeat(7).slice(0, n));
const uri = (n, alg) => `otpauth://totp/rfc?secret=${toBase32(seed(n))}&algorithm=${alg}&digits=8&period=30`;

test('RFC 6238 Appendix B', async () => {
  const table = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  const keys = [parseTotp(uri(20, 'SHA1')), parseTotp(uri(32, 'SHA256')), parseTotp(uri(64, 'SHA512'))];
  for (const [t, ...want] of table) {
    for (let i = 0; i < 3; i++) assert.equal(await codeAt(keys[i], t), want[i], `${keys[i].algorithm} at ${t}`);
  }
});

test('the URI the command line writes, with its defaults and the countdown', async () => {
  const t = parseTotp('otpauth://totp/Kraken:alice?secret=JBSWY3DPEHPK3PXP&issuer=Kraken&algorithm=SHA1&digits=6&period=30');
  assert.deepEqual([t.digits, t.algorithm, t.period], [6, 'SHA1', 30]);
  const c = await codes(t, 1_790_000_015);
  assert.equal(c.left, 30 - (1_790_000_015 % 30));
  assert.equal(c.next, await codeAt(t, 1_790_000_045));
  assert.throws(() => parseTotp('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP'));
  // A line break inside the query does not hide the key from the page.
  assert.equal(parseTotp('otpauth://totp/x?issuer=K\n&secret=JBSWY3DPEHPK3PXP').key.length, 10);
  assert.throws(() => parseTotp('otpauth://totp/x?secret=JBSWY3DP'));
});
