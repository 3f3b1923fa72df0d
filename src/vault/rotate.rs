//! Rotating the vault key: whenever an unlock path is retired (old shares, an old passphrase, a
//! path the policy drops) or the master key changes, the vault gets a new VK, and with it a new
//! payload key, new slots and a new signing identity. Whoever held the old VK (an old copy of
//! the file opened with a retired share or passphrase) can then neither read the current file
//! nor sign for it. The old identity and the new one both sign the hand-over (the lineage).

use crate::crypto;
use crate::error::Result;
use crate::format::{KdfRecord, Rotation};
use crate::hex;
use crate::secret::VaultKey;

use super::authority::AuthorityAfter;
use super::slots::{Recipients, build_slots, payload_aad, seal_hex};
use super::{MAX_TIME, Vault};

/// Most rotations a vault records: each is about 450 bytes of the file and of every recovery
/// copy, which must stay under `format::MAX_COPY` (256 KiB) with 255 custodians.
pub const MAX_LINEAGE: usize = 256;

impl Vault {
    /// Replaces VK by a new one. `old` is the current VK; the new slots are sealed to `to` (every
    /// path the policy keeps, with the current KDF record or `kdf` when the passphrase changes).
    /// The copy authority is kept, certified anew or retired as `authority` says.
    /// Returns the new VK, with which the vault must now be written.
    ///
    /// # Errors
    /// `Needs` when a path's recipient is unknown (a v1 slot whose secret was not given); the
    /// vault is unchanged then.
    pub(super) fn rotate(
        &mut self,
        old: &VaultKey,
        kdf: Option<&KdfRecord>,
        to: &Recipients,
        authority: AuthorityAfter<'_>,
        now: u64,
    ) -> Result<VaultKey> {
        if self.version >= 3 {
            let plain = self.open_plain(old)?;
            return self.rotate_v3(&plain, old, kdf, to);
        }
        // FORMAT.md, "Reading versions 1 and 2 after version 3": a write that has the secret of
        // every path (and no reshare pending) upgrades the vault to version 3.
        if self.body.pending.is_none() && to.check_v3(self.body.policy).is_ok() {
            return self.upgrade_v3(old, kdf, to);
        }
        // The whole payload (master key and entries) is sealed again as it is.
        let plain = self.open_plain(old)?;
        let kept = self.authority_before_rotation(old);
        let new = VaultKey::random()?;
        let sk = crypto::identity(&new);
        let id = sk.verifying_key().to_bytes();
        let slots = build_slots(&id, &new, self.body.epoch, self.body.policy, kdf, to)?;
        let payload = seal_hex(&crypto::payload_key(&new), &plain, &payload_aad(&id))?;
        let old_sk = crypto::identity(old);
        let at = now.min(MAX_TIME);
        if self.body.lineage.len() >= MAX_LINEAGE {
            return Err(crate::error::Error::Other(format!(
                "vault {} has been rotated {MAX_LINEAGE} times, the most a vault records: make a new vault.",
                self.path
            )));
        }
        let generation = self.generation() + 1;
        let statement = crypto::rotation_statement(&self.identity, &id, at, generation);
        let rotation = Rotation {
            from: hex::encode(&self.identity),
            to: hex::encode(&id),
            at,
            generation,
            from_signature: hex::encode(&crypto::sign(
                &old_sk,
                crate::format::ROTATION_SIG_CONTEXT,
                &statement,
            )),
            to_signature: hex::encode(&crypto::sign(
                &sk,
                crate::format::ROTATION_SIG_CONTEXT,
                &statement,
            )),
        };
        // Nothing is changed before this point: a rotation that cannot be done leaves the vault
        // as it was.
        if self.body.origin.is_none() {
            self.body.origin = Some(hex::encode(&self.identity));
        }
        self.body.lineage.push(rotation);
        self.body.slots = slots;
        self.body.kdf = kdf.cloned();
        self.body.payload = payload;
        self.identity = id;
        self.body.identity = hex::encode(&id);
        self.resign_receipts(&new);
        self.carry_authority(kept, &new, authority)?;
        Ok(new)
    }
}

