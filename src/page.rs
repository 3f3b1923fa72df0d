//! The offline recovery page, `recover.html`: one self-contained HTML file that recovers a
//! vault in any web browser with nothing installed (a second implementation of FORMAT.md in
//! JavaScript, `recovery-page/`). The bundled page is committed and embedded here at build
//! time, so building gsl-vault needs no Node; CI rebuilds it and fails if the bytes differ.
//!
//! The page may carry the vault's recovery copy (never a share), so that custodians only type
//! their words. Its SHA-256 is printed by the command that writes it and on every kit.

use sha2::{Digest, Sha256};

/// The page as built by `recovery-page/build.mjs`, without a recovery copy.
pub const PAGE: &str = include_str!("../recovery-page/recover.html");

/// Where the page carries its recovery copy (inside a hidden `<pre>`, read as text).
const COPY_SLOT: &str = "<!--GSL-VAULT-EMBEDDED-COPY-->";

/// The page, with `copy` (a verified recovery copy's bytes) embedded as armor when given.
pub fn render(copy: Option<&[u8]>) -> String {
    let Some(copy) = copy else {
        return PAGE.to_string();
    };
    let armored = crate::copy::armor(copy);
    // Only the marker lines and base64: none of these characters is special in HTML.
    let block: String = armored
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| [l, "\n"])
        .collect();
    PAGE.replacen(COPY_SLOT, &block, 1)
}

/// Lowercase hex SHA-256 of a page, as `sha256sum` prints it.
pub fn sha256_hex(page: &str) -> String {
    crate::hex::encode(&Sha256::digest(page.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_one_copy_slot_and_a_policy_that_forbids_connections() {
        assert_eq!(PAGE.matches(COPY_SLOT).count(), 1);
        assert!(PAGE.contains("connect-src 'none'"));
        assert!(PAGE.contains("default-src 'none'"));
        let with = render(Some(b"gsl-vault recovery copy v1\n{}\nsignature 00\n"));
        assert!(!with.contains(COPY_SLOT));
        assert!(with.contains(crate::copy::BEGIN));
        assert_ne!(sha256_hex(&with), sha256_hex(PAGE));
    }
}
