//! The domain logic: creating a vault, checking shares against their commitments, unlocking by
//! passphrase or quorum, drills and their signed receipts. Reads and writes bytes; files are
//! `fsio`'s business, prompts the CLI's.

use crate::crypto;
use crate::error::{Error, Result};
use crate::format::{self, Body, Custodian, KdfRecord, Policy, Receipt, Sealed, Slot, SlotKind};
use crate::hex;
use crate::kdf::{self, KdfParams};
use crate::secret::{MasterKey, PassKey, Passphrase, QuorumKey, SecretBytes, VaultKey, WrapKey};
use crate::shamir::{self, Point};
use crate::share::{FINGERPRINT_BYTES, ShareCode};
use ed25519_dalek::SigningKey;

/// Payload plaintext is padded to a multiple of this, so the file does not tell the key's length.
pub const PAYLOAD_PAD: usize = 256;
/// Shortest drill interval accepted: one day.
pub const MIN_DRILL_EVERY: u64 = 86_400;
/// Longest drill interval accepted: ten years.
pub const MAX_DRILL_EVERY: u64 = 10 * 366 * 86_400;
/// Default drill interval: 180 days.
pub const DEFAULT_DRILL_EVERY: u64 = 180 * 86_400;
/// Latest time accepted in a vault (9999-12-31T23:59:59Z): later ones cannot be shown as dates.
pub const MAX_TIME: u64 = 253_402_300_799;
/// At most this many refused shares are recorded in one receipt, each at most this many bytes:
/// a drill given thousands of bad files must not grow the vault past what can be read back.
pub const MAX_RECEIPT_REJECTED: usize = 16;
/// See [`MAX_RECEIPT_REJECTED`].
pub const MAX_REJECTED_LEN: usize = 300;
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
    /// How each custodian's share is delivered ("file", "age", "age-passphrase"), same order;
    /// empty means "file" for all.
    pub deliveries: Vec<String>,
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

/// A refused share and why.
pub struct Rejected {
    /// Where it came from.
    pub source: String,
    /// One sentence.
    pub reason: String,
}

/// Which share set a share is checked against.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Set {
    /// The set that opens the vault now.
    Current,
    /// The new set of a reshare not yet confirmed.
    Pending,
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
fn date(secs: u64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs.min(MAX_TIME));
    humantime::format_rfc3339_seconds(t).to_string()[..10].to_string()
}

/// What a quorum unlock found.
pub struct QuorumOutcome {
    /// The vault key, if a quorum of valid shares opened it.
    pub vk: VaultKey,
    /// The quorum key the shares combined to (none when the passphrase opened it).
    pub qk: Option<QuorumKey>,
    /// Names of custodians whose shares were accepted.
    pub accepted: Vec<String>,
    /// Shares refused.
    pub rejected: Vec<Rejected>,
}

/// A vault read from a file whose signature and contents have been checked.
pub struct Vault {
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

/// Checks a label or custodian name: 1..=64 characters, letters, digits, space and `.-_'@+`,
/// not starting with `.` or `-` (it names a file) nor with a space. Control and bidirectional
/// characters are refused: a name must look on paper like what it is.
pub fn check_name(name: &str, what: &str) -> std::result::Result<(), String> {
    let chars = name.chars().count();
    let ok_char = |c: char| c.is_alphanumeric() || " .-_'@+".contains(c);
    if chars == 0 || chars > format::MAX_NAME_CHARS {
        return Err(format!(
            "the {what} {name:?} must have 1 to {} characters",
            format::MAX_NAME_CHARS
        ));
    }
    if let Some(c) = name.chars().find(|&c| !ok_char(c)) {
        return Err(format!(
            "the {what} {:?} contains the character {:?}, which is not allowed (use letters, digits, spaces and . - _ ' @ +)",
            name.escape_default().to_string(),
            c.escape_unicode().to_string()
        ));
    }
    // Latin, Greek and Cyrillic hold look-alike letters ("a" and Cyrillic "а"): a name may use
    // letters of one of them only, so two names that print alike cannot both pass.
    let script = |c: char| match c {
        'A'..='Z' | 'a'..='z' | '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' => Some(0),
        '\u{370}'..='\u{3ff}' | '\u{1f00}'..='\u{1fff}' => Some(1),
        '\u{400}'..='\u{52f}' => Some(2),
        _ => None,
    };
    let mut scripts = name.chars().filter_map(script);
    if let Some(first) = scripts.next()
        && scripts.any(|s| s != first)
    {
        return Err(format!(
            "the {what} {name:?} mixes Latin, Greek or Cyrillic letters, which can look alike on paper"
        ));
    }
    if name.starts_with(['.', '-', ' ']) || name.ends_with(' ') {
        return Err(format!(
            "the {what} {name:?} must not start with . - or a space, nor end with a space"
        ));
    }
    Ok(())
}

/// The fingerprint people see: 8 base32 characters of the fingerprint hash, as `XXXX-XXXX`.
pub fn fingerprint_of(identity: &[u8; 32]) -> String {
    let fp = fingerprint_bytes(identity);
    let s = crate::words::base32_bytes(&fp);
    format!("{}-{}", &s[..4], &s[4..8])
}

fn fingerprint_bytes(identity: &[u8; 32]) -> [u8; FINGERPRINT_BYTES] {
    let h = crypto::fingerprint_hash(identity);
    let mut fp = [0u8; FINGERPRINT_BYTES];
    fp.copy_from_slice(&h[..FINGERPRINT_BYTES]);
    fp
}

/// The first name in `names` that repeats an earlier one, ignoring case.
fn repeated_name<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen: Vec<String> = Vec::new();
    for n in names {
        let low = n.to_lowercase();
        if seen.contains(&low) {
            return Some(n);
        }
        seen.push(low);
    }
    None
}

