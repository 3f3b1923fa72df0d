//! Reading vault files for a command: the size cap, the signature and field checks, the
//! fingerprint pin (`--expect-fingerprint`), the folder lock for commands that write back, and
//! sweeping what a crash left behind.

use std::path::Path;

use gsl_vault::error::{Error, Result};
use gsl_vault::format::MAX_VAULT_FILE;
use gsl_vault::fsio;
use gsl_vault::vault::Vault;

use super::state;

/// A pinned fingerprint: the 8-character name people read aloud (a convenience: anyone can make
/// a vault with a matching name), or the 26-character pin of the vault's current identity.
enum Pin {
    Short(String),
    Long(String),
}

/// `--expect-fingerprint` as given: any case, dashes and spaces ignored.
fn parse_pin(given: &str) -> Result<Pin> {
    let bare: String = given
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let base32 = bare
        .chars()
        .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c));
    let grouped = |n: usize| {
        let mut out = String::with_capacity(bare.len() + bare.len() / n);
        for (i, c) in bare.chars().enumerate() {
            if i > 0 && i % n == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    };
    match bare.len() {
        8 if base32 => Ok(Pin::Short(grouped(4))),
        26 if base32 => Ok(Pin::Long(grouped(4))),
        _ => Err(Error::Usage(format!(
            "--expect-fingerprint {given:?} is neither a vault's 8-character name (XXXX-XXXX) nor the 26-character pin gsl-vault status shows: copy it from there."
        ))),
    }
}

/// How this run reads vaults: with the fingerprint it must have and the generation it must have
/// reached, if either was given.
pub struct Vaults {
    pin: Option<Pin>,
    generation: Option<u64>,
}

impl Vaults {
    /// `pin` is `--expect-fingerprint` as given; `generation` is `--expect-generation`.
    pub fn new(pin: Option<&str>, generation: Option<u64>) -> Result<Self> {
        Ok(Vaults {
            pin: pin.map(parse_pin).transpose()?,
            generation,
        })
    }

    /// Refuses a recovery copy whose identity is not the pinned one (a long pin only: the
    /// short name says nothing a forger cannot match).
    pub fn check_copy_pin(&self, v: &Vault) -> Result<()> {
        if let Some(Pin::Long(want)) = &self.pin
            && *want != v.long_fingerprint()
        {
            return Err(Error::Corrupt(format!(
                "{} has the identity {}, not the pinned {want}: ask the owner for the current copy.",
                v.path,
                v.long_fingerprint()
            )));
        }
        Ok(())
    }

    /// Whether the long pin was given (it vouches for a vault file).
    pub fn pinned(&self) -> bool {
        matches!(self.pin, Some(Pin::Long(_)))
    }

    /// `--expect-generation`, if given.
    pub fn expected_generation(&self) -> Option<u64> {
        self.generation
    }

    /// Reads and checks a vault file; sweeps temporary files a crash may have left.
    pub fn load(&self, path: &Path) -> Result<Vault> {
        fsio::sweep_temps(path, false);
        self.read(path)
    }

    /// Takes the folder lock, sweeps, and reads the vault: for commands that write it back. An
    /// older copy than this machine has seen is not written over: that would hide the rollback.
    pub fn load_for_update(&self, path: &Path) -> Result<(Vault, fsio::FolderLock)> {
        let lock = fsio::lock_folder(path)?;
        fsio::sweep_temps(path, true);
        let v = self.read(path)?;
        if let Some(why) = rolled_back(&v) {
            return Err(Error::Corrupt(format!(
                "{why} Nothing was written. If you restored this copy on purpose, delete {} and run the command again.",
                state::file_of(&v)
                    .map(|p| gsl_vault::fsio::shown(&p).to_string())
                    .unwrap_or_default()
            )));
        }
        Ok((v, lock))
    }

