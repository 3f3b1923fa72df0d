//! Sealing: VK wrapped into the slots a policy needs, the master key sealed under VK, each bound
//! to what it depends on; the passphrase path (Argon2id) and key confirmation on every unwrap.

use crate::crypto;
use crate::custodian::DeliveryKind;
use crate::error::{Error, Result, Secret};
use crate::fingerprint::Fingerprint;
use crate::format::{Custodian, KdfRecord, Policy, Sealed, Slot, SlotKind};
use crate::hex;
use crate::kdf::{self, KdfParams};
use crate::secret::{MasterKey, PassKey, Passphrase, QuorumKey, SecretBytes, VaultKey, WrapKey};
use crate::shamir;
use crate::share::ShareCode;

use super::{Issued, Vault, corrupt};

/// The AAD of a slot: v1 (symmetric) slots `H("gsl-vault/v1 slot", identity, kind, e, k)`;
/// sealed slots add the recipient under `gsl-vault/v2 slot`.
pub(super) fn slot_aad(
    identity: &[u8; 32],
    kind: SlotKind,
    epoch: u32,
    kdf: Option<&KdfRecord>,
    recipient: Option<&[u8; 32]>,
) -> [u8; 32] {
    // The quorum key changes with the epoch; the passphrase key with its salt and costs. Binding
    // each slot to what it depends on keeps a slot from being replayed into another context.
    let epoch_bytes = epoch.to_be_bytes();
    let kdf_bytes = kdf
        .map(|k| {
            format!(
                "{}:{}:{}:{}",
                k.memory_kib, k.iterations, k.parallelism, k.salt
            )
        })
        .unwrap_or_default();
    let (e, k): (&[u8], &[u8]) = match kind {
        SlotKind::Passphrase => (&[], kdf_bytes.as_bytes()),
        SlotKind::Quorum => (&epoch_bytes, &[]),
        SlotKind::Both => (&epoch_bytes, kdf_bytes.as_bytes()),
    };
    match recipient {
        None => crypto::hash_parts(&[
            b"gsl-vault/v1 slot",
            identity,
            kind.as_str().as_bytes(),
            e,
            k,
        ]),
        Some(r) => crypto::hash_parts(&[
            b"gsl-vault/v2 slot",
            identity,
            kind.as_str().as_bytes(),
            e,
            k,
            r,
        ]),
    }
}

/// The public keys of the unlock paths that new slots are sealed to; for version 3, the
/// secrets at hand (a path whose secret is here gets a new signer and binding) and the version 3
/// slots kept as they are (a path whose secret is not).
#[derive(Default)]
pub(super) struct Recipients {
    pub passphrase: Option<[u8; 32]>,
    pub quorum: Option<[u8; 32]>,
    pub both: Option<[u8; 32]>,
    /// Version 3: each path's key (PK, QK, both-key) when at hand, in the order of
    /// [`SlotKind`]: passphrase, quorum, both.
    pub secrets: [Option<WrapKey>; 3],
    /// Version 3: the current slot of each path whose secret is not at hand.
    pub kept: [Option<Slot>; 3],
}

/// The index of a path in [`Recipients`]' arrays.
pub(super) fn path_index(kind: SlotKind) -> usize {
    match kind {
        SlotKind::Passphrase => 0,
        SlotKind::Quorum => 1,
        SlotKind::Both => 2,
    }
}

impl Recipients {
    /// The recipients the secrets at hand give: PK for the passphrase path, QK for the quorum
    /// path, both for the `both` path.
    pub fn from_keys(qk: Option<&QuorumKey>, pk: Option<&PassKey>) -> Self {
        let wrap = |k: &[u8; 32]| {
            let mut b = *k;
            WrapKey::from_bytes(&mut b)
        };
        Recipients {
            passphrase: pk.map(|pk| crypto::path_public(pk.expose(), "passphrase")),
            quorum: qk.map(|qk| crypto::path_public(qk.expose(), "quorum")),
            both: qk
                .zip(pk)
                .map(|(qk, pk)| crypto::path_public(crypto::both_key(qk, pk).expose(), "both")),
            secrets: [
                pk.map(|pk| wrap(pk.expose())),
                qk.map(|qk| wrap(qk.expose())),
                qk.zip(pk).map(|(qk, pk)| crypto::both_key(qk, pk)),
            ],
            kept: [None, None, None],
        }
    }

