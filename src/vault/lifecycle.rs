//! Keeping a vault alive: reshare (begin, confirm, cancel), passphrase, master key and policy
//! changes. Each mutates the vault in memory; the caller writes it once (`Vault::to_bytes`).

use crate::crypto;
use crate::custodian::DeliveryKind;
use crate::error::{Error, Refusal, Result, Secret};
use crate::format::{Policy, Slot, SlotKind};
use crate::kdf::KdfParams;
use crate::secret::{MasterKey, Passphrase, QuorumKey, VaultKey, WrapKey};

use super::quorum::Set;
use super::slots::{build_slots, encode_payload, payload_aad, seal_hex, slot_aad};
use super::{
    Issued, MAX_EPOCH, MAX_TIME, Offered, QuorumOutcome, Vault, check_new_set, derive_pk,
    make_share_set, new_kdf_record,
};

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
    ) -> Result<Vec<Issued>> {
        if self.body.pending.is_some() {
            return Err(Error::ResharePending {
                vault: self.path.clone(),
            });
        }
        check_new_set(threshold, names, deliveries)?;
        let epoch = self.body.epoch + 1;
        if epoch > MAX_EPOCH {
            return Err(Error::Other(format!(
                "vault {} has been reshared {MAX_EPOCH} times: make a new vault.",
                self.path
            )));
        }
        let qk = QuorumKey::random()?;
        let (custodians, issued) =
            make_share_set(&qk, &self.identity, epoch, threshold, names, deliveries)?;
        let (kind, wrap) = match self.body.policy {
            Policy::Both => {
                let pass = pass.ok_or(Error::Needs {
                    policy: Policy::Both,
                    secret: Secret::Passphrase,
                })?;
                let (pk, _) = self.current_pk(pass)?;
                (SlotKind::Both, crypto::both_key(&qk, &pk))
            }
            _ => {
                let mut k = *qk.expose();
                (SlotKind::Quorum, WrapKey::from_bytes(&mut k))
            }
        };
        let aad = slot_aad(&self.identity, kind, epoch, self.body.kdf.as_ref());
        let sealed = seal_hex(wrap.expose(), vk.expose(), &aad)?;
        self.body.pending = Some(crate::format::Pending {
            epoch,
            threshold: threshold as u8,
            custodians,
            slot: Slot {
                kind,
                nonce: sealed.nonce,
                ciphertext: sealed.ciphertext,
            },
            created: now.min(MAX_TIME),
        });
        Ok(issued)
    }

    /// Confirms a pending reshare with a quorum of the new shares: they must open the vault
    /// themselves. Then the new set replaces the old one, whose epoch is recorded as retired.
    pub fn reshare_confirm(
        &mut self,
        offered: &[Offered],
        refused: Vec<Refusal>,
        pass: Option<&Passphrase>,
        now: u64,
    ) -> Result<QuorumOutcome> {
        let out = self.unlock_set(Set::Pending, offered, refused, pass)?;
        let pending = self
            .body
            .pending
            .take()
            .ok_or_else(|| Error::Other("no reshare is pending.".into()))?;
        self.body.retired.push(crate::format::Retired {
            epoch: self.body.epoch,
            at: now.min(MAX_TIME),
        });
        self.body.epoch = pending.epoch;
        self.body.threshold = pending.threshold;
        self.body.custodians = pending.custodians;
        let mut slots: Vec<Slot> = self
            .body
            .slots
            .iter()
            .filter(|s| s.kind == SlotKind::Passphrase)
            .cloned()
            .collect();
        slots.push(pending.slot);
        self.body.slots = slots;
        Ok(out)
    }

    /// Drops a pending reshare; the current shares stay as they are.
    pub fn reshare_cancel(&mut self) -> Result<()> {
        if self.body.pending.take().is_none() {
            return Err(Error::Usage(format!(
                "no reshare is pending on vault {}: there is nothing to cancel.",
                self.path
            )));
        }
        Ok(())
    }

    /// Sets a new passphrase (new salt, same costs unless `params` says otherwise). Policy
    /// `both` needs the quorum key too (its slot binds both).
    pub fn change_passphrase(
        &mut self,
        vk: &VaultKey,
        qk: Option<&QuorumKey>,
        new: &Passphrase,
        params: Option<KdfParams>,
    ) -> Result<()> {
        let old = self.body.kdf.clone().ok_or_else(|| {
            Error::Usage(format!(
                "vault {} has policy quorum: it has no passphrase to change (gsl-vault policy {} either adds one).",
                self.path, self.path
            ))
        })?;
        if self.body.policy == Policy::Both && self.body.pending.is_some() {
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
        self.body.slots = build_slots(
            &self.identity,
            vk,
            self.body.epoch,
            self.body.policy,
            qk,
            Some((&pk, &rec)),
            self.quorum_slot().as_ref(),
        )?;
        self.body.kdf = Some(rec);
        Ok(())
    }

    /// Replaces the master key (after changing it at the exchange); shares stay valid.
    pub fn set_secret(&mut self, vk: &VaultKey, master: &MasterKey) -> Result<()> {
        self.body.payload = seal_hex(
            &crypto::payload_key(vk),
            encode_payload(master).expose(),
            &payload_aad(&self.identity),
        )?;
        Ok(())
    }

    /// Changes who may open the vault. A passphrase slot needs `pass` (the current one, or a
    /// new one when the vault had none); policy `both`, or leaving it, needs the quorum key.
    pub fn set_policy(
        &mut self,
        vk: &VaultKey,
        policy: Policy,
        qk: Option<&QuorumKey>,
        pass: Option<&Passphrase>,
        params: KdfParams,
    ) -> Result<()> {
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
        let keep = self.quorum_slot();
        self.body.slots = build_slots(
            &self.identity,
            vk,
            self.body.epoch,
            policy,
            qk,
            pk.as_ref().map(|(k, r)| (k, r)),
            keep.as_ref(),
        )?;
        self.body.kdf = pk.map(|(_, r)| r);
        self.body.policy = policy;
        Ok(())
    }
}
