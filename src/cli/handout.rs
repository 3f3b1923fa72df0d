//! Share files left on the owner's computer (issue 28, item 3). `init` and `reshare` write
//! every share into one folder; until they are handed out and deleted, anyone with this
//! computer holds a quorum. `status` warns while a quorum of the current (or pending) set sits
//! in a folder gsl-vault wrote shares into, and `gsl-vault handed-out` wipes and deletes the
//! files of custodians who have theirs.

use std::path::{Path, PathBuf};

use serde_json::json;

use gsl_vault::error::{Error, Result};
use gsl_vault::fsio;
use gsl_vault::vault::Vault;

use super::args::HandedOutArgs;
use super::load::Vaults;
use super::report::Exit;

/// A share file of this vault's current or pending set found on this computer, and its kit.
pub struct Local {
    /// The custodian it belongs to.
    pub custodian: String,
    /// Its Shamir index.
    pub index: u8,
    /// Whether it belongs to the pending set of a reshare (else the current set).
    pub pending: bool,
    /// The share file.
    pub share: PathBuf,
    /// The printable kit beside it (`NAME.html`), which holds the same words.
    pub kit: Option<PathBuf>,
}

/// The state file listing the folders shares of this vault were written into.
fn folders_file(v: &Vault) -> Option<PathBuf> {
    let seen = super::state::file_of(v)?;
    let name = seen
        .file_name()?
        .to_str()?
        .replacen("seen-", "share-folders-", 1);
    Some(seen.with_file_name(name))
}

/// Remembers that shares of `v` were written into `dir`, so that `status` looks there.
/// Best effort, as the rest of the state (a folder name is not a secret).
pub fn record_folder(v: &Vault, dir: &Path) {
    let Some(file) = folders_file(v) else { return };
    let Ok(dir) = std::fs::canonicalize(dir) else {
        return;
    };
    let Some(line) = dir.to_str() else { return };
    let mut known = recorded(v);
    if known.iter().any(|d| d == &dir) {
        return;
    }
    known.push(dir.clone());
    // The newest 32 folders are enough.
    let keep = known.len().saturating_sub(32);
    let text: String = known[keep..]
        .iter()
        .filter_map(|d| d.to_str())
        .map(|d| format!("{d}\n"))
        .collect();
    debug_assert!(text.contains(line));
    if let Some(parent) = file.parent()
        && fsio::create_private_dir(parent).is_ok()
    {
        let _ = fsio::write_atomic(&file, text.as_bytes(), true);
    }
}

fn recorded(v: &Vault) -> Vec<PathBuf> {
    let Some(file) = folders_file(v) else {
        return Vec::new();
    };
    let Ok(bytes) = fsio::read_capped(&file, 64 * 1024, "state file") else {
        return Vec::new();
    };
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| !l.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// The folders looked in: the vault's own (init's default), `shares-epoch-N` beside it
/// (reshare's default) and every folder this machine wrote shares of this vault into.
/// Each folder as it is shown (relative to the vault's path as given, where it can be), with
/// its canonical path (to look in each folder once).
fn folders(vault: &Path, v: &Vault) -> Vec<(PathBuf, PathBuf)> {
    let beside = vault.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut out: Vec<(PathBuf, PathBuf)> = Vec::new();
    let epochs = std::iter::once(v.body.epoch).chain(v.body.pending.as_ref().map(|p| p.epoch));
    let candidates = std::iter::once(beside.clone())
        .chain(epochs.map(|e| beside.join(format!("shares-epoch-{e}"))))
        .chain(recorded(v));
    for d in candidates {
        let real = if d.as_os_str().is_empty() {
            std::fs::canonicalize(".")
        } else {
            std::fs::canonicalize(&d)
        };
        if let Ok(c) = real
            && c.is_dir()
            && !out.iter().any(|(_, known)| known == &c)
        {
            // A recorded folder is shown relative to the vault's folder when it is inside it.
            let shown = match std::fs::canonicalize(if beside.as_os_str().is_empty() {
                Path::new(".")
            } else {
                beside.as_path()
            }) {
                Ok(b) => match c.strip_prefix(&b) {
                    Ok(rel) => beside.join(rel),
                    Err(_) => c.clone(),
                },
                Err(_) => c.clone(),
            };
            out.push((shown, c));
        }
    }
    out
}

/// Every share file of the vault's current or pending set in those folders (plain `.share`
/// files only: an age-encrypted one needs its custodian's key or passphrase).
pub fn find(vault: &Path, v: &Vault) -> Vec<Local> {
    let mut out = Vec::new();
    for (dir, real) in folders(vault, v) {
        let Ok(entries) = std::fs::read_dir(&real) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| dir.join(e.file_name())))
            .filter(|p| p.extension().is_some_and(|e| e == "share"))
            .collect();
        paths.sort();
        for path in paths {
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if !meta.is_file() || meta.len() > gsl_vault::share::MAX_SHARE_FILE {
                continue;
            }
            let Ok(bytes) =
                fsio::read_capped_secret(&path, gsl_vault::share::MAX_SHARE_FILE, "share")
            else {
                continue;
            };
            let Ok(text) = std::str::from_utf8(bytes.expose()) else {
                continue;
            };
            let name = fsio::shown(&path);
            let Ok(code) = gsl_vault::share::parse_share_text(text, &name) else {
                continue;
            };
            let (custodian, pending) = match v.check_share(&name, &code) {
                Ok(c) => (c, false),
                Err(_) => match v.check_pending_share(&name, &code) {
                    Ok(c) => (c, true),
                    Err(_) => continue,
                },
            };
            let kit = dir.join(format!("{}.html", custodian.name));
            out.push(Local {
                custodian: custodian.name.clone(),
                index: custodian.index,
                pending,
                share: path,
                kit: kit.is_file().then_some(kit),
            });
        }
    }
    out
}