    /// Reads and checks a vault file, nothing more.
    pub fn read(&self, path: &Path) -> Result<Vault> {
        let bytes = fsio::read_capped(path, MAX_VAULT_FILE, "vault file")?;
        let v = Vault::parse(&bytes, &fsio::shown(path))?;
        match &self.pin {
            Some(Pin::Short(want)) if *want != v.fingerprint().to_string() => {
                return Err(Error::Corrupt(format!(
                    "vault {} has fingerprint {}, not the expected {want}: it is another vault or a replacement; restore your own from a backup copy.",
                    gsl_vault::fsio::shown(path),
                    v.fingerprint()
                )));
            }
            Some(Pin::Long(want)) if *want != v.long_fingerprint() => {
                return Err(Error::Corrupt(format!(
                    "vault {} has the identity {}, not the pinned {want}: it is another vault, a replacement, or a copy from before its vault key was rotated; restore your own newest copy.",
                    gsl_vault::fsio::shown(path),
                    v.long_fingerprint()
                )));
            }
            _ => {}
        }
        if let Some(want) = self.generation
            && v.generation() < want
        {
            return Err(Error::Corrupt(format!(
                "vault {} is generation {}, older than the expected {want}: it is an older copy or a replacement; restore the newest copy.",
                gsl_vault::fsio::shown(path),
                v.generation()
            )));
        }
        if let Some(why) = forked(&v, self.pinned()) {
            // A fork may hold anyone's master key (sealed to the quorum path's public key, which
            // is public): never open it.
            return Err(Error::Corrupt(why));
        }
        if let Some(why) = rolled_back(&v) {
            errln!("gsl-vault: warning: {why}");
        } else if matches!(self.pin, Some(Pin::Long(_))) {
            // The pin proves this is the owner's line: this machine may remember it.
            state::record(&v);
        }
        Ok(v)
    }
}

/// Why `v` is not the copy this machine last wrote, if it is not: an older generation (a
/// rollback), or a history that does not contain the identity written then (a fork signed by
/// someone who once held an old vault key).
pub fn rolled_back(v: &Vault) -> Option<String> {
    let seen = state::seen(v)?;
    if v.generation() < seen.generation {
        return Some(format!(
            "vault {} is generation {}, but this machine has written generation {} of it: it is an older copy, put back from a backup or by someone who wants a retired share or an old passphrase to work again; use the newest copy.",
            v.path,
            v.generation(),
            seen.generation
        ));
    }
    forked(v, false)
}

/// Why `v` is a fork of the vault this machine last wrote, if it is one.
fn forked(v: &Vault, pinned: bool) -> Option<String> {
    let seen = state::seen(v)?;
    if seen.version >= 3 && v.version < 3 {
        // Anyone who holds a version 2 recipient (public in every old copy) can write a
        // version 2 file: after version 3, it cannot be told from a forgery (FORMAT.md).
        return Some(format!(
            "vault {} is a version {} file, but this machine has written version 3 of this vault: a file of the older format can be forged by anyone who holds an old copy; nothing was opened: use your own newest vault file.",
            v.path, v.version
        ));
    }
    if v.version >= 3 {
        // Version 3 has no chain of signers. A path's binding stays valid while its secret
        // does, so whoever held VK before can write a file with that time's signers: this
        // machine trusts the signers it wrote last, or a pin the owner gives (FORMAT.md,
        // "Memory of a vault").
        return match seen.identity {
            Some(id) if !pinned && seen.version >= 3 && id != v.pin_key() => Some(format!(
                "vault {} is signed by other keys (pin {}) than the vault this machine last wrote (generation {}): if you changed it on another computer, run the command again with --expect-fingerprint {}; otherwise it was written by someone who once held a vault key, and nothing was opened: restore your own newest copy.",
                v.path,
                v.long_fingerprint(),
                seen.generation,
                v.long_fingerprint()
            )),
            _ => None,
        };
    }
    match seen.identity {
        Some(id) if !v.identity_chain().contains(&id) => Some(format!(
            "vault {} does not descend from the vault this machine last wrote (generation {}): it is a fork, signed by someone who once held an old vault key; nothing was opened: restore your own newest copy.",
            v.path, seen.generation
        )),
        _ => None,
    }
}

/// Writes a changed vault back (`bytes` from `v.to_bytes`), refusing one that would grow past
/// what is read back, and records its generation as seen.
pub fn write_vault(path: &Path, bytes: &[u8], v: &Vault) -> Result<()> {
    check_size(path, bytes)?;
    fsio::write_vault_atomic(path, bytes, true)?;
    state::record(v);
    Ok(())
}

/// Refuses vault bytes larger than gsl-vault reads back.
pub fn check_size(path: &Path, bytes: &[u8]) -> Result<()> {
    if bytes.len() as u64 > MAX_VAULT_FILE {
        return Err(Error::Other(format!(
            "vault {} would grow past what gsl-vault reads back; nothing was written.",
            gsl_vault::fsio::shown(path)
        )));
    }
    Ok(())
}
