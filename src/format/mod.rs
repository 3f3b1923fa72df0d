//! The vault file: data types, strict parser, canonical serializer. No crypto policy here beyond
//! checking the file signature, which must pass before anything else reads the body.
//!
//! ```text
//! gsl-vault vault v1\n
//! { pretty-printed JSON body }\n
//! signature <128 lowercase hex>\n
//! ```
//! The body is canonical: a file is accepted only if serializing what was parsed gives back the
//! same bytes, so every file has exactly one spelling and any changed byte is caught either by the
//! signature or by that comparison.

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use crate::crypto;
use crate::error::{Error, Result};
use crate::hex;
use crate::kdf::{Costs, KdfBoundError, KdfParams};

mod kind;
pub use kind::FileKind;

/// First line of a version 1 vault file (still read; written no more).
pub const MAGIC: &str = "gsl-vault vault v1\n";
/// First line of a version 2 vault file: one with a generation, an origin, and slots that may be
/// sealed to an unlock path's public key.
pub const MAGIC_V2: &str = "gsl-vault vault v2\n";
/// First line of a version 3 vault file (FORMAT.md, "Version 3"): X-Wing slots, each with its own
/// signer, every one of which signs the file.
pub const MAGIC_V3: &str = "gsl-vault vault v3\n";
/// Signature domain of a version 3 vault file.
pub const FILE_SIG_CONTEXT_V3: &[u8] = b"gsl-vault/v3 vault file";
/// First line of a version 3 recovery copy.
pub const COPY_MAGIC_V3: &str = "gsl-vault recovery copy v3\n";
/// Signature domain of a version 3 recovery copy.
pub const COPY_SIG_CONTEXT_V3: &[u8] = b"gsl-vault/v3 recovery copy";
/// Prefix every version of the format shares, to tell "newer version" from "not a vault".
pub(crate) const MAGIC_FAMILY: &str = "gsl-vault vault v";
/// Signature domain of the whole file.
pub const FILE_SIG_CONTEXT: &[u8] = b"gsl-vault/v1 vault file";
/// First line of a recovery copy: the part of a vault a quorum of custodians needs, which
/// travels with every share (FORMAT.md, "Recovery copy").
pub const COPY_MAGIC: &str = "gsl-vault recovery copy v1\n";
/// Prefix of every version of the recovery copy format.
pub(crate) const COPY_MAGIC_FAMILY: &str = "gsl-vault recovery copy v";
/// Signature domain of a recovery copy (never valid for a vault file, nor the reverse).
pub const COPY_SIG_CONTEXT: &[u8] = b"gsl-vault/v2 recovery copy";
/// Largest recovery copy read: a few KiB, more with many custodians and rotations.
pub const MAX_COPY: u64 = 256 * 1024;
/// Signature domain of a recovery copy's authority signature.
pub const AUTHORITY_SIG_CONTEXT: &[u8] = b"gsl-vault/v2 copy authority signature";
/// Signature domain of a rotation of the vault key (signed by the old and the new identity).
pub const ROTATION_SIG_CONTEXT: &[u8] = b"gsl-vault/v2 rotation";
/// Signature domain of a drill receipt.
pub const RECEIPT_SIG_CONTEXT: &[u8] = b"gsl-vault/v1 drill receipt";
/// Largest vault file read. A fresh vault is a few KiB; a receipt adds well under 1 KiB, so this
/// holds thousands of drills, and a 4 GiB file is refused without being read.
pub const MAX_VAULT_FILE: u64 = 4 * 1024 * 1024;
/// Longest label or custodian name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

pub use crate::policy::Policy;

