//! Remote share proofs against the vault (FORMAT.md, "Share proofs"): which custodian a proof
//! is for, and whether it holds (this vault, the current epoch, a known custodian with a proof
//! key, a date neither in the future nor older than the window, a valid signature); and the
//! proof keys a drill learns from shares issued before proof keys existed.

use std::fmt;

use crate::dates::{date, datetime};
use crate::fingerprint::Fingerprint;
use crate::format::Custodian;
use crate::hex;
use crate::proof::{self, Proof};

use super::{Offered, Vault};

/// How far in the future a proof may be dated (clocks differ a little).
pub const CLOCK_SKEW: u64 = 5 * 60;

/// Why a proof is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum ProofWhy {
    /// A proof of another vault's share.
    OtherVault {
        /// The proof's vault fingerprint.
        theirs: String,
        /// This vault's.
        ours: String,
    },
    /// A share of an epoch retired by a confirmed reshare.
    Retired {
        /// The proof's epoch.
        epoch: u32,
        /// When it was retired.
        at: u64,
    },
    /// A share of another epoch than the vault's current one (not retired: older or newer file).
    OtherEpoch {
        /// The proof's epoch.
        epoch: u32,
        /// The vault's.
        current: u32,
    },
    /// An index or a name the vault's current custodians do not have.
    UnknownCustodian {
        /// The proof's share index.
        index: u8,
        /// The name the proof gives, if any.
        name: Option<String>,
    },
    /// The custodian has no proof key yet (shares issued before proof keys existed).
    NoKey {
        /// Whose.
        custodian: String,
    },
    /// A share of the reshare still pending (it counts once the reshare is confirmed).
    Pending {
        /// The pending epoch.
        epoch: u32,
    },
    /// Dated after now (beyond the clock skew allowed).
    Future {
        /// The proof's date.
        at: u64,
    },
    /// Dated before the window.
    TooOld {
        /// The proof's date.
        at: u64,
        /// The window, in days.
        window_days: u64,
    },
    /// The signature is not by the custodian's proof key.
    BadSignature {
        /// Whose key it should be.
        custodian: String,
    },
}

impl fmt::Display for ProofWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProofWhy::OtherVault { theirs, ours } => write!(
                f,
                "is a proof for another vault ({theirs}), not this one ({ours})"
            ),
            ProofWhy::Retired { epoch, at } => write!(
                f,
                "is for a share of epoch {epoch}, retired on {}: it proves nothing about the current shares",
                date(*at)
            ),
            ProofWhy::OtherEpoch { epoch, current } => write!(
                f,
                "is for a share of epoch {epoch}, but the vault's shares are of epoch {current}"
            ),
            ProofWhy::UnknownCustodian { index, name } => match name {
                Some(n) => write!(
                    f,
                    "is for custodian \"{}\" (share {index}), whom this vault's current share set does not have under that index",
                    crate::fsio::shown_text(n)
                ),
                None => write!(
                    f,
                    "is for share {index}, which no custodian of this vault holds"
                ),
            },
            ProofWhy::Pending { epoch } => write!(
                f,
                "is for a new share of the reshare still pending (epoch {epoch}): once the reshare is confirmed, ask for it again"
            ),
            ProofWhy::NoKey { custodian } => write!(
                f,
                "is for {custodian}, whose share has no proof key in the vault yet (it was issued before proof keys existed): run a drill with that share, or reshare"
            ),
            ProofWhy::Future { at } => write!(
                f,
                "is dated {}, in the future: the custodian's clock is wrong, or the date was altered",
                datetime(*at)
            ),
            ProofWhy::TooOld { at, window_days } => write!(
                f,
                "is dated {}, older than the {window_days}-day window: ask for a fresh one",
                datetime(*at)
            ),
            ProofWhy::BadSignature { custodian } => write!(
                f,
                "fails its signature check: it was altered, or not made with {custodian}'s share"
            ),
        }
    }
}

