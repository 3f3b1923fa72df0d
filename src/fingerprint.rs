//! The vault fingerprint people read aloud and compare: 40 bits of a hash of the vault's
//! identity key, shown as 8 base32 characters `XXXX-XXXX`. Every share carries these 40 bits,
//! so a share names the vault it belongs to.

use std::fmt;

use crate::crypto;
use crate::words;

/// Bytes of the fingerprint (40 bits, the 8 characters shown).
pub const FINGERPRINT_BYTES: usize = 5;

/// A vault's short fingerprint.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint(pub [u8; FINGERPRINT_BYTES]);

impl Fingerprint {
    /// The fingerprint of an Ed25519 identity key.
    pub fn of(identity: &[u8; 32]) -> Self {
        let h = crypto::fingerprint_hash(identity);
        let mut fp = [0u8; FINGERPRINT_BYTES];
        fp.copy_from_slice(&h[..FINGERPRINT_BYTES]);
        Fingerprint(fp)
    }

    /// Reads `XXXX-XXXX` (or the 8 characters without the dash), either case.
    pub fn parse(s: &str) -> Option<Self> {
        let compact: String = s.chars().filter(|&c| c != '-').collect();
        if compact.len() != 8 || s.len() > 9 {
            return None;
        }
        let bytes = words::base32_decode(&compact)?;
        Some(Fingerprint(bytes.try_into().ok()?))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = words::base32_bytes(&self.0);
        write!(f, "{}-{}", &s[..4], &s[4..8])
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_eight_base32_characters_in_two_groups() {
        let s = Fingerprint([0xff; FINGERPRINT_BYTES]).to_string();
        assert_eq!(s, "7777-7777");
    }
}
