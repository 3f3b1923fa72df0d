// A recovery copy as it travels (FORMAT.md, "Recovery copy"): the raw file, armored base64 after
// the share in a share file, or a kit's QR code text `GSLC1:` + base32 of raw DEFLATE.
import { H, fromBase32, fromBase64, fromUtf8, toBase32, utf8 } from './bytes.js';
import { corruptError } from './errors.js';
import { BEGIN } from './share.js';
import { MAX_COPY } from './signed.js';

export const END = '-----END GSL-VAULT RECOVERY COPY-----';
export const QR_PREFIX = 'GSLC1:';
const COPY_MAGIC = 'gsl-vault recovery copy v1\n';
const COPY_MAGIC_V3 = 'gsl-vault recovery copy v3\n';
/** How each QR code of a version 3 copy starts: `GSLC3:<i>/<n>:<ID>:<piece>`. */
export const QR_PARTS_PREFIX = 'GSLC3:';

/** One QR part's text: {i, n, id}, or null when it is not a part. */
export function partOf(text) {
  const m = /^GSLC3:(\d{1,2})\/(\d{1,2}):([A-Z2-7]{8}):[A-Z2-7]*$/.exec(text.trim());
  return m ? { i: Number(m[1]), n: Number(m[2]), id: m[3] } : null;
}

/**
 * The copy the `GSLC3:` parts in a text make (FORMAT.md, "Recovery copy (version 3)"), in any
 * order; a part read twice counts once. Throws the sentence of what is missing or wrong.
 */
async function fromParts(text, fail) {
  let total = null;
  let id = null;
  const pieces = [];
  for (const token of text.split(/\s+/)) {
    if (!token.startsWith(QR_PARTS_PREFIX)) continue;
    const m = /^GSLC3:(\d{1,2})\/(\d{1,2}):([A-Z2-7]{8}):([A-Z2-7]*)$/.exec(token);
    if (!m) throw fail('has a QR part that is cut short or misread (scan it again)');
    const [i, n] = [Number(m[1]), Number(m[2])];
    if (n < 1 || i < 1 || i > n) throw fail('has a QR part whose number is not readable (scan it again)');
    if ((total ?? n) !== n || (id ?? m[3]) !== m[3]) throw fail('holds QR parts of more than one recovery copy: give the parts of one page 2 only');
    total = n;
    id = m[3];
    if (pieces[i - 1] !== undefined && pieces[i - 1] !== m[4]) throw fail('holds two different readings of one QR part: scan that part again');
    pieces[i - 1] = m[4];
  }
  const missing = [];
  for (let i = 0; i < total; i++) if (pieces[i] === undefined) missing.push(i + 1);
  if (missing.length) {
    throw fail(`lacks part${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of the ${total} QR codes on page 2: scan every code (each says part i of n)`);
  }
  const packed = fromBase32(pieces.join(''));
  if (!packed) throw fail('is not valid base32 (a character was changed)');
  if (toBase32(H('gsl-vault/v3 copy parts', packed)).slice(0, 8) !== id) {
    throw fail('has QR parts that do not fit together (one was misread): scan them again');
  }
  try {
    return await inflateRaw(packed, MAX_COPY);
  } catch {
    throw fail('does not inflate (it was cut short or altered)');
  }
}

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
  if (startsWith(bytes, COPY_MAGIC) || startsWith(bytes, COPY_MAGIC_V3)) return bytes;
  const text = fromUtf8(bytes);
  if (text === null) return null;
  if (text.includes(QR_PARTS_PREFIX)) return fromParts(text, fail);
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
