//! The domain logic of a vault, one concern per file: `validate` (names, custodian lists, the
//! checks behind the signature), `slots` (sealing VK and the payload, the passphrase path),
//! `quorum` (checking shares against their commitments and combining a quorum), `lifecycle`
//! (reshare, passphrase, secret and policy changes) and `drill` (signed receipts and the
//! ledger). Reads and writes bytes; files are `fsio`'s business, prompts the CLI's.
//!
//! A change mutates the `Vault` in memory; [`Vault::to_bytes`] signs and serializes it, once,
//! whatever the number of changes.

mod authority;
mod copies;
mod drill;
pub mod entries;
mod lifecycle;
mod names;
mod proofs;
mod quorum;
mod rotate;
pub mod slot3;
mod slots;
mod v3;
mod validate;
pub use v3::create_v3;

pub use copies::StaleCopy;
pub use drill::ReceiptKind;
pub use names::{NameError, check_name, check_new_name};
pub use proofs::{CLOCK_SKEW, ProofWhy};
pub use slots::{derive_pk, new_kdf_record};
pub use validate::{check_new_set, check_spec};

use crate::crypto;
use crate::custodian::DeliveryKind;
use crate::error::{Error, Refusal, Result};
use crate::fingerprint::Fingerprint;
use crate::format::{self, Body, FileKind, Policy, SlotKind};
use crate::hex;
use crate::kdf::KdfParams;
use crate::secret::{MasterKey, Passphrase, QuorumKey, VaultKey};
use crate::share::ShareCode;
use ed25519_dalek::SigningKey;

use slots::{Recipients, build_slots, encode_payload, make_share_set, payload_aad, seal_hex};

/// Payload plaintext is padded to a multiple of this, so the file does not tell the key's length.
pub const PAYLOAD_PAD: usize = 256;

/// Shortest drill interval accepted: one day.
pub const MIN_DRILL_EVERY: u64 = 86_400;

/// Longest drill interval accepted: ten years.
pub const MAX_DRILL_EVERY: u64 = 10 * 366 * 86_400;

/// Default drill interval: 180 days.
pub const DEFAULT_DRILL_EVERY: u64 = 180 * 86_400;

pub use crate::dates::MAX_TIME;

/// At most this many refused shares are recorded in one receipt, each at most this many bytes:
/// a drill given thousands of bad files must not grow the vault past what can be read back.
pub const MAX_RECEIPT_REJECTED: usize = 16;
/// Most drill receipts kept (at most about 5 KiB each with 16 refused shares, so the log stays
/// far under the 4 MiB a vault file may hold): older ones are dropped as new ones come.
pub const MAX_RECEIPTS: usize = 512;

/// See [`MAX_RECEIPT_REJECTED`].
pub const MAX_REJECTED_LEN: usize = 300;

/// Highest generation accepted (2^53: exact in every JSON reader, and no write overflows it).
pub const MAX_GENERATION: u64 = 1 << 53;
/// The epoch of a new vault's shares.
pub const FIRST_EPOCH: u32 = 1;
/// Highest epoch: a share carries 16 bits of it.
pub const MAX_EPOCH: u32 = u16::MAX as u32;

/// What `init` needs to know.
pub struct Spec {
    /// Vault label.
    pub label: String,
    /// Shares needed.
    pub threshold: usize,
    /// Custodian names, in index order.
    pub custodians: Vec<String>,
    /// How each custodian's share is delivered, same order; empty means a plain file for all.
    pub deliveries: Vec<DeliveryKind>,
    /// Who may open.
    pub policy: Policy,
    /// Argon2id costs (ignored for policy `quorum`).
    pub kdf: KdfParams,
    /// Seconds between drills.
    pub drill_every: u64,
    /// Creation time, Unix seconds.
    pub now: u64,
}

/// A share issued at `init`, to be written for its custodian.
pub struct Issued {
    /// Custodian name.
    pub name: String,
    /// The share.
    pub code: ShareCode,
}

/// A share offered for a drill or recovery, named by where it came from.
pub struct Offered {
    /// The file (or "stdin", "typed share 2") it came from.
    pub source: String,
    /// The decoded share.
    pub code: ShareCode,
}

