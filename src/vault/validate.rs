//! What a vault may hold: names, custodian lists, new share sets, and every field behind the
//! signature of a parsed file. A file that fails is corrupt (or forged); a new set or spec that
//! fails is a usage error.

use crate::crypto;
use crate::custodian::DeliveryKind;
use crate::error::{Bound, Error, Result};
use crate::format::{self, Custodian, FileKind, Policy, Slot, SlotKind};
use crate::fsio::shown_text;
use crate::hex;
use crate::shamir;

use super::names::{check_name, check_new_name, look_alike_names};
use super::{
    MAX_DRILL_EVERY, MAX_EPOCH, MAX_RECEIPT_REJECTED, MAX_REJECTED_LEN, MAX_TIME, MIN_DRILL_EVERY,
    PAYLOAD_PAD, Spec, Vault, corrupt,
};

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
        return Err(corrupt(
            p,
            &format!("names the custodian \"{}\" twice", shown_text(n)),
        ));
    }
    let n = custodians.len();
    if shamir::check_threshold(usize::from(threshold), n).is_err() {
        return Err(corrupt(
            p,
            &format!("asks for a threshold of {threshold} with {n} custodians"),
        ));
    }
    for (i, c) in custodians.iter().enumerate() {
        check_name(&c.name, "custodian name").map_err(|m| corrupt(p, &m.to_string()))?;
        if usize::from(c.index) != i + 1 {
            return Err(corrupt(p, "lists custodians out of index order"));
        }
        if DeliveryKind::parse(&c.delivery).is_none() {
            return Err(corrupt(
                p,
                &format!(
                    "has an unknown delivery \"{}\"",
                    crate::fsio::shown_text(&c.delivery)
                ),
            ));
        }
        if hex::decode_array::<32>(&c.commitment).is_none() {
            return Err(corrupt(p, "has a malformed share commitment"));
        }
        let key_ok = |k: &String| {
            hex::decode_array::<32>(k)
                .is_some_and(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).is_ok())
        };
        if !c.proof_key.as_ref().is_none_or(key_ok) {
            return Err(corrupt(p, "has a malformed share proof key"));
        }
    }
    Ok(())
}

/// Checks a new share set: threshold, names (valid, distinct ignoring case), deliveries.
pub fn check_new_set(
    threshold: usize,
    names: &[String],
    deliveries: &[DeliveryKind],
) -> Result<()> {
    shamir::check_threshold(threshold, names.len())?;
    for name in names {
        check_new_name(name, "custodian name")?;
    }
    if let Some(name) = repeated_name(names.iter().map(String::as_str)) {
        return Err(Error::Usage(format!(
            "the custodian name \"{}\" is given twice: every custodian needs a distinct name.",
            shown_text(name)
        )));
    }
    if let Some((a, b)) = look_alike_names(names) {
        return Err(Error::Usage(format!(
            "the custodian names \"{}\" and \"{}\" look alike on paper (Unicode's confusable characters): give every custodian a name that reads differently.",
            shown_text(a),
            shown_text(b)
        )));
    }
    if !deliveries.is_empty() && deliveries.len() != names.len() {
        return Err(Error::Usage(
            "every custodian needs one known delivery.".into(),
        ));
    }
    Ok(())
}

/// Checks a spec before any secret is asked for: threshold, names, drill interval, KDF costs.
pub fn check_spec(spec: &Spec) -> Result<()> {
    check_new_set(spec.threshold, &spec.custodians, &spec.deliveries)?;
    check_new_name(&spec.label, "label")?;
    if !(MIN_DRILL_EVERY..=MAX_DRILL_EVERY).contains(&spec.drill_every) {
        return Err(Error::OutOfBounds(Bound::DrillEvery));
    }
    Ok(())
}

