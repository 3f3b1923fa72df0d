//! One error type for the whole crate, each variant mapped to one documented exit code.
//!
//! Messages are full sentences: what happened, to which file or share, what to do next. They
//! never contain a secret: no variant carries secret bytes, only names, paths and counts.

use std::fmt;

/// The exit codes of the CLI contract (README.md, "Exit codes"). Scripts rely on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Ok = 0,
    /// 1: any other failure (I/O, ...).
    Failure = 1,
    /// 2: usage: bad flags, or a secret needed with no terminal and no file.
    Usage = 2,
    /// 3: not enough valid shares, or a share that is bad, foreign, stale or given twice.
    Shares = 3,
    /// 4: wrong passphrase, or a share that cannot be decrypted.
    Unlock = 4,
    /// 5: vault file corrupt, tampered, of an unknown version or asking KDF costs over the cap.
    Corrupt = 5,
    /// 6: `status --check`: the drill is overdue.
    Overdue = 6,
}

/// Every way an operation can fail, with the sentence the user sees.
#[derive(Debug)]
pub enum Error {
    /// Wrong flags or values; the message says which and what to use.
    Usage(String),
    /// An I/O failure on a named file.
    Io {
        /// The file.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A refused write because the target exists and `--force` was not given.
    Exists(String),
    /// Any other failure that is neither the user's nor the vault's fault.
    Other(String),
    /// A share is bad, foreign, stale, duplicated, or there are not enough of them.
    Shares(String),
    /// The passphrase is wrong, or a share file cannot be decrypted.
    Unlock(String),
    /// The vault file is corrupt, tampered, unknown or out of bounds.
    Corrupt(String),
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The exit code the CLI returns for this error.
    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage(_) => Exit::Usage,
            Error::Io { .. } | Error::Exists(_) | Error::Other(_) => Exit::Failure,
            Error::Shares(_) => Exit::Shares,
            Error::Unlock(_) => Exit::Unlock,
            Error::Corrupt(_) => Exit::Corrupt,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl fmt::Display, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_string(),
            source,
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
            Error::Exists(p) => write!(
                f,
                "{p} already exists: choose another path, or pass --force to replace it."
            ),
            Error::Io { path, source } => {
                write!(f, "{path}: {source}; check the path and its permissions.")
            }
        }
    }
}

impl std::error::Error for Error {}
