// A recovery copy as it travels (FORMAT.md, "Recovery copy"): the raw file, armored base64 after
// the share in a share file, or a kit's QR code text `GSLC1:` + base32 of raw DEFLATE.
import { fromBase32, fromBase64, fromUtf8, utf8 } from './bytes.js';
import { corruptError } from './errors.js';
import { BEGIN } from './share.js';
import { MAX_COPY } from './signed.js';

export const END = '-----END GSL-VAULT RECOVERY COPY-----';
export const QR_PREFIX = 'GSLC1:';
const COPY_MAGIC = 'gsl-vault recovery copy v1\n';

/** Raw DEFLATE (RFC 1951) inflated with the platform's decompressor, at most `limit` bytes. */
export async function inflateRaw(bytes, limit) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error('too large');
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The recovery copy a file or pasted text holds, as bytes; null when it holds none.
 * @param {Uint8Array} bytes
 * @param {string} name where it came from, for the sentence if it does not decode
 */
export async function findCopy(bytes, name) {
  const fail = (what) =>
    corruptError(`the recovery copy in ${name} ${what}; it may be damaged or altered: use another custodian's copy.`);
  if (startsWith(bytes, COPY_MAGIC)) return bytes;
  const text = fromUtf8(bytes);
  if (text === null) return null;
  const trimmed = text.trim();
  if (trimmed.startsWith(QR_PREFIX)) {
    const packed = fromBase32(trimmed.slice(QR_PREFIX.length));
    if (!packed) throw fail('is not valid base32 (a character was changed)');
    try {
      return await inflateRaw(packed, MAX_COPY);
    } catch {
      throw fail('does not inflate (it was cut short or altered)');
    }
  }
  const begin = text.indexOf(BEGIN);
  if (begin < 0) return null;
  const start = begin + BEGIN.length;
  const len = text.slice(start).indexOf(END);
  if (len < 0) throw fail('is cut off (its end line is missing)');
  const b64 = text.slice(start, start + len).replace(/\s+/g, '');
  if (b64.length > (MAX_COPY * 4) / 3 + 4) throw fail('is larger than any recovery copy');
  const copy = fromBase64(b64);
  if (!copy) throw fail('is not valid base64 (a character was changed or lost)');
  return copy;
}

function startsWith(bytes, s) {
  const p = utf8(s);
  return bytes.length >= p.length && p.every((b, i) => bytes[i] === b);
}
