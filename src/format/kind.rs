//! The two kinds of signed file: the owner's vault file and a recovery copy. Each has its own
//! first line and signature domain, so neither can be passed off as the other.

use super::{COPY_MAGIC_FAMILY, COPY_SIG_CONTEXT, FILE_SIG_CONTEXT, MAGIC_FAMILY};

/// What a signed file is: a vault file, or a recovery copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// The owner's vault file.
    Vault,
    /// A recovery copy (no passphrase slot, no receipts).
    Copy,
}

impl FileKind {
    pub(super) fn magic_family(self) -> &'static str {
        match self {
            FileKind::Vault => MAGIC_FAMILY,
            FileKind::Copy => COPY_MAGIC_FAMILY,
        }
    }

    pub(super) fn context(self) -> &'static [u8] {
        match self {
            FileKind::Vault => FILE_SIG_CONTEXT,
            FileKind::Copy => COPY_SIG_CONTEXT,
        }
    }

    /// "vault" or "recovery copy", for messages.
    pub fn noun(self) -> &'static str {
        match self {
            FileKind::Vault => "vault",
            FileKind::Copy => "recovery copy",
        }
    }
}