/// The whole signed body of a vault file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// The vault's Ed25519 public key (hex), derived from VK; the fingerprint is a hash of it.
    pub identity: String,
    /// A human label ("Kraken GSL").
    pub label: String,
    /// Creation time, Unix seconds.
    pub created: u64,
    /// Who may open it.
    pub policy: Policy,
    /// Incremented by every reshare; every share carries it.
    pub epoch: u32,
    /// Shares needed.
    pub threshold: u8,
    /// One entry per share, index order.
    pub custodians: Vec<Custodian>,
    /// Argon2id costs and salt: present unless the policy is `quorum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<KdfRecord>,
    /// Wrapped copies of VK.
    pub slots: Vec<Slot>,
    /// The master key, sealed under VK.
    pub payload: Sealed,
    /// Seconds between drills.
    pub drill_every: u64,
    /// Drill receipts, oldest first, hash-chained.
    pub receipts: Vec<Receipt>,
    /// A reshare waiting for confirmation: the new share set, which does not count until a
    /// quorum of it has been proven (`reshare --confirm`). Absent when none is pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// Epochs retired by confirmed reshares, oldest first, so a retired share can be told when.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<Retired>,
    /// The identity the vault was created with (v2). Its fingerprint is the vault's name: shares
    /// carry it and commitments bind it, and it stays when the vault key rotates. Absent in a v1
    /// file, where it is `identity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Counts the writes of this vault (v2): it only grows, so an older copy put back is noticed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<u64>,
    /// Every rotation of the vault key, oldest first (v2): from `origin` to `identity`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lineage: Vec<Rotation>,
    /// In a recovery copy only: when it was issued, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<u64>,
    /// In a recovery copy only: the quorum tag (hex), `crypto::copy_tag` over this body with
    /// the tag empty: proof that a holder of the copy's quorum key issued it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum_tag: Option<String>,
    /// In a vault file (v2): the generation from which recovery copies are current, raised when
    /// what a copy recovers changes (the master key, the policy). Absent: since creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies_from: Option<u64>,
    /// In a vault file (v2): the recovery copy last issued to each custodian.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies_issued: Vec<IssuedCopy>,
    /// The copy authority (v2, policy `either`): a signing key a quorum certified, with which
    /// the owner issues recovery copies using the passphrase alone. In a vault file its seed is
    /// sealed under VK; a copy signed by it carries only the public key and certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_authority: Option<CopyAuthority>,
    /// In a recovery copy issued by the copy authority: its signature (hex) over this body with
    /// the signature absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_signature: Option<String>,
    /// Version 2: epochs of reshares cancelled before confirmation (never reused), with when.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancelled: Vec<Retired>,
    /// Version 2: the names of the payload's entries after the master key, in payload order
    /// ("recovery-codes", "note", and in version 3 "sign-in-totp"); absent when it holds the
    /// master key alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<String>,
    /// Version 3: the master key's kind when it is not a password (an authenticator app's TOTP
    /// setup key). Absent: a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master: Option<MasterKind>,
}

/// The kind of a master key that is not a password (FORMAT.md, "Body (version 3)").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MasterKind {
    /// "totp".
    pub kind: String,
    /// 6..=8.
    pub digits: u8,
    /// "SHA1", "SHA256" or "SHA512".
    pub algorithm: String,
    /// Seconds, 1..=300.
    pub period: u32,
}

/// The copy authority: an Ed25519 key whose public half a quorum certified for one share set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopyAuthority {
    /// Its Ed25519 public key (hex).
    pub public: String,
    /// HMAC by the quorum's copy tag key over the authority, the vault's name and the epoch (hex).
    pub certificate: String,
    /// In a vault file only: the authority's 32-byte seed, sealed under VK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<Sealed>,
}

/// A recovery copy issued to a custodian.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuedCopy {
    /// The custodian.
    pub custodian: String,
    /// The generation of the copy.
    pub generation: u64,
}

/// A rotation of the vault key: the old identity hands the vault to the new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// The identity before (hex).
    pub from: String,
    /// The identity after (hex).
    pub to: String,
    /// When, Unix seconds.
    pub at: u64,
    /// The generation the rotation wrote.
    pub generation: u64,
    /// Signature by `from` over the rotation statement (hex).
    pub from_signature: String,
    /// Signature by `to` over the rotation statement (hex).
    pub to_signature: String,
}

/// A new share set waiting for confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pending {
    /// The epoch the new shares carry (current + 1).
    pub epoch: u32,
    /// Shares needed in the new set.
    pub threshold: u8,
    /// The new custodians and commitments.
    pub custodians: Vec<Custodian>,
    /// VK wrapped under the new quorum key (kind `quorum` or `both`).
    pub slot: Slot,
    /// When the reshare was started, Unix seconds.
    pub created: u64,
}

/// A retired epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retired {
    /// The epoch whose shares no longer open the vault.
    pub epoch: u32,
    /// When its successor was confirmed, Unix seconds.
    pub at: u64,
}

/// A custodian and the commitment to their share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Custodian {
    /// Name, unique in the vault.
    pub name: String,
    /// Shamir x, 1..=n.
    pub index: u8,
    /// How the share was delivered: "file".
    pub delivery: String,
    /// share_commitment(identity, epoch, x, y), hex.
    pub commitment: String,
    /// Version 2: the public half of the share's proof key (remote share proofs), hex; absent
    /// for shares issued before proof keys existed until a drill sees the share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_key: Option<String>,
}

/// Argon2id costs and salt of the passphrase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfRecord {
    /// KiB.
    pub memory_kib: u32,
    /// t.
    pub iterations: u32,
    /// p.
    pub parallelism: u32,
    /// 32 bytes, hex.
    pub salt: String,
}

