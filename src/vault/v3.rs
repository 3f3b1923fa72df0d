//! Version 3 of a vault (FORMAT.md, "Version 3"): creating one, the keys that sign it (each
//! slot's signer), opening its X-Wing slots with their bindings checked, and its recovery copies,
//! which carry no history. The commands still write version 2; this is the library side that
//! they will call, tested on its own.

use ed25519_dalek::SigningKey;

use crate::crypto;
use crate::error::{Error, Result};
use crate::format::{self, FileKind, Policy, Slot, SlotKind};
use crate::hex;
use crate::secret::{MasterKey, Passphrase, QuorumKey, VaultKey, WrapKey};

use super::slot3::{self, Context, Refusal, Source};
use super::slots::{make_share_set, new_kdf_record, seal_hex};
use super::{FIRST_EPOCH, Issued, MAX_TIME, Spec, Vault, check_spec, derive_pk};

/// The sentence for a file whose slot's binding fails: written by someone outside the line.
fn not_this_line(path: &str) -> Error {
    Error::Corrupt(format!(
        "{path} was not written by this vault's owner or custodians: its unlock path does not vouch for the key that signed it (a forgery, or a file of another vault dressed as this one). Nothing was shown: use your own copy of the vault file, or a custodian's recovery copy."
    ))
}

impl Vault {
    fn ctx<'a>(&'a self, origin: &'a [u8; 32], kind: SlotKind, epoch: u32) -> Context<'a> {
        Context {
            origin,
            kind,
            epoch,
            kdf: self.body.kdf.as_ref(),
        }
    }

    /// The payload's AAD: version 3 binds the vault's name key; versions 1 and 2 the identity.
    pub(super) fn payload_aad_now(&self) -> [u8; 32] {
        if self.version >= 3 {
            crypto::hash_parts(&[b"gsl-vault/v3 payload", &self.name_key()])
        } else {
            super::slots::payload_aad(&self.identity)
        }
    }

    /// Whether every signer seed of this vault file (each slot's and the pending slot's) opens
    /// under `vk` and gives its slot's signer.
    fn every_signer_opens(&self, vk: &VaultKey) -> bool {
        let current = self
            .body
            .slots
            .iter()
            .all(|s| self.signer_of(s, self.body.epoch, vk).is_some());
        let pending = self
            .body
            .pending
            .as_ref()
            .is_none_or(|p| self.signer_of(&p.slot, p.epoch, vk).is_some());
        current && pending
    }

    /// The key that signs receipts (and, in version 1 and 2, the file): version 3's first slot's
    /// signer, else the identity derived from VK. `None` when a version 3 signer does not open
    /// under `vk` (not this vault's key).
    pub(super) fn signing_key(&self, vk: &VaultKey) -> Option<SigningKey> {
        if self.version >= 3 {
            let first = self.body.slots.first()?;
            return self.signer_of(first, self.body.epoch, vk);
        }
        Some(crypto::identity(vk))
    }

    fn signer_of(&self, slot: &Slot, epoch: u32, vk: &VaultKey) -> Option<SigningKey> {
        let origin = self.name_key();
        slot3::signer_of(&self.ctx(&origin, slot.kind, epoch), slot, vk)
    }

    /// Opens a version 3 slot (FORMAT.md's order: recipient, binding, then the KEM). In a vault
    /// file, the slot's signer seed must open under the VK found (key confirmation).
    pub(super) fn open_v3_slot(
        &self,
        slot: &Slot,
        epoch: u32,
        key: &WrapKey,
    ) -> Result<Option<VaultKey>> {
        let origin = self.name_key();
        let ctx = self.ctx(&origin, slot.kind, epoch);
        match slot3::open(&ctx, slot, key.expose()) {
            Ok(vk) => {
                // Key confirmation over the whole file: every slot's signer seed, the pending
                // slot's too, opens under this VK. A file that carries a real slot (the pending
                // one, say) beside slots of its own making is refused here.
                if self.kind == FileKind::Vault && !self.every_signer_opens(&vk) {
                    return Err(not_this_line(&self.path));
                }
                Ok(Some(vk))
            }
            Err(Refusal::WrongSecret) => Ok(None),
            Err(Refusal::NotThisLine) => Err(not_this_line(&self.path)),
            Err(Refusal::Damaged) => Err(super::corrupt(
                &self.path,
                "has a slot that does not decrypt",
            )),
        }
    }

