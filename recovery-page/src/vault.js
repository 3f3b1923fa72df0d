// What the page reads of a verified vault file or recovery copy: its name (fingerprint), the
// bounds FORMAT.md sets on its fields, the lineage from its origin to its current identity,
// and, for a copy issued by the owner alone, the copy authority's signature.
import { ed25519 } from '@noble/curves/ed25519.js';
import { H, be64, fromHex, sameBytes, toBase32 } from './bytes.js';
import { corrupt } from './errors.js';
import { namesOk, nameOk } from './schema.js';
import { bodyText, parseSigned, verifySigned } from './signed.js';

const MAX_TIME = 253402300799;
const MAX_GENERATION = 2 ** 53;
const SLOTS = {
  either: { vault: ['passphrase', 'quorum'], copy: ['quorum'] },
  both: { vault: ['both'], copy: ['both'] },
  quorum: { vault: ['quorum'], copy: ['quorum'] },
};

const isInt = (v, lo, hi) => Number.isSafeInteger(v) && v >= lo && v <= hi;

/** The fingerprint hash of a name key: H("gsl-vault/v1 fingerprint", key). */
export const fingerprintHash = (key) => H('gsl-vault/v1 fingerprint', key);

/** The 8-character name people read aloud, XXXX-XXXX, from the first 40 bits. */
export function shownFingerprint(first5) {
  const s = toBase32(first5);
  return `${s.slice(0, 4)}-${s.slice(4, 8)}`;
}

/** The 26-character pin of a document (or of an identity), in groups of four. */
export function pinOf(docOrIdentity) {
  const key = docOrIdentity instanceof Uint8Array ? docOrIdentity : (docOrIdentity.pinKey ?? docOrIdentity.identity);
  const s = toBase32(fingerprintHash(key).subarray(0, 16));
  return s.match(/.{1,4}/g).join('-');
}

/**
 * Parses, verifies and bounds-checks a vault file or a recovery copy.
 * @returns {Doc} { kind, version, body, identity, nameKey, fingerprint (5 bytes), name, chain }
 */
export function readVault(bytes, name) {
  const f = parseSigned(bytes, name);
  const fail = (what) => corrupt(f.kind, name, what);
  const b = f.body;
  checkFields(b, f.kind, fail, f.version);
  if (f.version === 3) return readV3(f, name, fail);
  const chain = f.version === 1 ? checkV1(b, fail) : checkLineage(b, f, fail);
  const nameKey = chain[0];
  if (!sameBytes(chain[chain.length - 1], f.identity)) throw fail('has a lineage that does not end at its identity');
  if (f.kind === 'copy') checkCopyFields(b, fail);
  // A vault file holds none of a copy's own fields (issue 28, item 6).
  else if (b.issued !== undefined || b.quorum_tag !== undefined || b.authority_signature !== undefined || (b.copy_authority !== undefined && b.copy_authority.seed === undefined)) {
    throw fail('mixes the fields of a vault and of a recovery copy');
  }
  return {
    ...f,
    name,
    nameKey,
    chain,
    fingerprint: fingerprintHash(nameKey).subarray(0, 5),
    generation: b.generation ?? 0,
  };
}

/**
 * Version 3 (FORMAT.md, "Body (version 3)"): an origin and a generation, none of version 2's
 * history or copy proofs; a copy holds its issue date and none of the vault's records. Its
 * chain is its name key alone: copies of one vault are not judged by a chain of identities.
 */
