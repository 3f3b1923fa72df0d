// The shape FORMAT.md gives every object of a vault body, as the Rust reader enforces it
// (serde with deny_unknown_fields, fields in declaration order, empty optional lists absent),
// and the rules for labels and custodian names. A body that passes its signature but not
// these is refused, so that nothing forged is ever shown to a custodian as fact.

const SHAPES = {
  body: ['identity', 'label', 'created', 'policy', 'epoch', 'threshold', 'custodians', 'kdf?', 'slots', 'payload', 'drill_every', 'receipts', 'pending?', 'retired?', 'origin?', 'generation?', 'lineage?', 'issued?', 'quorum_tag?', 'copies_from?', 'copies_issued?', 'copy_authority?', 'authority_signature?', 'cancelled?', 'entries?', 'master?'],
  custodian: ['name', 'index', 'delivery', 'commitment', 'proof_key?'],
  kdf: ['memory_kib', 'iterations', 'parallelism', 'salt'],
  slot: ['kind', 'signer?', 'signer_seed?', 'recipient?', 'ephemeral?', 'recipient_hash?', 'binding?', 'encapsulation?', 'nonce', 'ciphertext'],
  master: ['kind', 'digits', 'algorithm', 'period'],
  sealed: ['nonce', 'ciphertext'],
  receipt: ['time', 'kind', 'epoch', 'custodians', 'rejected', 'prev', 'signature'],
  pending: ['epoch', 'threshold', 'custodians', 'slot', 'created'],
  retired: ['epoch', 'at'],
  rotation: ['from', 'to', 'at', 'generation', 'from_signature', 'to_signature'],
  authority: ['public', 'certificate', 'seed?'],
  issuedCopy: ['custodian', 'generation'],
};
const LISTS_ABSENT_WHEN_EMPTY = ['retired', 'lineage', 'copies_issued', 'cancelled', 'entries'];
const MAX_DEPTH = 8;
const MAX_NAME_CHARS = 64;

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `obj` has exactly the fields of `shape`, in order, the required ones present. */
function shaped(obj, shape) {
  if (!isObject(obj)) return false;
  let at = 0;
  for (const key of Object.keys(obj)) {
    while (at < shape.length && shape[at].replace('?', '') !== key) {
      if (!shape[at].endsWith('?')) return false;
      at++;
    }
    if (at === shape.length) return false;
    at++;
  }
  return shape.slice(at).every((k) => k.endsWith('?'));
}

const every = (list, shape) =>
  Array.isArray(list) && list.every((x) => shaped(x, SHAPES[shape]) && (shape !== 'slot' || x.signer_seed === undefined || shaped(x.signer_seed, SHAPES.sealed)));

/** Whether a parsed body has the shape of a gsl-vault body, nested objects included. */
export function bodyShaped(b) {
  return (
    shaped(b, SHAPES.body) &&
    LISTS_ABSENT_WHEN_EMPTY.every((k) => b[k] === undefined || (Array.isArray(b[k]) && b[k].length > 0)) &&
    every(b.custodians, 'custodian') &&
    (b.kdf === undefined || shaped(b.kdf, SHAPES.kdf)) &&
    every(b.slots, 'slot') &&
    shaped(b.payload, SHAPES.sealed) &&
    every(b.receipts, 'receipt') &&
    (b.pending === undefined || (shaped(b.pending, SHAPES.pending) && every(b.pending.custodians, 'custodian') && every([b.pending.slot], 'slot'))) &&
    (b.master === undefined || shaped(b.master, SHAPES.master)) &&
    (b.retired === undefined || every(b.retired, 'retired')) &&
    (b.cancelled === undefined || every(b.cancelled, 'retired')) &&
    (b.entries === undefined || entriesOk(b.entries)) &&
    (b.lineage === undefined || every(b.lineage, 'rotation')) &&
    (b.copies_issued === undefined || every(b.copies_issued, 'issuedCopy')) &&
    (b.copy_authority === undefined || (shaped(b.copy_authority, SHAPES.authority) && (b.copy_authority.seed === undefined || shaped(b.copy_authority.seed, SHAPES.sealed))))
  );
}

/** Entry names known, each once, in payload order. */
function entriesOk(entries) {
  const order = ['recovery-codes', 'note', 'sign-in-totp'];
  const at = Array.isArray(entries) ? entries.map((e) => order.indexOf(e)) : [-1];
  return at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1]));
}

/**
 * Whether JSON text nests no deeper than any gsl-vault body (checked before it is parsed, so
 * that a hostile file cannot exhaust the stack).
 */
export function shallow(text) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) return false;
    } else if (c === '}' || c === ']') depth--;
  }
  return true;
}

/** Whether a parsed value holds a string with a lone surrogate (not valid UTF-8 text). */
export function hasLoneSurrogate(value) {
  if (typeof value === 'string') return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (isObject(value)) return Object.keys(value).some((k) => hasLoneSurrogate(k) || hasLoneSurrogate(value[k]));
  return false;
}

/** Which of Latin (0), Greek (1) and Cyrillic (2) a character is, as gsl-vault's rule says. */
function script(c) {
  const n = c.codePointAt(0);
  if ((n >= 0x41 && n <= 0x5a) || (n >= 0x61 && n <= 0x7a) || (n >= 0xc0 && n <= 0x24f) || (n >= 0x1e00 && n <= 0x1eff)) return 0;
  if ((n >= 0x370 && n <= 0x3ff) || (n >= 0x1f00 && n <= 0x1fff)) return 1;
  if (n >= 0x400 && n <= 0x52f) return 2;
  return -1;
}

/**
 * A label's or a custodian name's rule: 1 to 64 letters, digits, spaces and . - _ ' @ +
 * (a label may hold parentheses too).
 */
export function nameOk(name, label = false) {
  if (typeof name !== 'string') return false;
  const chars = Array.from(name);
  if (chars.length === 0 || chars.length > MAX_NAME_CHARS) return false;
  const extra = label ? '()' : '';
  if (!chars.every((c) => /^[\p{Alphabetic}\p{N}]$/u.test(c) || " .-_'@+".includes(c) || extra.includes(c))) return false;
  const scripts = new Set(chars.map(script).filter((s) => s >= 0));
  if (scripts.size > 1) return false;
  return !/^[.\- ]/.test(name) && !name.endsWith(' ');
}

/** Names of one set: each valid, none twice ignoring case. */
export function namesOk(custodians) {
  const seen = new Set();
  return custodians.every((c) => {
    const low = typeof c.name === 'string' ? c.name.toLowerCase() : '';
    if (!nameOk(c.name) || seen.has(low)) return false;
    seen.add(low);
    return true;
  });
}
