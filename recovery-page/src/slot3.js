// Version 3 slots (FORMAT.md, "Slot (version 3)"), written from the text: VK sealed with X-Wing
// (@noble/post-quantum's ml_kem768_x25519, draft-06) to an unlock path's recipient; the path's
// binding checked before anything is decapsulated. Not yet wired into the page's readers: the
// command line does not write version 3 files yet.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { H, be32, fromHex, sameBytes, utf8, wipe } from './bytes.js';

const hkdf32 = (ikm, info) => hkdf(sha256, ikm, undefined, info, 32);

/** The X-Wing seed of a path: HKDF(K, "gsl-vault/v3 path kem " ‖ kind). */
export const pathKemSeed = (key, kind) => hkdf32(key, utf8(`gsl-vault/v3 path kem ${kind}`));

/** The path's recipient: the X-Wing encapsulation key of its seed (1216 bytes). */
export function pathRecipient(key, kind) {
  const seed = pathKemSeed(key, kind);
  const { publicKey, secretKey } = ml_kem768_x25519.keygen(seed);
  wipe(seed);
  wipe(secretKey);
  return publicKey;
}

export const recipientHash = (recipient) => H(utf8('gsl-vault/v3 recipient'), recipient);

function kdfString(kdf) {
  return kdf ? utf8(`${kdf.memory_kib}:${kdf.iterations}:${kdf.parallelism}:${kdf.salt}`) : new Uint8Array();
}

function parts(ctx) {
  const k = kdfString(ctx.kdf);
  const e = be32(ctx.epoch);
  const none = new Uint8Array();
  if (ctx.kind === 'passphrase') return [none, k];
  if (ctx.kind === 'quorum') return [e, none];
  return [e, k];
}

/** The binding the holder of path key `key` makes for a signer and a recipient. */
export function bindingOf(ctx, key, signer, recipient) {
  const [e, k] = parts(ctx);
  const statement = H(utf8('gsl-vault/v3 binding'), ctx.origin, utf8(ctx.kind), e, k, signer, recipientHash(recipient));
  const bk = hkdf32(key, utf8(`gsl-vault/v3 path binding ${ctx.kind}`));
  const tag = hmac(sha256, bk, statement);
  wipe(bk);
  return tag;
}

function slotAad(ctx, signer, encapsulation) {
  const [e, k] = parts(ctx);
  return H(utf8('gsl-vault/v3 slot'), ctx.origin, utf8(ctx.kind), e, k, signer, encapsulation);
}

/**
 * Opens a version 3 slot with the key its path yields. Returns { vk } or { refusal } with
 * refusal 'wrong-secret', 'not-this-line' (a forgery: nothing was decapsulated) or 'damaged'.
 */
export function openSlot3(ctx, slot, key) {
  try {
    const recipient = pathRecipient(key, ctx.kind);
    if (!sameBytes(recipientHash(recipient), fromHex(slot.recipient_hash, 32))) return { refusal: 'wrong-secret' };
    const signer = fromHex(slot.signer, 32);
    if (!sameBytes(bindingOf(ctx, key, signer, recipient), fromHex(slot.binding, 32))) return { refusal: 'not-this-line' };
    const enc = fromHex(slot.encapsulation, 1120);
    const seed = pathKemSeed(key, ctx.kind);
    const ss = ml_kem768_x25519.decapsulate(enc, seed);
    const k = hkdf32(ss, utf8('gsl-vault/v3 slot'));
    wipe(seed);
    wipe(ss);
    try {
      return { vk: xchacha20poly1305(k, fromHex(slot.nonce, 24), slotAad(ctx, signer, enc)).decrypt(fromHex(slot.ciphertext, 48)) };
    } finally {
      wipe(k);
    }
  } catch {
    return { refusal: 'damaged' };
  }
}

/**
 * Seals `vk` to the path of `key` with a given signer public key (for the cross-implementation
 * vector: the signer's seed stays with whoever made it). Returns the slot as a copy holds it.
 */
export function sealSlot3(ctx, vk, key, signer, randomness) {
  const recipient = pathRecipient(key, ctx.kind);
  const { cipherText, sharedSecret } = ml_kem768_x25519.encapsulate(recipient, randomness);
  const k = hkdf32(sharedSecret, utf8('gsl-vault/v3 slot'));
  const nonce = randomness.slice(0, 24);
  const ct = xchacha20poly1305(k, nonce, slotAad(ctx, signer, cipherText)).encrypt(vk);
  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return {
    kind: ctx.kind,
    signer: hex(signer),
    recipient_hash: hex(recipientHash(recipient)),
    binding: hex(bindingOf(ctx, key, signer, recipient)),
    encapsulation: hex(cipherText),
    nonce: hex(nonce),
    ciphertext: hex(ct),
  };
}

