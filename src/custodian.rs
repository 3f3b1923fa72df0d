//! How a share reaches its custodian: a plain text file, or the same text age-encrypted
//! (armored) to the custodian's X25519 recipient or to a passphrase of their own (age's scrypt
//! recipient). Files are readable by the reference `age` CLI, and the reverse.

use std::io::{BufReader, Read, Write};
use std::path::Path;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::{SecretBytes, SharePassphrase};
use crate::share::MAX_SHARE_FILE;

/// How a custodian receives their share, as given on the command line.
pub enum Delivery {
    /// `NAME`: a plain `NAME.share` text file.
    File,
    /// `NAME=age1...`: `NAME.share.age`, encrypted to this X25519 recipient.
    Age(Box<age::x25519::Recipient>),
    /// `NAME=ask`: `NAME.share.age`, encrypted to a passphrase of the custodian's own.
    Passphrase,
}

impl Delivery {
    /// The value stored in the vault's custodian list.
    pub fn as_str(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The share file's name for custodian `name`.
    pub fn file_name(&self, name: &str) -> String {
        match self {
            Delivery::File => format!("{name}.share"),
            _ => format!("{name}.share.age"),
        }
    }
}

/// How a custodian's share is delivered, as the vault records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryKind {
    /// A plain `NAME.share` text file.
    File,
    /// `NAME.share.age`, encrypted to an X25519 recipient.
    Age,
    /// `NAME.share.age`, encrypted to a passphrase of the custodian's own.
    AgePassphrase,
}

impl DeliveryKind {
    /// The value stored in the vault's custodian list.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::File => "file",
            DeliveryKind::Age => "age",
            DeliveryKind::AgePassphrase => "age-passphrase",
        }
    }

    /// The kind a stored value names, if any.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::File, Self::Age, Self::AgePassphrase]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

impl Delivery {
    /// What the vault records of this delivery.
    pub fn kind(&self) -> DeliveryKind {
        match self {
            Delivery::File => DeliveryKind::File,
            Delivery::Age(_) => DeliveryKind::Age,
            Delivery::Passphrase => DeliveryKind::AgePassphrase,
        }
    }
}

/// Encrypts a share text for a custodian, armored. `pass` is needed for `Delivery::Passphrase`.
pub fn encrypt(
    text: &[u8],
    delivery: &Delivery,
    pass: Option<&SharePassphrase>,
) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| {
        Error::Other(format!("age encryption failed ({e}); nothing was written."))
    };
    let encryptor = match delivery {
        Delivery::File => return Ok(text.to_vec()),
        Delivery::Age(r) => {
            age::Encryptor::with_recipients(std::iter::once(r.as_ref() as &dyn age::Recipient))
                .map_err(|e| fail(&e))?
        }
        Delivery::Passphrase => {
            let p = pass.ok_or_else(|| {
                Error::Usage("a share passphrase is needed for this custodian.".into())
            })?;
            let mut r = age::scrypt::Recipient::new(p.to_secret_string());
            r.set_work_factor(SCRYPT_LOG_N);
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
                .map_err(|e| fail(&e))?
        }
    };
    let mut out = Vec::with_capacity(text.len() * 2 + 512);
    let armored = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor).map_err(|e| fail(&e))?;
    let mut w = encryptor.wrap_output(armored).map_err(|e| fail(&e))?;
    w.write_all(text).map_err(|e| fail(&e))?;
    w.finish().and_then(|a| a.finish()).map_err(|e| fail(&e))?;
    Ok(out)
}

/// Whether `bytes` look like an age file (armored or binary).
pub fn is_age(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let b = &bytes[start..];
    b.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
        || b.starts_with(b"age-encryption.org/v1\n")
}

/// Identities to decrypt shares with: X25519 identity files, and share passphrases.
#[derive(Default)]
pub struct Keys {
    identities: Vec<Box<dyn age::Identity + Send + Sync>>,
    passphrases: Vec<age::scrypt::Identity>,
}

/// Highest scrypt work factor (log2 N) accepted from a share file: 2^20 x 128 x r(8) bytes =
/// 1 GiB per attempt. A crafted file asking for more could exhaust memory. (The age CLI picks
/// about one second of work, log2 N of 18 to 20 on current machines.)
pub const MAX_SCRYPT_LOG_N: u8 = 20;
/// Work factor gsl-vault writes: 2^18 (256 MiB, under a second here), fixed so that every
/// machine that reads it stays under [`MAX_SCRYPT_LOG_N`].
pub const SCRYPT_LOG_N: u8 = 18;