function readV3(f, name, fail) {
  const b = f.body;
  const origin = fromHex(b.origin, 32);
  if (!origin || !isInt(b.generation, 0, MAX_GENERATION)) throw fail('lacks its origin or generation');
  if (['lineage', 'quorum_tag', 'copy_authority', 'authority_signature'].some((k) => b[k] !== undefined)) {
    throw fail('holds version 2 fields under a version 3 header');
  }
  const copy = f.kind === 'copy';
  const vaultOnly = ['pending', 'retired', 'cancelled', 'copies_from', 'copies_issued'];
  if (copy !== isInt(b.issued, 0, MAX_TIME) || (copy && (b.receipts.length > 0 || vaultOnly.some((k) => b[k] !== undefined)))) {
    throw fail('mixes the fields of a vault and of a recovery copy');
  }
  const m = b.master;
  if (m !== undefined && !(m.kind === 'totp' && isInt(m.digits, 6, 8) && ['SHA1', 'SHA256', 'SHA512'].includes(m.algorithm) && isInt(m.period, 1, 300))) {
    throw fail('names a master key kind gsl-vault does not know');
  }
  return {
    ...f,
    name,
    nameKey: origin,
    chain: [origin],
    fingerprint: fingerprintHash(origin).subarray(0, 5),
    generation: b.generation,
    pinKey: H('gsl-vault/v3 pin', ...b.slots.map((s) => fromHex(s.signer, 32))),
  };
}

const DELIVERIES = ['file', 'age', 'age-passphrase'];
const DAY = 86400;

/** A share set: 2..=255 custodians, threshold 2..=n, names valid and distinct, records well formed. */
function setOk(threshold, custodians) {
  const n = custodians.length;
  return (
    isInt(n, 2, 255) &&
    isInt(threshold, 2, n) &&
    namesOk(custodians) &&
    custodians.every(
      (c, i) =>
        c.index === i + 1 && DELIVERIES.includes(c.delivery) && fromHex(c.commitment, 32) && (c.proof_key === undefined || fromHex(c.proof_key, 32)),
    )
  );
}

function checkFields(b, kind, fail, version) {
  if (!setOk(b.threshold, b.custodians)) throw fail('has custodians or a threshold out of bounds');
  if (!nameOk(b.label, true)) throw fail('has a malformed label');
  if (!isInt(b.drill_every, DAY, 3660 * DAY)) throw fail('has a drill interval out of range');
  const receiptOk = (r) => ['quorum', 'passphrase', 'both'].includes(r.kind) && isInt(r.time, 0, MAX_TIME) && r.custodians.every(nameOk);
  if (b.receipts.length > 512 || !b.receipts.every(receiptOk)) throw fail('has malformed drill receipts');
  checkReceiptChain(b, fail);
  checkReshares(b, fail, version, kind);
  if (!isInt(b.epoch, 1, 65535)) throw fail('has an epoch out of range');
  if (!isInt(b.created, 0, MAX_TIME)) throw fail('has a creation time out of range');
  const want = SLOTS[b.policy]?.[kind];
  if (!want || !Array.isArray(b.slots) || b.slots.map((s) => s?.kind).join() !== want.join()) {
    throw fail('has slots that do not match its policy');
  }
  const slotFormOk = (sl) => (version === 3 ? slot3Ok(sl, kind === 'copy') : slotOk(sl));
  if (!b.slots.every(slotFormOk)) throw fail('has a malformed slot');
  if (version !== 3 && (b.master !== undefined || (b.entries ?? []).includes('sign-in-totp'))) throw fail('holds version 3 fields under an older header');
  const needsKdf = b.policy === 'both' || (b.policy === 'either' && kind === 'vault');
  if (needsKdf !== (b.kdf !== undefined)) throw fail('has KDF settings that do not match its policy');
  if (needsKdf) checkKdf(b.kdf, fail);
  const ct = fromHex(b.payload?.ciphertext);
  if (!fromHex(b.payload?.nonce, 24) || !ct || ct.length < 16 + 256 || (ct.length - 16) % 256 !== 0) {
    throw fail('has a malformed payload');
  }
}

/** The pending reshare (if any) and the retired epochs, as Rust's validate_reshares. */
function checkReshares(b, fail, version, kind) {
  const p = b.pending;
  const pendingSlotOk = (sl) => (version === 3 ? slot3Ok(sl, kind === 'copy') : slotOk(sl));
  if (p !== undefined && !(p.epoch === nextEpoch(b) && setOk(p.threshold, p.custodians) && pendingSlotOk(p.slot) && isInt(p.created, 0, MAX_TIME))) {
    throw fail('has a malformed pending reshare');
  }
  let last = 0;
  for (const r of b.retired ?? []) {
    if (!isInt(r.epoch, last + 1, b.epoch - 1) || !isInt(r.at, 0, MAX_TIME)) throw fail('has a malformed list of retired epochs');
    last = r.epoch;
  }
  last = 0;
  for (const c of b.cancelled ?? []) {
    const reused = c.epoch === b.epoch || (b.retired ?? []).some((r) => r.epoch === c.epoch);
    if (!isInt(c.epoch, last + 1, 65535) || reused || !isInt(c.at, 0, MAX_TIME)) throw fail('has a malformed list of cancelled reshares');
    last = c.epoch;
  }
}

