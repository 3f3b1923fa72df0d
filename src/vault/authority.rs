//! The copy authority: how the owner issues recovery copies with the passphrase alone, while a
//! custodian still trusts only what their own quorum vouches for.
//!
//! A quorum (at init, at a confirmed reshare, or when the owner names shares) certifies an
//! Ed25519 key for its share set: the certificate is the quorum's copy tag over the key, the
//! vault's name and the epoch. The key's seed is sealed under VK in the vault file, so the
//! passphrase reaches it; copies signed by it carry the public key and certificate, which the
//! custodians' combined shares check before any slot is opened.
//!
//! Nothing offline can revoke a certificate: the custodians hold only their shares. So whoever
//! could open the vault since the last confirmed reshare (an old passphrase with an old file, a
//! quorum of a cancelled reshare's shares) can issue copies the current shares accept, until the
//! next confirmed reshare certifies a new authority under a new quorum key. `passwd` and
//! `reshare --cancel` keep the authority (a new one would protect nothing) and say so.

use ed25519_dalek::SigningKey;
use zeroize::Zeroizing;

use crate::crypto;
use crate::error::{Error, Result};
use crate::format::{self, CopyAuthority, Policy};
use crate::hex;
use crate::secret::{QuorumKey, VaultKey, fill_random};

use super::Vault;
use super::slots::seal_hex;

/// What becomes of the copy authority when the vault key rotates.
#[derive(Clone, Copy)]
pub(super) enum AuthorityAfter<'a> {
    /// Sealed again under the new vault key.
    Keep,
    /// Replaced by a new one certified by this quorum key (a confirmed reshare, a policy change),
    /// or dropped when there is none.
    Certify(Option<&'a QuorumKey>),
}

/// An opened authority: its seed, public key and certificate.
pub(super) type Opened = (Zeroizing<[u8; 32]>, [u8; 32], [u8; 32]);

fn seed_aad(identity: &[u8; 32], public: &[u8; 32]) -> [u8; 32] {
    crypto::hash_parts(&[b"gsl-vault/v2 copy authority seed", identity, public])
}

impl Vault {
    /// Whether the owner can issue recovery copies with the passphrase alone (a copy authority
    /// certified by the current quorum is in the vault).
    pub fn has_copy_authority(&self) -> bool {
        self.kind == format::FileKind::Vault && self.body.copy_authority.is_some()
    }

    /// Certifies a new copy authority for the current share set with its quorum key `qk`, and
    /// seals its seed under `vk`. Under policies other than `either` the owner cannot open the
    /// vault alone, so there is none.
    ///
    /// # Errors
    /// `Other` when the random generator fails.
    pub fn certify_copy_authority(&mut self, vk: &VaultKey, qk: &QuorumKey) -> Result<()> {
        if self.body.policy != Policy::Either {
            self.body.copy_authority = None;
            return Ok(());
        }
        let mut seed = Zeroizing::new([0u8; 32]);
        fill_random(&mut seed[..])?;
        let public = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let certificate =
            crypto::authority_certificate(qk, &self.name_key(), self.body.epoch, &public);
        self.seal_authority(vk, &seed, public, certificate)
    }

    fn seal_authority(
        &mut self,
        vk: &VaultKey,
        seed: &[u8; 32],
        public: [u8; 32],
        certificate: [u8; 32],
    ) -> Result<()> {
        let sealed = seal_hex(
            &crypto::authority_seal_key(vk),
            seed,
            &seed_aad(&self.identity, &public),
        )?;
        self.body.copy_authority = Some(CopyAuthority {
            public: hex::encode(&public),
            certificate: hex::encode(&certificate),
            seed: Some(sealed),
        });
        Ok(())
    }

    /// The authority's seed, public key and certificate, opened with the vault key `vk`.
    fn open_authority(&self, vk: &VaultKey) -> Option<Opened> {
        let a = self.body.copy_authority.as_ref()?;
        let public: [u8; 32] = hex::decode_array(&a.public)?;
        let certificate: [u8; 32] = hex::decode_array(&a.certificate)?;
        let sealed = a.seed.as_ref()?;
        let nonce = hex::decode_array(&sealed.nonce)?;
        let ct = hex::decode(&sealed.ciphertext)?;
        let plain = crypto::open(
            &crypto::authority_seal_key(vk),
            &nonce,
            &ct,
            &seed_aad(&self.identity, &public),
        )?;
        let seed: Zeroizing<[u8; 32]> = Zeroizing::new(plain.as_slice().try_into().ok()?);
        // Key confirmation: the seed must be the certified key's.
        (SigningKey::from_bytes(&seed).verifying_key().to_bytes() == public).then_some((
            seed,
            public,
            certificate,
        ))
    }

