//! Version 3 slots (FORMAT.md, "Slot (version 3)"): VK sealed with X-Wing to an unlock path's
//! recipient, signed for by the slot's own Ed25519 signer, which the path vouches for with a
//! binding only a holder of the path's secret can make.
//!
//! Opening checks, in order: the recipient (a wrong secret), the binding (a file not written by
//! the vault's line: refused before anything is decapsulated), then the KEM and the AEAD.
//! No command writes version 3 files yet; this is the tested building block they will use.

use ed25519_dalek::SigningKey;

use crate::crypto;
use crate::error::Result;
use crate::format::{KdfRecord, Sealed, Slot, SlotKind};
use crate::hex;
use crate::secret::VaultKey;

/// A version 3 slot is a [`Slot`] whose version 3 fields are set (FORMAT.md's field order is the
/// struct's); this alias names it where only version 3 is meant.
pub type Slot3 = Slot;

/// What a slot depends on besides its path's secret.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The vault's name key.
    pub origin: &'a [u8; 32],
    /// The path.
    pub kind: SlotKind,
    /// The slot's epoch (the pending epoch for a pending slot).
    pub epoch: u32,
    /// The passphrase's KDF record (policy either and both).
    pub kdf: Option<&'a KdfRecord>,
}

impl Context<'_> {
    fn parts(&self) -> (Vec<u8>, Vec<u8>) {
        let kdf = self
            .kdf
            .map(|k| {
                format!(
                    "{}:{}:{}:{}",
                    k.memory_kib, k.iterations, k.parallelism, k.salt
                )
            })
            .unwrap_or_default()
            .into_bytes();
        let epoch = self.epoch.to_be_bytes().to_vec();
        match self.kind {
            SlotKind::Passphrase => (Vec::new(), kdf),
            SlotKind::Quorum => (epoch, Vec::new()),
            SlotKind::Both => (epoch, kdf),
        }
    }

    fn binding_statement(&self, signer: &[u8; 32], recipient_hash: &[u8; 32]) -> [u8; 32] {
        let (e, k) = self.parts();
        crypto::hash_parts(&[
            b"gsl-vault/v3 binding",
            self.origin,
            self.kind.as_str().as_bytes(),
            &e,
            &k,
            signer,
            recipient_hash,
        ])
    }

    fn slot_aad(&self, signer: &[u8; 32], encapsulation: &[u8]) -> [u8; 32] {
        let (e, k) = self.parts();
        crypto::hash_parts(&[
            b"gsl-vault/v3 slot",
            self.origin,
            self.kind.as_str().as_bytes(),
            &e,
            &k,
            signer,
            encapsulation,
        ])
    }

    fn seed_aad(&self, signer: &[u8; 32]) -> [u8; 32] {
        crypto::hash_parts(&[
            b"gsl-vault/v3 signer seed",
            self.origin,
            self.kind.as_str().as_bytes(),
            signer,
        ])
    }

    /// The binding that the holder of the path key `key` makes for `signer` and `recipient`.
    pub fn binding(&self, key: &[u8; 32], signer: &[u8; 32], recipient: &[u8]) -> [u8; 32] {
        let statement = self.binding_statement(signer, &crypto::recipient_hash(recipient));
        crypto::path_binding(key, self.kind.as_str(), &statement)
    }
}

/// Why a slot did not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The secret's recipient is not the slot's: a wrong passphrase, or shares of another set.
    WrongSecret,
    /// The recipient is right but the binding is not: the file was not written by the vault's
    /// line (a forgery). Nothing was decapsulated.
    NotThisLine,
    /// Binding right, but the slot does not decrypt (or is malformed): a damaged file.
    Damaged,
}

/// Where a new slot's path comes from at a write.
pub enum Source<'a> {
    /// The path's secret is at hand: a new signer, the recipient derived from it, a new binding.
    Secret(&'a [u8; 32]),
    /// Not at hand: keep the slot's signer (its seed, opened with the old VK), recipient and
    /// binding, and seal the new VK to that recipient.
    Kept {
        /// The slot as it is.
        slot: &'a Slot3,
        /// The vault key that opens its signer seed.
        old_vk: &'a VaultKey,
    },
}

fn seed_key(vk: &VaultKey) -> zeroize::Zeroizing<[u8; 32]> {
    crypto::signer_seed_key(vk)
}

/// Opens the signer seed of a vault file's slot with VK (key confirmation: the seed's public key
/// must be the slot's `signer`).
pub fn signer_of(ctx: &Context<'_>, slot: &Slot3, vk: &VaultKey) -> Option<SigningKey> {
    let sealed = slot.signer_seed.as_ref()?;
    let signer: [u8; 32] = hex::decode_array(slot.signer.as_deref()?)?;
    let nonce: [u8; 24] = hex::decode_array(&sealed.nonce)?;
    let ct = hex::decode(&sealed.ciphertext)?;
    let plain = crypto::open(&seed_key(vk), &nonce, &ct, &ctx.seed_aad(&signer))?;
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    seed.copy_from_slice(plain.get(..32)?);
    let sk = SigningKey::from_bytes(&seed);
    crypto::ct_eq(sk.verifying_key().as_bytes(), &signer).then_some(sk)
}