/// How many distinct shares of one set were found, and that set's threshold.
fn counted(v: &Vault, found: &[Local], pending: bool) -> (usize, usize) {
    let mut seen: Vec<u8> = found
        .iter()
        .filter(|l| l.pending == pending)
        .map(|l| l.index)
        .collect();
    seen.sort_unstable();
    seen.dedup();
    let threshold = if pending {
        v.body.pending.as_ref().map_or(0, |p| p.threshold)
    } else {
        v.body.threshold
    };
    (seen.len(), usize::from(threshold))
}

/// Whether the files found are a quorum of the current or of the pending set.
pub fn is_quorum(v: &Vault, found: &[Local]) -> bool {
    [false, true].into_iter().any(|pending| {
        let (n, t) = counted(v, found, pending);
        t > 0 && n >= t
    })
}

/// `status`'s lines about share files left here (nothing when none is).
pub fn status_lines(vault: &Path, v: &Vault, found: &[Local]) -> Vec<String> {
    if found.is_empty() {
        return Vec::new();
    }
    let mut names: Vec<&str> = found.iter().map(|l| l.custodian.as_str()).collect();
    names.dedup();
    let files: Vec<String> = found.iter().map(|l| fsio::shown(&l.share)).collect();
    let first = if is_quorum(v, found) {
        let without = match v.body.policy {
            gsl_vault::format::Policy::Both => "with your passphrase",
            _ => "without any passphrase",
        };
        format!(
            "QUORUM ON THIS COMPUTER: the share files of {} ({}) are still here, and enough of them open the vault {without}: anyone who copies this computer's files can recover the master key.",
            names.join(", "),
            files.join(", ")
        )
    } else {
        format!(
            "still on this computer: the share files of {} ({}), fewer than a quorum.",
            names.join(", "),
            files.join(", ")
        )
    };
    vec![
        first,
        format!(
            "Once each custodian has theirs, run gsl-vault handed-out {} {} (it overwrites, then deletes their share files and kits).",
            fsio::shown(vault),
            names.join(" ")
        ),
    ]
}

/// `status --json`'s `local_shares`.
pub fn json_of(v: &Vault, found: &[Local]) -> serde_json::Value {
    json!({
        "quorum": is_quorum(v, found),
        "files": found.iter().map(|l| json!({
            "custodian": l.custodian,
            "pending": l.pending,
            "path": fsio::shown(&l.share),
            "kit": l.kit.as_deref().map(fsio::shown),
        })).collect::<Vec<_>>(),
    })
}

/// Overwrites a file with zeros, syncs it, then deletes it. On an SSD or a copy-on-write file
/// system the old blocks may survive the overwrite (SECURITY.md): it is the best a program can do
/// without full-disk encryption.
fn wipe_and_delete(path: &Path) -> Result<()> {
    use std::io::Write as _;
    let len = std::fs::symlink_metadata(path)
        .map_err(|e| Error::io(fsio::shown(path), e))?
        .len();
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::io(fsio::shown(path), e))?;
    let zeros = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..n])
            .map_err(|e| Error::io(fsio::shown(path), e))?;
        left -= n as u64;
    }
    f.sync_all().map_err(|e| Error::io(fsio::shown(path), e))?;
    drop(f);
    std::fs::remove_file(path).map_err(|e| Error::io(fsio::shown(path), e))
}

/// `gsl-vault handed-out VAULT NAME...`.
pub fn run(a: &HandedOutArgs, vaults: &Vaults) -> Result<Exit> {
    let path = a.vault.as_path();
    let v = vaults.load(path)?;
    let known: Vec<&str> = v
        .body
        .custodians
        .iter()
        .chain(v.body.pending.iter().flat_map(|p| p.custodians.iter()))
        .map(|c| c.name.as_str())
        .collect();
    for name in &a.custodians {
        if !known.contains(&name.as_str()) {
            return Err(Error::Usage(format!(
                "{name:?} is not a custodian of vault {} (gsl-vault status lists them); nothing was deleted.",
                fsio::shown(path)
            )));
        }
    }
    let found = find(path, &v);
    let mut deleted: Vec<String> = Vec::new();
    for name in &a.custodians {
        let mine: Vec<&Local> = found.iter().filter(|l| &l.custodian == name).collect();
        if mine.is_empty() {
            errln!(
                "No share file of {name} was found on this computer (looked beside {} and where gsl-vault wrote its shares).",
                fsio::shown(path)
            );
        }
        for l in mine {
            for file in std::iter::once(&l.share).chain(l.kit.as_ref()) {
                if !file.exists() {
                    continue;
                }
                wipe_and_delete(file)?;
                errln!("Overwrote and deleted {}.", fsio::shown(file));
                deleted.push(fsio::shown(file));
            }
        }
    }
    let left = find(path, &v);
    if is_quorum(&v, &left) {
        errln!(
            "gsl-vault: warning: a quorum of share files is still on this computer: {}.",
            left.iter()
                .map(|l| fsio::shown(&l.share))
                .collect::<Vec<_>>()
                .join(", ")
        );
    } else if !deleted.is_empty() {
        errln!(
            "This computer no longer holds a quorum of share files. Copies elsewhere (backups, USB sticks, printer queues, the trash) are not reached: check them too. On an SSD the old blocks may survive until the disk reuses them: full-disk encryption is what protects them."
        );
    }
    if a.json {
        super::output::print_json(&json!({
            "deleted": deleted,
            "local_shares": json_of(&v, &left),
        }));
    }
    Ok(Exit::Ok)
}
