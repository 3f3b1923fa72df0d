//! Shares against the vault: each checked on its own (same vault, same epoch, a known index, its
//! commitment), refused with a reason as data; then a quorum of the valid ones combined and the
//! quorum slot opened (with the passphrase too under policy `both`).

use crate::crypto;
use crate::error::{Error, Refusal, Result, Secret, Why};
use crate::fingerprint::Fingerprint;
use crate::format::{self, Custodian, FileKind, Policy, SlotKind};
use crate::hex;
use crate::secret::{Passphrase, QuorumKey, WrapKey};
use crate::shamir::{self, Point};
use crate::share::ShareCode;

use super::{Offered, QuorumOutcome, Vault, corrupt, derive_pk};

/// Which share set a share is checked against.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Set {
    /// The set that opens the vault now.
    Current,
    /// The new set of a reshare not yet confirmed.
    Pending,
}

impl Vault {
    /// A recovery copy must carry the tag of the quorum that opens it: a copy signed by anyone
    /// else (who once held an old vault key, say) is refused before its slot is opened, so its
    /// payload is never shown. A vault file has no tag (its pin protects it).
    /// Every valid share beyond the first `t` must give the same quorum key with `t - 1` of them:
    /// a file that claims a lower threshold than the shares' polynomial (forged by fewer than t
    /// custodians with an old vault key) is caught by the other custodians' shares.
    fn check_consistent(&self, points: &[&Point], t: usize, qk: &QuorumKey) -> Result<()> {
        for extra in &points[t.min(points.len())..] {
            let mut subset: Vec<&Point> = points[1..t].to_vec();
            subset.push(extra);
            let other = shamir::combine(&subset, t)?;
            if !crypto::ct_eq(other.expose(), qk.expose()) {
                return Err(Error::Corrupt(format!(
                    "the shares do not agree with the threshold of {} ({t}): the file was altered to need fewer shares than the custodians' shares were made for. Nothing was recovered: use the owner's vault file or another custodian's copy.",
                    self.path
                )));
            }
        }
        Ok(())
    }

    /// Whether this recovery copy carries the tag of the quorum key `qk`.
    pub fn tagged_by(&self, qk: &QuorumKey) -> bool {
        self.check_quorum_tag(qk).is_ok()
    }

    fn check_quorum_tag(&self, qk: &QuorumKey) -> Result<()> {
        if self.kind != FileKind::Copy {
            return Ok(());
        }
        let mut body = self.body.clone();
        let tag = body
            .quorum_tag
            .take()
            .and_then(|t| hex::decode_array::<32>(&t));
        let vouched = match tag {
            Some(t) => crypto::ct_eq(&t, &crypto::copy_tag(qk, &format::body_bytes(&body))),
            // Issued by the owner with the copy authority the quorum certified (its signature
            // was checked when the copy was read).
            None => self.authority_certified_by(qk),
        };
        if vouched {
            return Ok(());
        }
        Err(Error::Corrupt(format!(
            "the shares are valid, but the recovery copy {} was not issued by their quorum: it was forged (by someone who once held an old vault key) or altered. Nothing was recovered: use another custodian's copy, or the owner's vault file.",
            self.path
        )))
    }

    /// Checks one share against this vault's current set alone: same vault, same epoch, a known
    /// index, and its commitment. Returns the custodian it belongs to.
    ///
    /// # Errors
    /// `Refused` with the reason; `Corrupt` for a malformed commitment in the file.
    pub fn check_share(&self, source: &str, code: &ShareCode) -> Result<&Custodian> {
        self.check_in(Set::Current, source, code)
    }

    /// Checks one share against the pending (not yet confirmed) set of a reshare.
    ///
    /// # Errors
    /// As [`Vault::check_share`]; `Usage` when no reshare is pending.
    pub fn check_pending_share(&self, source: &str, code: &ShareCode) -> Result<&Custodian> {
        self.check_in(Set::Pending, source, code)
    }

    pub(super) fn set(&self, set: Set) -> Result<(u32, u8, &[Custodian])> {
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
        let refuse = |why: Why| Error::refused(source, why);
        if Fingerprint(code.fingerprint) != self.fingerprint() {
            return Err(refuse(Why::OtherVault {
                theirs: Fingerprint(code.fingerprint).to_string(),
                vault: self.path.clone(),
                ours: self.fingerprint().to_string(),
            }));
        }
        let (epoch, _, custodians) = self.set(set)?;
        let e = u32::from(code.epoch);
        if e != epoch {
            return Err(refuse(self.epoch_why(set, e)));
        }
        let c = custodians
            .iter()
            .find(|c| c.index == code.point.x)
            .ok_or_else(|| {
                refuse(Why::UnknownIndex {
                    index: code.point.x,
                    vault: self.path.clone(),
                    count: custodians.len(),
                })
            })?;
        let want: [u8; 32] = hex::decode_array(&c.commitment)
            .ok_or_else(|| corrupt(&self.path, "has a malformed share commitment"))?;
        let got = crypto::share_commitment(&self.name_key(), epoch, code.point.x, &code.point.y);
        if !crypto::ct_eq(&want, &got) {
            return Err(refuse(Why::Commitment {
                custodian: c.name.clone(),
                index: c.index,
                count: custodians.len(),
            }));
        }
        Ok(c)
    }

