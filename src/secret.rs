//! Secret newtypes. One type per kind of secret; each is zeroized on drop, sized once, and has
//! no `Debug`, `Display` or `Clone`, so a secret cannot reach a log or an error by accident.

use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// Largest master key accepted, in bytes (FORMAT.md: payload).
pub const MAX_MASTER_KEY: usize = 4096;
/// Largest passphrase accepted, in bytes, after normalisation. Far above any typed passphrase;
/// the bound keeps every buffer sized once.
pub const MAX_PASSPHRASE: usize = 1024;
/// Shortest passphrase accepted when one is set, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Locks `len` bytes at `ptr` in RAM so they are never swapped to disk. Best effort: where the
/// OS refuses (RLIMIT_MEMLOCK), one warning is printed and the program goes on.
fn lock_memory(ptr: *const u8, len: usize) -> Option<region::LockGuard> {
    static WARNED: std::sync::Once = std::sync::Once::new();
    match region::lock(ptr, len.max(1)) {
        Ok(g) => Some(g),
        Err(e) => {
            WARNED.call_once(|| {
                errln!(
                    "gsl-vault: warning: could not lock secret memory in RAM ({e}); it could be swapped to disk, so use encrypted swap."
                )
            });
            None
        }
    }
}

macro_rules! key32 {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name {
            // Boxed so the bytes never move (a move would leave a copy behind) and can be
            // locked in RAM.
            key: Box<[u8; 32]>,
            lock: Option<region::LockGuard>,
        }

        impl $name {
            fn boxed() -> Self {
                let key = Box::new([0u8; 32]);
                let lock = lock_memory(key.as_ptr(), 32);
                Self { key, lock }
            }

            /// 32 fresh bytes from the operating system's random generator.
            pub fn random() -> Result<Self> {
                let mut k = Self::boxed();
                fill_random(&mut k.key[..])?;
                Ok(k)
            }

            /// Takes the bytes of `src`, which is wiped.
            pub fn from_bytes(src: &mut [u8; 32]) -> Self {
                let mut k = Self::boxed();
                k.key.copy_from_slice(src);
                src.zeroize();
                k
            }

            /// A second copy, in its own locked box (no temporary on the way).
            pub fn duplicate(&self) -> Self {
                let mut k = Self::boxed();
                k.key.copy_from_slice(&self.key[..]);
                k
            }

            /// The key bytes, for the primitive that uses them.
            pub fn expose(&self) -> &[u8; 32] {
                &self.key
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                // Wipe first, unlock after: the bytes are never swappable while they hold a key.
                self.key.as_mut().zeroize();
                drop(self.lock.take());
            }
        }
    };
}

key32!(
    /// VK: encrypts the payload; the vault identity is derived from it.
    VaultKey
);
key32!(
    /// QK: split into Shamir shares; wraps VK in the quorum slot.
    QuorumKey
);
key32!(
    /// PK: Argon2id output of the passphrase; wraps VK in the passphrase slot.
    PassKey
);
key32!(
    /// A slot's wrapping key (QK, PK, or HKDF of both for policy `both`).
    WrapKey
);

/// Fills `buf` from the OS random generator.
pub fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| {
        Error::Other(format!(
            "the operating system's random generator failed ({e}); nothing was written."
        ))
    })
}

/// A variable-length secret held in one buffer allocated once with its final capacity, locked
/// in RAM where the OS allows.
pub struct SecretBytes(Zeroizing<Vec<u8>>, Option<region::LockGuard>);

impl Drop for SecretBytes {
    fn drop(&mut self) {
        self.0.zeroize();
        drop(self.1.take());
    }
}