impl KdfRecord {
    /// The costs as written, before any bound is checked.
    pub fn costs(&self) -> Costs {
        Costs {
            memory_kib: self.memory_kib,
            iterations: self.iterations,
            parallelism: self.parallelism,
        }
    }

    /// The costs, if within the bounds.
    ///
    /// # Errors
    /// Which bound they fail.
    pub fn params(&self) -> std::result::Result<KdfParams, KdfBoundError> {
        KdfParams::from_costs(self.costs())
    }
}

/// Which key wraps a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotKind {
    /// PK = Argon2id(passphrase).
    Passphrase,
    /// QK, from a quorum of shares.
    Quorum,
    /// HKDF(QK || PK): policy `both`.
    Both,
}

impl SlotKind {
    /// Name as in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            SlotKind::Passphrase => "passphrase",
            SlotKind::Quorum => "quorum",
            SlotKind::Both => "both",
        }
    }
}

/// A wrapped VK.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// Which key wraps it.
    pub kind: SlotKind,
    /// Version 3: the slot's Ed25519 public key (hex), which signs every file the slot is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Version 3, vault file only: the signer's seed, sealed under VK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_seed: Option<Sealed>,
    /// A sealed slot (v2): the unlock path's X25519 public key (hex), to which a new vault key
    /// can be wrapped without the path's secret. Absent for a v1 slot (symmetric wrap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// A sealed slot (v2): the ephemeral X25519 public key of the wrap (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral: Option<String>,
    /// Version 3: H("gsl-vault/v3 recipient", recipient), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_hash: Option<String>,
    /// Version 3: the path's binding of origin, signer and recipient (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding: Option<String>,
    /// Version 3: the X-Wing ciphertext (hex, 1120 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encapsulation: Option<String>,
    /// 24 bytes, hex.
    pub nonce: String,
    /// VK sealed (48 bytes), hex.
    pub ciphertext: String,
}

/// An XChaCha20-Poly1305 box.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    /// 24 bytes, hex.
    pub nonce: String,
    /// Ciphertext and tag, hex.
    pub ciphertext: String,
}

/// A signed drill receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Unix seconds.
    pub time: u64,
    /// "quorum", "passphrase" or "both".
    pub kind: String,
    /// The epoch the drill ran at.
    pub epoch: u32,
    /// Custodians whose shares passed.
    pub custodians: Vec<String>,
    /// Shares refused during the drill, as "name: reason".
    pub rejected: Vec<String>,
    /// Hash of the previous receipt (hex), or 64 zeros for the first.
    pub prev: String,
    /// Ed25519 signature by the vault identity over the fields above (hex).
    pub signature: String,
}

impl Receipt {
    /// The bytes the receipt signature covers: every field but the signature.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let unsigned = Receipt {
            signature: String::new(),
            ..self.clone()
        };
        serde_json::to_vec(&unsigned).unwrap_or_default()
    }
    /// The hash the next receipt's `prev` holds.
    pub fn chain_hash(&self) -> [u8; 32] {
        let all = serde_json::to_vec(self).unwrap_or_default();
        crypto::hash_parts(&[b"gsl-vault/v1 receipt chain", &all])
    }
}

impl Slot {
    /// Whether this is a version 3 slot (X-Wing, with a signer).
    pub fn is_v3(&self) -> bool {
        self.encapsulation.is_some()
    }
}

/// A parsed vault file whose signature holds.
pub struct VaultFile {
    /// A vault file or a recovery copy.
    pub kind: FileKind,
    /// The format version of the file (1 or 2).
    pub version: u8,
    /// The body.
    pub body: Body,
    /// The identity key from the body.
    pub identity: VerifyingKey,
}

fn corrupt(path: &str, what: &str) -> Error {
    Error::Corrupt(format!(
        "vault {path} {what}; it may be damaged or tampered with: restore it from a backup copy."
    ))
}

fn corrupt_copy(path: &str, what: &str) -> Error {
    Error::Corrupt(format!(
        "the recovery copy in {path} {what}; it may be damaged or altered: use another custodian's copy."
    ))
}

/// Serializes the body canonically.
pub fn body_bytes(body: &Body) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(body).unwrap_or_default();
    v.push(b'\n');
    v
}

/// The full file for `body`, signed by `sign` over MAGIC + body.
/// Version 2 when the body has a generation, else version 1.
pub fn serialize(body: &Body, sign: impl FnOnce(&[u8]) -> [u8; 64]) -> Vec<u8> {
    let magic = if body.generation.is_some() {
        MAGIC_V2
    } else {
        MAGIC
    };
    serialize_with(magic, body, sign)
}