impl Vault {
    /// Version 3's rotation (FORMAT.md, "Rotation (version 3)"): a new VK; each kept path gets a
    /// new signer, recipient and binding when its secret is at hand, else keeps them (its signer
    /// seed sealed again under the new VK); the payload sealed again; receipts signed again by
    /// the first slot's signer.
    fn rotate_v3(
        &mut self,
        plain: &[u8],
        old: &VaultKey,
        kdf: Option<&KdfRecord>,
        to: &Recipients,
    ) -> Result<VaultKey> {
        use super::slot3::{self, Context, Source};
        use crate::format::{Policy, SlotKind};
        to.check_v3(self.body.policy)?;
        let new = VaultKey::random()?;
        let origin = self.name_key();
        let kinds: &[SlotKind] = match self.body.policy {
            Policy::Either => &[SlotKind::Passphrase, SlotKind::Quorum],
            Policy::Both => &[SlotKind::Both],
            Policy::Quorum => &[SlotKind::Quorum],
        };
        let mut slots = Vec::with_capacity(kinds.len());
        for &kind in kinds {
            let i = super::slots::path_index(kind);
            let ctx = Context {
                origin: &origin,
                kind,
                epoch: self.body.epoch,
                kdf,
            };
            let source = match (&to.secrets[i], &to.kept[i]) {
                (Some(k), _) => Source::Secret(k.expose()),
                (None, Some(slot)) => Source::Kept { slot, old_vk: old },
                (None, None) => {
                    return Err(crate::error::Error::Needs {
                        policy: self.body.policy,
                        secret: if kind == SlotKind::Passphrase {
                            crate::error::Secret::Passphrase
                        } else {
                            crate::error::Secret::Quorum
                        },
                    });
                }
            };
            slots.push(slot3::seal(&ctx, &new, source)?.0);
        }
        // Nothing is changed before this point.
        self.body.slots = slots;
        self.body.kdf = kdf.cloned();
        let aad = self.payload_aad_now();
        self.body.payload = seal_hex(&crypto::payload_key(&new), plain, &aad)?;
        let first = self.body.slots[0].signer.clone().unwrap_or_default();
        self.identity = hex::decode_array(&first).unwrap_or(self.identity);
        self.body.identity = first;
        self.resign_receipts(&new);
        Ok(new)
    }
}

impl Vault {
    /// The upgrade of a version 1 or 2 vault to version 3 (FORMAT.md, "Reading versions 1 and 2
    /// after version 3"): a new VK sealed to every path from the secrets at hand (never from a
    /// recipient in the old file), the same `origin` (shares keep their name and commitments),
    /// the version 2 mechanisms dropped (lineage, quorum tag, copy authority), and every copy
    /// stale (a version 2 copy's quorum slot is X25519 only). On failure the vault is unchanged.
    fn upgrade_v3(
        &mut self,
        old: &VaultKey,
        kdf: Option<&KdfRecord>,
        to: &Recipients,
    ) -> Result<VaultKey> {
        let plain = self.open_plain(old)?;
        let before = (self.version, self.body.clone(), self.identity);
        let origin = self.name_key();
        self.version = 3;
        self.body.origin = Some(hex::encode(&origin));
        self.body.generation = Some(self.generation());
        self.body.lineage.clear();
        self.body.quorum_tag = None;
        self.body.copy_authority = None;
        self.body.authority_signature = None;
        self.body.copies_from = Some(self.generation() + 1);
        match self.rotate_v3(&plain, old, kdf, to) {
            Ok(vk) => Ok(vk),
            Err(e) => {
                (self.version, self.body, self.identity) = before;
                Err(e)
            }
        }
    }
}
