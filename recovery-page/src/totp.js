// Authenticator-app master keys (FORMAT.md, "Payload (version 3)"): the stored otpauth://totp/
// URI turned into the codes the app shows (RFC 6238), with WebCrypto's HMAC; the setup QR code
// for a new phone drawn with @paulmillr/qr.
import encodeQR from '@paulmillr/qr';
import { fromBase32 } from './bytes.js';
import { corruptError } from './errors.js';

const HASHES = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' };

/**
 * The key and settings of an otpauth://totp/ URI (as gsl-vault stores it, checked when stored).
 * @returns {{key: Uint8Array, digits: number, algorithm: string, period: number}}
 */
export function parseTotp(uri) {
  const fail = () => corruptError('the authenticator key in this vault does not read back: it may be damaged; use another copy.');
  const m = /^otpauth:\/\/totp\/[^?]*\?([\s\S]*)$/i.exec(uri.trim());
  if (!m) throw fail();
  const q = new Map(m[1].split('&').map((p) => [p.split('=')[0].toLowerCase(), p.slice(p.indexOf('=') + 1)]));
  const key = fromBase32((q.get('secret') ?? '').replace(/=+$/, ''));
  const algorithm = (q.get('algorithm') ?? 'SHA1').toUpperCase();
  const digits = Number(q.get('digits') ?? 6);
  const period = Number(q.get('period') ?? 30);
  if (!key || key.length < 10 || key.length > 128 || !HASHES[algorithm] || !(digits >= 6 && digits <= 8) || !(period >= 1 && period <= 300)) throw fail();
  return { key, digits, algorithm, period };
}

/** The code of counter `c` (RFC 4226 §5.3: HMAC, dynamic truncation). */
async function codeOfCounter(t, c) {
  const msg = new Uint8Array(8);
  new DataView(msg.buffer).setBigUint64(0, BigInt(c));
  const k = await crypto.subtle.importKey('raw', t.key, { name: 'HMAC', hash: HASHES[t.algorithm] }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', k, msg));
  const o = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[o] & 0x7f) << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3];
  return String(bin % 10 ** t.digits).padStart(t.digits, '0');
}

/** The code of the window holding `unixTime` (seconds). */
export function codeAt(t, unixTime) {
  return codeOfCounter(t, Math.floor(unixTime / t.period));
}

/** The current code, the next one, and the seconds left in the current window. */
export async function codes(t, unixTime) {
  const c = Math.floor(unixTime / t.period);
  return { code: await codeOfCounter(t, c), next: await codeOfCounter(t, c + 1), left: t.period - (unixTime % t.period) };
}

/** The setup QR code of `uri`, as an SVG element an authenticator app on a new phone scans. */
export function setupQr(uri) {
  return encodeQR(uri, 'svg', { ecc: 'medium', border: 4, scale: 6 });
}