/// A recovery copy of `body` (already reduced to what a copy holds), signed by `sign` over
/// COPY_MAGIC + body.
pub fn serialize_copy(body: &Body, sign: impl FnOnce(&[u8]) -> [u8; 64]) -> Vec<u8> {
    serialize_with(COPY_MAGIC, body, sign)
}

/// A version 3 vault file (`copy` false) or recovery copy of `body`, signed by each of
/// `signers` in turn (the signers of its slots, in order) over the magic line and the body.
pub fn serialize_v3(body: &Body, copy: bool, signers: &[&ed25519_dalek::SigningKey]) -> Vec<u8> {
    let (magic, context) = if copy {
        (COPY_MAGIC_V3, COPY_SIG_CONTEXT_V3)
    } else {
        (MAGIC_V3, FILE_SIG_CONTEXT_V3)
    };
    let mut out = Vec::with_capacity(8192);
    out.extend_from_slice(magic.as_bytes());
    out.extend_from_slice(&body_bytes(body));
    let sigs: Vec<[u8; 64]> = signers
        .iter()
        .map(|sk| crypto::sign(sk, context, &out))
        .collect();
    for sig in sigs {
        out.extend_from_slice(b"signature ");
        out.extend_from_slice(hex::encode(&sig).as_bytes());
        out.push(b'\n');
    }
    out
}

fn serialize_with(magic: &str, body: &Body, sign: impl FnOnce(&[u8]) -> [u8; 64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8192);
    out.extend_from_slice(magic.as_bytes());
    out.extend_from_slice(&body_bytes(body));
    let sig = sign(&out);
    out.extend_from_slice(b"signature ");
    out.extend_from_slice(hex::encode(&sig).as_bytes());
    out.push(b'\n');
    out
}

/// Parses and verifies a vault file. `path` names it in errors. Structural checks and the
/// signature come first; semantic checks follow in `vault`.
pub fn parse(bytes: &[u8], path: &str) -> Result<VaultFile> {
    if bytes.is_empty() {
        return Err(corrupt(path, "is empty"));
    }
    let (version, magic) = if bytes.starts_with(MAGIC.as_bytes()) {
        (1, MAGIC)
    } else if bytes.starts_with(MAGIC_V2.as_bytes()) {
        (2, MAGIC_V2)
    } else if bytes.starts_with(MAGIC_V3.as_bytes()) {
        return parse_signed_v3(bytes, path, FileKind::Vault);
    } else {
        if bytes.starts_with(MAGIC_FAMILY.as_bytes()) {
            return Err(Error::Corrupt(format!(
                "vault {path} is of a format version this gsl-vault does not know: use a newer gsl-vault."
            )));
        }
        return Err(corrupt(
            path,
            "is not a gsl-vault vault file (its first line is wrong)",
        ));
    };
    parse_signed(bytes, path, FileKind::Vault, version, magic)
}

/// Parses and verifies a recovery copy. `path` names where it came from.
pub fn parse_copy(bytes: &[u8], path: &str) -> Result<VaultFile> {
    if bytes.len() as u64 > MAX_COPY {
        return Err(corrupt_copy(path, "is larger than any recovery copy"));
    }
    if bytes.starts_with(COPY_MAGIC_V3.as_bytes()) {
        return parse_signed_v3(bytes, path, FileKind::Copy);
    }
    if !bytes.starts_with(COPY_MAGIC.as_bytes()) {
        if bytes.starts_with(FileKind::Copy.magic_family().as_bytes()) {
            return Err(Error::Corrupt(format!(
                "the recovery copy in {path} is of a format version this gsl-vault does not know: use a newer gsl-vault."
            )));
        }
        return Err(corrupt_copy(path, "is not a gsl-vault recovery copy"));
    }
    parse_signed(bytes, path, FileKind::Copy, 2, COPY_MAGIC)
}

