//! Keeping a vault alive: reshare (begin, confirm, cancel), passphrase, master key and policy
//! changes. Each mutates the vault in memory; the caller writes it once (`Vault::to_bytes`).

use crate::crypto;
use crate::custodian::DeliveryKind;
use crate::error::{Error, Refusal, Result, Secret};
use crate::format::{Policy, Slot, SlotKind};
use crate::kdf::KdfParams;
use crate::secret::{MasterKey, Passphrase, QuorumKey, VaultKey};

use super::authority::AuthorityAfter;
use super::quorum::Set;
use super::slots::{Recipients, seal_slot};
use super::{
    Issued, MAX_EPOCH, MAX_TIME, Offered, QuorumOutcome, Vault, check_new_set, derive_pk,
    make_share_set, new_kdf_record,
};

/// Cancelled reshares remembered (the newest): enough to name any share a custodian still holds.
pub const MAX_CANCELLED: usize = 64;

impl Vault {
    /// Starts a reshare: a new share set (epoch + 1) for `names`, any `threshold` of which will
    /// open the vault once confirmed. Until then it is pending and the current shares keep
    /// working. Policy `both` needs the passphrase (`pass`) to wrap the new slot.
    pub fn reshare_begin(
        &mut self,
        vk: &VaultKey,
        threshold: usize,
        names: &[String],
        deliveries: &[DeliveryKind],
        pass: Option<&Passphrase>,
        now: u64,
    ) -> Result<(Vec<Issued>, QuorumKey)> {
        if self.body.pending.is_some() {
            return Err(Error::ResharePending {
                vault: self.path.clone(),
            });
        }
        check_new_set(threshold, names, deliveries)?;
        let epoch = self.next_epoch();
        if epoch > MAX_EPOCH {
            return Err(Error::Other(format!(
                "vault {} has been reshared {MAX_EPOCH} times: make a new vault.",
                self.path
            )));
        }
        let qk = QuorumKey::random()?;
        let (custodians, issued) =
            make_share_set(&qk, &self.name_key(), epoch, threshold, names, deliveries)?;
        let (kind, recipient) = match self.body.policy {
            Policy::Both => {
                let pass = pass.ok_or(Error::Needs {
                    policy: Policy::Both,
                    secret: Secret::Passphrase,
                })?;
                let (pk, _) = self.current_pk(pass)?;
                let bk = crypto::both_key(&qk, &pk);
                (SlotKind::Both, crypto::path_public(bk.expose(), "both"))
            }
            _ => (SlotKind::Quorum, crypto::path_public(qk.expose(), "quorum")),
        };
        let slot = if self.version >= 3 {
            // A new signer, made with the new shares' key, which its binding vouches for.
            let key = match (kind, pass) {
                (SlotKind::Both, Some(pass)) => {
                    let (pk, _) = self.current_pk(pass)?;
                    crypto::both_key(&qk, &pk)
                }
                _ => {
                    let mut k = *qk.expose();
                    crate::secret::WrapKey::from_bytes(&mut k)
                }
            };
            let origin = self.name_key();
            let ctx = super::slot3::Context {
                origin: &origin,
                kind,
                epoch,
                kdf: self.body.kdf.as_ref(),
            };
            super::slot3::seal(&ctx, vk, super::slot3::Source::Secret(key.expose()))?.0
        } else {
            seal_slot(
                &self.identity,
                vk,
                kind,
                epoch,
                self.body.kdf.as_ref(),
                &recipient,
            )?
        };
        self.body.pending = Some(crate::format::Pending {
            epoch,
            threshold: threshold as u8,
            custodians,
            slot,
            created: now.min(MAX_TIME),
        });
        Ok((issued, qk))
    }

