//! The account's whole recovery sheet: besides the master key, the payload may hold named
//! entries (the 2FA recovery codes, a note: the owner's recovery procedure, and in version 3
//! the sign-in authenticator key, an `otpauth://totp/` URI shown as codes). Their names are
//! in the signed body (`entries`), so `status` can list them without a secret; their contents
//! are in the payload after the master key, padded with it (FORMAT.md, "Payload").

use crate::error::{Error, Result};
use crate::secret::{MasterKey, SecretBytes};

use super::slots::seal_hex;
use super::{PAYLOAD_PAD as PAYLOAD_PAD_BYTES, Vault, corrupt};

/// The entries a vault may hold, in payload order.
pub const ENTRY_NAMES: [&str; 3] = ["recovery-codes", "note", "sign-in-totp"];
/// The entry that holds the account's sign-in authenticator key (version 3 only).
pub const SIGN_IN_TOTP: &str = "sign-in-totp";
/// The most bytes an entry holds (a page of recovery codes, a page of notes).
pub const MAX_ENTRY: usize = 16 * 1024;

/// A named entry's text.
pub struct Entry {
    /// One of [`ENTRY_NAMES`].
    pub name: &'static str,
    /// Its bytes (UTF-8 text).
    pub text: SecretBytes,
}

/// What a person reads for an entry's name.
pub fn entry_title(name: &str) -> &'static str {
    match name {
        "recovery-codes" => "2FA recovery codes",
        "note" => "recovery note",
        "sign-in-totp" => "sign-in authenticator key",
        _ => "master key",
    }
}

/// The payload plaintext: each item as `len_be16 ‖ bytes` (the master key first, then the
/// entries), zero-padded to a multiple of 256 bytes. With no entries it is exactly the
/// version 1 layout.
pub(super) fn encode_items(master: &MasterKey, entries: &[Entry]) -> SecretBytes {
    let items: Vec<&[u8]> = std::iter::once(master.expose())
        .chain(entries.iter().map(|e| e.text.expose()))
        .collect();
    let used: usize = items.iter().map(|i| 2 + i.len()).sum();
    let len = used.div_ceil(PAYLOAD_PAD_BYTES).max(1) * PAYLOAD_PAD_BYTES;
    let mut p = SecretBytes::with_capacity(len);
    // Capacity is exact: these cannot fail.
    for i in items {
        let _ = p.extend(&(i.len() as u16).to_be_bytes());
        let _ = p.extend(i);
    }
    let _ = p.extend(&vec![0u8; len - used]);
    p
}

/// The `count` items of a payload plaintext; refuses anything but exact items and zero padding.
pub(super) fn decode_items(plain: &[u8], count: usize, path: &str) -> Result<Vec<SecretBytes>> {
    let bad = || corrupt(path, "holds a payload that does not decode");
    if !plain.len().is_multiple_of(PAYLOAD_PAD_BYTES) {
        return Err(bad());
    }
    let mut at = 0;
    let mut out = Vec::with_capacity(count);
    for k in 0..count {
        let len = plain
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or_else(bad)?;
        let max = if k == 0 {
            crate::secret::MAX_MASTER_KEY
        } else {
            MAX_ENTRY
        };
        if len == 0 || len > max || at + 2 + len > plain.len() {
            return Err(bad());
        }
        let mut s = SecretBytes::with_capacity(len);
        s.extend(&plain[at + 2..at + 2 + len])?;
        out.push(s);
        at += 2 + len;
    }
    if plain[at..].iter().any(|&b| b != 0) {
        return Err(bad());
    }
    Ok(out)
}

/// An entry read from a file or standard input: UTF-8 text, one trailing newline dropped.
pub fn entry_from(name: &'static str, mut bytes: SecretBytes, source: &str) -> Result<Entry> {
    if bytes.expose().ends_with(b"\n") {
        bytes.truncate_by(1);
    }
    if bytes.is_empty() || bytes.len() > MAX_ENTRY || std::str::from_utf8(bytes.expose()).is_err() {
        return Err(Error::Usage(format!(
            "the {} from {source} must be UTF-8 text of 1 to {MAX_ENTRY} bytes.",
            entry_title(name)
        )));
    }
    Ok(Entry { name, text: bytes })
}

impl Vault {
    /// The entries the payload holds besides the master key, with their names.
    pub fn open_entries(&self, vk: &crate::secret::VaultKey) -> Result<Vec<Entry>> {
        Ok(self.open_sheet(vk)?.1)
    }

    /// The master key and the entries, from one decryption of the payload.
    pub fn open_sheet(&self, vk: &crate::secret::VaultKey) -> Result<(MasterKey, Vec<Entry>)> {
        let bad = || corrupt(&self.path, "holds a payload that does not decode");
        let plain = self.open_plain(vk)?;
        let mut items = decode_items(&plain, 1 + self.body.entries.len(), &self.path)?.into_iter();
        let master =
            MasterKey::new(items.next().ok_or_else(bad)?, &self.path).map_err(|_| bad())?;
        let entries = items
            .zip(&self.body.entries)
            .map(|(text, name)| Entry {
                name: ENTRY_NAMES
                    .iter()
                    .find(|n| *n == name)
                    .copied()
                    .unwrap_or("note"),
                text,
            })
            .collect();
        Ok((master, entries))
    }

    /// Seals `master` and `entries` as the payload under `vk` (no rotation: for a vault being
    /// made, or with [`Vault::set_secret`], which rotates). Entries keep [`ENTRY_NAMES`] order.
    pub fn seal_items(
        &mut self,
        vk: &crate::secret::VaultKey,
        master: &MasterKey,
        mut entries: Vec<Entry>,
    ) -> Result<()> {
        entries.sort_by_key(|e| ENTRY_NAMES.iter().position(|n| *n == e.name));
        entries.dedup_by_key(|e| e.name);
        self.body.payload = seal_hex(
            &crate::crypto::payload_key(vk),
            encode_items(master, &entries).expose(),
            &self.payload_aad_now(),
        )?;
        self.body.entries = entries.iter().map(|e| e.name.to_string()).collect();
        Ok(())
    }
}
