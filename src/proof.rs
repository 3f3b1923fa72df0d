//! Remote share proofs: a custodian proves from home that their share still exists and is
//! correct, without it leaving their hands (FORMAT.md, "Share proofs").
//!
//! Each share has a proof key, an Ed25519 key derived from the share alone
//! ([`crate::crypto::proof_seed`]); its public half is stored in the vault for that custodian.
//! A proof is a signature by it over the share's vault fingerprint, epoch, index and a time,
//! written as two short lines of text that survive an e-mail or a chat. It reveals nothing
//! about the share: the signing key is a one-way function of y, and the text holds only public
//! fields and the signature.

use ed25519_dalek::SigningKey;

use crate::crypto;
use crate::dates::{MAX_TIME, datetime};
use crate::fingerprint::Fingerprint;
use crate::share::ShareCode;
use crate::words;

/// The signature domain of a share proof.
pub const PROOF_CONTEXT: &[u8] = b"gsl-vault/v2 share proof";
/// How a proof starts, in any case.
pub const PROOF_PREFIX: &str = "gsl-vault proof v1:";
/// Base32 characters of a signature (64 bytes).
const SIGNATURE_CHARS: usize = 103;
/// A proof text is short; anything longer is not read.
pub const MAX_PROOF_TEXT: usize = 64 * 1024;

/// A remote share proof, as parsed (its signature not checked yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// The vault's fingerprint (first 40 bits), from the share.
    pub fingerprint: [u8; 5],
    /// The share's epoch.
    pub epoch: u32,
    /// The share's index (its custodian's).
    pub index: u8,
    /// The custodian's name as the prover knew it (not signed: checked against the index).
    pub custodian: Option<String>,
    /// When the proof was made, Unix seconds.
    pub at: u64,
    /// Ed25519 by the share's proof key over [`statement`].
    pub signature: [u8; 64],
}

/// The signed statement: fingerprint ‖ epoch_be32 ‖ x ‖ at_be64 (18 bytes), signed as
/// `H("gsl-vault/v2 share proof", statement)`.
pub fn statement(fingerprint: &[u8; 5], epoch: u32, index: u8, at: u64) -> [u8; 18] {
    let mut s = [0u8; 18];
    s[..5].copy_from_slice(fingerprint);
    s[5..9].copy_from_slice(&epoch.to_be_bytes());
    s[9] = index;
    s[10..].copy_from_slice(&at.to_be_bytes());
    s
}

/// The public half of a share's proof key (stored in the vault for its custodian).
pub fn proof_public(code: &ShareCode) -> [u8; 32] {
    proof_key(code).verifying_key().to_bytes()
}

fn proof_key(code: &ShareCode) -> SigningKey {
    let seed = crypto::proof_seed(
        &code.fingerprint,
        u32::from(code.epoch),
        code.point.x,
        &code.point.y,
    );
    SigningKey::from_bytes(&seed)
}

/// A proof that the holder of `code` has it at time `at`.
pub fn prove(code: &ShareCode, custodian: Option<&str>, at: u64) -> Proof {
    let epoch = u32::from(code.epoch);
    let msg = statement(&code.fingerprint, epoch, code.point.x, at);
    Proof {
        fingerprint: code.fingerprint,
        epoch,
        index: code.point.x,
        custodian: custodian.map(str::to_string),
        at,
        signature: crypto::sign(&proof_key(code), PROOF_CONTEXT, &msg),
    }
}

impl Proof {
    /// Whether the signature is by `public` (strict Ed25519).
    pub fn signed_by(&self, public: &[u8; 32]) -> bool {
        let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(public) else {
            return false;
        };
        let msg = statement(&self.fingerprint, self.epoch, self.index, self.at);
        crypto::verify(&key, PROOF_CONTEXT, &msg, &self.signature)
    }

    /// The proof as two lines of text (the second holds the signature).
    pub fn to_text(&self) -> String {
        let who = self
            .custodian
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        format!(
            "{PROOF_PREFIX} vault {} epoch {} share {}{who} {}\nsignature: {}\n",
            Fingerprint(self.fingerprint),
            self.epoch,
            self.index,
            datetime(self.at),
            words::base32_bytes(&self.signature)
        )
    }

    /// The same on one line (the ledger's form).
    pub fn to_line(&self) -> String {
        self.to_text().trim_end().replace('\n', " ")
    }
}

