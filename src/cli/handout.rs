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

/// Which share set a file found belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Set {
    /// The current set.
    Current,
    /// The pending set of a reshare.
    Pending,
    /// A retired set: with the copy its file (or kit) carries, a quorum of it still recovers
    /// the master key as it was (issue 28, item 1).
    Retired,
}

/// A share file or kit of this vault found on this computer.
pub struct Local {
    /// The custodian it belongs to.
    pub custodian: String,
    /// Its Shamir index and epoch.
    pub index: u8,
    pub epoch: u32,
    /// Its share set.
    pub set: Set,
    /// The share file (absent for a kit found on its own).
    pub share: Option<PathBuf>,
    /// The printable kit (`NAME.html`), which holds the same words.
    pub kit: Option<PathBuf>,
}

impl Local {
    /// The files it is made of.
    fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.share.iter().chain(self.kit.iter())
    }
}

/// What a kit page of vault `fingerprint` says of itself: custodian, share index and epoch.
fn read_kit(path: &Path, fingerprint: &str) -> Option<(String, u8, u32)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 4 * 1024 * 1024 {
        return None;
    }
    let text = fsio::read_capped_secret(path, 4 * 1024 * 1024, "kit").ok()?;
    let text = std::str::from_utf8(text.expose()).ok()?;
    if !text.contains(&format!("fingerprint <b class=\"mono\">{fingerprint}</b>")) {
        return None;
    }
    let after = |key: &str| text.split_once(key).map(|(_, r)| r);
    let name = after("<title>gsl-vault share for ")?.split_once(" (")?.0;
    let epoch = after("&middot; epoch ")?.split_once('<')?.0.parse().ok()?;
    let index = after("<p class=\"big\">Share ")?
        .split_once(' ')?
        .0
        .parse()
        .ok()?;
    let name = html_unescape(name);
    // A name read from a file in a scanned folder is shown, so it must be a name gsl-vault
    // would accept (no control or bidirectional characters).
    gsl_vault::vault::check_name(&name, "custodian name").ok()?;
    Some((name, index, epoch))
}

/// The few entities the kit writes in a name.
fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
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
    // One folder per line: a name that is not text, or holds a line break, is not listed.
    if dir.to_str().is_none_or(|d| d.contains('\n')) {
        return;
    }
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

/// Every share file and kit of this vault in those folders: of the current, pending or a
/// retired set (plain `.share` files only: an age-encrypted one needs its custodian's key).
pub fn find(vault: &Path, v: &Vault) -> Vec<Local> {
    let mut out: Vec<Local> = Vec::new();
    let fingerprint = v.fingerprint().to_string();
    for (dir, real) in folders(vault, v) {
        let Ok(entries) = std::fs::read_dir(&real) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| dir.join(e.file_name())))
            .collect();
        paths.sort();
        for path in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "share"))
        {
            let Ok(meta) = std::fs::symlink_metadata(path) else {
                continue;
            };
            if !meta.is_file() || meta.len() > gsl_vault::share::MAX_SHARE_FILE {
                continue;
            }
            let Ok(bytes) =
                fsio::read_capped_secret(path, gsl_vault::share::MAX_SHARE_FILE, "share")
            else {
                continue;
            };
            let Ok(text) = std::str::from_utf8(bytes.expose()) else {
                continue;
            };
            let name = fsio::shown(path);
            let Ok(code) = gsl_vault::share::parse_share_text(text, &name) else {
                continue;
            };
            let epoch = u32::from(code.epoch);
            let (custodian, set) = match v.check_share(&name, &code) {
                Ok(c) => (c.name.clone(), Set::Current),
                Err(_) => match v.check_pending_share(&name, &code) {
                    Ok(c) => (c.name.clone(), Set::Pending),
                    // Of this vault, of an epoch before the current one: a retired share.
                    Err(_) if code.fingerprint == v.fingerprint().0 && epoch < v.body.epoch => {
                        let named = text
                            .lines()
                            .find_map(|l| l.strip_prefix("# custodian: "))
                            .filter(|n| gsl_vault::vault::check_name(n, "custodian name").is_ok())
                            .map(str::to_string);
                        (
                            named.unwrap_or_else(|| format!("share {}", code.point.x)),
                            Set::Retired,
                        )
                    }
                    Err(_) => continue,
                },
            };
            out.push(Local {
                custodian,
                index: code.point.x,
                epoch,
                set,
                share: Some(path.clone()),
                kit: None,
            });
        }
        // Kits: beside their share file, or on their own (`kit -o DIR`, a share deleted).
        for path in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
        {
            let Some((custodian, index, epoch)) = read_kit(path, &fingerprint) else {
                continue;
            };
            if let Some(l) = out.iter_mut().find(|l| {
                l.kit.is_none()
                    && l.custodian == custodian
                    && l.epoch == epoch
                    && l.share
                        .as_ref()
                        .is_some_and(|s| s.parent() == path.parent())
            }) {
                l.kit = Some(path.clone());
                continue;
            }
            let set = if epoch == v.body.epoch {
                Set::Current
            } else if v.body.pending.as_ref().is_some_and(|p| p.epoch == epoch) {
                Set::Pending
            } else if epoch < v.body.epoch {
                Set::Retired
            } else {
                continue;
            };
            out.push(Local {
                custodian,
                index,
                epoch,
                set,
                share: None,
                kit: Some(path.clone()),
            });
        }
    }
    out
}