/** The epoch of the next reshare: after the current one and every cancelled one. */
const nextEpoch = (b) => Math.max(b.epoch, ...(b.cancelled ?? []).map((c) => c.epoch)) + 1;

const V3_SLOT_FIELDS = ['signer', 'signer_seed', 'recipient_hash', 'binding', 'encapsulation'];

/**
 * A version 3 slot: a signer; in a vault file its sealed seed and its recipient (whose hash is
 * `recipient_hash`), in a copy neither; the binding, the X-Wing ciphertext, nonce and box.
 */
function slot3Ok(s, copy) {
  const seedOk = s.signer_seed === undefined ? copy : !copy && fromHex(s.signer_seed.nonce, 24) && fromHex(s.signer_seed.ciphertext, 48);
  let recipientOk = copy && s.recipient === undefined;
  if (!copy && s.recipient !== undefined) {
    const r = fromHex(s.recipient, 1216);
    recipientOk = Boolean(r) && sameBytes(H('gsl-vault/v3 recipient', r), fromHex(s.recipient_hash, 32) ?? new Uint8Array());
  }
  return Boolean(
    s.ephemeral === undefined && fromHex(s.signer, 32) && seedOk && recipientOk && fromHex(s.recipient_hash, 32) &&
      fromHex(s.binding, 32) && fromHex(s.encapsulation, 1120) && fromHex(s.nonce, 24) && fromHex(s.ciphertext, 48),
  );
}

function slotOk(s) {
  if (V3_SLOT_FIELDS.some((k) => s[k] !== undefined)) return false;
  const sealed = s.recipient !== undefined || s.ephemeral !== undefined;
  if (sealed && (!fromHex(s.recipient, 32) || !fromHex(s.ephemeral, 32))) return false;
  return Boolean(fromHex(s.nonce, 24) && fromHex(s.ciphertext, 48));
}

/** RFC 9106's floor and gsl-vault's caps on Argon2id costs (FORMAT.md, "Body fields"). */
function checkKdf(k, fail) {
  const ok =
    isInt(k?.memory_kib, 64 * 1024, 4 * 1024 * 1024) &&
    isInt(k.iterations, 1, 64) &&
    k.memory_kib * k.iterations >= 192 * 1024 &&
    isInt(k.parallelism, 1, 16) &&
    fromHex(k.salt, 32);
  if (!ok) throw fail('asks for Argon2id costs outside gsl-vault\'s bounds');
}

/**
 * Every drill receipt's place in the hash chain and the vault identity's signature, as the CLI
 * checks them (src/vault/validate.rs; issue 28, item 6). A receipt is signed over its JSON
 * (fields in order, compact) with the signature empty; the next one's `prev` is the hash of
 * its whole JSON.
 */
function checkReceiptChain(b, fail) {
  const key = fromHex(b.identity, 32);
  const enc = new TextEncoder();
  const printable = (t) => typeof t === 'string' && enc.encode(t).length <= 300 && !/\p{Cc}/u.test(t);
  let prev = new Uint8Array(32);
  for (const r of b.receipts) {
    const unsigned = { time: r.time, kind: r.kind, epoch: r.epoch, custodians: r.custodians, rejected: r.rejected, prev: r.prev, signature: '' };
    const sig = fromHex(r.signature, 64);
    const linked = fromHex(r.prev, 32);
    const ok =
      key && sig && linked && sameBytes(linked, prev) &&
      isInt(r.epoch, 0, b.epoch) &&
      Array.isArray(r.rejected) && r.rejected.length <= 16 && r.rejected.every(printable) &&
      verifySigned(key, 'gsl-vault/v1 drill receipt', enc.encode(JSON.stringify(unsigned)), sig);
    if (!ok) throw fail('has a drill receipt that fails its signature or chain');
    prev = H('gsl-vault/v1 receipt chain', enc.encode(JSON.stringify({ ...unsigned, signature: r.signature })));
  }
}