/// Checks a custodian list: 2 <= t <= n <= 255, indices 1..=n in order, names valid and unique
/// ignoring case, deliveries known, commitments well formed.
fn check_custodians(p: &str, threshold: u8, custodians: &[Custodian]) -> Result<()> {
    if let Some(n) = repeated_name(custodians.iter().map(|c| c.name.as_str())) {
        return Err(corrupt(p, &format!("names the custodian {n:?} twice")));
    }
    let n = custodians.len();
    if shamir::check_threshold(usize::from(threshold), n).is_err() {
        return Err(corrupt(
            p,
            &format!("asks for a threshold of {threshold} with {n} custodians"),
        ));
    }
    for (i, c) in custodians.iter().enumerate() {
        check_name(&c.name, "custodian name").map_err(|m| corrupt(p, &m))?;
        if usize::from(c.index) != i + 1 {
            return Err(corrupt(p, "lists custodians out of index order"));
        }
        if !crate::custodian::DELIVERIES.contains(&c.delivery.as_str()) {
            return Err(corrupt(
                p,
                &format!("has an unknown delivery {:?}", c.delivery),
            ));
        }
        if hex::decode_array::<32>(&c.commitment).is_none() {
            return Err(corrupt(p, "has a malformed share commitment"));
        }
    }
    Ok(())
}

fn slot_aad(identity: &[u8; 32], kind: SlotKind, epoch: u32, kdf: Option<&KdfRecord>) -> [u8; 32] {
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
    crypto::hash_parts(&[
        b"gsl-vault/v1 slot",
        identity,
        kind.as_str().as_bytes(),
        e,
        k,
    ])
}

fn payload_aad(identity: &[u8; 32]) -> [u8; 32] {
    crypto::hash_parts(&[b"gsl-vault/v1 payload", identity])
}