    /// Confirms a pending reshare with a quorum of the new shares: they must open the vault
    /// themselves. Then the new set replaces the old one, whose epoch is recorded as retired, and
    /// the vault key rotates, so the retired shares open no copy of the vault made from now on.
    /// Returns the outcome and the new vault key. A v1 passphrase slot (no recipient) needs
    /// `pass` to be sealed again.
    pub fn reshare_confirm(
        &mut self,
        offered: &[Offered],
        refused: Vec<Refusal>,
        pass: Option<&Passphrase>,
        now: u64,
    ) -> Result<(QuorumOutcome, VaultKey)> {
        if self.body.pending.is_some() {
            self.v3_revocation_needs_passphrase(pass)?;
        }
        let out = self.unlock_set(Set::Pending, offered, refused, pass)?;
        let pk = match (pass, &self.body.kdf) {
            (Some(p), Some(rec)) => Some(derive_pk(rec, p)?),
            _ => None,
        };
        if let (Some(pk), Policy::Either) = (&pk, self.body.policy) {
            // A mistyped passphrase must not become the passphrase path of the new vault key.
            self.verify_passphrase_key(pk, None)?;
        }
        let pending = self
            .body
            .pending
            .clone()
            .ok_or_else(|| Error::Other("no reshare is pending.".into()))?;
        // The new quorum (or both) path, and the passphrase path as it is.
        let passphrase_slots = self.slots_of(SlotKind::Passphrase);
        let to = Recipients::from_keys(out.qk.as_ref(), pk.as_ref())
            .or_from(std::slice::from_ref(&pending.slot))
            .or_from(&passphrase_slots);
        to.check(self.body.policy)?;
        self.body.pending = None;
        self.body.retired.push(crate::format::Retired {
            epoch: self.body.epoch,
            at: now.min(MAX_TIME),
        });
        self.body.epoch = pending.epoch;
        self.body.threshold = pending.threshold;
        self.body.custodians = pending.custodians;
        let kdf = self.body.kdf.clone();
        let vk = self.rotate(
            &out.vk,
            kdf.as_ref(),
            &to,
            AuthorityAfter::Certify(out.qk.as_ref()),
            now,
        )?;
        Ok((out, vk))
    }

    /// Drops a pending reshare; the current shares stay as they are. The pending shares opened
    /// a slot holding the current vault key, so the key rotates (when every path's public key
    /// is known): their holders keep nothing that reads or signs this vault from now on.
    /// Returns the vault key to write with, and whether it rotated.
    pub fn reshare_cancel(
        &mut self,
        vk: &VaultKey,
        qk: Option<&QuorumKey>,
        pass: Option<&Passphrase>,
        now: u64,
    ) -> Result<(VaultKey, bool)> {
        if self.body.pending.is_some() {
            self.v3_revocation_needs_passphrase(pass)?;
        }
        let pk = match (pass, &self.body.kdf) {
            (Some(p), Some(rec)) => Some(derive_pk(rec, p)?),
            _ => None,
        };
        if let (Some(pk), Policy::Either) = (&pk, self.body.policy) {
            // A mistyped passphrase must not become the passphrase path of the new vault key.
            self.verify_passphrase_key(pk, None)?;
        }
        let Some(cancelled) = self.body.pending.take() else {
            return Err(Error::Usage(format!(
                "no reshare is pending on vault {}: there is nothing to cancel.",
                self.path
            )));
        };
        // Remembered, so that its shares are named as cancelled (and its epoch never reused).
        self.body.cancelled.push(crate::format::Retired {
            epoch: cancelled.epoch,
            at: now.min(MAX_TIME),
        });
        let keep_from = self.body.cancelled.len().saturating_sub(MAX_CANCELLED);
        self.body.cancelled.drain(..keep_from);
        let to = Recipients::from_keys(qk, pk.as_ref()).or_from(&self.body.slots);
        let ready = if self.version >= 3 {
            to.check_v3(self.body.policy)
        } else {
            to.check(self.body.policy)
        };
        if ready.is_err() {
            return Ok((vk.duplicate(), false));
        }
        let kdf = self.body.kdf.clone();
        // A quorum of the cancelled shares could read the copy authority's seed; its
        // certificate stays valid for the current shares until a reshare (nothing offline can
        // revoke it), so a new one would protect nothing: it is kept, and the command says so.
        let after = AuthorityAfter::Keep;
        Ok((self.rotate(vk, kdf.as_ref(), &to, after, now)?, true))
    }

