//! The properties the fuzz targets check, in one place so that `cargo test` can replay the
//! committed corpora on the stable toolchain with exactly the same checks (tests/fuzz_corpus.rs).

use crate::{format, share, vault};

/// The vault parser never panics, and what it accepts is canonical: serializing the parsed body
/// gives back exactly the bytes it was read from.
pub fn vault_parse(data: &[u8]) {
    if let Ok(file) = format::parse(data, "fuzz") {
        let body = format::body_bytes(&file.body);
        let start = format::MAGIC.len();
        assert_eq!(
            &data[start..start + body.len()],
            &body[..],
            "accepted a non-canonical body"
        );
        let _ = vault::Vault::parse(data, "fuzz");
    }
}

/// The share reader never panics; a share it accepts re-encodes to the same words, and the
/// words and compact form it writes are read back to the same share.
pub fn share_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(code) = share::parse_share_text(text, "fuzz") {
        let words = code.to_words();
        for form in [code.to_mnemonic(), code.to_compact()] {
            let again = share::parse_share_text(&form, "fuzz").expect("own output re-reads");
            assert_eq!(again.to_words(), words);
        }
    }
}
