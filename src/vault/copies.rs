//! Which recovery copies are current: the vault records the generation of the copy last issued
//! to each custodian, and the generation from which copies are current (raised when what a copy
//! recovers changes: the master key, or the policy). Staleness is told, not prevented: an old
//! copy still recovers what the vault held when it was issued.

use crate::format::IssuedCopy;

use super::Vault;

/// A custodian whose recovery copy is not current.
pub struct StaleCopy {
    /// The custodian.
    pub custodian: String,
    /// The generation of the copy they hold, if one was ever issued to them.
    pub issued: Option<u64>,
}

impl Vault {
    /// Records that every custodian in `names` gets a recovery copy of the generation this
    /// vault is written at next.
    pub fn record_copies_issued(&mut self, names: &[String]) {
        let generation = self.generation() + 1;
        for name in names {
            self.body.copies_issued.retain(|c| &c.custodian != name);
            self.body.copies_issued.push(IssuedCopy {
                custodian: name.clone(),
                generation,
            });
        }
        // Only names of the current or pending set are kept: the record stays bounded.
        let known: Vec<String> = self
            .body
            .custodians
            .iter()
            .chain(self.body.pending.iter().flat_map(|p| p.custodians.iter()))
            .map(|c| c.name.clone())
            .collect();
        self.body
            .copies_issued
            .retain(|c| known.contains(&c.custodian));
    }

    /// Makes every copy issued so far stale: what a copy recovers changes with the next write.
    pub(super) fn mark_copies_changed(&mut self) {
        self.body.copies_from = Some(self.generation() + 1);
    }

    /// The current custodians whose recovery copy is stale, or who never got one.
    pub fn stale_copies(&self) -> Vec<StaleCopy> {
        let from = self.body.copies_from.unwrap_or(0);
        self.body
            .custodians
            .iter()
            .filter_map(|c| {
                let issued = self
                    .body
                    .copies_issued
                    .iter()
                    .find(|i| i.custodian == c.name)
                    .map(|i| i.generation);
                match issued {
                    Some(g) if g >= from => None,
                    _ => Some(StaleCopy {
                        custodian: c.name.clone(),
                        issued,
                    }),
                }
            })
            .collect()
    }
}
