// A share from what a custodian has: a share file's text, typed words (whole or four letters,
// numbered or comma-separated as people copy them), the compact form as the kit prints it (in
// groups, any case), or the text of the kit's QR code (FORMAT.md, "Share" and "Share file").
import { COMPACT_LEN, SHARE_WORDS, checkWords, compactToWords, wordsFromTokens } from './words.js';
import { sharesError } from './errors.js';

export const BEGIN = '-----BEGIN GSL-VAULT RECOVERY COPY-----';

/** The share part of a text: everything before a recovery copy's first marker line. */
export const sharePart = (text) => {
  const i = text.indexOf(BEGIN);
  return i < 0 ? text : text.slice(0, i);
};

/** 36 checked word indices to the share's fields. */
export function decodeWords(words, name) {
  checkWords(words, name);
  const bits = [];
  for (const w of words.slice(0, SHARE_WORDS - 3)) for (let k = 9; k >= 0; k--) bits.push((w >> k) & 1);
  let at = 0;
  const take = (n) => {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + bits[at++];
    return v;
  };
  const version = take(4);
  if (version !== 1) {
    throw sharesError(`share ${name} is of share format version ${version}, which this page does not know: use a newer gsl-vault.`);
  }
  const fingerprint = Uint8Array.from({ length: 5 }, () => take(8));
  const epoch = take(16);
  const x = take(8);
  const y = Uint8Array.from({ length: 32 }, () => take(8));
  const padding = take(6);
  bits.fill(0);
  if (padding !== 0) throw sharesError(`share ${name} has non-zero padding bits: it was not written by gsl-vault.`);
  if (x === 0) throw sharesError(`share ${name} has index 0, which no custodian holds: it is not a valid share.`);
  return { fingerprint, epoch, x, y };
}

const LIKELY = { 0: 'the letter O', 1: 'the letter I or L', 8: 'the letter B', 9: 'a letter' };

/** The compact form as printed (groups separated by spaces or dashes), or null if it is not. */
function compactAsPrinted(tokens, name) {
  const chars = tokens.join('').replaceAll('-', '');
  const printed = tokens.length >= 2 || tokens.some((t) => t.includes('-')) || chars.length === COMPACT_LEN;
  if (!printed || chars.length !== COMPACT_LEN || !tokens.every((t) => /^[A-Za-z0-9-]+$/.test(t))) return null;
  const bad = chars.search(/[0189]/);
  if (bad >= 0) {
    throw sharesError(
      `share ${name}: character ${bad + 1} of the compact form is ${chars[bad]}, which the compact form never uses: it is most likely ${LIKELY[chars[bad]]}; compare it with the paper.`,
      { character: bad + 1 },
    );
  }
  const words = compactToWords(chars);
  if (!words) {
    throw sharesError(`share ${name}: the compact form is not ${COMPACT_LEN} base32 characters (A-Z, 2-7); check it against the paper.`);
  }
  return words;
}

/** Tokens of a typed word list: numbering ("1." "12)") dropped, commas as separators. */
function wordTokens(lines) {
  return lines
    .flatMap((l) => l.split(/[\s,;]+/))
    .filter((t) => t.length > 0 && !/^\d+[.):]$/.test(t));
}

/**
 * Reads a share from a share file's text or from what a custodian typed or scanned.
 * @returns {{fingerprint: Uint8Array, epoch: number, x: number, y: Uint8Array}}
 */
export function readShare(text, name) {
  const lines = sharePart(text)
    .split(/\r?\n/)
    .filter((l) => !l.trimStart().startsWith('#'));
  const raw = lines.flatMap((l) => l.split(/\s+/)).filter((t) => t.length > 0);
  const wordsAt = raw.findIndex((t) => t.toLowerCase() === 'words:');
  const compactAt = raw.findIndex((t) => t.toLowerCase() === 'compact:');
  if (wordsAt < 0 && compactAt < 0) {
    const compact = compactAsPrinted(raw, name);
    if (compact) return decodeWords(compact, name);
    if (raw.length === 0) throw sharesError(`share ${name} holds no share: expected ${SHARE_WORDS} words or the compact form.`);
    return decodeWords(wordsFromTokens(wordTokens(lines), name), name);
  }
  // A share file: a words: section, a compact: section, or both (which must agree).
  const section = (from, to) => raw.slice(from + 1, to >= 0 && to > from ? to : raw.length);
  const words = wordsAt >= 0 ? wordsFromTokens(section(wordsAt, compactAt), name) : null;
  const compactText = compactAt >= 0 ? section(compactAt, wordsAt).join('') : null;
  let fromCompact = null;
  if (compactText !== null) {
    fromCompact = compactToWords(compactText);
    if (!fromCompact) {
      throw sharesError(`share ${name}: the compact form is not ${COMPACT_LEN} base32 characters (A-Z, 2-7); check it against the paper.`);
    }
  }
  const share = decodeWords(words ?? fromCompact, name);
  if (words && fromCompact && words.some((w, i) => w !== fromCompact[i])) {
    throw sharesError(`share ${name}: its words and its compact form disagree; one of them was copied wrongly, so check both against the paper.`);
  }
  return share;
}
