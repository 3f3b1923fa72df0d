//! This machine's memory of each vault: the highest generation it has seen, so that an older
//! copy put back (by accident, or by someone who wants a retired share or an old passphrase to
//! work again) is noticed. One small file per vault under the user's state folder
//! (`$XDG_STATE_HOME/gsl-vault`, else `~/.local/state/gsl-vault`), named after the vault's
//! origin identity; it holds a number, never a secret.

use std::path::PathBuf;

use gsl_vault::fsio;
use gsl_vault::hex;
use gsl_vault::vault::Vault;

/// The folder of the state files, if a home is known.
fn folder() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(std::env::var_os("HOME")?).join(".local/state"),
    };
    Some(base.join("gsl-vault"))
}

/// The state file of a vault.
pub fn file_of(v: &Vault) -> Option<PathBuf> {
    let name = hex::encode(&v.name_key()[..16]);
    Some(folder()?.join(format!("seen-{name}")))
}

/// What this machine last wrote of a vault: its generation, and its identity then (absent in
/// state files written before identities were recorded).
pub struct Seen {
    /// The generation.
    pub generation: u64,
    /// The identity that signed it (version 3: the pin's hash of its signers).
    pub identity: Option<[u8; 32]>,
    /// The format version written (2 when the line has no third field).
    pub version: u8,
}

/// What this machine last wrote of this vault, if anything.
pub fn seen(v: &Vault) -> Option<Seen> {
    let text = fsio::read_capped(&file_of(v)?, 256, "state file").ok()?;
    let text = std::str::from_utf8(&text).ok()?;
    let mut words = text.split_whitespace();
    let generation = words.next()?.parse().ok()?;
    let identity = words.next().and_then(hex::decode_array::<32>);
    let version = words.next().and_then(|w| w.parse().ok()).unwrap_or(2);
    Some(Seen {
        generation,
        identity,
        version,
    })
}

/// Records the vault's generation and identity after this machine wrote it. Only writes are
/// recorded: reading a file proves nothing about it (it may be a forged branch), so reading
/// never moves the mark. Best effort: a machine without a writable state folder still works,
/// it only cannot notice a rollback.
pub fn record(v: &Vault) {
    if seen(v).is_some_and(|s| s.generation > v.generation()) {
        return;
    }
    let Some(path) = file_of(v) else {
        errln!(
            "gsl-vault: warning: this machine cannot remember that it wrote generation {} of this vault (no $XDG_STATE_HOME or $HOME): an older copy put back in its place would not be noticed.",
            v.generation()
        );
        return;
    };
    let line = format!(
        "{} {} {}\n",
        v.generation(),
        hex::encode(&v.pin_key()),
        v.version.max(2)
    );
    let written = path
        .parent()
        .map_or(Ok(()), gsl_vault::fsio::create_private_dir)
        .and_then(|()| fsio::write_atomic(&path, line.as_bytes(), true));
    // Issue 28, item 8: a memory that cannot be written fails silently no more.
    if let Err(e) = written {
        errln!(
            "gsl-vault: warning: this machine could not remember that it wrote generation {} of this vault ({}): an older copy put back in its place would not be noticed, and gsl-vault status --check fails until it can. Make {} writable (or free space there).",
            v.generation(),
            super::report::sentence(&e).trim_end_matches('.'),
            path.parent().map(fsio::shown).unwrap_or_default()
        );
    }
}

/// Whether this machine's memory of `v` is stale: it cannot be written now, so the generation
/// it holds may be older than what this machine last wrote (`status --check` fails then).
pub fn memory_unwritable(v: &Vault) -> Option<String> {
    let path = file_of(v)?;
    let dir = path.parent()?;
    if fsio::create_private_dir(dir).is_err() {
        return Some(fsio::shown(dir));
    }
    let probe = dir.join(format!(".probe-{}", std::process::id()));
    // A real byte, synced: an empty file can be made on a full disk.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .and_then(|mut f| {
            use std::io::Write as _;
            f.write_all(b"probe\n")?;
            f.sync_all()
        });
    let _ = std::fs::remove_file(&probe);
    match written {
        Ok(()) => None,
        Err(_) => Some(fsio::shown(dir)),
    }
}