const V2_FIELDS = ['origin', 'generation', 'lineage', 'issued', 'quorum_tag', 'copy_authority', 'authority_signature', 'copies_from', 'copies_issued', 'cancelled', 'entries', 'master'];

function checkV1(b, fail) {
  // As the CLI (src/vault/validate.rs): no field that version 1 did not have, proof keys and
  // sealed slots included (issue 28, item 6).
  const sealed = (s) => s?.recipient !== undefined || s?.ephemeral !== undefined;
  const proofKey = (cs) => (cs ?? []).some((c) => c?.proof_key !== undefined);
  if (
    V2_FIELDS.some((k) => b[k] !== undefined) ||
    b.slots.some(sealed) ||
    (b.pending !== undefined && sealed(b.pending.slot)) ||
    proofKey(b.custodians) ||
    proofKey(b.pending?.custodians)
  ) {
    throw fail('holds version 2 fields under a version 1 header');
  }
  return [fromHex(b.identity, 32)];
}

/** The identities from the origin to the current one, each rotation signed by both. */
function checkLineage(b, f, fail) {
  const origin = fromHex(b.origin, 32);
  if (!origin || !isInt(b.generation, 0, MAX_GENERATION)) throw fail('lacks its origin or generation');
  const lineage = b.lineage ?? [];
  if (!Array.isArray(lineage) || lineage.length > 256) throw fail('records more rotations than gsl-vault reads');
  const chain = [origin];
  let last = 0;
  for (const r of lineage) {
    const from = fromHex(r?.from, 32);
    const to = fromHex(r?.to, 32);
    const ok =
      from && to && sameBytes(from, chain[chain.length - 1]) &&
      isInt(r.at, 0, MAX_TIME) && isInt(r.generation, last + 1, b.generation) &&
      rotationSigned(r, from, to);
    if (!ok) throw fail('has a rotation that fails its signatures or chain');
    chain.push(to);
    last = r.generation;
  }
  return chain;
}

function rotationSigned(r, from, to) {
  const statement = H('gsl-vault/v2 rotation', from, to, be64(r.at), be64(r.generation));
  const sig = (h) => fromHex(h, 64);
  const ok = (key, s) => Boolean(s) && verifySigned(key, 'gsl-vault/v2 rotation', statement, s);
  return ok(from, sig(r.from_signature)) && ok(to, sig(r.to_signature));
}

/** A copy has its issue date, no receipts nor pending reshare, and a tag or an authority. */
function checkCopyFields(b, fail) {
  const mixed =
    !isInt(b.issued, 0, MAX_TIME) || (b.receipts ?? []).length > 0 || b.pending !== undefined ||
    b.copies_from !== undefined || b.copies_issued !== undefined;
  const tagged = b.quorum_tag !== undefined && b.copy_authority === undefined && b.authority_signature === undefined;
  const authority = b.quorum_tag === undefined && b.copy_authority !== undefined && b.copy_authority.seed === undefined;
  if (mixed || !(tagged ? fromHex(b.quorum_tag, 32) : authority && b.policy === 'either' && authoritySigned(b))) {
    throw fail('mixes the fields of a vault and of a recovery copy');
  }
}

/** The copy authority's signature over the body with the signature absent. */
function authoritySigned(b) {
  const pub = fromHex(b.copy_authority.public, 32);
  const sig = fromHex(b.authority_signature, 64);
  if (!pub || !sig || !fromHex(b.copy_authority.certificate, 32)) return false;
  const { authority_signature: _, ...unsigned } = b;
  return verifySigned(pub, 'gsl-vault/v2 copy authority signature', new TextEncoder().encode(bodyText(unsigned)), sig);
}

/** Whether the identity derived from a vault key is the document's (key confirmation). */
export function confirmsIdentity(identitySeed, identity) {
  return sameBytes(ed25519.getPublicKey(identitySeed), identity);
}