    /// Fills the paths still unknown from sealed slots, which name their recipient.
    pub fn or_from(mut self, slots: &[Slot]) -> Self {
        for s in slots {
            let i = path_index(s.kind);
            if s.is_v3() && self.secrets[i].is_none() && self.kept[i].is_none() {
                self.kept[i] = Some(s.clone());
            }
            let r = s.recipient.as_deref().and_then(hex::decode_array::<32>);
            let field = match s.kind {
                SlotKind::Passphrase => &mut self.passphrase,
                SlotKind::Quorum => &mut self.quorum,
                SlotKind::Both => &mut self.both,
            };
            if field.is_none() {
                *field = r;
            }
        }
        self
    }

    /// Version 3: refuses a set that misses a path `policy` needs: neither its secret nor a
    /// version 3 slot to keep (a version 2 slot is never resealed as version 3).
    pub fn check_v3(&self, policy: Policy) -> Result<()> {
        let has = |k: SlotKind| {
            let i = path_index(k);
            self.secrets[i].is_some() || self.kept[i].is_some()
        };
        let need = |secret| Err(Error::Needs { policy, secret });
        match policy {
            Policy::Either if !has(SlotKind::Passphrase) => need(Secret::Passphrase),
            Policy::Either | Policy::Quorum if !has(SlotKind::Quorum) => need(Secret::Quorum),
            Policy::Both if !has(SlotKind::Both) => need(Secret::Quorum),
            _ => Ok(()),
        }
    }

    /// Refuses a set that misses a path `policy` needs (before anything is changed).
    pub fn check(&self, policy: Policy) -> Result<()> {
        let need = |secret| Err(Error::Needs { policy, secret });
        match policy {
            Policy::Either if self.passphrase.is_none() => need(Secret::Passphrase),
            Policy::Either | Policy::Quorum if self.quorum.is_none() => need(Secret::Quorum),
            Policy::Both if self.both.is_none() => need(Secret::Quorum),
            _ => Ok(()),
        }
    }

    fn of(&self, kind: SlotKind) -> Option<[u8; 32]> {
        match kind {
            SlotKind::Passphrase => self.passphrase,
            SlotKind::Quorum => self.quorum,
            SlotKind::Both => self.both,
        }
    }
}

/// VK sealed to the unlock path `recipient` of `kind` (a v2 slot).
pub(super) fn seal_slot(
    identity: &[u8; 32],
    vk: &VaultKey,
    kind: SlotKind,
    epoch: u32,
    kdf: Option<&KdfRecord>,
    recipient: &[u8; 32],
) -> Result<Slot> {
    let aad = slot_aad(identity, kind, epoch, kdf, Some(recipient));
    let (eph, nonce, ct) = crypto::seal_to(recipient, vk.expose(), &aad)?;
    Ok(Slot {
        kind,
        signer: None,
        signer_seed: None,
        recipient: Some(hex::encode(recipient)),
        ephemeral: Some(hex::encode(&eph)),
        recipient_hash: None,
        binding: None,
        encapsulation: None,
        nonce: hex::encode(&nonce),
        ciphertext: hex::encode(&ct),
    })
}

pub(super) fn payload_aad(identity: &[u8; 32]) -> [u8; 32] {
    crypto::hash_parts(&[b"gsl-vault/v1 payload", identity])
}

