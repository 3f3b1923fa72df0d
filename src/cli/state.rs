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

/// The highest generation of this vault this machine has seen, if any.
pub fn seen(v: &Vault) -> Option<u64> {
    let text = fsio::read_capped(&file_of(v)?, 64, "state file").ok()?;
    std::str::from_utf8(&text).ok()?.trim().parse().ok()
}

/// Records the vault's generation if it is the highest seen. Best effort: a machine without a
/// writable state folder still works, it only cannot notice a rollback.
pub fn record(v: &Vault) {
    if seen(v).is_some_and(|s| s >= v.generation()) {
        return;
    }
    let Some(path) = file_of(v) else { return };
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = fsio::write_atomic(&path, format!("{}\n", v.generation()).as_bytes(), true);
    }
}
