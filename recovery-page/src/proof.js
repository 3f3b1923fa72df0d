// Remote share proofs (FORMAT.md, "Share proofs"): the share's proof key, derived from the
// share alone, signs its vault fingerprint, epoch, index and the time. The same two lines as
// `gsl-vault prove`; they reveal nothing about the share.
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { H, be32, be64, concat, toBase32, utf8, wipe } from './bytes.js';
import { shownFingerprint } from './vault.js';

/** The Ed25519 seed of a share's proof key: HKDF-SHA256(y, info = label ‖ fp ‖ epoch ‖ x). */
export function proofSeed(share) {
  const info = concat(utf8('gsl-vault/v2 proof key'), share.fingerprint, be32(share.epoch), Uint8Array.of(share.x));
  return hkdf(sha256, share.y, undefined, info, 32);
}

/** The public half, as the vault stores it for the share's custodian. */
export function proofPublic(share) {
  const seed = proofSeed(share);
  try {
    return ed25519.getPublicKey(seed);
  } finally {
    wipe(seed);
  }
}

/** The proof text for `share` at Unix time `at`, naming `custodian` when known. */
export function proveShare(share, custodian, at) {
  const statement = concat(share.fingerprint, be32(share.epoch), Uint8Array.of(share.x), be64(at));
  const seed = proofSeed(share);
  let signature;
  try {
    signature = ed25519.sign(H('gsl-vault/v2 share proof', statement), seed);
  } finally {
    wipe(seed);
  }
  const when = new Date(at * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const who = custodian ? ` (${custodian})` : '';
  return `gsl-vault proof v1: vault ${shownFingerprint(share.fingerprint)} epoch ${share.epoch} share ${share.x}${who} ${when}\nsignature: ${toBase32(signature)}\n`;
}