/// What a quorum unlock found.
pub struct QuorumOutcome {
    /// The vault key, if a quorum of valid shares opened it.
    pub vk: VaultKey,
    /// The quorum key the shares combined to (none when the passphrase opened it).
    pub qk: Option<QuorumKey>,
    /// Names of custodians whose shares were accepted.
    pub accepted: Vec<String>,
    /// Shares refused, in the order offered.
    pub rejected: Vec<Refusal>,
}

/// A vault read from a file whose signature and contents have been checked.
pub struct Vault {
    /// A vault file, or a recovery copy (which holds only what a quorum needs).
    pub kind: FileKind,
    /// The format version of the file it was read from (1 or 2); 2 once written.
    pub version: u8,
    /// The checked body.
    pub body: Body,
    identity: [u8; 32],
    /// Where it was read from, for messages.
    pub path: String,
}

fn corrupt(path: &str, what: &str) -> Error {
    Error::Corrupt(format!(
        "vault {path} {what}; it may be damaged or tampered with: restore it from a backup copy."
    ))
}

/// The fingerprint of an identity key.
pub fn fingerprint_of(identity: &[u8; 32]) -> Fingerprint {
    Fingerprint::of(identity)
}

/// The long fingerprint of an identity key: 26 base32 characters (128 bits), in groups of four.
pub fn long_fingerprint_of(identity: &[u8; 32]) -> String {
    let s = crate::words::base32_bytes(&crypto::long_fingerprint(identity));
    let mut out = String::with_capacity(32);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// Creates a vault at its first epoch. Returns it with its vault key (to sign it, and for
/// later changes), its quorum key (to tag its recovery copies) and the shares to hand out.
/// `path` names it in messages.
pub fn create(
    spec: &Spec,
    master: &MasterKey,
    pass: Option<&Passphrase>,
    path: &str,
) -> Result<(Vault, VaultKey, QuorumKey, Vec<Issued>)> {
    check_spec(spec)?;
    let vk = VaultKey::random()?;
    let qk = QuorumKey::random()?;
    let identity = crypto::identity(&vk).verifying_key().to_bytes();
    let (custodians, issued) = make_share_set(
        &qk,
        &identity,
        FIRST_EPOCH,
        spec.threshold,
        &spec.custodians,
        &spec.deliveries,
    )?;
    let kdf_record = match spec.policy {
        Policy::Quorum => None,
        _ => Some(new_kdf_record(&spec.kdf)?),
    };
    let pk = match (&kdf_record, pass) {
        (Some(rec), Some(pass)) => Some(derive_pk(rec, pass)?),
        (Some(_), None) => {
            return Err(Error::Needs {
                policy: spec.policy,
                secret: crate::error::Secret::Passphrase,
            });
        }
        _ => None,
    };
    let slots = build_slots(
        &identity,
        &vk,
        FIRST_EPOCH,
        spec.policy,
        kdf_record.as_ref(),
        &Recipients::from_keys(Some(&qk), pk.as_ref()),
    )?;
    let payload = seal_hex(
        &crypto::payload_key(&vk),
        encode_payload(master).expose(),
        &payload_aad(&identity),
    )?;
    let body = new_body(
        spec, &identity, &identity, custodians, kdf_record, slots, payload,
    );
    let mut vault = Vault {
        kind: FileKind::Vault,
        version: 2,
        body,
        identity,
        path: path.to_string(),
    };
    vault.certify_copy_authority(&vk, &qk)?;
    Ok((vault, vk, qk, issued))
}

/// The body of a vault just made from `spec` (either format): no receipts, no history.
pub(super) fn new_body(
    spec: &Spec,
    identity: &[u8; 32],
    origin: &[u8; 32],
    custodians: Vec<format::Custodian>,
    kdf: Option<format::KdfRecord>,
    slots: Vec<format::Slot>,
    payload: format::Sealed,
) -> Body {
    Body {
        identity: hex::encode(identity),
        label: spec.label.clone(),
        created: spec.now,
        policy: spec.policy,
        epoch: FIRST_EPOCH,
        threshold: spec.threshold as u8,
        custodians,
        kdf,
        slots,
        payload,
        drill_every: spec.drill_every,
        receipts: Vec::new(),
        pending: None,
        retired: Vec::new(),
        origin: Some(hex::encode(origin)),
        generation: Some(0),
        lineage: Vec::new(),
        issued: None,
        quorum_tag: None,
        copies_from: None,
        copies_issued: Vec::new(),
        copy_authority: None,
        authority_signature: None,
        cancelled: Vec::new(),
        entries: Vec::new(),
        master: None,
    }
}

fn serialize(body: &Body, sk: &SigningKey) -> Vec<u8> {
    format::serialize(body, |m| crypto::sign(sk, format::FILE_SIG_CONTEXT, m))
}

impl Vault {
    /// Parses a recovery copy, verifies its signature, then checks every field as for a vault
    /// file, and that it holds no more than a copy may. Needs no secret.
    pub fn parse_copy(bytes: &[u8], source: &str) -> Result<Vault> {
        Self::from_file(format::parse_copy(bytes, source)?, source)
    }

    /// The recovery copy of this vault as it is now: what a quorum needs and nothing more (no
    /// passphrase slot under policy `either`, no receipts, no pending reshare), signed by the
    /// vault identity and vouched for by the quorum of its share set: tagged with its quorum key
    /// `qk` when one is at hand, else signed by the copy authority that quorum certified.
    /// `vk` is this vault's key; `now` the time of issue.
    ///
    /// # Errors
    /// `Usage` without `qk` when the vault has no copy authority (a quorum is needed).
    pub fn recovery_copy(
        &self,
        vk: &VaultKey,
        qk: Option<&QuorumKey>,
        now: u64,
    ) -> Result<Vec<u8>> {
        if self.version >= 3 {
            return self.v3_copy(vk, false, now);
        }
        let mut body = self.body.clone();
        body.receipts.clear();
        body.pending = None;
        body.copies_from = None;
        body.copies_issued.clear();
        body.copy_authority = None;
        body.authority_signature = None;
        body.slots.retain(|s| s.kind != SlotKind::Passphrase);
        if body.policy == Policy::Either {
            body.kdf = None;
        }
        body.origin = Some(hex::encode(&self.name_key()));
        body.generation = Some(self.generation());
        body.issued = Some(now.min(MAX_TIME));
        body.quorum_tag = None;
        match qk {
            Some(qk) => {
                let tag = crypto::copy_tag(qk, &format::body_bytes(&body));
                body.quorum_tag = Some(hex::encode(&tag));
            }
            None => self.sign_with_authority(vk, &mut body)?,
        }
        let sk = crypto::identity(vk);
        Ok(format::serialize_copy(&body, |m| {
            crypto::sign(&sk, format::COPY_SIG_CONTEXT, m)
        }))
    }

    /// The recovery copy for the new shares of a pending reshare: the vault as those shares
    /// open it (the pending set and its slot in place of the current ones).
    pub fn pending_recovery_copy(
        &self,
        vk: &VaultKey,
        qk: &QuorumKey,
        now: u64,
    ) -> Option<Vec<u8>> {
        let p = self.body.pending.as_ref()?;
        if self.version >= 3 {
            return self.v3_copy(vk, true, now).ok();
        }
        let mut v = Vault {
            kind: self.kind,
            version: self.version,
            body: self.body.clone(),
            identity: self.identity,
            path: self.path.clone(),
        };
        v.body.epoch = p.epoch;
        v.body.threshold = p.threshold;
        v.body.custodians = p.custodians.clone();
        v.body.slots = vec![p.slot.clone()];
        v.recovery_copy(vk, Some(qk), now).ok()
    }

    /// Parses, verifies the signature, then checks every field. Needs no secret.
    pub fn parse(bytes: &[u8], path: &str) -> Result<Vault> {
        let file = format::parse(bytes, path)?;
        Self::from_file(file, path)
    }

    fn from_file(file: format::VaultFile, path: &str) -> Result<Vault> {
        let identity = file.identity.to_bytes();
        let v = Vault {
            kind: file.kind,
            version: file.version,
            body: file.body,
            identity,
            path: path.to_string(),
        };
        v.validate()?;
        Ok(v)
    }

    /// The fingerprint people read aloud (`XXXX-XXXX`): the vault's name, from its origin.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.name_key())
    }

    /// Decrypts the payload: every item, padded (the master key, then the entries).
    pub(super) fn open_plain(&self, vk: &VaultKey) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        let bad = || corrupt(&self.path, "has a payload that does not decrypt");
        let nonce: [u8; 24] = hex::decode_array(&self.body.payload.nonce).ok_or_else(bad)?;
        let ct = hex::decode(&self.body.payload.ciphertext).ok_or_else(bad)?;
        crypto::open(
            &crypto::payload_key(vk),
            &nonce,
            &ct,
            &self.payload_aad_now(),
        )
        .ok_or_else(bad)
    }

    /// Decrypts the master key (and checks that every entry after it decodes).
    pub fn open_payload(&self, vk: &VaultKey) -> Result<MasterKey> {
        Ok(self.open_sheet(vk)?.0)
    }

    /// The next generation's signed file bytes (a vault read from a v1 file is written as v2).
    /// `vk` must be this vault's key (it is what opened it). Call once per write.
    ///
    /// # Errors
    /// A version 3 vault whose slots' signers do not open under `vk` (not its key).
    pub fn to_bytes(&mut self, vk: &VaultKey) -> Result<Vec<u8>> {
        if self.body.origin.is_none() {
            self.body.origin = Some(hex::encode(&self.identity));
        }
        self.body.generation = Some(self.generation() + 1);
        if self.version >= 3 {
            return self.v3_bytes(vk);
        }
        self.version = 2;
        Ok(serialize(&self.body, &crypto::identity(vk)))
    }

    /// The epoch of the next reshare: after the current one and every cancelled one (an epoch
    /// is never reused, so a cancelled share is never taken for a new one).
    pub fn next_epoch(&self) -> u32 {
        let cancelled = self
            .body
            .cancelled
            .iter()
            .map(|c| c.epoch)
            .max()
            .unwrap_or(0);
        self.body.epoch.max(cancelled) + 1
    }

    /// The generation of this copy: how many times the vault was written (0 for a v1 file;
    /// validation caps it at [`MAX_GENERATION`], so one more never overflows).
    pub fn generation(&self) -> u64 {
        self.body.generation.unwrap_or(0)
    }

    /// The vault's name key: the identity it was created with (`origin`), which shares carry
    /// and commitments bind. It stays when the vault key rotates.
    pub fn name_key(&self) -> [u8; 32] {
        self.body
            .origin
            .as_deref()
            .and_then(hex::decode_array::<32>)
            .unwrap_or(self.identity)
    }

    /// Every identity of this vault, oldest first: its origin, then each rotation's new one (the
    /// last is the current identity). Two genuine copies have chains one of which starts the
    /// other; anything else is a fork (someone who held an old vault key signed a branch).
    pub fn identity_chain(&self) -> Vec<[u8; 32]> {
        let mut chain = vec![self.name_key()];
        chain.extend(
            self.body
                .lineage
                .iter()
                .filter_map(|r| hex::decode_array::<32>(&r.to)),
        );
        chain
    }

    /// Whether `self` and `other` (of the same vault) are on one line of history: one's chain
    /// starts the other's.
    pub fn same_line(&self, other: &Vault) -> bool {
        let (a, b) = (self.identity_chain(), other.identity_chain());
        let n = a.len().min(b.len());
        if a[..n] != b[..n] {
            return false;
        }
        // The shorter chain stops at an identity the longer one rotated away from: whatever
        // that identity signed must be older than the rotation. A copy claiming a later
        // generation under it was made by someone who kept the old key (a fork, not a prefix).
        let (short, long) = if a.len() < b.len() {
            (self, other)
        } else {
            (other, self)
        };
        match long.body.lineage.get(n - 1) {
            Some(r) if a.len() != b.len() => short.generation() < r.generation,
            _ => true,
        }
    }

    /// The current signing identity (public key), which rotates with the vault key.
    pub fn identity(&self) -> [u8; 32] {
        self.identity
    }

    /// The long fingerprint to pin (`--expect-fingerprint`): 128 bits of the current identity's
    /// fingerprint hash, in base32 groups of four.
    pub fn long_fingerprint(&self) -> String {
        long_fingerprint_of(&self.pin_key())
    }

    /// What the pin is a fingerprint of: the identity (versions 1 and 2), or, in version 3,
    /// H("gsl-vault/v3 pin", the slots' signers in order), which changes when a path's signer
    /// is replaced.
    pub fn pin_key(&self) -> [u8; 32] {
        if self.version < 3 {
            return self.identity;
        }
        let signers: Vec<Vec<u8>> = self
            .body
            .slots
            .iter()
            .map(|s| {
                s.signer
                    .as_deref()
                    .and_then(hex::decode)
                    .unwrap_or_default()
            })
            .collect();
        let mut parts: Vec<&[u8]> = vec![b"gsl-vault/v3 pin"];
        parts.extend(signers.iter().map(Vec::as_slice));
        crypto::hash_parts(&parts)
    }
}