/// How many distinct shares of one set were found, and that set's threshold.
fn counted(v: &Vault, found: &[Local], pending: bool) -> (usize, usize) {
    let want = if pending { Set::Pending } else { Set::Current };
    let mut seen: Vec<u8> = found
        .iter()
        .filter(|l| l.set == want)
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

/// A custodian's name as typed in a shell command (quoted when it needs to be).
fn shell_word(name: &str) -> String {
    if !name.is_empty()
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.@+".contains(c))
    {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "'\\''"))
    }
}

/// The files of `found`, each once, as shown.
fn file_list(found: &[&Local]) -> String {
    found
        .iter()
        .flat_map(|l| l.files())
        .map(|f| fsio::shown(f))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names, each once, in order.
fn names_of<'a>(found: &[&'a Local]) -> Vec<&'a str> {
    // (Names are checked as the vault's are when read, so they print as they are.)
    let mut names: Vec<&str> = Vec::new();
    for l in found {
        if !names.contains(&l.custodian.as_str()) {
            names.push(&l.custodian);
        }
    }
    names
}

/// `status`'s lines about share files and kits left here (nothing when none is).
pub fn status_lines(vault: &Path, v: &Vault, found: &[Local]) -> Vec<String> {
    let live: Vec<&Local> = found.iter().filter(|l| l.set != Set::Retired).collect();
    let retired: Vec<&Local> = found.iter().filter(|l| l.set == Set::Retired).collect();
    let mut lines = Vec::new();
    if !live.is_empty() {
        let names = names_of(&live);
        lines.push(if is_quorum(v, found) {
            match v.body.policy {
                gsl_vault::format::Policy::Both => format!(
                    "QUORUM ON THIS COMPUTER: the share files and kits of {} ({}) are still here: with your passphrase, enough of them open the vault, so anyone who copies this computer's files and learns the passphrase can recover the master key.",
                    names.join(", "),
                    file_list(&live)
                ),
                _ => format!(
                    "QUORUM ON THIS COMPUTER: the share files and kits of {} ({}) are still here, and enough of them open the vault without any passphrase: anyone who copies this computer's files can recover the master key.",
                    names.join(", "),
                    file_list(&live)
                ),
            }
        } else {
            format!(
                "still on this computer: the share files and kits of {} ({}), fewer than a quorum.",
                names.join(", "),
                file_list(&live)
            )
        });
    }
    if !retired.is_empty() {
        lines.push(format!(
            "retired shares still on this computer: {} ({}): with the recovery copies they carry, enough of them recover the master key as it was when they were retired.",
            names_of(&retired).join(", "),
            file_list(&retired)
        ));
    }
    if !found.is_empty() {
        let all: Vec<&Local> = found.iter().collect();
        lines.push(format!(
            "Once each custodian has theirs, run gsl-vault handed-out {} {} (it overwrites, then deletes their share files and kits).",
            fsio::shown(vault),
            names_of(&all)
                .iter()
                .map(|n| shell_word(n))
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    lines
}

/// `status --json`'s `local_shares`.
pub fn json_of(v: &Vault, found: &[Local]) -> serde_json::Value {
    json!({
        "quorum": is_quorum(v, found),
        "files": found.iter().map(|l| json!({
            "custodian": l.custodian,
            "epoch": l.epoch,
            "pending": l.set == Set::Pending,
            "retired": l.set == Set::Retired,
            "path": l.share.as_deref().map(fsio::shown),
            "kit": l.kit.as_deref().map(fsio::shown),
        })).collect::<Vec<_>>(),
    })
}

/// Overwrites a share file or kit, then deletes it ([`fsio::wipe_file`]): a symbolic link is
/// refused (its target may be anyone's file), a file with other names only unlinked, and said.
/// Returns a note to add, or why it could not.
fn wipe_and_delete(path: &Path) -> std::result::Result<Option<String>, String> {
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match fsio::wipe_file(path) {
        Ok(true) => Ok(None),
        Ok(false) => Ok(Some(format!(
            "{} has other names (hard links): only this name was deleted, its content was not overwritten; delete the other names too.",
            fsio::shown(path)
        ))),
        Err(_) if link => Err(format!(
            "{} is a symbolic link: gsl-vault does not follow it; delete the file it points to, and the link, yourself",
            fsio::shown(path)
        )),
        Err(e) => Err(format!("{}: {e}", fsio::shown(path))),
    }
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
    let local = find(path, &v);
    for name in &a.custodians {
        if !known.contains(&name.as_str()) && !local.iter().any(|l| &l.custodian == name) {
            return Err(Error::Usage(format!(
                "{name:?} is not a custodian of vault {} (gsl-vault status lists them); nothing was deleted.",
                fsio::shown(path)
            )));
        }
    }
    let found = find(path, &v);
    let mut deleted: Vec<String> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for name in &a.custodians {
        let mine: Vec<&Local> = found.iter().filter(|l| &l.custodian == name).collect();
        if mine.is_empty() {
            errln!(
                "No share file or kit of {name} was found on this computer (looked beside {} and where gsl-vault wrote its shares and kits).",
                fsio::shown(path)
            );
        }
        for file in mine.iter().flat_map(|l| l.files()) {
            match wipe_and_delete(file) {
                Ok(note) => {
                    errln!("Overwrote and deleted {}.", fsio::shown(file));
                    if let Some(n) = note {
                        errln!("gsl-vault: warning: {n}");
                    }
                    deleted.push(fsio::shown(file));
                }
                Err(why) => failed.push(why),
            }
        }
    }
    let left = find(path, &v);
    if is_quorum(&v, &left) {
        let all: Vec<&Local> = left.iter().collect();
        errln!(
            "gsl-vault: warning: a quorum of share files is still on this computer: {}.",
            file_list(&all)
        );
    } else if !deleted.is_empty() {
        errln!(
            "This computer no longer holds a quorum of share files. Copies elsewhere (backups, USB sticks, printer queues, the trash) are not reached: check them too. On an SSD the old blocks may survive until the disk reuses them: full-disk encryption is what protects them."
        );
    }
    if a.json {
        super::output::print_json(&json!({
            "deleted": deleted,
            "failed": failed,
            "local_shares": json_of(&v, &left),
        }));
    }
    if let Some(first) = failed.first() {
        return Err(Error::Other(format!(
            "{first}{}; the other files named above were overwritten and deleted: delete this one yourself.",
            if failed.len() > 1 {
                format!(" (and {} more)", failed.len() - 1)
            } else {
                String::new()
            }
        )));
    }
    Ok(Exit::Ok)
}