    /// Under policy `either`, a version 3 reshare's confirmation or cancellation revokes a set of
    /// shares that could open VK: with the passphrase too, both paths get new signers and the
    /// revoked set holds nothing current (FORMAT.md, "What a rotation without a path's secret
    /// cannot do").
    fn v3_revocation_needs_passphrase(&self, pass: Option<&Passphrase>) -> Result<()> {
        if self.version >= 3 && self.body.policy == Policy::Either && pass.is_none() {
            return Err(Error::Needs {
                policy: Policy::Either,
                secret: Secret::Passphrase,
            });
        }
        Ok(())
    }

    /// The current slots of one kind (the paths a change keeps as they are).
    fn slots_of(&self, kind: SlotKind) -> Vec<Slot> {
        self.body
            .slots
            .iter()
            .filter(|s| s.kind == kind)
            .cloned()
            .collect()
    }

    /// Whether rotating the vault key needs the passphrase: policy `either` with a passphrase
    /// slot written before rotation existed (no public key to seal a new vault key to).
    pub fn passphrase_needed_to_rotate(&self) -> bool {
        self.body.policy == Policy::Either
            && self
                .body
                .slots
                .iter()
                .any(|s| s.kind == SlotKind::Passphrase && s.recipient.is_none())
    }

    /// Sets a new passphrase (new salt, same costs unless `params` says otherwise) and rotates
    /// the vault key, so the old passphrase opens no copy of the vault made from now on. Policy
    /// `both` needs the quorum key (its slot binds both), as does a v1 quorum slot (no
    /// recipient). Returns the new vault key.
    pub fn change_passphrase(
        &mut self,
        vk: &VaultKey,
        qk: Option<&QuorumKey>,
        new: &Passphrase,
        params: Option<KdfParams>,
        now: u64,
    ) -> Result<VaultKey> {
        let old = self.body.kdf.clone().ok_or_else(|| {
            Error::Usage(format!(
                "vault {} has policy quorum: it has no passphrase to change (gsl-vault policy {} either adds one).",
                self.path, self.path
            ))
        })?;
        if self.body.pending.is_some() {
            return Err(Error::Usage(
                "confirm or cancel the pending reshare before changing the passphrase.".into(),
            ));
        }
        let params = match params {
            Some(p) => p,
            None => old.params().map_err(|m| Error::Usage(format!("{m}.")))?,
        };
        let rec = new_kdf_record(&params)?;
        let pk = derive_pk(&rec, new)?;
        // Only the quorum path is kept as it is: the passphrase (and both) paths are new.
        let quorum_slots = self.slots_of(SlotKind::Quorum);
        let to = Recipients::from_keys(qk, Some(&pk)).or_from(&quorum_slots);
        if self.version < 3 {
            to.check(self.body.policy)?;
        }
        // The old passphrase could read the copy authority's seed; its certificate stays valid
        // for the current shares until a reshare, so it is kept, and the command says so. Fresh
        // copies carry this rotation: beside one, a copy forged from an older file is a fork.
        let vk = self.rotate(vk, Some(&rec), &to, AuthorityAfter::Keep, now)?;
        // Under policy `both` a copy holds the both path, which the old passphrase opens: every
        // copy is stale until reissued (issue 24, item 4).
        if self.has_copy_authority() || self.body.policy == Policy::Both {
            self.mark_copies_changed();
        }
        Ok(vk)
    }

    /// Replaces the master key (after changing it at the exchange); shares and passphrase stay
    /// valid. The vault key rotates too when every path's public key is known (v2 slots), so
    /// whoever held an old vault key cannot read the new master key. Returns the vault key to
    /// write with, and whether it rotated.
    pub fn set_secret(
        &mut self,
        vk: &VaultKey,
        master: &MasterKey,
        now: u64,
    ) -> Result<(VaultKey, bool)> {
        self.set_secret_entries(vk, master, Vec::new(), now)
    }