pub(super) fn seal_hex(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Result<Sealed> {
    let (nonce, ct) = crypto::seal(key, plaintext, aad)?;
    Ok(Sealed {
        nonce: hex::encode(&nonce),
        ciphertext: hex::encode(&ct),
    })
}

pub(super) fn encode_payload(master: &MasterKey) -> SecretBytes {
    super::entries::encode_items(master, &[])
}

/// Splits `qk` into one share per name, t of which recover it, with their commitments at `epoch`.
pub(super) fn make_share_set(
    qk: &QuorumKey,
    identity: &[u8; 32],
    epoch: u32,
    threshold: usize,
    names: &[String],
    deliveries: &[DeliveryKind],
) -> Result<(Vec<Custodian>, Vec<Issued>)> {
    let points = shamir::split(qk, threshold, names.len())?;
    let fp = Fingerprint::of(identity).0;
    let custodians = points
        .iter()
        .zip(names)
        .enumerate()
        .map(|(i, (p, name))| Custodian {
            proof_key: Some(hex::encode(&crate::proof::proof_public(&ShareCode {
                fingerprint: fp,
                epoch: epoch as u16,
                point: shamir::Point {
                    x: p.x,
                    y: p.y.clone(),
                },
            }))),
            name: name.clone(),
            index: p.x,
            delivery: deliveries
                .get(i)
                .copied()
                .unwrap_or(DeliveryKind::File)
                .as_str()
                .to_string(),
            commitment: hex::encode(&crypto::share_commitment(identity, epoch, p.x, &p.y)),
        })
        .collect();
    let issued = points
        .into_iter()
        .zip(names)
        .map(|(point, name)| Issued {
            name: name.clone(),
            code: ShareCode {
                fingerprint: fp,
                epoch: epoch as u16,
                point,
            },
        })
        .collect();
    Ok((custodians, issued))
}

/// Seals VK into the slots `policy` needs, each to its path's recipient in `to`.
///
/// # Errors
/// `Needs` naming the secret whose path has no known recipient.
pub(super) fn build_slots(
    identity: &[u8; 32],
    vk: &VaultKey,
    epoch: u32,
    policy: Policy,
    kdf: Option<&KdfRecord>,
    to: &Recipients,
) -> Result<Vec<Slot>> {
    let kinds: &[SlotKind] = match policy {
        Policy::Either => &[SlotKind::Passphrase, SlotKind::Quorum],
        Policy::Both => &[SlotKind::Both],
        Policy::Quorum => &[SlotKind::Quorum],
    };
    kinds
        .iter()
        .map(|&kind| {
            let r = to.of(kind).ok_or(Error::Needs {
                policy,
                secret: if kind == SlotKind::Quorum
                    || (kind == SlotKind::Both && to.quorum.is_none())
                {
                    Secret::Quorum
                } else {
                    Secret::Passphrase
                },
            })?;
            seal_slot(identity, vk, kind, epoch, kdf, &r)
        })
        .collect()
}

/// A fresh salt record for `params`.
pub fn new_kdf_record(params: &KdfParams) -> Result<KdfRecord> {
    let mut salt = [0u8; kdf::SALT_LEN];
    crate::secret::fill_random(&mut salt)?;
    Ok(KdfRecord {
        memory_kib: params.memory_kib(),
        iterations: params.iterations(),
        parallelism: params.parallelism(),
        salt: hex::encode(&salt),
    })
}

/// Derives PK for a KDF record (costs checked).
pub fn derive_pk(rec: &KdfRecord, pass: &Passphrase) -> Result<PassKey> {
    let salt: [u8; kdf::SALT_LEN] = hex::decode_array(&rec.salt)
        .ok_or_else(|| Error::Corrupt("the KDF salt is malformed.".into()))?;
    let params = rec
        .params()
        .map_err(|m| Error::Corrupt(format!("{m}; the vault file may be forged.")))?;
    kdf::derive(&params, pass, &salt)
}

impl Vault {
    /// Opens the passphrase slot (policy `either`).
    pub fn unlock_passphrase(&self, pass: &Passphrase) -> Result<VaultKey> {
        Ok(self.unlock_passphrase_pk(pass)?.0)
    }

    /// As [`Vault::unlock_passphrase`], with the passphrase key it derived (so that a change
    /// can renew the passphrase path's signer without a second Argon2id run).
    pub fn unlock_passphrase_pk(&self, pass: &Passphrase) -> Result<(VaultKey, PassKey)> {
        if self.body.policy != Policy::Either {
            return Err(Error::Needs {
                policy: self.body.policy,
                secret: Secret::Quorum,
            });
        }
        let rec = self
            .body
            .kdf
            .as_ref()
            .ok_or_else(|| corrupt(&self.path, "lacks KDF settings"))?;
        let pk = derive_pk(rec, pass)?;
        let mut k = *pk.expose();
        let vk = self.open_slot(SlotKind::Passphrase, &WrapKey::from_bytes(&mut k))?.ok_or_else(|| {
            Error::Unlock(format!(
                "wrong passphrase for vault {}: try again, minding keyboard layout and caps lock, or recover with a quorum of shares.",
                self.path
            ))
        })?;
        Ok((vk, pk))
    }

    /// Opens the slot of `kind` with the key its path yields: `Ok(None)` when the key is not
    /// this slot's (a wrong secret).
    ///
    /// # Errors
    /// `Corrupt` when a version 3 slot's binding shows the file was not written by the vault's
    /// line, or the slot is damaged.
    pub(super) fn open_slot(&self, kind: SlotKind, key: &WrapKey) -> Result<Option<VaultKey>> {
        match self.body.slots.iter().find(|s| s.kind == kind) {
            Some(slot) => self.open_slot_at(slot, self.body.epoch, key),
            None => Ok(None),
        }
    }

    /// As [`Vault::open_slot`], for a given slot at a given epoch (the pending one).
    pub(super) fn open_slot_at(
        &self,
        slot: &Slot,
        epoch: u32,
        key: &WrapKey,
    ) -> Result<Option<VaultKey>> {
        if slot.is_v3() {
            return self.open_v3_slot(slot, epoch, key);
        }
        Ok(self.open_v2_slot(slot, epoch, key))
    }

    fn open_v2_slot(&self, slot: &Slot, epoch: u32, key: &WrapKey) -> Option<VaultKey> {
        let nonce: [u8; 24] = hex::decode_array(&slot.nonce)?;
        let ct = hex::decode(&slot.ciphertext)?;
        let kdf = self.body.kdf.as_ref();
        let plain = match (&slot.recipient, &slot.ephemeral) {
            (Some(r), Some(e)) => {
                // Sealed slot: the path's X25519 secret, from the key this path yields.
                let recipient: [u8; 32] = hex::decode_array(r)?;
                let ephemeral: [u8; 32] = hex::decode_array(e)?;
                let secret = crypto::path_secret(key.expose(), slot.kind.as_str());
                let aad = slot_aad(&self.identity, slot.kind, epoch, kdf, Some(&recipient));
                crypto::open_from(&secret, &ephemeral, &nonce, &ct, &aad)?
            }
            _ => {
                let aad = slot_aad(&self.identity, slot.kind, epoch, kdf, None);
                crypto::open(key.expose(), &nonce, &ct, &aad)?
            }
        };
        let mut k: [u8; 32] = plain.as_slice().try_into().ok()?;
        let vk = VaultKey::from_bytes(&mut k);
        // Key confirmation: the identity derived from VK must be the one the file is signed by.
        let derived = crypto::identity(&vk).verifying_key().to_bytes();
        crypto::ct_eq(&derived, &self.identity).then_some(vk)
    }

    /// The passphrase key and record of the current passphrase, re-derived (policy either/both).
    pub(super) fn current_pk(&self, pass: &Passphrase) -> Result<(PassKey, KdfRecord)> {
        let rec = self.body.kdf.clone().ok_or_else(|| {
            Error::Usage(format!(
                "vault {} has no passphrase (policy quorum).",
                self.path
            ))
        })?;
        Ok((derive_pk(&rec, pass)?, rec))
    }

    /// Checks that `pk` is the current passphrase's key: it opens the passphrase slot (policy
    /// either) or, with `qk`, the both slot (policy both).
    pub(super) fn verify_passphrase_key(&self, pk: &PassKey, qk: Option<&QuorumKey>) -> Result<()> {
        let ok = match self.body.policy {
            Policy::Either => {
                let mut k = *pk.expose();
                self.open_slot(SlotKind::Passphrase, &WrapKey::from_bytes(&mut k))?
                    .is_some()
            }
            Policy::Both => match qk {
                Some(qk) => self
                    .open_slot(SlotKind::Both, &crypto::both_key(qk, pk))?
                    .is_some(),
                None => false,
            },
            Policy::Quorum => true,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::Unlock(format!(
                "wrong passphrase for vault {}: nothing was changed; try again, minding keyboard layout and caps lock.",
                self.path
            )))
        }
    }
}
