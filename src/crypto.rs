//! Small functions named after what they compute; FORMAT.md gives each one's exact inputs.
//! Domain-separation strings all start with `gsl-vault/v1 ` so no two uses share an input.

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::{PassKey, QuorumKey, VaultKey, WrapKey, fill_random};

/// XChaCha20-Poly1305 nonce length.
pub const NONCE_LEN: usize = 24;
/// Poly1305 tag length.
pub const TAG_LEN: usize = 16;

/// Seals `plaintext` under `key` with a fresh random nonce. Returns (nonce, ciphertext||tag).
pub fn seal(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Result<([u8; NONCE_LEN], Vec<u8>)> {
    let mut nonce = [0u8; NONCE_LEN];
    fill_random(&mut nonce)?;
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut buf = Vec::with_capacity(plaintext.len() + TAG_LEN);
    buf.extend_from_slice(plaintext);
    cipher
        .encrypt_in_place(&XNonce::from(nonce), aad, &mut buf)
        .map_err(|_| Error::Other("encryption failed; nothing was written.".into()))?;
    Ok((nonce, buf))
}

/// Opens a sealed box into a zeroizing buffer; `None` if the key or the data is wrong.
pub fn open(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    sealed: &[u8],
    aad: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut buf = Zeroizing::new(Vec::with_capacity(sealed.len()));
    buf.extend_from_slice(sealed);
    cipher
        .decrypt_in_place(&XNonce::from(*nonce), aad, &mut *buf)
        .ok()?;
    Some(buf)
}

fn hkdf32(ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(None, ikm)
        .expand(info, &mut out[..])
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    out
}

/// The vault's Ed25519 identity: HKDF-SHA256(VK, info = "gsl-vault/v1 identity").
pub fn identity(vk: &VaultKey) -> SigningKey {
    let seed = hkdf32(vk.expose(), b"gsl-vault/v1 identity");
    SigningKey::from_bytes(&seed)
}

/// The payload key: HKDF-SHA256(VK, info = "gsl-vault/v1 payload key"). VK itself is only ever
/// HKDF input, never used directly as a cipher key.
pub fn payload_key(vk: &VaultKey) -> Zeroizing<[u8; 32]> {
    hkdf32(vk.expose(), b"gsl-vault/v1 payload key")
}

/// Wrapping key for policy `both`: HKDF-SHA256(QK || PK, info = "gsl-vault/v1 both").
pub fn both_key(qk: &QuorumKey, pk: &PassKey) -> WrapKey {
    let mut ikm = Zeroizing::new([0u8; 64]);
    ikm[..32].copy_from_slice(qk.expose());
    ikm[32..].copy_from_slice(pk.expose());
    let mut k = *hkdf32(&ikm[..], b"gsl-vault/v1 both");
    WrapKey::from_bytes(&mut k)
}

/// The X25519 secret of an unlock path, from the key that path yields (PK, QK or the both-key):
/// HKDF-SHA256(ikm = key, info = "gsl-vault/v2 path " ‖ kind). Its public half is stored in the
/// vault, so anyone holding VK can wrap a new VK to the path without the path's secret.
pub fn path_secret(key: &[u8; 32], kind: &str) -> x25519_dalek::StaticSecret {
    let mut info = Vec::with_capacity(32);
    info.extend_from_slice(b"gsl-vault/v2 path ");
    info.extend_from_slice(kind.as_bytes());
    let seed = hkdf32(key, &info);
    x25519_dalek::StaticSecret::from(*seed)
}

/// The public half of [`path_secret`].
pub fn path_public(key: &[u8; 32], kind: &str) -> [u8; 32] {
    x25519_dalek::PublicKey::from(&path_secret(key, kind)).to_bytes()
}

/// The key that wraps a sealed slot: HKDF-SHA256(ikm = X25519 shared secret, salt = ephemeral
/// public ‖ recipient public, info = "gsl-vault/v2 sealed slot"). `None` for a shared secret
/// of all zeros (a low-order point: refused).
fn sealed_slot_key(
    shared: &x25519_dalek::SharedSecret,
    ephemeral: &[u8; 32],
    recipient: &[u8; 32],
) -> Option<Zeroizing<[u8; 32]>> {
    if !shared.was_contributory() {
        return None;
    }
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral);
    salt[32..].copy_from_slice(recipient);
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(&salt), shared.as_bytes())
        .expand(b"gsl-vault/v2 sealed slot", &mut out[..])
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    Some(out)
}

/// A slot sealed to an X25519 public key: (ephemeral public key, nonce, ciphertext‖tag).
pub type SealedTo = ([u8; 32], [u8; NONCE_LEN], Vec<u8>);