    /// As [`Vault::set_secret`], replacing the entries in `replace` too (the others are kept).
    pub fn set_secret_entries(
        &mut self,
        vk: &VaultKey,
        master: &MasterKey,
        replace: Vec<super::entries::Entry>,
        now: u64,
    ) -> Result<(VaultKey, bool)> {
        self.set_secret_with(vk, master, replace, None, None, now)
    }

    /// As [`Vault::set_secret_entries`], with the secret that authorised it (the quorum key, or
    /// the passphrase key): in a version 3 vault, its path gets a new signer (FORMAT.md,
    /// "Rotation (version 3)").
    pub fn set_secret_with(
        &mut self,
        vk: &VaultKey,
        master: &MasterKey,
        replace: Vec<super::entries::Entry>,
        qk: Option<&QuorumKey>,
        pk: Option<&crate::secret::PassKey>,
        now: u64,
    ) -> Result<(VaultKey, bool)> {
        let mut entries: Vec<super::entries::Entry> = self
            .open_entries(vk)?
            .into_iter()
            .filter(|e| !replace.iter().any(|r| r.name == e.name))
            .collect();
        entries.extend(replace);
        self.seal_items(vk, master, entries)?;
        // Copies issued before now recover the old master key.
        self.mark_copies_changed();
        let to = Recipients::from_keys(qk, pk).or_from(&self.body.slots);
        let ready = if self.version >= 3 {
            to.check_v3(self.body.policy)
        } else {
            to.check(self.body.policy)
        };
        if self.body.pending.is_some() || ready.is_err() {
            return Ok((vk.duplicate(), false));
        }
        let kdf = self.body.kdf.clone();
        let after = AuthorityAfter::Keep;
        Ok((self.rotate(vk, kdf.as_ref(), &to, after, now)?, true))
    }

    /// Changes who may open the vault, and rotates the vault key (a path the new policy drops
    /// opens no copy made from now on). A passphrase slot needs `pass` (the current one, or a new
    /// one when the vault had none); every change needs the quorum key. Returns the new VK.
    pub fn set_policy(
        &mut self,
        vk: &VaultKey,
        policy: Policy,
        qk: Option<&QuorumKey>,
        pass: Option<&Passphrase>,
        params: KdfParams,
        now: u64,
    ) -> Result<VaultKey> {
        if self.body.pending.is_some() {
            return Err(Error::Usage(
                "confirm or cancel the pending reshare before changing the policy.".into(),
            ));
        }
        let pk = match (policy, pass) {
            (Policy::Quorum, _) => None,
            (_, None) => {
                return Err(Error::Needs {
                    policy,
                    secret: Secret::Passphrase,
                });
            }
            (_, Some(p)) => Some(match &self.body.kdf {
                Some(rec) => {
                    // The passphrase must be the one the vault has: a slot wrapped under a
                    // mistyped one would lock the owner out.
                    let pk = derive_pk(rec, p)?;
                    self.verify_passphrase_key(&pk, qk)?;
                    (pk, rec.clone())
                }
                None => {
                    p.check_new()?;
                    let rec = new_kdf_record(&params)?;
                    (derive_pk(&rec, p)?, rec)
                }
            }),
        };
        let quorum_slots = self.slots_of(SlotKind::Quorum);
        let to = Recipients::from_keys(qk, pk.as_ref().map(|(k, _)| k)).or_from(&quorum_slots);
        if self.version >= 3 {
            to.check_v3(policy)?;
        } else {
            to.check(policy)?;
        }
        self.body.policy = policy;
        // Copies issued before now open under the old policy (a quorum alone, say).
        self.mark_copies_changed();
        let rec = pk.map(|(_, r)| r);
        self.rotate(vk, rec.as_ref(), &to, AuthorityAfter::Certify(qk), now)
    }
}