/// Every proof in `text` (an e-mail, a chat message, a file, the ledger), in order: each one
/// parsed, or why it could not be. Text before, between and after proofs is ignored, and so
/// are e-mail quote marks (`>`) and line breaks inside a proof.
pub fn parse_all(text: &str) -> Vec<Result<Proof, String>> {
    let text = &text[..floor_char_boundary(text, MAX_PROOF_TEXT)];
    let flat: String = text
        .lines()
        .map(|l| l.trim_start_matches(|c: char| c == '>' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ");
    let lower = flat.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices(PROOF_PREFIX).map(|(i, _)| i).collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let end = starts.get(k + 1).copied().unwrap_or(flat.len());
            parse_one(&flat[i + PROOF_PREFIX.len()..end])
        })
        .collect()
}

fn floor_char_boundary(s: &str, at: usize) -> usize {
    (0..=at.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

/// `vault XXXX-XXXX epoch E share X [(NAME)] TIME signature: BASE32`
fn parse_one(rest: &str) -> Result<Proof, String> {
    let bad =
        |what: &str| format!("the proof {what}: ask the custodian to send it again, copied whole");
    let all: Vec<&str> = rest.split_whitespace().collect();
    if !all.first().is_some_and(|w| w.eq_ignore_ascii_case("vault")) {
        return Err(bad("lacks \"vault\""));
    }
    let rest = &all[1..];
    let fp = rest
        .first()
        .and_then(|f| Fingerprint::parse(f))
        .ok_or_else(|| bad("has a malformed vault fingerprint"))?;
    let num = |i: usize, word: &str| -> Result<u64, String> {
        if !rest.get(i).is_some_and(|w| w.eq_ignore_ascii_case(word)) {
            return Err(bad(&format!("lacks \"{word}\"")));
        }
        rest.get(i + 1)
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| bad(&format!("has a malformed {word} number")))
    };
    let epoch = u32::try_from(num(1, "epoch")?)
        .ok()
        .filter(|e| (1..=65_535).contains(e))
        .ok_or_else(|| bad("has an epoch out of range"))?;
    let index = u8::try_from(num(3, "share")?)
        .ok()
        .filter(|&x| x > 0)
        .ok_or_else(|| bad("has a share index out of range"))?;
    let (custodian, next) = name_at(rest, 5).map_err(bad)?;
    let at = rest
        .get(next)
        .and_then(|d| humantime::parse_rfc3339(&d.to_ascii_uppercase()).ok())
        .and_then(|d| d.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .filter(|&s| s <= MAX_TIME)
        .ok_or_else(|| bad("has a malformed date (YYYY-MM-DDTHH:MM:SSZ)"))?;
    if !rest
        .get(next + 1)
        .is_some_and(|w| w.eq_ignore_ascii_case("signature:"))
    {
        return Err(bad("lacks its signature"));
    }
    // 64 bytes are 103 base32 characters, perhaps broken over lines; what follows is not read.
    let mut sig = String::new();
    for w in rest.get(next + 2..).unwrap_or_default() {
        if sig.len() >= SIGNATURE_CHARS {
            break;
        }
        // Punctuation a mail or chat adds around it ("...CQ.") is not part of it.
        sig.extend(w.chars().filter(char::is_ascii_alphanumeric));
    }
    sig.truncate(SIGNATURE_CHARS);
    let signature: [u8; 64] = words::base32_decode(&sig)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("has a signature that is cut short or altered"))?;
    Ok(Proof {
        fingerprint: fp.0,
        epoch,
        index,
        custodian,
        at,
        signature,
    })
}

/// An optional `(NAME)` (which may hold spaces) at `i`: the name and the index after it.
fn name_at(rest: &[&str], i: usize) -> Result<(Option<String>, usize), &'static str> {
    if !rest.get(i).is_some_and(|w| w.starts_with('(')) {
        return Ok((None, i));
    }
    // A name has at most 64 characters, so at most 32 words.
    let close = (i..rest.len().min(i + 40))
        .find(|&j| rest[j].ends_with(')'))
        .ok_or("has a custodian name without its closing parenthesis")?;
    let joined = rest[i..=close].join(" ");
    let name = joined[1..joined.len() - 1].to_string();
    // Unsigned text from a mail: only a name a vault could hold is read (no escape codes).
    if crate::vault::check_name(&name, "custodian name").is_err() {
        return Err("has a custodian name no vault can hold");
    }
    Ok((Some(name), close + 1))
}
