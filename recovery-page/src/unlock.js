// Opening a vault or a recovery copy (FORMAT.md, "Slots", "Share commitments", "Payload"):
// every share checked against its commitment before any is combined; a quorum combined; a
// copy's quorum tag or authority certificate checked before its slot is opened; the slot
// opened, the vault key confirmed against the signed identity, the payload decrypted.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { H, be32, concat, fromHex, fromUtf8, sameBytes, utf8, wipe } from './bytes.js';
import { EXIT, GslError, corrupt, sharesError, unlockError, usageError } from './errors.js';
import { combine } from './shamir.js';
import { openSlot3 } from './slot3.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bodyText } from './signed.js';
import { confirmsIdentity, shownFingerprint } from './vault.js';

const hkdf32 = (ikm, info, salt) => hkdf(sha256, ikm, salt, utf8(info), 32);
const date = (secs) => new Date(secs * 1000).toISOString().slice(0, 10);

/** How the command line names a document in its sentences. */
export const vaultName = (doc) => (doc.kind === 'copy' ? `${doc.body.label} (recovery copy in ${doc.name})` : doc.name);

/** A refused share: exit 3, and the reason as data. */
const refused = (source, reason, message) => new GslError(EXIT.shares, message, { source, reason });

/**
 * Checks one share against a document's current set: same vault, same epoch, a known index, and
 * its commitment. Returns the custodian record; throws a refusal (exit 3) with the reason.
 */
export function checkShare(doc, share, source) {
  const b = doc.body;
  const s = `share ${source}`;
  const vault = vaultName(doc);
  if (!sameBytes(share.fingerprint, doc.fingerprint)) {
    const theirs = shownFingerprint(share.fingerprint);
    const ours = shownFingerprint(doc.fingerprint);
    throw refused(source, 'other-vault', `${s} belongs to another vault (${theirs}), not to ${vault} (${ours}): find the share made for this vault.`);
  }
  if (share.epoch !== b.epoch) throw epochRefusal(doc, share.epoch, source);
  const c = b.custodians.find((c) => c.index === share.x);
  if (!c) {
    throw refused(source, 'unknown-index', `${s} has index ${share.x}, but vault ${vault} has only ${b.custodians.length} custodians: it is not a share of this set.`);
  }
  const got = H('gsl-vault/v1 share', doc.nameKey, be32(b.epoch), Uint8Array.of(share.x), share.y);
  if (!sameBytes(got, fromHex(c.commitment, 32))) {
    throw refused(source, 'commitment', `${s} claims to be ${c.name}'s share (${c.index} of ${b.custodians.length}) but does not match its commitment: it was altered or mistyped; compare it with the paper.`);
  }
  return c;
}

function epochRefusal(doc, e, source) {
  const b = doc.body;
  const s = `share ${source}`;
  const vault = vaultName(doc);
  if (b.pending?.epoch === e) {
    return refused(source, 'not-confirmed', `${s} is one of the new shares of a reshare not confirmed yet: until a quorum of them confirms the reshare, the current shares open vault ${vault}.`);
  }
  const cancelled = (b.cancelled ?? []).find((c) => c.epoch === e);
  if (cancelled) {
    return refused(source, 'cancelled', `${s} is from a reshare (epoch ${e}) cancelled on ${date(cancelled.at)} before it was confirmed: it never opened vault ${vault}; destroy it.`);
  }
  const retired = (b.retired ?? []).find((r) => r.epoch === e);
  if (retired) {
    return refused(source, 'retired', `${s} is from epoch ${e}, retired on ${date(retired.at)} when new shares were confirmed: it no longer opens vault ${vault}; if you are still a custodian, use the new share the owner gave you, and if not, destroy this one.`);
  }
  if (e < b.epoch) {
    return refused(source, 'older', `${s} is from an older epoch (${e}) than vault ${vault} (epoch ${b.epoch}): it was retired by a reshare; use a share of the current set.`);
  }
  return refused(source, 'newer', `${s} is from a newer epoch (${e}) than vault ${vault} (epoch ${b.epoch}): it belongs to a newer copy of this vault; use that copy.`);
}

