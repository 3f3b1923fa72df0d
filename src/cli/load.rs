//! Reading vault files for a command: the size cap, the signature and field checks, the
//! fingerprint pin (`--expect-fingerprint`), the folder lock for commands that write back, and
//! sweeping what a crash left behind.

use std::path::Path;

use gsl_vault::error::{Error, Result};
use gsl_vault::format::MAX_VAULT_FILE;
use gsl_vault::fsio;
use gsl_vault::vault::Vault;

/// How this run reads vaults: with the fingerprint it must have, if one was pinned.
pub struct Vaults {
    pin: Option<String>,
}

impl Vaults {
    /// `pin` is `--expect-fingerprint` as given (any case, spaces around).
    pub fn new(pin: Option<&str>) -> Self {
        Vaults {
            pin: pin.map(|p| p.trim().to_ascii_uppercase()),
        }
    }

    /// Reads and checks a vault file; sweeps temporary files a crash may have left.
    pub fn load(&self, path: &Path) -> Result<Vault> {
        fsio::sweep_temps(path, false);
        self.read(path)
    }

    /// Takes the folder lock, sweeps, and reads the vault: for commands that write it back.
    pub fn load_for_update(&self, path: &Path) -> Result<(Vault, fsio::FolderLock)> {
        let lock = fsio::lock_folder(path)?;
        fsio::sweep_temps(path, true);
        Ok((self.read(path)?, lock))
    }

    /// Reads and checks a vault file, nothing more.
    pub fn read(&self, path: &Path) -> Result<Vault> {
        let bytes = fsio::read_capped(path, MAX_VAULT_FILE, "vault file")?;
        let v = Vault::parse(&bytes, &path.display().to_string())?;
        if let Some(want) = &self.pin
            && *want != v.fingerprint().to_string()
        {
            return Err(Error::Corrupt(format!(
                "vault {} has fingerprint {}, not the expected {want}: it is another vault or a replacement; restore your own from a backup copy.",
                path.display(),
                v.fingerprint()
            )));
        }
        Ok(v)
    }
}

/// Writes a changed vault back, refusing one that would grow past what is read back.
pub fn write_vault(path: &Path, bytes: &[u8]) -> Result<()> {
    check_size(path, bytes)?;
    fsio::write_atomic(path, bytes, true)
}

/// Refuses vault bytes larger than gsl-vault reads back.
pub fn check_size(path: &Path, bytes: &[u8]) -> Result<()> {
    if bytes.len() as u64 > MAX_VAULT_FILE {
        return Err(Error::Other(format!(
            "vault {} would grow past what gsl-vault reads back; nothing was written.",
            path.display()
        )));
    }
    Ok(())
}
