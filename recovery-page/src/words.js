// The word form and the compact form of a share (FORMAT.md, "Share"): the SLIP-0039 list, each
// word 10 bits, an RS1024 checksum under the customization string "gsl-vault", and the same
// 360 bits as 72 base32 characters.
import WORDLIST from '../../src/wordlist.txt';
import { B32 } from './bytes.js';
import { sharesError } from './errors.js';

export const WORDS = WORDLIST.split('\n').filter((w) => w.length > 0);
if (WORDS.length !== 1024) throw new Error('the word list must hold 1024 words');
const BY_PREFIX = new Map(WORDS.map((w, i) => [w.slice(0, 4), i]));

export const SHARE_WORDS = 36;
export const COMPACT_LEN = 72;
const CUSTOMIZATION = 'gsl-vault';

/** The index of a typed word (whole, or its first four letters or more), or -1. */
export function lookup(token) {
  const t = token.toLowerCase();
  if (t.length < 4 || t.length > 8 || !/^[a-z]+$/.test(t)) return -1;
  const i = BY_PREFIX.get(t.slice(0, 4));
  return i !== undefined && WORDS[i].startsWith(t) ? i : -1;
}

/** List words that share the longest prefix of `token` (at least two letters), for a hint. */
export function nearWords(token) {
  const t = token.toLowerCase();
  for (let n = Math.min(t.length, 4); n >= 2; n--) {
    const near = WORDS.filter((w) => w.startsWith(t.slice(0, n)));
    if (near.length > 0 && near.length <= 8) return near;
  }
  return [];
}

const GEN = [
  0xe0e040, 0x1c1c080, 0x3838100, 0x7070200, 0xe0e0009, 0x1c0c2412, 0x38086c24, 0x3090fc48,
  0x21b1f890, 0x03f3f120,
];

function polymod(values) {
  let chk = 1;
  for (const v of values) {
    const b = chk >>> 20;
    chk = (((chk & 0xfffff) << 10) ^ v) >>> 0;
    for (let i = 0; i < 10; i++) if ((b >>> i) & 1) chk = (chk ^ GEN[i]) >>> 0;
  }
  return chk;
}

const custom = Array.from(CUSTOMIZATION, (c) => c.charCodeAt(0));

/** Whether 36 word indices (data, then checksum) verify. */
export const checksumOk = (words) => polymod([...custom, ...words]) === 1;

/**
 * For words whose checksum fails: the one position (0-based) where a single other word would
 * make it verify, if exactly one position does; else -1. Never substitutes the word.
 */
export function suspectPosition(words) {
  let found = -1;
  const trial = words.slice();
  for (let pos = 0; pos < words.length; pos++) {
    let fits = false;
    for (let w = 0; w < 1024 && !fits; w++) {
      if (w === words[pos]) continue;
      trial[pos] = w;
      fits = checksumOk(trial);
    }
    trial[pos] = words[pos];
    if (fits) {
      if (found >= 0) return -1;
      found = pos;
    }
  }
  trial.fill(0);
  return found;
}

/**
 * The kit prints the 36 words in three columns of twelve, numbered down each column. Whether
 * `words`, taken as a reading across the rows (1, 13, 25, 2, 14, 26, ...), verify once put back
 * in the order of their numbers (as the CLI's words::read_by_rows). Only said, never reordered.
 */
export function readByRows(words) {
  const ROWS = 12;
  const COLUMNS = 3;
  if (words.length !== ROWS * COLUMNS) return false;
  const w = new Array(words.length);
  words.forEach((x, k) => {
    w[(k % COLUMNS) * ROWS + Math.floor(k / COLUMNS)] = x;
  });
  const fits = checksumOk(w);
  w.fill(0);
  return fits;
}

/**
 * For words whose checksum fails: the position i where exchanging words i and i+1 makes it
 * verify, if exactly one neighbouring pair does; else -1.
 */
export function swappedPair(words) {
  const w = words.slice();
  let found = -1;
  for (let i = 0; i + 1 < w.length; i++) {
    if (w[i] === w[i + 1]) continue;
    [w[i], w[i + 1]] = [w[i + 1], w[i]];
    const fits = checksumOk(w);
    [w[i], w[i + 1]] = [w[i + 1], w[i]];
    if (fits) {
      if (found >= 0) return -1;
      found = i;
    }
  }
  w.fill(0);
  return found;
}

/** 72 base32 characters to 36 word indices; null on another character or length. */
export function compactToWords(s) {
  if (s.length !== COMPACT_LEN) return null;
  const out = [];
  for (let i = 0; i < s.length; i += 2) {
    const hi = B32.indexOf(s[i].toUpperCase());
    const lo = B32.indexOf(s[i + 1].toUpperCase());
    if (hi < 0 || lo < 0) return null;
    out.push((hi << 5) | lo);
  }
  return out;
}

/**
 * Word tokens to indices, naming every token that is not a list word (1-based positions),
 * with the list words that share its start.
 */
export function wordsFromTokens(tokens, name) {
  const indices = [];
  const unknown = [];
  tokens.forEach((tok, k) => {
    const i = lookup(tok);
    if (i < 0) unknown.push({ position: k + 1, token: tok, near: nearWords(tok) });
    indices.push(i);
  });
  if (unknown.length > 0) {
    const list = unknown.map((u) => u.position).join(', ');
    const what = unknown.length === 1 ? `word ${list} is` : `words ${list} are`;
    throw sharesError(
      `share ${name}: ${what} not in the word list; check the first four letters against the paper.`,
      { unknown },
    );
  }
  return indices;
}

/** Checks the count and the checksum of 36 word indices, naming the suspect word. */
export function checkWords(words, name) {
  if (words.length !== SHARE_WORDS) {
    throw sharesError(
      `share ${name} has ${words.length} words; a gsl-vault share has ${SHARE_WORDS}: check that no line is missing.`,
      { count: words.length },
    );
  }
  if (!checksumOk(words)) {
    const p = suspectPosition(words);
    const swapped = p < 0 ? swappedPair(words) : -1;
    const byRows = p < 0 && swapped < 0 && readByRows(words);
    let message = `share ${name} fails its checksum: two or more words are wrong or swapped; compare every word with the paper.`;
    if (byRows) {
      message = `share ${name} fails its checksum: its words look read across the rows of the kit's table, but they run down each column (1 to 12, then 13 to 24, then 25 to 36); type them in the order of their numbers (nothing is reordered automatically).`;
    } else if (p >= 0) {
      message = `share ${name} fails its checksum: word ${p + 1} is most likely wrong; compare it with the paper (nothing is corrected automatically).`;
    } else if (swapped >= 0) {
      message = `share ${name} fails its checksum: words ${swapped + 1} and ${swapped + 2} look swapped (in that order the checksum holds); compare them with the paper (nothing is corrected automatically).`;
    }
    throw sharesError(message, { suspect: p >= 0 ? p + 1 : null, swapped: swapped >= 0 ? swapped + 1 : null, byRows });
  }
}
