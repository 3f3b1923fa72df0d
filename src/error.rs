//! One error type for the whole crate. Variants carry data (which vault, which share, have and
//! need, which secret is missing), so a caller can act on them; the command line turns each into
//! its sentence with a recommendation and an exit code (rage's pattern). `Display` here gives
//! the library's own sentence, which names no command-line flag.
//!
//! No variant carries secret bytes: only names, paths, counts and dates.

use std::fmt;

use crate::costs::KdfBoundError;
use crate::policy::Policy;

/// What kind of failure an error is. The CLI maps each kind to one documented exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Wrong flags or values, or a secret needed and not given.
    Usage,
    /// I/O, an existing output, or anything that is neither the user's nor the vault's fault.
    Failure,
    /// Not enough valid shares, or a share that is bad, foreign, stale or given twice.
    Shares,
    /// A wrong passphrase, or a share that cannot be decrypted.
    Unlock,
    /// A vault file that is corrupt, tampered, of an unknown version or out of bounds.
    Corrupt,
}

/// Every way an operation can fail.
#[derive(Debug)]
pub enum Error {
    /// Wrong values; the sentence says which and what to use.
    Usage(String),
    /// An I/O failure on a named file.
    Io {
        /// The file.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A refused write: the target exists.
    Exists(String),
    /// Any other failure that is neither the user's nor the vault's fault.
    Other(String),
    /// A share text that does not decode (checksum, words, length), as a sentence.
    Shares(String),
    /// A wrong passphrase, as a sentence.
    Unlock(String),
    /// The vault file is corrupt, tampered, unknown or out of bounds, as a sentence.
    Corrupt(String),
    /// A share's words fail their checksum.
    Checksum {
        /// The share, as named to the user.
        share: String,
        /// The word (0-based) that one wrong word would explain, if exactly one does.
        suspect: Option<usize>,
        /// Else the first of two neighbouring words whose exchange would explain it, if one pair does.
        swapped: Option<usize>,
        /// Else whether the words, read across the rows of the kit's three-column table instead
        /// of down its columns, would pass (a reading the words' numbers rule out).
        by_rows: bool,
    },
    /// One share was refused.
    Refused(Box<Refusal>),
    /// Fewer valid shares than the threshold.
    TooFewShares {
        /// The vault, as named to the user.
        vault: String,
        /// Valid distinct shares offered.
        have: usize,
        /// Shares needed.
        need: usize,
        /// Every share refused, in the order offered.
        refused: Vec<Refusal>,
    },
    /// The operation needs a secret that was not given.
    Needs {
        /// The vault's policy, which says what is needed.
        policy: Policy,
        /// What is missing.
        secret: Secret,
    },
    /// A setting outside its bounds, found before any secret is asked for.
    OutOfBounds(Bound),
    /// A reshare is already pending, so a new one cannot start.
    ResharePending {
        /// The vault.
        vault: String,
    },
}

/// A secret an operation may need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secret {
    /// The vault passphrase.
    Passphrase,
    /// A quorum of shares.
    Quorum,
}

/// A setting outside its bounds.
#[derive(Debug)]
pub enum Bound {
    /// The drill interval (one day to ten years).
    DrillEvery,
    /// Argon2id costs.
    Kdf(KdfBoundError),
}

/// A share refused, where it came from, and why.
#[derive(Debug)]
pub struct Refusal {
    /// The file, "standard input", or the typed share it came from.
    pub source: String,
    /// The custodian it belongs to, when the file's name tells and the share itself cannot.
    pub custodian: Option<String>,
    /// Why it was refused.
    pub why: Why,
}