/// A slot's nonce and ciphertext (VK and its tag) have their lengths; a sealed slot has both a
/// recipient and an ephemeral key.
fn slot_ok(s: &Slot) -> bool {
    let key = |k: &Option<String>| k.as_deref().map(hex::decode_array::<32>);
    let sealed_ok = match (key(&s.recipient), key(&s.ephemeral)) {
        (None, None) => true,
        (Some(r), Some(e)) => r.is_some() && e.is_some(),
        _ => false,
    };
    sealed_ok
        && hex::decode_array::<24>(&s.nonce).is_some()
        && hex::decode_array::<48>(&s.ciphertext).is_some()
}

/// A version 3 slot: a valid signer; in a vault file its sealed seed and its recipient (whose
/// hash is `recipient_hash`), in a copy neither; the binding, the X-Wing ciphertext, the nonce
/// and VK's box at their lengths.
fn v3_slot_ok(s: &Slot, copy: bool) -> bool {
    let len = |h: &Option<String>, n: usize| {
        h.as_deref()
            .and_then(hex::decode)
            .is_some_and(|b| b.len() == n)
    };
    let signer_ok = s
        .signer
        .as_deref()
        .and_then(hex::decode_array::<32>)
        .and_then(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).ok())
        .is_some_and(|k| !k.is_weak());
    let seed_ok = match &s.signer_seed {
        Some(seed) => {
            !copy
                && hex::decode_array::<24>(&seed.nonce).is_some()
                && hex::decode(&seed.ciphertext).is_some_and(|c| c.len() == 48)
        }
        None => copy,
    };
    let recipient_ok = match s.recipient.as_deref().map(hex::decode) {
        Some(Some(r)) => {
            !copy
                && r.len() == crypto::XWING_RECIPIENT_LEN
                && s.recipient_hash
                    .as_deref()
                    .and_then(hex::decode_array::<32>)
                    == Some(crypto::recipient_hash(&r))
        }
        Some(None) => false,
        None => copy,
    };
    s.ephemeral.is_none()
        && signer_ok
        && seed_ok
        && recipient_ok
        && len(&s.recipient_hash, 32)
        && len(&s.binding, 32)
        && len(&s.encapsulation, crypto::XWING_ENCAPSULATION_LEN)
        && hex::decode_array::<24>(&s.nonce).is_some()
        && hex::decode_array::<48>(&s.ciphertext).is_some()
}

/// A version 1 or 2 slot holds none of version 3's fields.
fn v2_slot_ok(s: &Slot) -> bool {
    s.signer.is_none()
        && s.signer_seed.is_none()
        && s.recipient_hash.is_none()
        && s.binding.is_none()
        && s.encapsulation.is_none()
        && slot_ok(s)
}

/// Both identities of a rotation signed its statement.
fn rotation_signed(r: &crate::format::Rotation) -> bool {
    let key = |h: &str| {
        hex::decode_array::<32>(h).and_then(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).ok())
    };
    let sig = |h: &str| hex::decode_array::<64>(h);
    let (Some(from), Some(to)) = (key(&r.from), key(&r.to)) else {
        return false;
    };
    let statement =
        crypto::rotation_statement(&from.to_bytes(), &to.to_bytes(), r.at, r.generation);
    let ok = |k: &ed25519_dalek::VerifyingKey, s: &str| {
        sig(s).is_some_and(|s| crypto::verify(k, format::ROTATION_SIG_CONTEXT, &statement, &s))
    };
    ok(&from, &r.from_signature) && ok(&to, &r.to_signature)
}

impl Vault {
    /// A slot of the form this file's version writes.
    fn slot_form_ok(&self, s: &Slot) -> bool {
        if self.version >= 3 {
            v3_slot_ok(s, self.kind == FileKind::Copy)
        } else {
            v2_slot_ok(s)
        }
    }

