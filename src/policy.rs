//! Who may open a vault: the passphrase alone or a quorum alone, both together, or a quorum
//! only. A leaf: every layer names it, it depends on none.

use serde::{Deserialize, Serialize};

/// Who may open the vault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// The passphrase alone, or a quorum alone.
    Either,
    /// A quorum and the passphrase together.
    Both,
    /// A quorum only; there is no passphrase slot.
    Quorum,
}

impl Policy {
    /// The policy's name as written in the file and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Either => "either",
            Policy::Both => "both",
            Policy::Quorum => "quorum",
        }
    }
}