/// Why a share was refused.
#[derive(Debug)]
pub enum Why {
    /// The file could not be read.
    Unreadable(Error),
    /// The file is not text.
    NotText,
    /// The file is another gsl-vault file (what it is), not a share: a usage mistake.
    NotAShare(&'static str),
    /// The text is not a share (words, checksum, length); the sentence says which.
    Malformed(Error),
    /// An age-encrypted share that does not open.
    Undecryptable(AgeFailure),
    /// A share of another vault.
    OtherVault {
        /// The share's fingerprint (`XXXX-XXXX`).
        theirs: String,
        /// The vault.
        vault: String,
        /// The vault's fingerprint.
        ours: String,
    },
    /// A new share of a reshare not confirmed yet, offered as a current one.
    NotConfirmedYet {
        /// The vault.
        vault: String,
    },
    /// A current share offered as one of a pending reshare's new shares.
    NotPending,
    /// A share of an epoch retired by a confirmed reshare.
    Retired {
        /// The share's epoch.
        epoch: u32,
        /// When it was retired, Unix seconds.
        at: u64,
        /// The vault.
        vault: String,
    },
    /// A share of a reshare cancelled before it was confirmed.
    Cancelled {
        /// The share's epoch.
        epoch: u32,
        /// When the reshare was cancelled, Unix seconds.
        at: u64,
        /// The vault.
        vault: String,
    },
    /// A share of an older epoch than the vault's (a vault file from before its reshare).
    Older {
        /// The share's epoch.
        epoch: u32,
        /// The vault.
        vault: String,
        /// The vault's epoch.
        current: u32,
    },
    /// A share of a newer epoch than the vault's (an older copy of the vault file).
    Newer {
        /// The share's epoch.
        epoch: u32,
        /// The vault.
        vault: String,
        /// The vault's epoch.
        current: u32,
    },
    /// An index no custodian of the set has.
    UnknownIndex {
        /// The share's index.
        index: u8,
        /// The vault.
        vault: String,
        /// Custodians in the set.
        count: usize,
    },
    /// The share does not match its custodian's commitment.
    Commitment {
        /// Whose share it claims to be.
        custodian: String,
        /// Its index.
        index: u8,
        /// Custodians in the set.
        count: usize,
    },
    /// A share given twice.
    Twice {
        /// Whose share it is.
        custodian: String,
        /// Its index.
        index: u8,
    },
}

/// Why an age-encrypted share did not open.
#[derive(Debug)]
pub enum AgeFailure {
    /// Not a readable age file (what age said).
    NotAge(String),
    /// The file asks for more scrypt work than gsl-vault allows (log2 of each).
    ExcessiveWork {
        /// What the file asks.
        required: u8,
        /// The cap.
        cap: u8,
    },
    /// A passphrase-protected share that no known passphrase opens.
    WrongPassphrase,
    /// An X25519-encrypted share that no identity given opens.
    NoIdentity,
    /// The ciphertext is damaged (what age said).
    Damaged(String),
    /// It decrypts to more than a share.
    TooLarge,
}

impl AgeFailure {
    /// `Unlock` when a key is what is missing or wrong; `Shares` when the file holds too much.
    pub fn kind(&self) -> Kind {
        match self {
            AgeFailure::TooLarge => Kind::Shares,
            _ => Kind::Unlock,
        }
    }
}

impl std::fmt::Display for AgeFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgeFailure::NotAge(e) => write!(
                f,
                "is not a readable age file ({e}): check that it is the file you were given."
            ),
            AgeFailure::ExcessiveWork { required, cap } => write!(
                f,
                "asks for scrypt work 2^{required}, over gsl-vault's cap of 2^{cap}: it was not made by gsl-vault; ask its custodian to decrypt it with the age CLI."
            ),
            AgeFailure::WrongPassphrase => f.write_str(
                "does not open with the share passphrase given: ask its custodian to type their own passphrase.",
            ),
            AgeFailure::NoIdentity => f.write_str(
                "does not open with the identities given (-i): give the custodian's age identity file.",
            ),
            AgeFailure::Damaged(e) => write!(f, "failed to decrypt ({e}): the file is damaged."),
            AgeFailure::TooLarge => f.write_str("holds more than a share."),
        }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> Kind {
        match self {
            Error::Usage(_) | Error::Needs { .. } | Error::OutOfBounds(_) => Kind::Usage,
            Error::ResharePending { .. } => Kind::Usage,
            Error::Io { .. } | Error::Exists(_) | Error::Other(_) => Kind::Failure,
            Error::Shares(_) | Error::Checksum { .. } => Kind::Shares,
            Error::Refused(r) => r.kind(),
            Error::TooFewShares { refused, .. } => {
                // Not enough shares because one could not be decrypted: a key is what is
                // missing, so it is an unlock failure, as documented.
                if refused.iter().any(|r| r.kind() == Kind::Unlock) {
                    Kind::Unlock
                } else if refused.iter().any(|r| r.kind() == Kind::Usage) {
                    Kind::Usage
                } else {
                    Kind::Shares
                }
            }
            Error::Unlock(_) => Kind::Unlock,
            Error::Corrupt(_) => Kind::Corrupt,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl fmt::Display, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_string(),
            source,
        }
    }

    /// A refusal of the share from `source`.
    pub fn refused(source: &str, why: Why) -> Self {
        Error::Refused(Box::new(Refusal::new(source, why)))
    }
}