/// Seals `plaintext` to `recipient` (an unlock path's public key) with a fresh ephemeral key:
/// X25519, then [`sealed_slot_key`], then XChaCha20-Poly1305 with a random nonce.
pub fn seal_to(recipient: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Result<SealedTo> {
    let mut seed = Zeroizing::new([0u8; 32]);
    fill_random(&mut seed[..])?;
    let eph = x25519_dalek::StaticSecret::from(*seed);
    let eph_pub = x25519_dalek::PublicKey::from(&eph).to_bytes();
    let shared = eph.diffie_hellman(&x25519_dalek::PublicKey::from(*recipient));
    let key = sealed_slot_key(&shared, &eph_pub, recipient).ok_or_else(|| {
        Error::Other("a slot's public key is not usable; nothing was written.".into())
    })?;
    let (nonce, ct) = seal(&key, plaintext, aad)?;
    Ok((eph_pub, nonce, ct))
}

/// Opens a slot sealed by [`seal_to`] with the path's secret; `None` if it does not open.
pub fn open_from(
    secret: &x25519_dalek::StaticSecret,
    ephemeral: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    sealed: &[u8],
    aad: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let recipient = x25519_dalek::PublicKey::from(secret).to_bytes();
    let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(*ephemeral));
    let key = sealed_slot_key(&shared, ephemeral, &recipient)?;
    open(&key, nonce, sealed, aad)
}

/// A recovery copy's quorum tag: HMAC-SHA256(key = HKDF-SHA256(QK, info = "gsl-vault/v2 copy
/// tag"), message = the copy's body bytes with the tag empty). Only a holder of the quorum key
/// of the copy's share set can make it, so a copy signed by anyone else (someone who once held
/// an old vault key, say) is refused by the custodians' own shares before any key is shown.
pub fn copy_tag(qk: &QuorumKey, body: &[u8]) -> [u8; 32] {
    use hmac::{KeyInit as _, Mac};
    let key = hkdf32(qk.expose(), b"gsl-vault/v2 copy tag");
    let mut mac =
        hmac::Hmac::<Sha256>::new_from_slice(&key[..]).expect("HMAC takes a key of any length");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The certificate of a copy authority: the quorum tag ([`copy_tag`]) over
/// `H("gsl-vault/v2 copy authority", name_key, epoch_be32, public)`. Only a holder of the quorum
/// key of that share set can make it; the owner then signs copies with the authority alone.
pub fn authority_certificate(
    qk: &QuorumKey,
    name_key: &[u8; 32],
    epoch: u32,
    public: &[u8; 32],
) -> [u8; 32] {
    let statement = hash_parts(&[
        b"gsl-vault/v2 copy authority",
        name_key,
        &epoch.to_be_bytes(),
        public,
    ]);
    copy_tag(qk, &statement)
}

/// The Ed25519 seed of a share's proof key: HKDF-SHA256(ikm = y, no salt, info =
/// "gsl-vault/v2 proof key" ‖ fingerprint (5 bytes) ‖ epoch_be32 ‖ x). Only the share's holder
/// can sign with it; its public half, in the vault, checks the custodian's remote proofs.
pub fn proof_seed(fingerprint: &[u8; 5], epoch: u32, x: u8, y: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut info = Vec::with_capacity(40);
    info.extend_from_slice(b"gsl-vault/v2 proof key");
    info.extend_from_slice(fingerprint);
    info.extend_from_slice(&epoch.to_be_bytes());
    info.push(x);
    hkdf32(y, &info)
}

/// The key that seals the copy authority's seed in the vault file.
pub fn authority_seal_key(vk: &VaultKey) -> Zeroizing<[u8; 32]> {
    hkdf32(vk.expose(), b"gsl-vault/v2 copy authority")
}

/// The long fingerprint of an identity, the one to pin: the first 128 bits of
/// [`fingerprint_hash`].
pub fn long_fingerprint(identity: &[u8; 32]) -> [u8; 16] {
    let h = fingerprint_hash(identity);
    let mut out = [0u8; 16];
    out.copy_from_slice(&h[..16]);
    out
}

/// A rotation's statement, signed by the old identity and by the new one:
/// H("gsl-vault/v2 rotation", old, new, at_be64, generation_be64).
pub fn rotation_statement(old: &[u8; 32], new: &[u8; 32], at: u64, generation: u64) -> [u8; 32] {
    hash_parts(&[
        b"gsl-vault/v2 rotation",
        old,
        new,
        &at.to_be_bytes(),
        &generation.to_be_bytes(),
    ])
}

/// SHA-256 of `parts`, each length-prefixed (u32 BE) so no two part lists collide.
pub fn hash_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u32).to_be_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// A share's commitment: H("gsl-vault/v1 share", identity, epoch, x, y).
pub fn share_commitment(identity: &[u8; 32], epoch: u32, x: u8, y: &[u8; 32]) -> [u8; 32] {
    hash_parts(&[
        b"gsl-vault/v1 share",
        identity,
        &epoch.to_be_bytes(),
        &[x],
        y,
    ])
}

/// The fingerprint hash: H("gsl-vault/v1 fingerprint", identity). Its first 40 bits, in base32,
/// are the fingerprint shown to people and carried by every share.
pub fn fingerprint_hash(identity: &[u8; 32]) -> [u8; 32] {
    hash_parts(&[b"gsl-vault/v1 fingerprint", identity])
}