    pub(super) fn validate(&self) -> Result<()> {
        let b = &self.body;
        let p = self.path.as_str();
        check_custodians(p, b.threshold, &b.custodians)?;
        check_name(&b.label, "label").map_err(|m| corrupt(p, &m.to_string()))?;
        if b.epoch == 0 || b.epoch > MAX_EPOCH {
            return Err(corrupt(p, "has an epoch out of range"));
        }
        self.validate_reshares()?;
        let copy = self.kind == FileKind::Copy;
        let expect: &[SlotKind] = match b.policy {
            // A recovery copy never holds the passphrase slot: a custodian must gain no
            // offline attack on the owner's passphrase.
            Policy::Either if copy => &[SlotKind::Quorum],
            Policy::Either => &[SlotKind::Passphrase, SlotKind::Quorum],
            Policy::Both => &[SlotKind::Both],
            Policy::Quorum => &[SlotKind::Quorum],
        };
        if b.slots.iter().map(|s| s.kind).ne(expect.iter().copied()) {
            return Err(corrupt(p, "has slots that do not match its policy"));
        }
        if !b.slots.iter().all(|s| self.slot_form_ok(s)) {
            return Err(corrupt(p, "has a malformed slot"));
        }
        match (&b.kdf, b.policy) {
            (None, Policy::Quorum) => {}
            (None, Policy::Either) if copy => {}
            (Some(_), Policy::Either) if copy => {
                return Err(corrupt(
                    p,
                    "holds KDF settings a recovery copy must not hold",
                ));
            }
            (Some(k), Policy::Either | Policy::Both) => {
                k.params().map_err(|m| {
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
        // Entry names known, each once, in payload order.
        let positions: Option<Vec<usize>> = b
            .entries
            .iter()
            .map(|e| super::entries::ENTRY_NAMES.iter().position(|n| n == e))
            .collect();
        if !positions.is_some_and(|p| p.windows(2).all(|w| w[0] < w[1])) {
            return Err(corrupt(p, "names entries gsl-vault does not know"));
        }
        if self.version < 3 && b.entries.iter().any(|e| e == super::entries::SIGN_IN_TOTP) {
            return Err(corrupt(p, "holds version 3 fields under an older header"));
        }
        if !(MIN_DRILL_EVERY..=MAX_DRILL_EVERY).contains(&b.drill_every) {
            return Err(corrupt(p, "has a drill interval out of range"));
        }
        if b.created > MAX_TIME {
            return Err(corrupt(p, "has a creation time out of range"));
        }
        self.validate_receipts()?;
        self.validate_lineage()
    }

    /// The fields of a vault file and of a recovery copy are not mixed: a copy has its issue
    /// date and quorum tag, and no receipts, pending reshare or records of issued copies.
    fn validate_kind_fields(&self, generation: u64) -> Result<()> {
        let b = &self.body;
        let p = self.path.as_str();
        let copy = self.kind == FileKind::Copy;
        let records_ok = b.copies_issued.len() <= 2 * 255
            && b.copies_from.is_none_or(|g| g <= generation)
            && b.copies_issued.iter().all(|c| {
                c.generation <= generation && check_name(&c.custodian, "custodian name").is_ok()
            });
        let no_signature = b.authority_signature.is_none();
        let tag_ok = match (&b.quorum_tag, &b.copy_authority) {
            (Some(t), None) => copy && no_signature && hex::decode_array::<32>(t).is_some(),
            (None, Some(a)) if copy => {
                a.seed.is_none()
                    && b.policy == crate::format::Policy::Either
                    && super::authority::authority_signature_valid(b)
            }
            (None, Some(a)) => no_signature && authority_record_ok(a, b.policy),
            (None, None) => !copy && no_signature,
            (Some(_), Some(_)) => false,
        };
        if copy != b.issued.is_some()
            || !tag_ok
            || b.issued.is_some_and(|t| t > MAX_TIME)
            || (copy
                && (!b.receipts.is_empty()
                    || b.pending.is_some()
                    || b.copies_from.is_some()
                    || !b.copies_issued.is_empty()))
            || !records_ok
        {
            return Err(corrupt(
                p,
                "mixes the fields of a vault and of a recovery copy",
            ));
        }
        Ok(())
    }

    /// Version 1 files have none of version 2's fields; version 2 files have an origin and a
    /// generation, and a lineage of rotations from the origin to the current identity, each
    /// signed by both identities.
    fn validate_lineage(&self) -> Result<()> {
        let b = &self.body;
        let p = self.path.as_str();
        let sealed = |s: &Slot| s.recipient.is_some() || s.ephemeral.is_some();
        let any_sealed =
            b.slots.iter().any(sealed) || b.pending.as_ref().is_some_and(|x| sealed(&x.slot));
        if self.version == 1 {
            let v2_fields = b.origin.is_some()
                || b.generation.is_some()
                || !b.lineage.is_empty()
                || any_sealed
                || b.issued.is_some()
                || b.quorum_tag.is_some()
                || b.copy_authority.is_some()
                || b.authority_signature.is_some()
                || b.copies_from.is_some()
                || !b.copies_issued.is_empty()
                || !b.cancelled.is_empty()
                || !b.entries.is_empty()
                || b.master.is_some()
                || b.custodians.iter().any(|c| c.proof_key.is_some())
                || b.pending
                    .as_ref()
                    .is_some_and(|p| p.custodians.iter().any(|c| c.proof_key.is_some()));
            if v2_fields {
                return Err(corrupt(
                    p,
                    "holds version 2 fields under a version 1 header",
                ));
            }
            return Ok(());
        }
        if self.version >= 3 {
            return self.validate_v3();
        }
        if b.master.is_some() {
            return Err(corrupt(
                p,
                "holds version 3 fields under a version 2 header",
            ));
        }
        let (Some(origin), Some(generation)) = (&b.origin, b.generation) else {
            return Err(corrupt(p, "lacks its origin or generation"));
        };
        if generation > super::MAX_GENERATION {
            return Err(corrupt(p, "has a generation out of range"));
        }
        self.validate_kind_fields(generation)?;
        let origin: [u8; 32] =
            hex::decode_array(origin).ok_or_else(|| corrupt(p, "has a malformed origin"))?;
        if b.lineage.len() > super::rotate::MAX_LINEAGE {
            return Err(corrupt(p, "records more rotations than gsl-vault reads"));
        }
        let mut at = origin;
        let mut last_generation = 0;
        for r in &b.lineage {
            let ok = hex::decode_array::<32>(&r.from).is_some_and(|f| f == at)
                && r.at <= MAX_TIME
                && r.generation > last_generation
                && r.generation <= generation
                && rotation_signed(r);
            if !ok {
                return Err(corrupt(
                    p,
                    "has a rotation that fails its signatures or chain",
                ));
            }
            at = hex::decode_array::<32>(&r.to).unwrap_or_default();
            last_generation = r.generation;
        }
        if at != self.identity {
            return Err(corrupt(
                p,
                "has a lineage that does not end at its identity",
            ));
        }
        Ok(())
    }

    /// Version 3: an origin and a generation; none of version 2's history or copy proofs (the
    /// slots' bindings replace them); a copy holds its issue date and nothing of the vault's
    /// records; the master key's kind, if any, within its bounds.
    fn validate_v3(&self) -> Result<()> {
        let b = &self.body;
        let p = self.path.as_str();
        let (Some(origin), Some(generation)) = (&b.origin, b.generation) else {
            return Err(corrupt(p, "lacks its origin or generation"));
        };
        if hex::decode_array::<32>(origin).is_none() {
            return Err(corrupt(p, "has a malformed origin"));
        }
        if generation > super::MAX_GENERATION {
            return Err(corrupt(p, "has a generation out of range"));
        }
        if !b.lineage.is_empty()
            || b.quorum_tag.is_some()
            || b.copy_authority.is_some()
            || b.authority_signature.is_some()
        {
            return Err(corrupt(
                p,
                "holds version 2 fields under a version 3 header",
            ));
        }
        let copy = self.kind == FileKind::Copy;
        let records_ok = b.copies_issued.len() <= 2 * 255
            && b.copies_from.is_none_or(|g| g <= generation)
            && b.copies_issued.iter().all(|c| {
                c.generation <= generation && check_name(&c.custodian, "custodian name").is_ok()
            });
        let copy_clean = !copy
            || (b.receipts.is_empty()
                && b.pending.is_none()
                && b.retired.is_empty()
                && b.cancelled.is_empty()
                && b.copies_from.is_none()
                && b.copies_issued.is_empty());
        if copy != b.issued.is_some()
            || b.issued.is_some_and(|t| t > MAX_TIME)
            || !copy_clean
            || !records_ok
        {
            return Err(corrupt(
                p,
                "mixes the fields of a vault and of a recovery copy",
            ));
        }
        if let Some(m) = &b.master {
            let ok = m.kind == "totp"
                && (6..=8).contains(&m.digits)
                && ["SHA1", "SHA256", "SHA512"].contains(&m.algorithm.as_str())
                && (1..=300).contains(&m.period);
            if !ok {
                return Err(corrupt(
                    p,
                    "names a master key kind gsl-vault does not know",
                ));
            }
        }
        Ok(())
    }

    /// The pending reshare (if any) and the retired epochs.
    fn validate_reshares(&self) -> Result<()> {
        let b = &self.body;
        let p = self.path.as_str();
        if let Some(pending) = &b.pending {
            check_custodians(p, pending.threshold, &pending.custodians)?;
            let kind = if b.policy == Policy::Both {
                SlotKind::Both
            } else {
                SlotKind::Quorum
            };
            if pending.epoch != self.next_epoch()
                || pending.epoch > MAX_EPOCH
                || pending.slot.kind != kind
                || !self.slot_form_ok(&pending.slot)
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
        let mut last = 0;
        for c in &b.cancelled {
            let reused = c.epoch == b.epoch || b.retired.iter().any(|r| r.epoch == c.epoch);
            if c.epoch <= last || c.epoch > MAX_EPOCH || reused || c.at > MAX_TIME {
                return Err(corrupt(p, "has a malformed list of cancelled reshares"));
            }
            last = c.epoch;
        }
        if b.cancelled.len() > super::lifecycle::MAX_CANCELLED {
            return Err(corrupt(p, "has a malformed list of cancelled reshares"));
        }
        Ok(())
    }

    /// Every receipt: its fields, its place in the hash chain, and the vault identity's
    /// signature.
    fn validate_receipts(&self) -> Result<()> {
        let b = &self.body;
        let p = self.path.as_str();
        let vk = ed25519_dalek::VerifyingKey::from_bytes(&self.identity)
            .map_err(|_| corrupt(p, "has an invalid identity key"))?;
        let mut prev = [0u8; 32];
        for r in &b.receipts {
            let sig: Option<[u8; 64]> = hex::decode_array(&r.signature);
            let printable = |t: &str| !t.chars().any(char::is_control);
            let fields_ok = super::ReceiptKind::parse(&r.kind).is_some()
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
}

/// A vault file's copy authority: a valid Ed25519 public key, a 32-byte certificate, and its seed
/// sealed (24-byte nonce, 32 bytes and a tag), under policy `either` only.
fn authority_record_ok(a: &crate::format::CopyAuthority, policy: crate::format::Policy) -> bool {
    let key_ok = hex::decode_array::<32>(&a.public)
        .is_some_and(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).is_ok());
    let seed_ok = a.seed.as_ref().is_some_and(|s| {
        hex::decode_array::<24>(&s.nonce).is_some()
            && hex::decode(&s.ciphertext).is_some_and(|c| c.len() == 48)
    });
    policy == crate::format::Policy::Either
        && key_ok
        && hex::decode_array::<32>(&a.certificate).is_some()
        && seed_ok
}
