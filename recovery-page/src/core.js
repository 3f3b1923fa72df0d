// The page's whole interface to the format: what a file or a pasted text holds, which vault or
// copy to open, and opening it. The page (ui.js) and the tests (test/*.test.mjs) use only this.
import { fromUtf8, sameBytes } from './bytes.js';
import { findCopy } from './copytext.js';
import { EXIT, GslError, corruptError, sharesError } from './errors.js';
import { passKey } from './kdf.js';
import { readShare, sharePart } from './share.js';
import { kindOf } from './signed.js';
import { checkShare, openWithPassKey, openWithShares, vaultName } from './unlock.js';
import { readVault, shownFingerprint, pinOf } from './vault.js';

export { ENTRY_TITLES } from './unlock.js';
export { GslError, EXIT, readShare, checkShare, readVault, shownFingerprint, pinOf, vaultName, passKey };
export { lookup, nearWords, WORDS } from './words.js';
export { proofPublic, proveShare } from './proof.js';

/**
 * What a file or a pasted text holds: a vault file, a recovery copy (raw, armored, or a kit's
 * QR text), a share (with the copy a share file carries), or nothing gsl-vault knows.
 * @returns {Promise<{docs: object[], shares: object[], problems: GslError[]}>}
 */
export async function readAny(bytes, name) {
  const out = { docs: [], shares: [], problems: [] };
  const attempt = async (f) => {
    try {
      await f();
    } catch (e) {
      // Whatever a hostile file makes a library throw is a refusal of that file, never a crash.
      out.problems.push(e instanceof GslError ? e : corruptError(`${name} could not be read (${e?.name ?? 'error'}): it is damaged or not a gsl-vault file.`));
    }
  };
  if (kindOf(bytes) === 'vault') {
    await attempt(() => out.docs.push(readVault(bytes, name)));
    // A vault file given is used or refused, as the CLI does with one named (issue 28, item
    // 6): never silently passed over for the copies the shares carry.
    for (const p of out.problems) p.vaultFile = true;
    return out;
  }
  let copy = null;
  await attempt(async () => {
    copy = await findCopy(bytes, name);
  });
  if (copy) await attempt(() => out.docs.push(readVault(copy, name)));
  const text = fromUtf8(bytes);
  const isRawCopy = kindOf(bytes) === 'copy' || /^GSLC[13]:/.test((text ?? '').trim());
  const hasShareText = (t) => t.split(/\r?\n/).some((l) => l.trim().length > 0 && !l.trimStart().startsWith('#'));
  if (text !== null && !isRawCopy && hasShareText(sharePart(text))) {
    if (sharePart(text).length > MAX_SHARE_TEXT) {
      out.problems.push(sharesError(`${name} is larger than any share file: check that it is the file you were given.`));
      return out;
    }
    await attempt(() => out.shares.push({ source: name, share: readShare(text, name) }));
  }
  if (text === null && out.docs.length === 0) {
    out.problems.push(sharesError(`${name} is not text: check that it is the share file you were given.`));
  }
  return out;
}

/** A share file is small; more than this is not read as a share (as the CLI). */
const MAX_SHARE_TEXT = 64 * 1024;

/** The identities of a document from its origin: a vault's line of keys. */
const chainOf = (d) => d.chain;

/** Whether two documents of one vault come from diverging lines (FORMAT.md, "Recovery copy"). */
function forked(a, b) {
  const [short, long] = a.chain.length <= b.chain.length ? [a, b] : [b, a];
  const prefix = chainOf(short).every((id, i) => sameBytes(id, chainOf(long)[i]));
  if (!prefix) return true;
  if (short.chain.length === long.chain.length) return false;
  // The longer line rotated away from the shorter one's last identity at this generation: a
  // document that identity signed from then on is not of the same line.
  const away = long.body.lineage[short.chain.length - 1].generation;
  return short.generation >= away;
}

/**
 * Which document to open with these shares. The recovery copies carry their quorum's tag or
 * certificate, checked before any slot opens; a vault file carries neither (the owner's pin
 * protects it, which custodians do not have). So: among the documents of the shares' vault,
 * copies whose lines fork are refused; a vault file is used only if it is not older than, and
 * does not fork from, any copy, and then with a warning naming its pin; else the newest copy.
 * Returns {doc, warning, setAside: [docs of other vaults], older: [older docs]}.
 */