fn parse_signed(
    bytes: &[u8],
    path: &str,
    kind: FileKind,
    version: u8,
    magic: &str,
) -> Result<VaultFile> {
    let corrupt = |path: &str, what: &str| match kind {
        FileKind::Vault => corrupt(path, what),
        FileKind::Copy => corrupt_copy(path, what),
    };
    let text = std::str::from_utf8(bytes).map_err(|_| corrupt(path, "is not UTF-8 text"))?;
    let rest = &text[magic.len()..];
    let without_nl = rest
        .strip_suffix('\n')
        .ok_or_else(|| corrupt(path, "is truncated (it does not end with a newline)"))?;
    let sig_at = without_nl
        .rfind("\nsignature ")
        .ok_or_else(|| corrupt(path, "is truncated (its signature line is missing)"))?;
    let body_text = &rest[..sig_at + 1];
    let sig_hex = &without_nl[sig_at + "\nsignature ".len()..];
    let sig: [u8; 64] = hex::decode_array(sig_hex)
        .ok_or_else(|| corrupt(path, "has a malformed signature line"))?;
    let body = parse_body(body_text, |what| corrupt(path, what))?;
    let id: [u8; 32] = hex::decode_array(&body.identity)
        .ok_or_else(|| corrupt(path, "has a malformed identity"))?;
    let identity =
        VerifyingKey::from_bytes(&id).map_err(|_| corrupt(path, "has an invalid identity key"))?;
    let signed = &bytes[..magic.len() + body_text.len()];
    if !crypto::verify(&identity, kind.context(), signed, &sig) {
        return Err(corrupt(path, "fails its signature check"));
    }
    Ok(VaultFile {
        kind,
        version,
        body,
        identity,
    })
}

/// The body of a signed file: well-formed JSON of the body's shape, in canonical form (the one
/// spelling `body_bytes` gives back).
fn parse_body(body_text: &str, corrupt: impl Fn(&str) -> Error) -> Result<Body> {
    let body: Body = serde_json::from_str(body_text)
        .map_err(|e| corrupt(&format!("has a malformed body (line {})", e.line() + 1)))?;
    if body_bytes(&body) != body_text.as_bytes() {
        return Err(corrupt("is not in canonical form"));
    }
    Ok(body)
}

/// A version 3 file: the body, then one signature line per slot (FORMAT.md, "File"), each by
/// that slot's signer; `identity` must be the first slot's signer (it signs the receipts).
fn parse_signed_v3(bytes: &[u8], path: &str, kind: FileKind) -> Result<VaultFile> {
    let corrupt = |path: &str, what: &str| match kind {
        FileKind::Vault => corrupt(path, what),
        FileKind::Copy => corrupt_copy(path, what),
    };
    let (magic, context) = match kind {
        FileKind::Vault => (MAGIC_V3, FILE_SIG_CONTEXT_V3),
        FileKind::Copy => (COPY_MAGIC_V3, COPY_SIG_CONTEXT_V3),
    };
    let text = std::str::from_utf8(bytes).map_err(|_| corrupt(path, "is not UTF-8 text"))?;
    let rest = text[magic.len()..]
        .strip_suffix('\n')
        .ok_or_else(|| corrupt(path, "is truncated (it does not end with a newline)"))?;
    // Signature lines from the end: the body (JSON) never ends with one.
    let mut body_end = rest.len();
    let mut sigs: Vec<[u8; 64]> = Vec::new();
    while sigs.len() < 2 {
        let line_start = rest[..body_end].rfind('\n').map_or(0, |i| i + 1);
        let Some(sig) = rest[line_start..body_end]
            .strip_prefix("signature ")
            .filter(|h| h.len() == 128)
            .and_then(hex::decode_array::<64>)
        else {
            break;
        };
        sigs.insert(0, sig);
        if line_start == 0 {
            body_end = 0;
            break;
        }
        body_end = line_start - 1;
    }
    if sigs.is_empty() || body_end == 0 {
        return Err(corrupt(
            path,
            "is truncated (its signature lines are missing)",
        ));
    }
    let body_text = &text[magic.len()..magic.len() + body_end + 1];
    let body = parse_body(body_text, |what| corrupt(path, what))?;
    if body.slots.len() != sigs.len() {
        return Err(corrupt(path, "does not carry one signature per slot"));
    }
    let signed = &bytes[..magic.len() + body_text.len()];
    let mut first = None;
    for (slot, sig) in body.slots.iter().zip(&sigs) {
        let key = slot
            .signer
            .as_deref()
            .and_then(hex::decode_array::<32>)
            .and_then(|k| VerifyingKey::from_bytes(&k).ok())
            .filter(|k| !k.is_weak())
            .ok_or_else(|| corrupt(path, "has a slot without a valid signer"))?;
        if !crypto::verify(&key, context, signed, sig) {
            return Err(corrupt(path, "fails its signature check"));
        }
        first.get_or_insert(key);
    }
    let identity = first.ok_or_else(|| corrupt(path, "has no slot"))?;
    if hex::decode_array::<32>(&body.identity) != Some(identity.to_bytes()) {
        return Err(corrupt(
            path,
            "names an identity that is not its first slot's signer",
        ));
    }
    Ok(VaultFile {
        kind,
        version: 3,
        body,
        identity,
    })
}