/** Sorts offered shares ({source, share}) into accepted points and refusals. */
function sortOffered(doc, offered) {
  const accepted = [];
  const rejected = [];
  for (const o of offered) {
    try {
      const c = checkShare(doc, o.share, o.source);
      if (accepted.some((a) => a.point.x === o.share.x)) {
        rejected.push(refused(o.source, 'twice', `share ${o.source} is ${c.name}'s share again (index ${c.index}): a share given twice counts once.`));
      } else {
        accepted.push({ custodian: c.name, point: { x: o.share.x, y: o.share.y } });
      }
    } catch (e) {
      if (!(e instanceof GslError) || e.exit !== EXIT.shares) throw e;
      rejected.push(e);
    }
  }
  return { accepted, rejected };
}

/**
 * Opens a vault file or a recovery copy with a quorum of shares (and the passphrase under policy
 * `both`, through `passKey(kdf)`, an async function giving PK).
 * @returns {Promise<{key: string, accepted: string[], rejected: GslError[]}>}
 */
export async function openWithShares(doc, offered, passKey) {
  const b = doc.body;
  const t = b.threshold;
  const { accepted, rejected } = sortOffered(doc, offered);
  if (accepted.length < t) {
    const clauses = rejected.map((r) => '; ' + r.message.replace(/\.$/, '')).join('');
    throw sharesError(`${accepted.length} valid share(s) of ${t} needed to open vault ${vaultName(doc)}${clauses}: ask more custodians for their shares.`, {
      have: accepted.length,
      need: t,
      rejected,
    });
  }
  const points = accepted.map((a) => a.point);
  const qk = combine(points.slice(0, t));
  try {
    checkConsistent(doc, points, t, qk);
    checkVouched(doc, qk);
    let wrap = qk;
    if (b.policy === 'both') {
      if (!passKey) throw usageError('policy both needs the passphrase: type it with the shares.');
      const pk = await passKey(b.kdf);
      wrap = hkdf32(concat(qk, pk), 'gsl-vault/v1 both');
      wipe(pk);
    }
    const slot = b.slots.find((s) => s.kind === (b.policy === 'both' ? 'both' : 'quorum'));
    const vk = openSlot(doc, slot, wrap);
    if (wrap !== qk) wipe(wrap);
    if (!vk) {
      if (b.policy === 'both') {
        throw unlockError(`the shares are valid but the passphrase is wrong for vault ${vaultName(doc)}: try again, minding keyboard layout and caps lock.`);
      }
      throw corrupt(doc.kind, doc.name, 'does not open with shares that match their commitments');
    }
    const { key, entries } = openItems(doc, vk);
    return { key, entries, accepted: accepted.map((a) => a.custodian), rejected };
  } finally {
    wipe(qk);
  }
}

/** Opens a vault file with its passphrase (policy `either`), given PK: {key, entries}. */
export function openWithPassKey(doc, pk) {
  const b = doc.body;
  const slot = b.slots.find((s) => s.kind === 'passphrase');
  if (!slot) throw usageError(`policy ${b.policy} needs a quorum of shares: the passphrase alone does not open vault ${vaultName(doc)}.`);
  const vk = openSlot(doc, slot, pk);
  if (!vk) {
    throw unlockError(`wrong passphrase for vault ${vaultName(doc)}: try again, minding keyboard layout and caps lock, or recover with a quorum of shares.`);
  }
  return openItems(doc, vk);
}

/**
 * Every valid share beyond the first t must give the same quorum key with t - 1 of them: a file
 * that claims a lower threshold than the shares were made for is caught.
 */
function checkConsistent(doc, points, t, qk) {
  for (const extra of points.slice(t)) {
    const other = combine([...points.slice(1, t), extra]);
    const same = sameBytes(other, qk);
    wipe(other);
    if (!same) {
      throw corrupt(doc.kind, doc.name, `does not agree with the shares about its threshold (${t}): it was altered to need fewer shares than they were made for`);
    }
  }
}

