//! gsl-vault: an offline vault for an exchange's Global Settings Lock (GSL) master key.
//!
//! The master key is sealed under a random vault key (VK). VK is wrapped by an Argon2id key
//! derived from the owner's passphrase, and by a quorum key (QK) split into Shamir shares for
//! custodians. A drill proves recovery without revealing the key. FORMAT.md is the normative
//! description of the files; SECURITY.md the threat model.
#![deny(unsafe_code)]
#![warn(missing_docs)]

/// `eprintln!` that never panics: a closed stderr or a broken pipe must not end in exit 101.
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

pub mod copy;
pub mod costs;
pub mod crypto;
pub mod custodian;
pub mod dates;
pub mod error;
pub mod fingerprint;
pub mod format;
pub mod fsio;
#[doc(hidden)]
pub mod fuzzing;
pub mod hex;
pub mod hygiene;
pub mod intake;
pub mod kdf;
pub mod kdfmem;
pub mod kit;
pub mod page;
pub mod policy;
pub mod proof;
pub mod qrimage;
pub mod secret;
pub mod shamir;
pub mod share;
pub mod strength;
pub mod totp;
pub mod vault;
pub mod words;
pub mod xwing;