    /// Why a share of epoch `e` does not belong to `set`.
    fn epoch_why(&self, set: Set, e: u32) -> Why {
        let b = &self.body;
        let vault = self.path.clone();
        if set == Set::Current && b.pending.as_ref().is_some_and(|x| x.epoch == e) {
            Why::NotConfirmedYet { vault }
        } else if set == Set::Pending && e == b.epoch {
            Why::NotPending
        } else if let Some(c) = b.cancelled.iter().find(|c| c.epoch == e) {
            Why::Cancelled {
                epoch: e,
                at: c.at,
                vault,
            }
        } else if let Some(r) = b.retired.iter().find(|r| r.epoch == e) {
            Why::Retired {
                epoch: e,
                at: r.at,
                vault,
            }
        } else if e < b.epoch {
            Why::Older {
                epoch: e,
                vault,
                current: b.epoch,
            }
        } else {
            Why::Newer {
                epoch: e,
                vault,
                current: b.epoch,
            }
        }
    }

    /// Checks every offered share; combines a quorum of the valid ones; opens the quorum slot
    /// (with the passphrase too under policy `both`). Shares that fail are reported, never used.
    /// `refused` are shares already refused before they could be offered (unreadable files):
    /// they are reported with the others, and named if a quorum is missing.
    ///
    /// # Errors
    /// `TooFewShares` (with every refusal); `Needs` under policy `both` without `pass`;
    /// `Unlock` for a wrong passphrase; `Corrupt` when valid shares do not open the slot.
    pub fn unlock_quorum(
        &self,
        offered: &[Offered],
        refused: Vec<Refusal>,
        pass: Option<&Passphrase>,
    ) -> Result<QuorumOutcome> {
        self.unlock_set(Set::Current, offered, refused, pass)
    }

    /// Sorts offered shares into the accepted (distinct, valid) and the refused.
    fn sort_offered<'a>(
        &self,
        set: Set,
        offered: &'a [Offered],
        rejected: &mut Vec<Refusal>,
    ) -> Result<(Vec<String>, Vec<&'a Point>)> {
        let mut accepted: Vec<String> = Vec::new();
        let mut points: Vec<&Point> = Vec::new();
        for o in offered {
            match self.check_in(set, &o.source, &o.code) {
                Ok(c) if points.iter().any(|p| p.x == o.code.point.x) => {
                    rejected.push(Refusal::new(
                        &o.source,
                        Why::Twice {
                            custodian: c.name.clone(),
                            index: c.index,
                        },
                    ))
                }
                Ok(c) => {
                    accepted.push(c.name.clone());
                    points.push(&o.code.point);
                }
                Err(Error::Refused(r)) => rejected.push(*r),
                Err(e) => return Err(e),
            }
        }
        Ok((accepted, points))
    }

    pub(super) fn unlock_set(
        &self,
        set: Set,
        offered: &[Offered],
        refused: Vec<Refusal>,
        pass: Option<&Passphrase>,
    ) -> Result<QuorumOutcome> {
        let (epoch, t, _) = self.set(set)?;
        let t = usize::from(t);
        let mut rejected = Vec::new();
        let (accepted, points) = self.sort_offered(set, offered, &mut rejected)?;
        rejected.extend(refused);
        if points.len() < t {
            return Err(Error::TooFewShares {
                vault: self.path.clone(),
                have: points.len(),
                need: t,
                refused: rejected,
            });
        }
        let qk = shamir::combine(&points, t)?;
        self.check_consistent(&points, t, &qk)?;
        if self.version < 3 {
            // Version 3 copies carry no tag: the quorum slot's binding is their proof.
            self.check_quorum_tag(&qk)?;
        }
        let wrap: WrapKey = match self.body.policy {
            Policy::Both => {
                let pass = pass.ok_or(Error::Needs {
                    policy: Policy::Both,
                    secret: Secret::Passphrase,
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
        let vk = match slot {
            Some(s) => self.open_slot_at(s, epoch, &wrap)?,
            None => None,
        };
        let vk = vk.ok_or_else(|| match kind {
                SlotKind::Both => Error::Unlock(format!(
                    "the shares are valid but the passphrase is wrong for vault {}: try again, minding keyboard layout and caps lock.",
                    self.path
                )),
                _ => corrupt(
                    &self.path,
                    "does not open with shares that match their commitments",
                ),
            })?;
        Ok(QuorumOutcome {
            vk,
            qk: Some(qk),
            accepted,
            rejected,
        })
    }
}