/** A copy must carry its quorum's tag, or a copy authority that quorum certified. */
function checkVouched(doc, qk) {
  // Version 3 copies carry no tag: the quorum slot's binding vouches for them (openSlot).
  if (doc.kind !== 'copy' || doc.version === 3) return;
  const b = doc.body;
  const tagKey = hkdf32(qk, 'gsl-vault/v2 copy tag');
  let ok;
  if (b.quorum_tag !== undefined) {
    const { quorum_tag: tag, ...untagged } = b;
    ok = sameBytes(hmac(sha256, tagKey, utf8(bodyText(untagged))), fromHex(tag, 32));
  } else {
    const pub = fromHex(b.copy_authority.public, 32);
    const statement = H('gsl-vault/v2 copy authority', doc.nameKey, be32(b.epoch), pub);
    ok = sameBytes(hmac(sha256, tagKey, statement), fromHex(b.copy_authority.certificate, 32));
  }
  wipe(tagKey);
  if (!ok) {
    throw new GslError(
      EXIT.corrupt,
      `the shares are valid, but the recovery copy ${vaultName(doc)} was not issued by their quorum: it was forged (by someone who once held an old vault key) or altered. Nothing was recovered: use another custodian's copy, or the owner's vault file.`,
    );
  }
}

/** VK from a slot with the key its path yields, confirmed against the identity; or null. */
export function openSlot(doc, slot, key) {
  if (slot.encapsulation !== undefined) return openV3Slot(doc, slot, key);
  const b = doc.body;
  const kind = slot.kind;
  const k = b.kdf;
  const kdfString = k ? `${k.memory_kib}:${k.iterations}:${k.parallelism}:${k.salt}` : '';
  const ePart = kind === 'passphrase' ? new Uint8Array(0) : be32(b.epoch);
  const kPart = kind === 'quorum' ? new Uint8Array(0) : utf8(kdfString);
  let wrapKey = key;
  let aad;
  if (slot.recipient !== undefined) {
    const secret = hkdf32(key, `gsl-vault/v2 path ${kind}`);
    const recipient = x25519.getPublicKey(secret);
    const ephemeral = fromHex(slot.ephemeral, 32);
    let shared;
    try {
      shared = x25519.getSharedSecret(secret, ephemeral);
    } catch {
      return null;
    }
    wipe(secret);
    if (shared.every((x) => x === 0)) return null;
    wrapKey = hkdf32(shared, 'gsl-vault/v2 sealed slot', concat(ephemeral, recipient));
    wipe(shared);
    // The AAD binds the recipient the slot names (as the Rust reader does); a slot whose
    // recipient is not this secret's public key then fails to open.
    aad = H('gsl-vault/v2 slot', doc.identity, kind, ePart, kPart, fromHex(slot.recipient, 32));
  } else {
    aad = H('gsl-vault/v1 slot', doc.identity, kind, ePart, kPart);
  }
  let vk;
  try {
    vk = xchacha20poly1305(wrapKey, fromHex(slot.nonce, 24), aad).decrypt(fromHex(slot.ciphertext, 48));
  } catch {
    return null;
  } finally {
    if (wrapKey !== key) wipe(wrapKey);
  }
  const seed = hkdf32(vk, 'gsl-vault/v1 identity');
  const confirmed = confirmsIdentity(seed, doc.identity);
  wipe(seed);
  if (!confirmed) {
    wipe(vk);
    return null;
  }
  return vk;
}

/**
 * A version 3 slot (FORMAT.md, "Slot (version 3)"): null for a secret that is not its path's;
 * a file its path does not vouch for is refused (exit 5) before anything is decapsulated; in a
 * vault file the slot's signer seed must open under the VK found.
 */