export function chooseDocument(docs, shares) {
  const fp = shares[0]?.share.fingerprint ?? docs[0]?.fingerprint;
  let mine = fp ? docs.filter((d) => sameBytes(d.fingerprint, fp)) : [];
  // A format 3 document at hand rules out older-format ones of the vault, which anyone holding
  // an old copy could have written (FORMAT.md, "Reading versions 1 and 2 after version 3").
  if (mine.some((d) => d.version === 3)) mine = mine.filter((d) => d.version === 3);
  // Issue 28, item 5: chosen by what the shares open, not by a 40-bit name alone. A copy of a
  // look-alike vault (same name), or of another share set, checks none of the shares'
  // commitments: it is set aside when another document checks some.
  const score = new Map(
    mine.map((d) => [
      d,
      shares.filter((s) => {
        try {
          checkShare(d, s.share, s.source);
          return true;
        } catch {
          return false;
        }
      }).length,
    ]),
  );
  const best = Math.max(0, ...score.values());
  const fits = (d) => best === 0 || score.get(d) === best;
  if (best > 0) {
    // Look-alikes (another vault's name key) go; the same vault's other documents stay, to be
    // compared for forks, and a vault file given is used or refused as the CLI does.
    const keys = mine.filter(fits).map((d) => d.nameKey);
    mine = mine.filter((d) => keys.some((k) => sameBytes(k, d.nameKey)));
  }
  const setAside = docs.filter((d) => !mine.includes(d));
  if (mine.length === 0) return { doc: null, warning: null, setAside, older: [] };
  for (let i = 0; i < mine.length; i++) {
    for (let j = i + 1; j < mine.length; j++) {
      if (sameBytes(mine[i].nameKey, mine[j].nameKey) && forked(mine[i], mine[j])) {
        throw corruptError(
          `${what(mine[i])} and ${what(mine[j])} come from two diverging versions of vault ${mine[i].body.label}: one of them was forged by someone who once held an old vault key. Nothing was recovered: ask the owner which is current, and remove the other.`,
        );
      }
    }
  }
  const later = (d, a) => d.generation > a.generation || (d.generation === a.generation && (d.body.issued ?? 0) > (a.body.issued ?? 0));
  const newest = (list) => list.reduce((a, d) => (later(d, a) ? d : a));
  const copies = mine.filter((d) => d.kind === 'copy' && fits(d));
  const files = mine.filter((d) => d.kind === 'vault');
  const file = files.length > 0 ? newest(files) : null;
  const copy = copies.length > 0 ? newest(copies) : null;
  if (file && (!copy || file.generation >= copy.generation)) {
    const warning = `${what(file)} is used: no quorum vouches for a vault file, only its pin (${pinOf(file)}) does. If it did not come from the owner, remove it and recover from the copies your share files carry.`;
    return { doc: file, warning, setAside, older: mine.filter((d) => d !== file) };
  }
  return { doc: copy, warning: null, setAside, older: mine.filter((d) => d !== copy) };
}

const what = (d) => (d.kind === 'copy' ? `the recovery copy in ${d.name}` : `the vault file ${d.name}`);

/**
 * Opens `doc` with shares (and the passphrase under policy `both`). `derive(passphrase, kdf)`
 * computes PK (by default here; the page runs it in a worker so that it can show progress).
 */
export async function recoverWithShares(doc, shares, passphrase, derive = passKey) {
  const pk = passphrase === undefined ? undefined : (kdf) => derive(passphrase, kdf);
  return openWithShares(doc, shares, pk);
}

/** Opens a vault file with the owner's passphrase (policy `either`): {key, entries}. */
export async function recoverWithPassphrase(doc, passphrase, derive = passKey) {
  if (doc.kind !== 'vault' || doc.body.policy !== 'either') {
    throw new GslError(
      EXIT.usage,
      doc.kind === 'copy'
        ? `a recovery copy (${doc.name}) never holds the passphrase slot: open it with a quorum of shares, or load the owner's vault file.`
        : `policy ${doc.body.policy} needs a quorum of shares: the passphrase alone does not open vault ${vaultName(doc)}.`,
    );
  }
  const pk = await derive(passphrase, doc.body.kdf);
  try {
    return openWithPassKey(doc, pk);
  } finally {
    pk.fill(0);
  }
}

/**
 * Everything at once, as the command line's `recover` and `open` do: reads every file, chooses
 * the vault file or the newest valid copy, and opens it with the shares, or with the
 * passphrase alone when no share is given (the owner's vault file, policy `either`).
 * @param {{name: string, bytes: Uint8Array}[]} files
 * @returns {Promise<{key: string, entries: {name: string, text: string}[]}>}
 */
export async function recoverFiles(files, passphrase) {
  const docs = [];
  const shares = [];
  const problems = [];
  for (const f of files) {
    const r = await readAny(f.bytes, f.name);
    docs.push(...r.docs);
    shares.push(...r.shares);
    problems.push(...r.problems);
  }
  const shareProblem = problems.find((p) => p.exit === EXIT.shares);
  if (shareProblem) throw shareProblem;
  const vaultProblem = problems.find((p) => p.vaultFile);
  if (vaultProblem) throw vaultProblem;
  const { doc } = chooseDocument(docs, shares);
  if (!doc) {
    throw problems[0] ?? new GslError(EXIT.usage, 'no vault file and no recovery copy: load a share file (it carries the copy), a recovery copy, or the vault file.');
  }
  if (shares.length === 0 && passphrase !== undefined) return recoverWithPassphrase(doc, passphrase);
  const { key, entries } = await recoverWithShares(doc, shares, passphrase);
  return { key, entries };
}

/** A one-line description of a document for people. */
export function describe(doc) {
  const b = doc.body;
  const what = doc.kind === 'copy' ? 'recovery copy' : 'vault file';
  return `${what} of vault "${b.label}" (${shownFingerprint(doc.fingerprint)}): any ${b.threshold} of ${b.custodians.length} custodians (${b.custodians.map((c) => c.name).join(', ')}), policy ${b.policy}, epoch ${b.epoch}, generation ${doc.generation}`;
}