    /// Called by a rotation from `old` to `new` (the identity already replaced): keeps the
    /// authority sealed under the new key, certifies a new one, or retires it.
    pub(super) fn carry_authority(
        &mut self,
        kept: Option<Opened>,
        new: &VaultKey,
        after: AuthorityAfter<'_>,
    ) -> Result<()> {
        self.body.copy_authority = None;
        match (after, kept) {
            (AuthorityAfter::Keep, Some((seed, public, certificate))) => {
                self.seal_authority(new, &seed, public, certificate)
            }
            (AuthorityAfter::Certify(Some(qk)), _) => self.certify_copy_authority(new, qk),
            _ => Ok(()),
        }
    }

    /// Whether the vault's copy authority opens with the vault key `vk` (a damaged one is
    /// certified again when a quorum is at hand).
    pub fn copy_authority_opens(&self, vk: &VaultKey) -> bool {
        self.open_authority(vk).is_some()
    }

    /// The authority as it is before a rotation, opened with the old vault key.
    pub(super) fn authority_before_rotation(&self, old: &VaultKey) -> Option<Opened> {
        self.open_authority(old)
    }

    /// Signs the recovery copy `body` with the copy authority: the body gets the authority's
    /// public key and certificate, then its signature.
    pub(super) fn sign_with_authority(&self, vk: &VaultKey, body: &mut format::Body) -> Result<()> {
        let (seed, public, certificate) = self.open_authority(vk).ok_or_else(|| {
            Error::Usage(format!(
                "vault {} has no copy authority that opens (one is certified at init, by a confirmed reshare, or by copies given shares): issuing recovery copies needs a quorum of shares this once (gsl-vault copies {} SHARE...).",
                self.path, self.path
            ))
        })?;
        body.quorum_tag = None;
        body.authority_signature = None;
        body.copy_authority = Some(CopyAuthority {
            public: hex::encode(&public),
            certificate: hex::encode(&certificate),
            seed: None,
        });
        let sk = SigningKey::from_bytes(&seed);
        let sig = crypto::sign(
            &sk,
            format::AUTHORITY_SIG_CONTEXT,
            &format::body_bytes(body),
        );
        body.authority_signature = Some(hex::encode(&sig));
        Ok(())
    }

    /// Whether a recovery copy's authority was certified by the quorum key `qk` for the copy's
    /// own share set (its signature was checked when the copy was read).
    pub(super) fn authority_certified_by(&self, qk: &QuorumKey) -> bool {
        let Some(a) = &self.body.copy_authority else {
            return false;
        };
        let (Some(public), Some(certificate)) = (
            hex::decode_array::<32>(&a.public),
            hex::decode_array::<32>(&a.certificate),
        ) else {
            return false;
        };
        let want = crypto::authority_certificate(qk, &self.name_key(), self.body.epoch, &public);
        crypto::ct_eq(&want, &certificate)
    }
}

/// Checks a recovery copy's authority signature (no secret needed): the signature by the
/// authority's public key over the body with the signature absent.
pub(super) fn authority_signature_valid(body: &format::Body) -> bool {
    let (Some(a), Some(sig)) = (&body.copy_authority, &body.authority_signature) else {
        return false;
    };
    let (Some(public), Some(sig)) = (
        hex::decode_array::<32>(&a.public),
        hex::decode_array::<64>(sig),
    ) else {
        return false;
    };
    let Ok(pk) = ed25519_dalek::VerifyingKey::from_bytes(&public) else {
        return false;
    };
    let mut unsigned = body.clone();
    unsigned.authority_signature = None;
    crypto::verify(
        &pk,
        format::AUTHORITY_SIG_CONTEXT,
        &format::body_bytes(&unsigned),
        &sig,
    )
}