impl Refusal {
    /// A refusal with no custodian named.
    pub fn new(source: &str, why: Why) -> Self {
        Refusal {
            source: source.to_string(),
            custodian: None,
            why,
        }
    }

    /// `Unlock` for a share that does not decrypt, `Shares` for any other.
    pub fn kind(&self) -> Kind {
        match &self.why {
            Why::Undecryptable(a) => a.kind(),
            Why::NotAShare(_) => Kind::Usage,
            // A path that is not a regular file (a FIFO, a device, a folder) is a usage error
            // (exit 2, README), as wherever else a file is named.
            Why::Unreadable(e) if e.kind() == Kind::Usage => Kind::Usage,
            _ => Kind::Shares,
        }
    }

    /// "share F (custodian N)", as a refusal sentence starts.
    pub fn subject(&self) -> String {
        match &self.custodian {
            Some(name) => format!("share {} (custodian {name})", self.source),
            None => format!("share {}", self.source),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.subject();
        match &self.why {
            Why::Unreadable(e) => write!(f, "share {e}"),
            Why::NotText => write!(
                f,
                "{s} is not text: check that it is the share file you were given."
            ),
            Why::Malformed(e) => write!(f, "{e}"),
            Why::NotAShare(what) => write!(
                f,
                "{s} is {what}, not a share: name the vault file first and the share files after it (gsl-vault check-share VAULT SHARE...)."
            ),
            Why::Undecryptable(a) => write!(f, "{s} {a}"),
            Why::OtherVault {
                theirs,
                vault,
                ours,
            } => write!(
                f,
                "{s} belongs to another vault ({theirs}), not to {vault} ({ours}): find the share made for this vault."
            ),
            Why::NotConfirmedYet { vault } => write!(
                f,
                "{s} is one of the new shares of a reshare not confirmed yet: until a quorum of them confirms the reshare, the current shares open vault {vault}."
            ),
            Why::NotPending => write!(
                f,
                "{s} is a current share, not one of the new pending ones: confirm with a quorum of the new shares."
            ),
            Why::Retired { epoch, at, vault } => write!(
                f,
                "{s} is from epoch {epoch}, retired on {} when new shares were confirmed: it no longer opens vault {vault}; if you are still a custodian, use the new share the owner gave you, and if not, destroy this one.",
                crate::dates::date(*at)
            ),
            Why::Cancelled { epoch, at, vault } => write!(
                f,
                "{s} is from a reshare (epoch {epoch}) cancelled on {} before it was confirmed: it never opened vault {vault}; destroy it.",
                crate::dates::date(*at)
            ),
            Why::Older {
                epoch,
                vault,
                current,
            } => write!(
                f,
                "{s} is from an older epoch ({epoch}) than vault {vault} (epoch {current}): it was retired by a reshare; use a share of the current set."
            ),
            Why::Newer {
                epoch,
                vault,
                current,
            } => write!(
                f,
                "{s} is from a newer epoch ({epoch}) than vault {vault} (epoch {current}): it belongs to a newer copy of this vault; use that copy."
            ),
            Why::UnknownIndex {
                index,
                vault,
                count,
            } => write!(
                f,
                "{s} has index {index}, but vault {vault} has only {count} custodians: it is not a share of this set."
            ),
            Why::Commitment {
                custodian,
                index,
                count,
            } => write!(
                f,
                "{s} claims to be {custodian}'s share ({index} of {count}) but does not match its commitment: it was altered or mistyped; compare it with the paper."
            ),
            Why::Twice { custodian, index } => write!(
                f,
                "{s} is {custodian}'s share again (index {index}): a share given twice counts once."
            ),
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::DrillEvery => {
                f.write_str("the drill interval must be between 1 day and 10 years")
            }
            Bound::Kdf(k) => write!(f, "{k}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m)
            | Error::Other(m)
            | Error::Shares(m)
            | Error::Unlock(m)
            | Error::Corrupt(m) => f.write_str(m),
            Error::Exists(p) => write!(f, "{p} already exists."),
            Error::Io { path, source } => {
                // Advice that fits the error (issue 28, item 8): a full disk is not a
                // permission problem.
                use std::io::ErrorKind as K;
                let advice = match source.kind() {
                    K::StorageFull | K::QuotaExceeded => {
                        "the disk is full: free some space, then run the command again"
                    }
                    K::ReadOnlyFilesystem => {
                        "that file system is read-only: choose a writable folder, or remount it"
                    }
                    K::PermissionDenied => "check its permissions",
                    K::NotFound => "check the path",
                    K::IsADirectory | K::NotADirectory => "check the path",
                    K::Interrupted | K::TimedOut | K::WouldBlock => "run the command again",
                    _ if source.raw_os_error() == Some(5) => {
                        "the disk or its file system reported an error (EIO): check the disk, then run the command again"
                    }
                    _ => "check the path and its permissions",
                };
                write!(f, "{path}: {source}; {advice}.")
            }
            Error::Checksum {
                share,
                suspect: Some(p),
                ..
            } => write!(
                f,
                "share {share} fails its checksum: word {} is most likely wrong; compare it with the paper (nothing is corrected automatically).",
                p + 1
            ),
            Error::Checksum {
                share,
                suspect: None,
                swapped: Some(i),
                ..
            } => write!(
                f,
                "share {share} fails its checksum: words {} and {} look swapped (in that order the checksum holds); compare them with the paper (nothing is corrected automatically).",
                i + 1,
                i + 2
            ),
            Error::Checksum {
                share,
                suspect: None,
                swapped: None,
                by_rows: true,
            } => write!(
                f,
                "share {share} fails its checksum: its words look read across the rows of the kit's table, but they run down each column (1 to 12, then 13 to 24, then 25 to 36); type them in the order of their numbers (nothing is reordered automatically)."
            ),
            Error::Checksum {
                share,
                suspect: None,
                swapped: None,
                by_rows: false,
            } => write!(
                f,
                "share {share} fails its checksum: two or more words are wrong or swapped; compare every word with the paper."
            ),
            Error::Refused(r) => write!(f, "{r}"),
            Error::TooFewShares {
                vault, have, need, ..
            } => write!(
                f,
                "{have} valid share(s) of {need} needed to open vault {vault}."
            ),
            Error::Needs { policy, secret } => write!(
                f,
                "policy {} needs {}.",
                policy.as_str(),
                match secret {
                    Secret::Passphrase => "the passphrase",
                    Secret::Quorum => "a quorum of shares",
                }
            ),
            Error::OutOfBounds(b) => write!(f, "{b}."),
            Error::ResharePending { vault } => write!(
                f,
                "a reshare is already pending on vault {vault}: confirm or cancel it first."
            ),
        }
    }
}

impl std::error::Error for Error {}