/// Signs `msg` under the domain `context`.
pub fn sign(sk: &SigningKey, context: &[u8], msg: &[u8]) -> [u8; 64] {
    sk.sign(&hash_parts(&[context, msg])).to_bytes()
}

/// Verifies a signature made by [`sign`] (strict: no malleable or small-order encodings).
pub fn verify(pk: &VerifyingKey, context: &[u8], msg: &[u8], sig: &[u8; 64]) -> bool {
    pk.verify_strict(&hash_parts(&[context, msg]), &Signature::from_bytes(sig))
        .is_ok()
}

/// Compares two byte strings in constant time (for commitments and identities).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---- Version 3: X-Wing slots, path bindings, the line key (FORMAT.md, "Version 3") ----

/// Size of an X-Wing encapsulation key (an unlock path's recipient in version 3).
pub const XWING_RECIPIENT_LEN: usize = crate::xwing::RECIPIENT_LEN;
/// Size of an X-Wing ciphertext (a version 3 slot's encapsulation).
pub const XWING_ENCAPSULATION_LEN: usize = crate::xwing::CIPHERTEXT_LEN;

fn info_kind(prefix: &[u8], kind: &str) -> Vec<u8> {
    let mut info = Vec::with_capacity(prefix.len() + kind.len());
    info.extend_from_slice(prefix);
    info.extend_from_slice(kind.as_bytes());
    info
}

/// The X-Wing decapsulation key (its 32-byte seed) of an unlock path, from the key the path
/// yields: HKDF-SHA256(ikm = key, info = "gsl-vault/v3 path kem " ‖ kind).
pub fn path_kem_seed(key: &[u8; 32], kind: &str) -> Zeroizing<[u8; 32]> {
    hkdf32(key, &info_kind(b"gsl-vault/v3 path kem ", kind))
}

/// The recipient of an unlock path in version 3: the X-Wing encapsulation key of
/// [`path_kem_seed`].
pub fn path_recipient(key: &[u8; 32], kind: &str) -> Vec<u8> {
    crate::xwing::recipient_of(&path_kem_seed(key, kind))
}

/// H("gsl-vault/v3 recipient", recipient): lets a reader tell a wrong secret from a forgery.
pub fn recipient_hash(recipient: &[u8]) -> [u8; 32] {
    hash_parts(&[b"gsl-vault/v3 recipient", recipient])
}

fn hmac32(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use hmac::{KeyInit as _, Mac};
    let mut mac =
        hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// A path's binding: HMAC-SHA256(key = HKDF(K, "gsl-vault/v3 path binding " ‖ kind), message =
/// `statement`), where `statement` is H("gsl-vault/v3 binding", origin, identity, kind, e, k).
/// Only a holder of the path's secret can vouch for a line key this way.
pub fn path_binding(key: &[u8; 32], kind: &str, statement: &[u8; 32]) -> [u8; 32] {
    let bk = hkdf32(key, &info_kind(b"gsl-vault/v3 path binding ", kind));
    hmac32(&bk[..], statement)
}

/// A slot sealed with X-Wing: (encapsulation, nonce, ciphertext‖tag).
pub type KemSealed = (Vec<u8>, [u8; NONCE_LEN], Vec<u8>);

/// Seals `plaintext` to an X-Wing `recipient` with fresh randomness: the key is
/// HKDF(shared secret, "gsl-vault/v3 slot"); `aad` is computed from the encapsulation, which it
/// covers.
pub fn kem_seal(
    recipient: &[u8],
    plaintext: &[u8],
    aad: impl FnOnce(&[u8]) -> [u8; 32],
) -> Result<KemSealed> {
    let mut eseed = Zeroizing::new([0u8; 64]);
    fill_random(&mut eseed[..])?;
    let (enc, ss) = crate::xwing::encapsulate(recipient, &eseed).ok_or_else(|| {
        Error::Other("an unlock path's public key is not usable; nothing was written.".into())
    })?;
    let key = hkdf32(&ss[..], b"gsl-vault/v3 slot");
    let (nonce, sealed) = seal(&key, plaintext, &aad(&enc))?;
    Ok((enc, nonce, sealed))
}

/// Opens a slot sealed by [`kem_seal`] with the path's X-Wing seed; `None` if it does not open.
pub fn kem_open(
    seed: &[u8; 32],
    encapsulation: &[u8],
    nonce: &[u8; NONCE_LEN],
    sealed: &[u8],
    aad: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let ss = crate::xwing::decapsulate(seed, encapsulation)?;
    let key = hkdf32(&ss[..], b"gsl-vault/v3 slot");
    open(&key, nonce, sealed, aad)
}

/// HKDF(ikm, info), 32 bytes: for tests that play an attacker deriving keys itself.
#[cfg(test)]
pub(crate) fn hkdf_for_tests(ikm: &[u8], info: &[u8]) -> [u8; 32] {
    *hkdf32(ikm, info)
}

/// The key that seals a slot's signer seed in a version 3 vault file.
pub fn signer_seed_key(vk: &VaultKey) -> Zeroizing<[u8; 32]> {
    hkdf32(vk.expose(), b"gsl-vault/v3 signer seed")
}
