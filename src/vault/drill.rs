//! Drills: signed, hash-chained receipts of recoveries proven without revealing the key, and the
//! ledger `status` shows from them.

use crate::crypto;
use crate::format::{self, Custodian, Receipt};
use crate::hex;
use crate::secret::VaultKey;

use super::{MAX_RECEIPT_REJECTED, MAX_RECEIPTS, MAX_REJECTED_LEN, MAX_TIME, Vault};

/// A receipt dated more than a day after `now`: written by a machine whose clock was ahead.
fn in_future(r: &Receipt, now: u64) -> bool {
    r.time > now.saturating_add(86_400)
}

/// What a drill proved, as its receipt records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptKind {
    /// A quorum of shares opened the vault.
    Quorum,
    /// The passphrase opened it (policy `either`).
    Passphrase,
    /// A quorum and the passphrase together (policy `both`).
    Both,
}

impl ReceiptKind {
    /// The value stored in the receipt.
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptKind::Quorum => "quorum",
            ReceiptKind::Passphrase => "passphrase",
            ReceiptKind::Both => "both",
        }
    }

    /// The kind a stored value names, if any.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Quorum, Self::Passphrase, Self::Both]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

impl Vault {
    /// Appends a signed, chained drill receipt. `rejected` are the sentences of refused shares
    /// (at most [`MAX_RECEIPT_REJECTED`] are kept, each cut to [`MAX_REJECTED_LEN`] bytes).
    pub fn add_receipt(
        &mut self,
        vk: &VaultKey,
        now: u64,
        kind: ReceiptKind,
        custodians: Vec<String>,
        rejected: Vec<String>,
    ) {
        let Some(sk) = self.signing_key(vk) else {
            // Not this vault's key: nothing is signed (the write then fails on the signers).
            return;
        };
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
            kind: kind.as_str().to_string(),
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
        // The log is bounded, so no number of drills can fill the vault and block every later
        // write: the oldest receipts go (never a custodian's latest, unless hundreds of newer
        // ones followed), and the chain is signed again from the first one kept.
        if self.body.receipts.len() > MAX_RECEIPTS {
            // A batch at a time, so the chain is signed again once per 64 drills, not each.
            let excess = self.body.receipts.len() - (MAX_RECEIPTS - 64);
            self.body.receipts.drain(..excess);
            self.resign_receipts(vk);
        }
    }

    /// The last passing drill, if any, at the current epoch.
    ///
    /// Receipts dated more than a day after `now` do not count: one drill run with a wrong clock
    /// (set years ahead) must not silence `status --check` until that date.
    pub fn last_drill(&self, now: u64) -> Option<&Receipt> {
        self.body
            .receipts
            .iter()
            .rev()
            .find(|r| r.epoch == self.body.epoch && !in_future(r, now))
    }

    /// How many receipts are dated more than a day after `now` (a clock was wrong).
    pub fn future_receipts(&self, now: u64) -> usize {
        self.body
            .receipts
            .iter()
            .filter(|r| in_future(r, now))
            .count()
    }

    /// When each current custodian's share last passed a drill (at the current epoch), not
    /// counting receipts dated after `now` (see [`Vault::last_drill`]).
    pub fn ledger(&self, now: u64) -> Vec<(&Custodian, Option<u64>)> {
        self.body
            .custodians
            .iter()
            .map(|c| {
                let last = self
                    .body
                    .receipts
                    .iter()
                    .rev()
                    .find(|r| {
                        r.epoch == self.body.epoch
                            && r.custodians.contains(&c.name)
                            && !in_future(r, now)
                    })
                    .map(|r| r.time);
                (c, last)
            })
            .collect()
    }

    /// Whether no drill has passed within the interval before `now`.
    pub fn drill_overdue(&self, now: u64) -> bool {
        match self.last_drill(now) {
            Some(r) => now.saturating_sub(r.time) > self.body.drill_every,
            None => true,
        }
    }

    /// Signs every receipt again with a new vault key, oldest first, rebuilding the chain: after
    /// a rotation the history is vouched for by the new identity (which the old one handed the
    /// vault to, in the lineage).
    pub(super) fn resign_receipts(&mut self, vk: &VaultKey) {
        let Some(sk) = self.signing_key(vk) else {
            return;
        };
        let mut prev = [0u8; 32];
        for r in &mut self.body.receipts {
            r.prev = hex::encode(&prev);
            r.signature = String::new();
            r.signature = hex::encode(&crypto::sign(
                &sk,
                format::RECEIPT_SIG_CONTEXT,
                &r.signed_bytes(),
            ));
            prev = r.chain_hash();
        }
    }
}