    /// The signed bytes of a version 3 vault file, signed by every slot's signer.
    pub(super) fn v3_bytes(&self, vk: &VaultKey) -> Result<Vec<u8>> {
        let signers = self
            .body
            .slots
            .iter()
            .map(|s| self.signer_of(s, self.body.epoch, vk))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| super::corrupt(&self.path, "has a slot whose signer does not open"))?;
        let refs: Vec<&SigningKey> = signers.iter().collect();
        Ok(format::serialize_v3(&self.body, false, &refs))
    }

    /// The version 3 recovery copy of this vault as it is (or, with `pending`, for the new
    /// shares of a pending reshare): its one slot without signer seed or recipient, no history;
    /// signed by that slot's signer.
    pub(super) fn v3_copy(&self, vk: &VaultKey, pending: bool, now: u64) -> Result<Vec<u8>> {
        let mut body = self.body.clone();
        let (slot, epoch) = match (&self.body.pending, pending) {
            (Some(p), true) => {
                body.epoch = p.epoch;
                body.threshold = p.threshold;
                body.custodians = p.custodians.clone();
                (p.slot.clone(), p.epoch)
            }
            (None, true) => return Err(Error::Other("no reshare is pending.".into())),
            _ => {
                let kind = if body.policy == Policy::Both {
                    SlotKind::Both
                } else {
                    SlotKind::Quorum
                };
                let s = body.slots.iter().find(|s| s.kind == kind).cloned();
                (
                    s.ok_or_else(|| super::corrupt(&self.path, "lacks its quorum slot"))?,
                    body.epoch,
                )
            }
        };
        let sk = self
            .signer_of(&slot, epoch, vk)
            .ok_or_else(|| super::corrupt(&self.path, "has a slot whose signer does not open"))?;
        body.slots = vec![slot3::for_copy(&slot)];
        body.identity = hex::encode(sk.verifying_key().as_bytes());
        body.receipts.clear();
        body.pending = None;
        body.retired.clear();
        body.cancelled.clear();
        body.copies_from = None;
        body.copies_issued.clear();
        if body.policy == Policy::Either {
            body.kdf = None;
        }
        body.issued = Some(now.min(MAX_TIME));
        Ok(format::serialize_v3(&body, true, &[&sk]))
    }
}

/// Creates a version 3 vault (FORMAT.md, "Version 3"): a random name key, a signer per slot
/// made from the secrets at hand, X-Wing slots. Returns it with its vault key, quorum key and
/// the shares to hand out; `to_bytes` writes it.
///
/// # Errors
/// As [`super::create`].
pub fn create_v3(
    spec: &Spec,
    master: &MasterKey,
    pass: Option<&Passphrase>,
    path: &str,
) -> Result<(Vault, VaultKey, QuorumKey, Vec<Issued>)> {
    check_spec(spec)?;
    let vk = VaultKey::random()?;
    let qk = QuorumKey::random()?;
    let mut origin = [0u8; 32];
    crate::secret::fill_random(&mut origin)?;
    let (custodians, issued) = make_share_set(
        &qk,
        &origin,
        FIRST_EPOCH,
        spec.threshold,
        &spec.custodians,
        &spec.deliveries,
    )?;
    let kdf = match spec.policy {
        Policy::Quorum => None,
        _ => Some(new_kdf_record(&spec.kdf)?),
    };
    let pk = match (&kdf, pass) {
        (Some(rec), Some(pass)) => Some(derive_pk(rec, pass)?),
        (Some(_), None) => {
            return Err(Error::Needs {
                policy: spec.policy,
                secret: crate::error::Secret::Passphrase,
            });
        }
        _ => None,
    };
    let mut keys: Vec<(SlotKind, [u8; 32])> = Vec::new();
    match (spec.policy, &pk) {
        (Policy::Either, Some(pk)) => {
            keys.push((SlotKind::Passphrase, *pk.expose()));
            keys.push((SlotKind::Quorum, *qk.expose()));
        }
        (Policy::Both, Some(pk)) => {
            keys.push((SlotKind::Both, *crypto::both_key(&qk, pk).expose()))
        }
        _ => keys.push((SlotKind::Quorum, *qk.expose())),
    }
    let mut slots = Vec::with_capacity(keys.len());
    for (kind, key) in &mut keys {
        let ctx = Context {
            origin: &origin,
            kind: *kind,
            epoch: FIRST_EPOCH,
            kdf: kdf.as_ref(),
        };
        slots.push(slot3::seal(&ctx, &vk, Source::Secret(key))?.0);
        zeroize::Zeroize::zeroize(key);
    }
    let identity: [u8; 32] = slots[0]
        .signer
        .as_deref()
        .and_then(hex::decode_array)
        .ok_or_else(|| Error::Other("a new signer could not be read back.".into()))?;
    let empty = format::Sealed {
        nonce: String::new(),
        ciphertext: String::new(),
    };
    let body = super::new_body(spec, &identity, &origin, custodians, kdf, slots, empty);
    let mut vault = Vault {
        kind: FileKind::Vault,
        version: 3,
        body,
        identity,
        path: path.to_string(),
    };
    let aad = vault.payload_aad_now();
    vault.body.payload = seal_hex(
        &crypto::payload_key(&vk),
        super::slots::encode_payload(master).expose(),
        &aad,
    )?;
    Ok((vault, vk, qk, issued))
}
