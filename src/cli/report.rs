//! From a library error to what the user reads: the sentence, with what to do next where the
//! command line knows it (a flag, a command), and the documented exit code (README.md, "Exit
//! codes"). The library's errors carry data; only this file turns them into CLI sentences.

use gsl_vault::error::{Bound, Error, Kind, Refusal, Secret, Why};

/// The exit codes of the CLI contract. Scripts rely on them.
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
    /// 7: `status --check`: a custodian's recovery copy is stale (or was never issued).
    StaleCopies = 7,
    /// 8: `status --check --every-share`: a custodian's share was neither drilled nor proved
    /// within the drill interval.
    UnprovedShare = 8,
    /// 9: the command did what it said, but a folder it wrote into could not be synced to
    /// disk afterwards: the change is in force and may not survive a power cut.
    NotDurable = 9,
}

/// The exit code of a kind of failure.
pub fn exit_of(kind: Kind) -> Exit {
    match kind {
        Kind::Usage => Exit::Usage,
        Kind::Failure => Exit::Failure,
        Kind::Shares => Exit::Shares,
        Kind::Unlock => Exit::Unlock,
        Kind::Corrupt => Exit::Corrupt,
    }
}

/// Prints `gsl-vault: SENTENCE` on stderr and returns the exit code.
pub fn fail(e: &Error) -> Exit {
    errln!("gsl-vault: {}", sentence(e));
    exit_of(e.kind())
}

/// A sentence as a clause inside a longer one (without its full stop).
fn clause(s: &str) -> &str {
    s.strip_suffix('.').unwrap_or(s)
}

/// The sentence for a refused share.
pub fn refusal(r: &Refusal) -> String {
    match &r.why {
        Why::NotConfirmedYet { vault } => format!(
            "{} is one of the new shares of a reshare not confirmed yet: until gsl-vault reshare {vault} --confirm proves a quorum of them, the current shares open vault {vault}.",
            r.subject()
        ),
        _ => r.to_string(),
    }
}

/// The sentence for any error, with its recommendation.
pub fn sentence(e: &Error) -> String {
    match e {
        Error::Refused(r) => refusal(r),
        Error::TooFewShares {
            vault,
            have,
            need,
            refused,
        } => {
            let mut s = format!("{have} valid share(s) of {need} needed to open vault {vault}");
            for r in refused {
                s.push_str("; ");
                s.push_str(clause(&refusal(r)));
            }
            s.push_str(": ask more custodians for their shares.");
            s
        }
        Error::Needs {
            policy,
            secret: Secret::Passphrase,
        } => format!(
            "policy {} needs the passphrase: give --passphrase-file or run on a terminal.",
            policy.as_str()
        ),
        Error::Needs {
            policy,
            secret: Secret::Quorum,
        } => format!(
            "policy {} needs a quorum of shares: name the share files, or run on a terminal to type them.",
            policy.as_str()
        ),
        Error::OutOfBounds(Bound::DrillEvery) => {
            "--drill-every must be between 1 day and 10 years (for example 90d, 180d, 1y).".into()
        }
        Error::OutOfBounds(Bound::Kdf(k)) => {
            format!("{k}: choose other --kdf-memory, --kdf-iterations or --kdf-parallelism values.")
        }
        Error::ResharePending { vault } => format!(
            "a reshare is already pending on vault {vault}: confirm it (gsl-vault reshare {vault} --confirm SHARE...) or cancel it (--cancel) first."
        ),
        Error::Exists(p) => {
            format!("{p} already exists: choose another path, or pass --force to replace it.")
        }
        e => e.to_string(),
    }
}