fn seal_hex(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Result<Sealed> {
    let (nonce, ct) = crypto::seal(key, plaintext, aad)?;
    Ok(Sealed {
        nonce: hex::encode(&nonce),
        ciphertext: hex::encode(&ct),
    })
}

fn encode_payload(master: &MasterKey) -> SecretBytes {
    let key = master.expose();
    let len = (2 + key.len()).div_ceil(PAYLOAD_PAD) * PAYLOAD_PAD;
    let mut p = SecretBytes::with_capacity(len);
    // Capacity is exact: these cannot fail.
    let _ = p.extend(&(key.len() as u16).to_be_bytes());
    let _ = p.extend(key);
    let _ = p.extend(&vec![0u8; len - 2 - key.len()]);
    p
}

fn decode_payload(plain: &[u8], path: &str) -> Result<MasterKey> {
    let bad = || corrupt(path, "holds a payload that does not decode");
    if plain.len() < 2 || !plain.len().is_multiple_of(PAYLOAD_PAD) {
        return Err(bad());
    }
    let n = usize::from(u16::from_be_bytes([plain[0], plain[1]]));
    if n == 0 || 2 + n > plain.len() || plain[2 + n..].iter().any(|&b| b != 0) {
        return Err(bad());
    }
    let mut s = SecretBytes::with_capacity(n);
    s.extend(&plain[2..2 + n])?;
    MasterKey::new(s, path).map_err(|_| bad())
}

/// Checks a new share set: threshold, names (valid, distinct ignoring case), deliveries.
pub fn check_new_set(threshold: usize, names: &[String], deliveries: &[String]) -> Result<()> {
    shamir::check_threshold(threshold, names.len())?;
    for name in names {
        check_name(name, "custodian name").map_err(|m| Error::Usage(format!("{m}.")))?;
    }
    if let Some(name) = repeated_name(names.iter().map(String::as_str)) {
        return Err(Error::Usage(format!(
            "the custodian name {name:?} is given twice: every custodian needs a distinct name."
        )));
    }
    if !deliveries.is_empty()
        && (deliveries.len() != names.len()
            || deliveries
                .iter()
                .any(|d| !crate::custodian::DELIVERIES.contains(&d.as_str())))
    {
        return Err(Error::Usage(
            "every custodian needs one known delivery.".into(),
        ));
    }
    Ok(())
}

/// Checks a spec before any secret is asked for: threshold, names, drill interval, KDF costs.
pub fn check_spec(spec: &Spec) -> Result<()> {
    check_new_set(spec.threshold, &spec.custodians, &spec.deliveries)?;
    check_name(&spec.label, "label").map_err(|m| Error::Usage(format!("{m}.")))?;
    if !(MIN_DRILL_EVERY..=MAX_DRILL_EVERY).contains(&spec.drill_every) {
        return Err(Error::Usage(
            "--drill-every must be between 1 day and 10 years (for example 90d, 180d, 1y).".into(),
        ));
    }
    if spec.policy != Policy::Quorum {
        spec.kdf.check().map_err(|m| {
            Error::Usage(format!(
                "{m}: choose other --kdf-memory, --kdf-iterations or --kdf-parallelism values."
            ))
        })?;
    }

    Ok(())
}

/// Splits `qk` into one share per name, t of which recover it, with their commitments at `epoch`.
fn make_share_set(
    qk: &QuorumKey,
    identity: &[u8; 32],
    epoch: u32,
    threshold: usize,
    names: &[String],
    deliveries: &[String],
) -> Result<(Vec<Custodian>, Vec<Issued>)> {
    let points = shamir::split(qk, threshold, names.len())?;
    let fp = fingerprint_bytes(identity);
    let custodians = points
        .iter()
        .zip(names)
        .enumerate()
        .map(|(i, (p, name))| Custodian {
            name: name.clone(),
            index: p.x,
            delivery: deliveries.get(i).cloned().unwrap_or_else(|| "file".into()),
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

/// Wraps VK into the slots `policy` needs. The quorum slot is made from `qk`, or else taken
/// from `keep_quorum` (an existing slot for the same epoch); the passphrase slot needs `pk`.
fn build_slots(
    identity: &[u8; 32],
    vk: &VaultKey,
    epoch: u32,
    policy: Policy,
    qk: Option<&QuorumKey>,
    pk: Option<(&PassKey, &KdfRecord)>,
    keep_quorum: Option<&Slot>,
) -> Result<Vec<Slot>> {
    let wrap = |key: &[u8; 32], kind: SlotKind, rec: Option<&KdfRecord>| -> Result<Slot> {
        let s = seal_hex(key, vk.expose(), &slot_aad(identity, kind, epoch, rec))?;
        Ok(Slot {
            kind,
            nonce: s.nonce,
            ciphertext: s.ciphertext,
        })
    };
    let need = |what: &str| {
        Error::Usage(format!(
            "policy {} needs {what} to authorise this change.",
            policy.as_str()
        ))
    };
    let quorum = || -> Result<Slot> {
        match (qk, keep_quorum) {
            (Some(qk), _) => wrap(qk.expose(), SlotKind::Quorum, None),
            (None, Some(s)) if s.kind == SlotKind::Quorum => Ok(s.clone()),
            _ => Err(need("a quorum of shares")),
        }
    };
    Ok(match policy {
        Policy::Either => {
            let (pk, rec) = pk.ok_or_else(|| need("the passphrase"))?;
            vec![
                wrap(pk.expose(), SlotKind::Passphrase, Some(rec))?,
                quorum()?,
            ]
        }
        Policy::Both => {
            let (pk, rec) = pk.ok_or_else(|| need("the passphrase"))?;
            let qk = qk.ok_or_else(|| need("a quorum of shares"))?;
            vec![wrap(
                crypto::both_key(qk, pk).expose(),
                SlotKind::Both,
                Some(rec),
            )?]
        }
        Policy::Quorum => vec![quorum()?],
    })
}

/// A fresh salt record for `params`.
pub fn new_kdf_record(params: &KdfParams) -> Result<KdfRecord> {
    let mut salt = [0u8; kdf::SALT_LEN];
    crate::secret::fill_random(&mut salt)?;
    Ok(KdfRecord {
        memory_kib: params.memory_kib,
        iterations: params.iterations,
        parallelism: params.parallelism,
        salt: hex::encode(&salt),
    })
}

/// Derives PK for a KDF record (costs checked).
pub fn derive_pk(rec: &KdfRecord, pass: &Passphrase) -> Result<PassKey> {
    let salt: [u8; kdf::SALT_LEN] = hex::decode_array(&rec.salt)
        .ok_or_else(|| Error::Corrupt("the KDF salt is malformed.".into()))?;
    kdf::derive(&rec.params(), pass, &salt)
}

/// Creates a vault. Returns the file bytes and the shares to hand out.
pub fn create(
    spec: &Spec,
    master: &MasterKey,
    pass: Option<&Passphrase>,
) -> Result<(Vec<u8>, Vec<Issued>)> {
    check_spec(spec)?;
    let n = spec.custodians.len();
    let needs_pass = spec.policy != Policy::Quorum;
    let vk = VaultKey::random()?;
    let qk = QuorumKey::random()?;
    let sk = crypto::identity(&vk);
    let identity = sk.verifying_key().to_bytes();
    let epoch = 1u32;

    let (custodians, issued) = make_share_set(
        &qk,
        &identity,
        epoch,
        spec.threshold,
        &spec.custodians,
        &spec.deliveries,
    )?;
    let _ = n;

    let kdf_record = if needs_pass {
        Some(new_kdf_record(&spec.kdf)?)
    } else {
        None
    };
    let pk = match (&kdf_record, pass) {
        (Some(rec), Some(pass)) => Some(derive_pk(rec, pass)?),
        (Some(_), None) => {
            return Err(Error::Usage(format!(
                "policy {} needs a passphrase: give --passphrase-file or run on a terminal.",
                spec.policy.as_str()
            )));
        }
        _ => None,
    };

    let slots = build_slots(
        &identity,
        &vk,
        epoch,
        spec.policy,
        Some(&qk),
        pk.as_ref().zip(kdf_record.as_ref()),
        None,
    )?;

    let payload = seal_hex(
        &crypto::payload_key(&vk),
        encode_payload(master).expose(),
        &payload_aad(&identity),
    )?;
    let body = Body {
        identity: hex::encode(&identity),
        label: spec.label.clone(),
        created: spec.now,
        policy: spec.policy,
        epoch,
        threshold: spec.threshold as u8,
        custodians,
        kdf: kdf_record,
        slots,
        payload,
        drill_every: spec.drill_every,
        receipts: Vec::new(),
        pending: None,
        retired: Vec::new(),
    };
    let bytes = serialize(&body, &sk);
    Ok((bytes, issued))
}

fn serialize(body: &Body, sk: &SigningKey) -> Vec<u8> {
    format::serialize(body, |m| crypto::sign(sk, format::FILE_SIG_CONTEXT, m))
}

impl Vault {
    /// Parses, verifies the signature, then checks every field. Needs no secret.
    pub fn parse(bytes: &[u8], path: &str) -> Result<Vault> {
        let file = format::parse(bytes, path)?;
        let identity = file.identity.to_bytes();
        let v = Vault {
            body: file.body,
            identity,
            path: path.to_string(),
        };
        v.validate()?;
        Ok(v)
    }

    fn validate(&self) -> Result<()> {
        let b = &self.body;
        let p = self.path.as_str();
        check_custodians(p, b.threshold, &b.custodians)?;
        check_name(&b.label, "label").map_err(|m| corrupt(p, &m))?;
        if b.epoch == 0 || b.epoch > MAX_EPOCH {
            return Err(corrupt(p, "has an epoch out of range"));
        }
        let slot_ok = |s: &Slot| {
            hex::decode_array::<24>(&s.nonce).is_some()
                && hex::decode_array::<48>(&s.ciphertext).is_some()
        };
        if let Some(pending) = &b.pending {
            check_custodians(p, pending.threshold, &pending.custodians)?;
            let kind = if b.policy == Policy::Both {
                SlotKind::Both
            } else {
                SlotKind::Quorum
            };
            if pending.epoch != b.epoch + 1
                || pending.epoch > MAX_EPOCH
                || pending.slot.kind != kind
                || !slot_ok(&pending.slot)
                || pending.created > MAX_TIME
            {
                return Err(corrupt(p, "has a malformed pending reshare"));
            }
        }
        let mut last = 0;
        for r in &b.retired {
            if r.epoch <= last || r.epoch >= b.epoch || r.at > MAX_TIME {
                return Err(corrupt(p, "has a malformed list of retired epochs"));
            }
            last = r.epoch;
        }
        let expect: &[SlotKind] = match b.policy {
            Policy::Either => &[SlotKind::Passphrase, SlotKind::Quorum],
            Policy::Both => &[SlotKind::Both],
            Policy::Quorum => &[SlotKind::Quorum],
        };
        if b.slots.iter().map(|s| s.kind).ne(expect.iter().copied()) {
            return Err(corrupt(p, "has slots that do not match its policy"));
        }
        if !b.slots.iter().all(slot_ok) {
            return Err(corrupt(p, "has a malformed slot"));
        }
        match (&b.kdf, b.policy) {
            (None, Policy::Quorum) => {}
            (Some(k), Policy::Either | Policy::Both) => {
                k.params().check().map_err(|m| {
                    Error::Corrupt(format!("vault {p}: {m}; the file may be forged: refuse it and restore a backup copy."))
                })?;
                if hex::decode_array::<32>(&k.salt).is_none() {
                    return Err(corrupt(p, "has a malformed KDF salt"));
                }
            }
            _ => return Err(corrupt(p, "has KDF settings that do not match its policy")),
        }
        let ct_len = hex::decode(&b.payload.ciphertext)
            .map(|c| c.len())
            .unwrap_or(0);
        if hex::decode_array::<24>(&b.payload.nonce).is_none()
            || ct_len < PAYLOAD_PAD + crypto::TAG_LEN
            || !(ct_len - crypto::TAG_LEN).is_multiple_of(PAYLOAD_PAD)
        {
            return Err(corrupt(p, "has a malformed payload"));
        }
        if !(MIN_DRILL_EVERY..=MAX_DRILL_EVERY).contains(&b.drill_every) {
            return Err(corrupt(p, "has a drill interval out of range"));
        }
        if b.created > MAX_TIME {
            return Err(corrupt(p, "has a creation time out of range"));
        }
        let vk = ed25519_dalek::VerifyingKey::from_bytes(&self.identity)
            .map_err(|_| corrupt(p, "has an invalid identity key"))?;
        let mut prev = [0u8; 32];
        for r in &b.receipts {
            let sig: Option<[u8; 64]> = hex::decode_array(&r.signature);
            let printable = |t: &str| !t.chars().any(char::is_control);
            let fields_ok = ["quorum", "passphrase", "both"].contains(&r.kind.as_str())
                && r.time <= MAX_TIME
                && r.custodians
                    .iter()
                    .all(|c| check_name(c, "custodian name").is_ok())
                && r.rejected.len() <= MAX_RECEIPT_REJECTED
                && r.rejected
                    .iter()
                    .all(|t| t.len() <= MAX_REJECTED_LEN && printable(t));
            let ok = fields_ok
                && hex::decode_array::<32>(&r.prev).is_some_and(|h| h == prev)
                && sig.is_some_and(|s| {
                    crypto::verify(&vk, format::RECEIPT_SIG_CONTEXT, &r.signed_bytes(), &s)
                })
                && r.epoch <= b.epoch;
            if !ok {
                return Err(corrupt(
                    p,
                    "has a drill receipt that fails its signature or chain",
                ));
            }
            prev = r.chain_hash();
        }
        Ok(())
    }

    /// `XXXX-XXXX`.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.identity)
    }

    /// Checks one share against this vault's current set alone: same vault, same epoch, a known
    /// index, and its commitment. Returns the custodian it belongs to.
    pub fn check_share(&self, source: &str, code: &ShareCode) -> Result<&Custodian> {
        self.check_in(Set::Current, source, code)
    }

    /// Checks one share against the pending (not yet confirmed) set of a reshare.
    pub fn check_pending_share(&self, source: &str, code: &ShareCode) -> Result<&Custodian> {
        self.check_in(Set::Pending, source, code)
    }

    fn set(&self, set: Set) -> Result<(u32, u8, &[Custodian])> {
        let b = &self.body;
        match set {
            Set::Current => Ok((b.epoch, b.threshold, &b.custodians[..])),
            Set::Pending => b
                .pending
                .as_ref()
                .map(|p| (p.epoch, p.threshold, &p.custodians[..]))
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "no reshare is pending on vault {}: there is nothing to confirm.",
                        self.path
                    ))
                }),
        }
    }

    fn check_in(&self, set: Set, source: &str, code: &ShareCode) -> Result<&Custodian> {
        if code.fingerprint != fingerprint_bytes(&self.identity) {
            let theirs = crate::words::base32_bytes(&code.fingerprint);
            return Err(Error::Shares(format!(
                "share {source} belongs to another vault ({}-{}), not to {} ({}): find the share made for this vault.",
                &theirs[..4],
                &theirs[4..8],
                self.path,
                self.fingerprint()
            )));
        }
        let (epoch, _, custodians) = self.set(set)?;
        let e = u32::from(code.epoch);
        if e != epoch {
            return Err(Error::Shares(self.epoch_message(set, source, e)));
        }
        let c = custodians.iter().find(|c| c.index == code.point.x).ok_or_else(|| {
            Error::Shares(format!(
                "share {source} has index {}, but vault {} has only {} custodians: it is not a share of this set.",
                code.point.x,
                self.path,
                custodians.len()
            ))
        })?;
        let want: [u8; 32] = hex::decode_array(&c.commitment)
            .ok_or_else(|| corrupt(&self.path, "has a malformed share commitment"))?;
        let got = crypto::share_commitment(&self.identity, epoch, code.point.x, &code.point.y);
        if !crypto::ct_eq(&want, &got) {
            return Err(Error::Shares(format!(
                "share {source} claims to be {}'s share ({} of {}) but does not match its commitment: it was altered or mistyped; compare it with the paper.",
                c.name,
                c.index,
                custodians.len()
            )));
        }
        Ok(c)
    }

    fn epoch_message(&self, set: Set, source: &str, e: u32) -> String {
        let b = &self.body;
        let p = &self.path;
        if set == Set::Current && b.pending.as_ref().is_some_and(|x| x.epoch == e) {
            format!(
                "share {source} is one of the new shares of a reshare not confirmed yet: until gsl-vault reshare {p} --confirm proves a quorum of them, the current shares open vault {p}."
            )
        } else if set == Set::Pending && e == b.epoch {
            format!(
                "share {source} is a current share, not one of the new pending ones: confirm with a quorum of the new shares."
            )
        } else if let Some(r) = b.retired.iter().find(|r| r.epoch == e) {
            format!(
                "share {source} is from epoch {e}, retired on {} when new shares were confirmed: it no longer opens vault {p}; use the custodian's new share.",
                date(r.at)
            )
        } else if e < b.epoch {
            format!(
                "share {source} is from an older epoch ({e}) than vault {p} (epoch {}): it was retired by a reshare; use a share of the current set.",
                b.epoch
            )
        } else {
            format!(
                "share {source} is from a newer epoch ({e}) than vault {p} (epoch {}): it belongs to a newer copy of this vault; use that copy.",
                b.epoch
            )
        }
    }

    /// Checks every offered share; combines a quorum of the valid ones; opens the quorum slot
    /// (with the passphrase too under policy `both`). Shares that fail are reported, never used.
    pub fn unlock_quorum(
        &self,
        offered: &[Offered],
        pass: Option<&Passphrase>,
    ) -> Result<QuorumOutcome> {
        self.unlock_set(Set::Current, offered, pass)
    }

    fn unlock_set(
        &self,
        set: Set,
        offered: &[Offered],
        pass: Option<&Passphrase>,
    ) -> Result<QuorumOutcome> {
        let (epoch, t, _) = self.set(set)?;
        let t = usize::from(t);
        let mut accepted: Vec<String> = Vec::new();
        let mut points: Vec<&Point> = Vec::new();
        let mut rejected = Vec::new();
        for o in offered {
            match self.check_in(set, &o.source, &o.code) {
                Ok(c) if points.iter().any(|p| p.x == o.code.point.x) => rejected.push(Rejected {
                    source: o.source.clone(),
                    reason: format!(
                        "share {} is {}'s share again (index {}): a share given twice counts once.",
                        o.source, c.name, c.index
                    ),
                }),
                Ok(c) => {
                    accepted.push(c.name.clone());
                    points.push(&o.code.point);
                }
                Err(e) => rejected.push(Rejected {
                    source: o.source.clone(),
                    reason: e.to_string(),
                }),
            }
        }
        if points.len() < t {
            let mut msg = format!(
                "{} valid share(s) of {} needed to open vault {}",
                points.len(),
                t,
                self.path
            );
            for r in &rejected {
                msg.push_str("; ");
                msg.push_str(r.reason.trim_end_matches('.'));
            }
            msg.push_str(": ask more custodians for their shares.");
            return Err(Error::Shares(msg));
        }
        let qk = shamir::combine(&points, t)?;
        let wrap: WrapKey = match self.body.policy {
            Policy::Both => {
                let pass = pass.ok_or_else(|| {
                    Error::Usage(format!(
                        "vault {} has policy both: the passphrase is needed with the shares; give --passphrase-file or run on a terminal.",
                        self.path
                    ))
                })?;
                let rec = self
                    .body
                    .kdf
                    .as_ref()
                    .ok_or_else(|| corrupt(&self.path, "lacks KDF settings"))?;
                crypto::both_key(&qk, &derive_pk(rec, pass)?)
            }
            _ => {
                let mut k = *qk.expose();
                WrapKey::from_bytes(&mut k)
            }
        };
        let kind = if self.body.policy == Policy::Both {
            SlotKind::Both
        } else {
            SlotKind::Quorum
        };
        let slot = match set {
            Set::Current => self.body.slots.iter().find(|s| s.kind == kind),
            Set::Pending => self.body.pending.as_ref().map(|p| &p.slot),
        };
        let vk = slot.and_then(|s| self.open_slot_at(s, epoch, &wrap)).ok_or_else(|| match kind {
            SlotKind::Both => Error::Unlock(format!(
                "the shares are valid but the passphrase is wrong for vault {}: try again, minding keyboard layout and caps lock.",
                self.path
            )),
            _ => corrupt(&self.path, "does not open with shares that match their commitments"),
        })?;
        Ok(QuorumOutcome {
            vk,
            qk: Some(qk),
            accepted,
            rejected,
        })
    }

    /// Opens the passphrase slot (policy `either`).
    pub fn unlock_passphrase(&self, pass: &Passphrase) -> Result<VaultKey> {
        if self.body.policy != Policy::Either {
            return Err(Error::Usage(format!(
                "vault {} has policy {}: the passphrase alone cannot open it; use shares (gsl-vault recover {} SHARE...).",
                self.path,
                self.body.policy.as_str(),
                self.path
            )));
        }
        let rec = self
            .body
            .kdf
            .as_ref()
            .ok_or_else(|| corrupt(&self.path, "lacks KDF settings"))?;
        let pk = derive_pk(rec, pass)?;
        let mut k = *pk.expose();
        self.open_slot(SlotKind::Passphrase, &WrapKey::from_bytes(&mut k)).ok_or_else(|| {
            Error::Unlock(format!(
                "wrong passphrase for vault {}: try again, minding keyboard layout and caps lock, or recover with a quorum of shares.",
                self.path
            ))
        })
    }

    fn open_slot(&self, kind: SlotKind, key: &WrapKey) -> Option<VaultKey> {
        let slot = self.body.slots.iter().find(|s| s.kind == kind)?;
        self.open_slot_at(slot, self.body.epoch, key)
    }

    fn open_slot_at(&self, slot: &Slot, epoch: u32, key: &WrapKey) -> Option<VaultKey> {
        let nonce: [u8; 24] = hex::decode_array(&slot.nonce)?;
        let ct = hex::decode(&slot.ciphertext)?;
        let aad = slot_aad(&self.identity, slot.kind, epoch, self.body.kdf.as_ref());
        let plain = crypto::open(key.expose(), &nonce, &ct, &aad)?;
        let mut k: [u8; 32] = plain.as_slice().try_into().ok()?;
        let vk = VaultKey::from_bytes(&mut k);
        // Key confirmation: the identity derived from VK must be the one the file is signed by.
        let derived = crypto::identity(&vk).verifying_key().to_bytes();
        crypto::ct_eq(&derived, &self.identity).then_some(vk)
    }

    /// Decrypts the master key.
    pub fn open_payload(&self, vk: &VaultKey) -> Result<MasterKey> {
        let bad = || corrupt(&self.path, "has a payload that does not decrypt");
        let nonce: [u8; 24] = hex::decode_array(&self.body.payload.nonce).ok_or_else(bad)?;
        let ct = hex::decode(&self.body.payload.ciphertext).ok_or_else(bad)?;
        let plain = crypto::open(
            &crypto::payload_key(vk),
            &nonce,
            &ct,
            &payload_aad(&self.identity),
        )
        .ok_or_else(bad)?;
        decode_payload(&plain, &self.path)
    }

    fn sign_and_serialize(&self, vk: &VaultKey) -> Vec<u8> {
        serialize(&self.body, &crypto::identity(vk))
    }

    /// The current quorum slot, kept as is by changes that do not touch the shares.
    fn quorum_slot(&self) -> Option<Slot> {
        self.body
            .slots
            .iter()
            .find(|s| s.kind == SlotKind::Quorum)
            .cloned()
    }

    /// The passphrase key and record of the current passphrase, re-derived (policy either/both).
    fn current_pk(&self, pass: &Passphrase) -> Result<(PassKey, KdfRecord)> {
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
    fn verify_passphrase_key(&self, pk: &PassKey, qk: Option<&QuorumKey>) -> Result<()> {
        let ok = match self.body.policy {
            Policy::Either => {
                let mut k = *pk.expose();
                self.open_slot(SlotKind::Passphrase, &WrapKey::from_bytes(&mut k))
                    .is_some()
            }
            Policy::Both => qk.is_some_and(|qk| {
                self.open_slot(SlotKind::Both, &crypto::both_key(qk, pk))
                    .is_some()
            }),
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

    /// Starts a reshare: a new share set (epoch + 1) for `names`, any `threshold` of which will
    /// open the vault once confirmed. Until then it is pending and the current shares keep
    /// working. Policy `both` needs the passphrase (`pass`) to wrap the new slot.
    pub fn reshare_begin(
        &mut self,
        vk: &VaultKey,
        threshold: usize,
        names: &[String],
        deliveries: &[String],
        pass: Option<&Passphrase>,
        now: u64,
    ) -> Result<(Vec<u8>, Vec<Issued>)> {
        if self.body.pending.is_some() {
            return Err(Error::Usage(format!(
                "a reshare is already pending on vault {}: confirm it (gsl-vault reshare {} --confirm SHARE...) or cancel it (--cancel) first.",
                self.path, self.path
            )));
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
                let pass = pass.ok_or_else(|| {
                    Error::Usage("policy both: the passphrase is needed to make the new shares; give --passphrase-file.".into())
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
        Ok((self.sign_and_serialize(vk), issued))
    }

    /// Confirms a pending reshare with a quorum of the new shares: they must open the vault
    /// themselves. Then the new set replaces the old one, whose epoch is recorded as retired.
    pub fn reshare_confirm(
        &mut self,
        offered: &[Offered],
        pass: Option<&Passphrase>,
        now: u64,
    ) -> Result<(Vec<u8>, QuorumOutcome)> {
        let out = self.unlock_set(Set::Pending, offered, pass)?;
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
        Ok((self.sign_and_serialize(&out.vk), out))
    }

    /// Drops a pending reshare; the current shares stay as they are.
    pub fn reshare_cancel(&mut self, vk: &VaultKey) -> Result<Vec<u8>> {
        if self.body.pending.take().is_none() {
            return Err(Error::Usage(format!(
                "no reshare is pending on vault {}: there is nothing to cancel.",
                self.path
            )));
        }
        Ok(self.sign_and_serialize(vk))
    }

    /// Sets a new passphrase (new salt, same costs unless `params` says otherwise). Policy
    /// `both` needs the quorum key too (its slot binds both).
    pub fn change_passphrase(
        &mut self,
        vk: &VaultKey,
        qk: Option<&QuorumKey>,
        new: &Passphrase,
        params: Option<KdfParams>,
    ) -> Result<Vec<u8>> {
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
        let rec = new_kdf_record(&params.unwrap_or(old.params()))?;
        rec.params()
            .check()
            .map_err(|m| Error::Usage(format!("{m}.")))?;
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
        Ok(self.sign_and_serialize(vk))
    }

    /// Replaces the master key (after changing it at the exchange); shares stay valid.
    pub fn set_secret(&mut self, vk: &VaultKey, master: &MasterKey) -> Result<Vec<u8>> {
        self.body.payload = seal_hex(
            &crypto::payload_key(vk),
            encode_payload(master).expose(),
            &payload_aad(&self.identity),
        )?;
        Ok(self.sign_and_serialize(vk))
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
    ) -> Result<Vec<u8>> {
        if self.body.pending.is_some() {
            return Err(Error::Usage(
                "confirm or cancel the pending reshare before changing the policy.".into(),
            ));
        }
        let pk = match (policy, pass) {
            (Policy::Quorum, _) => None,
            (_, None) => {
                return Err(Error::Usage(format!(
                    "policy {} needs a passphrase; give --passphrase-file.",
                    policy.as_str()
                )));
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
                    rec.params()
                        .check()
                        .map_err(|m| Error::Usage(format!("{m}.")))?;
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
        Ok(self.sign_and_serialize(vk))
    }

    /// Appends a signed, chained drill receipt and returns the new file bytes.
    pub fn with_receipt(
        &mut self,
        vk: &VaultKey,
        now: u64,
        kind: &str,
        custodians: Vec<String>,
        rejected: Vec<String>,
    ) -> Vec<u8> {
        let sk = crypto::identity(vk);
        let rejected: Vec<String> = rejected
            .into_iter()
            .take(MAX_RECEIPT_REJECTED)
            .map(|t| {
                let t: String = t.chars().filter(|c| !c.is_control()).collect();
                let mut end = t.len().min(MAX_REJECTED_LEN);
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                t[..end].to_string()
            })
            .collect();
        let now = now.min(MAX_TIME);
        let prev = self
            .body
            .receipts
            .last()
            .map(|r| r.chain_hash())
            .unwrap_or([0u8; 32]);
        let mut r = Receipt {
            time: now,
            kind: kind.to_string(),
            epoch: self.body.epoch,
            custodians,
            rejected,
            prev: hex::encode(&prev),
            signature: String::new(),
        };
        r.signature = hex::encode(&crypto::sign(
            &sk,
            format::RECEIPT_SIG_CONTEXT,
            &r.signed_bytes(),
        ));
        self.body.receipts.push(r);
        serialize(&self.body, &sk)
    }

    /// The last passing drill, if any, at the current epoch.
    pub fn last_drill(&self) -> Option<&Receipt> {
        self.body
            .receipts
            .iter()
            .rev()
            .find(|r| r.epoch == self.body.epoch)
    }

    /// When each current custodian's share last passed a drill (at the current epoch).
    pub fn ledger(&self) -> Vec<(&Custodian, Option<u64>)> {
        self.body
            .custodians
            .iter()
            .map(|c| {
                let last = self
                    .body
                    .receipts
                    .iter()
                    .rev()
                    .find(|r| r.epoch == self.body.epoch && r.custodians.contains(&c.name))
                    .map(|r| r.time);
                (c, last)
            })
            .collect()
    }

    /// Whether no drill has passed within the interval before `now`.
    pub fn drill_overdue(&self, now: u64) -> bool {
        match self.last_drill() {
            Some(r) => now.saturating_sub(r.time) > self.body.drill_every,
            None => true,
        }
    }
}