function openV3Slot(doc, slot, key) {
  const ctx = { origin: doc.nameKey, kind: slot.kind, epoch: doc.body.epoch, kdf: doc.body.kdf ?? null };
  const r = openSlot3(ctx, slot, key);
  if (r.refusal === 'wrong-secret') return null;
  if (r.refusal === 'not-this-line') {
    throw new GslError(
      EXIT.corrupt,
      `${doc.name} was not written by this vault's owner or custodians: its unlock path does not vouch for the key that signed it (a forgery, or a file of another vault dressed as this one). Nothing was shown: use your own copy of the vault file, or a custodian's recovery copy.`,
    );
  }
  if (r.refusal) throw corrupt(doc.kind, doc.name, 'has a slot that does not decrypt');
  if (doc.kind === 'vault') {
    // Key confirmation over the whole file: every slot's signer seed, the pending slot's too,
    // opens under this VK (a file carrying a real slot beside slots of its own is refused).
    const all = [...doc.body.slots, ...(doc.body.pending ? [doc.body.pending.slot] : [])];
    const seedKey = hkdf32(r.vk, 'gsl-vault/v3 signer seed');
    const confirms = (s) => {
      try {
        const signer = fromHex(s.signer, 32);
        const aad = H('gsl-vault/v3 signer seed', doc.nameKey, s.kind, signer);
        const seed = xchacha20poly1305(seedKey, fromHex(s.signer_seed.nonce, 24), aad).decrypt(fromHex(s.signer_seed.ciphertext, 48));
        const ok = sameBytes(ed25519.getPublicKey(seed), signer);
        wipe(seed);
        return ok;
      } catch {
        return false;
      }
    };
    const confirmed = all.every(confirms);
    wipe(seedKey);
    if (!confirmed) {
      wipe(r.vk);
      throw new GslError(
        EXIT.corrupt,
        `${doc.name} was not written by this vault's owner or custodians: its unlock path does not vouch for the key that signed it (a forgery, or a file of another vault dressed as this one). Nothing was shown: use your own copy of the vault file, or a custodian's recovery copy.`,
      );
    }
  }
  return r.vk;
}

/** What people read for an entry's name (as the command line labels them). */
export const ENTRY_TITLES = { 'recovery-codes': '2FA recovery codes', note: 'recovery note', 'sign-in-totp': 'sign-in authenticator key' };

/**
 * The payload opened under the payload key of VK: the master key, then the entries the body
 * names, each `len_be16 ‖ bytes`, zero padding checked (FORMAT.md, "Payload").
 * @returns {{key: string, entries: {name: string, text: string}[]}}
 */
function openItems(doc, vk) {
  const payloadKey = hkdf32(vk, 'gsl-vault/v1 payload key');
  wipe(vk);
  const fail = () => corrupt(doc.kind, doc.name, 'has a payload that does not decrypt');
  let plain;
  try {
    const aad = doc.version === 3 ? H('gsl-vault/v3 payload', doc.nameKey) : H('gsl-vault/v1 payload', doc.identity);
    plain = xchacha20poly1305(payloadKey, fromHex(doc.body.payload.nonce, 24), aad).decrypt(
      fromHex(doc.body.payload.ciphertext),
    );
  } catch {
    throw fail();
  } finally {
    wipe(payloadKey);
  }
  const names = doc.body.entries ?? [];
  const items = [];
  let at = 0;
  let ok = true;
  for (let k = 0; k <= names.length && ok; k++) {
    const len = at + 2 <= plain.length ? (plain[at] << 8) | plain[at + 1] : 0;
    const max = k === 0 ? 4096 : 16384;
    ok = len >= 1 && len <= max && at + 2 + len <= plain.length;
    const text = ok ? fromUtf8(plain.subarray(at + 2, at + 2 + len)) : null;
    ok = ok && text !== null;
    items.push(text);
    at += 2 + len;
  }
  ok = ok && plain.subarray(at).every((x) => x === 0);
  wipe(plain);
  if (!ok) throw fail();
  return { key: items[0], entries: names.map((name, i) => ({ name, text: items[i + 1] })) };
}