/// Names compared as people see them: case and runs of spaces ignored.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

impl Vault {
    /// Checks a proof against this vault's current share set at time `now`, accepting dates
    /// from `now - window` to `now + CLOCK_SKEW`. Returns the custodian it proves.
    ///
    /// # Errors
    /// Why the proof is refused.
    pub fn check_proof(&self, p: &Proof, now: u64, window: u64) -> Result<&Custodian, ProofWhy> {
        let b = &self.body;
        let ours = self.fingerprint();
        if Fingerprint(p.fingerprint) != ours {
            let theirs = Fingerprint(p.fingerprint).to_string();
            return Err(ProofWhy::OtherVault {
                theirs,
                ours: ours.to_string(),
            });
        }
        if p.epoch != b.epoch {
            if b.pending.as_ref().is_some_and(|x| x.epoch == p.epoch) {
                return Err(ProofWhy::Pending { epoch: p.epoch });
            }
            return Err(match b.retired.iter().find(|r| r.epoch == p.epoch) {
                Some(r) => ProofWhy::Retired {
                    epoch: p.epoch,
                    at: r.at,
                },
                None => ProofWhy::OtherEpoch {
                    epoch: p.epoch,
                    current: b.epoch,
                },
            });
        }
        let c = b
            .custodians
            .iter()
            .find(|c| c.index == p.index)
            .filter(|c| p.custodian.as_deref().is_none_or(|n| same_name(n, &c.name)))
            .ok_or_else(|| ProofWhy::UnknownCustodian {
                index: p.index,
                name: p.custodian.clone(),
            })?;
        let key = c
            .proof_key
            .as_deref()
            .and_then(hex::decode_array::<32>)
            .ok_or_else(|| ProofWhy::NoKey {
                custodian: c.name.clone(),
            })?;
        if !p.signed_by(&key) {
            return Err(ProofWhy::BadSignature {
                custodian: c.name.clone(),
            });
        }
        if p.at > now.saturating_add(CLOCK_SKEW) {
            return Err(ProofWhy::Future { at: p.at });
        }
        if p.at < now.saturating_sub(window) {
            return Err(ProofWhy::TooOld {
                at: p.at,
                window_days: window / 86_400,
            });
        }
        Ok(c)
    }

    /// For each current custodian, the date of the newest valid proof among `proofs` that is
    /// not dated in the future. Each proof is checked once.
    pub fn last_proved(&self, proofs: &[Proof], now: u64) -> Vec<Option<u64>> {
        let mut newest = std::collections::HashMap::new();
        for p in proofs {
            if let Ok(c) = self.check_proof(p, now, u64::MAX) {
                let at = newest.entry(c.index).or_insert(p.at);
                *at = (*at).max(p.at);
            }
        }
        self.body
            .custodians
            .iter()
            .map(|c| newest.get(&c.index).copied())
            .collect()
    }

    /// The proof keys of offered shares that match their commitments in the current set and
    /// whose custodians have none yet: (index, public key).
    pub fn proof_keys_of(&self, offered: &[Offered]) -> Vec<(u8, [u8; 32])> {
        offered
            .iter()
            .filter(|o| {
                self.check_share(&o.source, &o.code)
                    .is_ok_and(|c| c.proof_key.is_none())
            })
            .map(|o| (o.code.point.x, proof::proof_public(&o.code)))
            .collect()
    }

    /// Records proof keys (from [`Vault::proof_keys_of`]); returns the custodians updated.
    /// Written with the next write of the file (which a drill makes).
    pub fn set_proof_keys(&mut self, keys: &[(u8, [u8; 32])]) -> Vec<String> {
        let mut named = Vec::new();
        for (index, key) in keys {
            if let Some(c) = self
                .body
                .custodians
                .iter_mut()
                .find(|c| c.index == *index && c.proof_key.is_none())
            {
                c.proof_key = Some(hex::encode(key));
                named.push(c.name.clone());
            }
        }
        named
    }
}