/// Seals `vk` into a version 3 slot for a vault file. Returns the slot and its signing key.
///
/// # Errors
/// A kept slot whose signer seed does not open under `old_vk`, or whose recipient is malformed;
/// the OS random generator failing.
pub fn seal(ctx: &Context<'_>, vk: &VaultKey, source: Source<'_>) -> Result<(Slot3, SigningKey)> {
    let broken = || {
        crate::error::Error::Corrupt(format!(
            "the {} slot cannot be sealed again (its signer or recipient is damaged); nothing was written.",
            ctx.kind.as_str()
        ))
    };
    let (sk, recipient, binding) = match source {
        Source::Secret(key) => {
            let mut seed = zeroize::Zeroizing::new([0u8; 32]);
            crate::secret::fill_random(&mut seed[..])?;
            let sk = SigningKey::from_bytes(&seed);
            let recipient = crypto::path_recipient(key, ctx.kind.as_str());
            let binding = ctx.binding(key, sk.verifying_key().as_bytes(), &recipient);
            (sk, recipient, binding)
        }
        Source::Kept { slot, old_vk } => {
            let sk = signer_of(ctx, slot, old_vk).ok_or_else(broken)?;
            let recipient = slot
                .recipient
                .as_deref()
                .and_then(hex::decode)
                .filter(|r| r.len() == crypto::XWING_RECIPIENT_LEN)
                .ok_or_else(broken)?;
            let binding: [u8; 32] = slot
                .binding
                .as_deref()
                .and_then(hex::decode_array)
                .ok_or_else(broken)?;
            (sk, recipient, binding)
        }
    };
    let signer = sk.verifying_key().to_bytes();
    let (enc, nonce, ct) =
        crypto::kem_seal(&recipient, vk.expose(), |enc| ctx.slot_aad(&signer, enc))?;
    let (seed_nonce, seed_ct) = crypto::seal(&seed_key(vk), sk.as_bytes(), &ctx.seed_aad(&signer))?;
    let slot = Slot {
        kind: ctx.kind,
        signer: Some(hex::encode(&signer)),
        signer_seed: Some(Sealed {
            nonce: hex::encode(&seed_nonce),
            ciphertext: hex::encode(&seed_ct),
        }),
        recipient: Some(hex::encode(&recipient)),
        ephemeral: None,
        recipient_hash: Some(hex::encode(&crypto::recipient_hash(&recipient))),
        binding: Some(hex::encode(&binding)),
        encapsulation: Some(hex::encode(&enc)),
        nonce: hex::encode(&nonce),
        ciphertext: hex::encode(&ct),
    };
    Ok((slot, sk))
}

/// The slot as a recovery copy holds it: no signer seed, no recipient.
pub fn for_copy(slot: &Slot3) -> Slot3 {
    Slot3 {
        signer_seed: None,
        recipient: None,
        ..slot.clone()
    }
}

/// Opens a slot with the key its path yields (PK, QK or the both-key).
///
/// # Errors
/// The [`Refusal`] that says why, checked in FORMAT.md's order.
pub fn open(
    ctx: &Context<'_>,
    slot: &Slot3,
    key: &[u8; 32],
) -> std::result::Result<VaultKey, Refusal> {
    if slot.kind != ctx.kind {
        return Err(Refusal::Damaged);
    }
    let recipient = crypto::path_recipient(key, ctx.kind.as_str());
    fn field(f: &Option<String>) -> std::result::Result<&str, Refusal> {
        f.as_deref().ok_or(Refusal::Damaged)
    }
    let want: [u8; 32] = hex::decode_array(field(&slot.recipient_hash)?).ok_or(Refusal::Damaged)?;
    if !crypto::ct_eq(&crypto::recipient_hash(&recipient), &want) {
        return Err(Refusal::WrongSecret);
    }
    let signer: [u8; 32] = hex::decode_array(field(&slot.signer)?).ok_or(Refusal::Damaged)?;
    let binding: [u8; 32] = hex::decode_array(field(&slot.binding)?).ok_or(Refusal::Damaged)?;
    if !crypto::ct_eq(&ctx.binding(key, &signer, &recipient), &binding) {
        return Err(Refusal::NotThisLine);
    }
    let enc = hex::decode(field(&slot.encapsulation)?).ok_or(Refusal::Damaged)?;
    let nonce: [u8; 24] = hex::decode_array(&slot.nonce).ok_or(Refusal::Damaged)?;
    let ct = hex::decode(&slot.ciphertext).ok_or(Refusal::Damaged)?;
    let seed = crypto::path_kem_seed(key, ctx.kind.as_str());
    let plain = crypto::kem_open(&seed, &enc, &nonce, &ct, &ctx.slot_aad(&signer, &enc))
        .ok_or(Refusal::Damaged)?;
    let mut k: [u8; 32] = plain.as_slice().try_into().map_err(|_| Refusal::Damaged)?;
    Ok(VaultKey::from_bytes(&mut k))
}

#[cfg(test)]
mod tests;