impl SecretBytes {
    /// An empty buffer that can hold `cap` bytes without reallocating.
    pub fn with_capacity(cap: usize) -> Self {
        let v: Vec<u8> = Vec::with_capacity(cap);
        // An empty buffer has no memory to lock (its pointer is dangling).
        let lock = if cap == 0 {
            None
        } else {
            lock_memory(v.as_ptr(), cap)
        };
        Self(Zeroizing::new(v), lock)
    }
    /// Appends `bytes`; fails rather than reallocate (which would leave a copy behind).
    pub fn extend(&mut self, bytes: &[u8]) -> Result<()> {
        if self.0.len() + bytes.len() > self.0.capacity() {
            return Err(Error::Other("a secret is larger than its buffer.".into()));
        }
        self.0.extend_from_slice(bytes);
        Ok(())
    }
    /// Drops the last `n` bytes (they are wiped).
    pub fn truncate_by(&mut self, n: usize) {
        let len = self.0.len().saturating_sub(n);
        self.0[len..].zeroize();
        self.0.truncate(len);
    }
    /// The bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
    /// Number of bytes held.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The GSL master key (the payload). UTF-8, 1..=4096 bytes.
pub struct MasterKey(SecretBytes);

impl MasterKey {
    /// Validates and takes `bytes` (already stripped of one trailing newline).
    pub fn new(bytes: SecretBytes, source: &str) -> Result<Self> {
        if bytes.is_empty() {
            return Err(Error::Usage(format!(
                "the master key from {source} is empty: put the key in it and try again."
            )));
        }
        if bytes.len() > MAX_MASTER_KEY {
            return Err(Error::Usage(format!(
                "the master key from {source} is longer than {MAX_MASTER_KEY} bytes: check that it is the right file."
            )));
        }
        if std::str::from_utf8(bytes.expose()).is_err() {
            return Err(Error::Usage(format!(
                "the master key from {source} is not UTF-8 text: a GSL master key is typed text."
            )));
        }
        Ok(Self(bytes))
    }
    /// The key bytes.
    pub fn expose(&self) -> &[u8] {
        self.0.expose()
    }
}

/// A passphrase, normalised to NFKD so that the same text typed on another system derives the
/// same key.
pub struct Passphrase(SecretBytes);

impl Passphrase {
    /// Normalises `raw` (UTF-8) to NFKD. `source` names where it came from, for errors.
    pub fn new(raw: &[u8], source: &str) -> Result<Self> {
        let text = std::str::from_utf8(raw).map_err(|_| {
            Error::Usage(format!(
                "the passphrase from {source} is not UTF-8 text; check the file's encoding."
            ))
        })?;
        if text.is_empty() {
            return Err(Error::Usage(format!(
                "the passphrase from {source} is empty; type or store the passphrase and try again."
            )));
        }
        let mut out = SecretBytes::with_capacity(MAX_PASSPHRASE);
        let mut utf8 = [0u8; 4];
        for c in text.nfkd() {
            out.extend(c.encode_utf8(&mut utf8).as_bytes())
                .map_err(|_| {
                    Error::Usage(format!(
                        "the passphrase from {source} is longer than {MAX_PASSPHRASE} bytes."
                    ))
                })?;
        }
        utf8.zeroize();
        Ok(Self(out))
    }
    /// Refuses a passphrase too short to be worth a slot (only when one is being set).
    pub fn check_new(&self) -> Result<()> {
        let chars = std::str::from_utf8(self.0.expose())
            .map(|s| s.chars().count())
            .unwrap_or(0);
        if chars < MIN_PASSPHRASE_CHARS {
            return Err(Error::Usage(format!(
                "the new passphrase has {chars} characters; use at least {MIN_PASSPHRASE_CHARS} (a few unrelated words are best)."
            )));
        }
        // A control character can be set from a file but never typed at a prompt (the prompt
        // drops it): such a passphrase would lock its owner out of every prompt.
        let text = std::str::from_utf8(self.0.expose()).unwrap_or_default();
        if text.chars().any(char::is_control) {
            return Err(Error::Usage(
                "the new passphrase holds a control character (a tab or an invisible byte from its file), which no prompt can type: use letters, digits, spaces and punctuation."
                    .into(),
            ));
        }
        Ok(())
    }
    /// The NFKD bytes.
    pub fn expose(&self) -> &[u8] {
        self.0.expose()
    }
}

/// A custodian's own share passphrase (age's scrypt recipient), kept exactly as typed: the
/// reference age CLI does not normalise passphrases either, so the same bytes open the file with
/// both tools.
pub struct SharePassphrase(SecretBytes);

impl SharePassphrase {
    /// Takes `raw` as it is. `source` names where it came from, for errors.
    ///
    /// # Errors
    /// `Usage` if it is not UTF-8 text (age takes a string).
    pub fn new(raw: SecretBytes, source: &str) -> Result<Self> {
        if std::str::from_utf8(raw.expose()).is_err() {
            return Err(Error::Usage(format!("{source} is not UTF-8 text.")));
        }
        Ok(Self(raw))
    }

    /// The bytes, as typed.
    pub fn expose(&self) -> &[u8] {
        self.0.expose()
    }

    /// A copy in age's own zeroizing string type, for its scrypt recipient and identity.
    pub fn to_secret_string(&self) -> age::secrecy::SecretString {
        // Checked as UTF-8 in `new`; lossy never replaces anything here.
        age::secrecy::SecretString::from(String::from_utf8_lossy(self.0.expose()).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_is_nfkd_normalised() {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) must give the same bytes.
        let a = Passphrase::new("caf\u{e9} au lait".as_bytes(), "test").unwrap();
        let b = Passphrase::new("cafe\u{301} au lait".as_bytes(), "test").unwrap();
        assert_eq!(a.expose(), b.expose());
    }

    #[test]
    fn secret_bytes_never_grows() {
        let mut s = SecretBytes::with_capacity(4);
        s.extend(b"abcd").unwrap();
        assert!(s.extend(b"e").is_err());
        s.truncate_by(1);
        assert_eq!(s.expose(), b"abc");
    }
}