impl Keys {
    /// Reads identity files (as written by age-keygen).
    pub fn add_identity_file(&mut self, path: &Path) -> Result<()> {
        let f = crate::fsio::open_regular(path)?;
        let ids = age::IdentityFile::from_buffer(BufReader::new(f.take(MAX_SHARE_FILE)))
            .map_err(|e| {
                Error::Usage(format!(
                    "{} is not an age identity file ({e}).",
                    crate::fsio::shown(path)
                ))
            })?
            .into_identities()
            .map_err(|e| {
                Error::Usage(format!(
                    "{} holds an identity gsl-vault cannot use ({e}).",
                    crate::fsio::shown(path)
                ))
            })?;
        self.identities.extend(ids);
        Ok(())
    }

    /// Adds an identity.
    pub fn add_identity(&mut self, id: Box<dyn age::Identity + Send + Sync>) {
        self.identities.push(id);
    }

    /// Adds a share passphrase, exactly as typed (the reference age CLI does not normalise
    /// passphrases either, so the same bytes open the file with both tools).
    pub fn add_passphrase(&mut self, p: &SharePassphrase) {
        let mut id = age::scrypt::Identity::new(p.to_secret_string());
        id.set_max_work_factor(MAX_SCRYPT_LOG_N);
        self.passphrases.push(id);
    }

    /// Whether any share passphrase is known.
    pub fn has_passphrase(&self) -> bool {
        !self.passphrases.is_empty()
    }
}

/// Whether an age file is passphrase-protected (scrypt).
pub fn needs_passphrase(bytes: &[u8]) -> bool {
    age::Decryptor::new_buffered(ArmoredReader::new(bytes)).is_ok_and(|d| d.is_scrypt())
}

pub use crate::error::AgeFailure;

/// Largest plaintext of an age-encrypted share: a share file's own cap.
pub const MAX_SHARE_PLAINTEXT: usize = MAX_SHARE_FILE as usize;

/// Decrypts an age-encrypted share with `keys`, into a secret buffer sized once.
///
/// # Errors
/// Why it did not open.
pub fn decrypt(bytes: &[u8], keys: &Keys) -> std::result::Result<SecretBytes, AgeFailure> {
    let d = age::Decryptor::new_buffered(ArmoredReader::new(bytes))
        .map_err(|e| AgeFailure::NotAge(e.to_string()))?;
    let scrypt = d.is_scrypt();
    let reader = if scrypt {
        // age stops at the first scrypt identity (a wrong passphrase is an error, not "not
        // mine"), so each passphrase gets its own attempt, the latest typed first.
        drop(d);
        let mut result = Err(age::DecryptError::NoMatchingKeys);
        for id in keys.passphrases.iter().rev() {
            let d = age::Decryptor::new_buffered(ArmoredReader::new(bytes))
                .map_err(|e| AgeFailure::NotAge(e.to_string()))?;
            result = d.decrypt(std::iter::once(id as &dyn age::Identity));
            if result.is_ok() {
                break;
            }
        }
        result
    } else {
        d.decrypt(
            keys.identities
                .iter()
                .map(|i| i.as_ref() as &dyn age::Identity),
        )
    };
    let mut r = reader.map_err(|e| match e {
        age::DecryptError::ExcessiveWork { required, .. } => AgeFailure::ExcessiveWork {
            required,
            cap: MAX_SCRYPT_LOG_N,
        },
        _ if scrypt => AgeFailure::WrongPassphrase,
        _ => AgeFailure::NoIdentity,
    })?;
    // Sized once: the plaintext is shorter than the (armored) ciphertext it comes from.
    let mut out = SecretBytes::with_capacity(bytes.len().min(MAX_SHARE_PLAINTEXT));
    let mut chunk = Zeroizing::new([0u8; 1024]);
    loop {
        let n = r
            .read(&mut chunk[..])
            .map_err(|e| AgeFailure::Damaged(e.to_string()))?;
        if n == 0 {
            break;
        }
        out.extend(&chunk[..n]).map_err(|_| AgeFailure::TooLarge)?;
    }
    Ok(out)
}
