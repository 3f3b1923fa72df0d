//! The recovery copy as it travels: armored as base64 between two marker lines at the end of a
//! share file (after the words and the compact form), pasted on its own, or as the raw file.
//! FORMAT.md, "Recovery copy", has the copy itself; this module only wraps and unwraps it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::format::{COPY_MAGIC, MAX_COPY};

/// The line that starts an armored recovery copy.
pub const BEGIN: &str = "-----BEGIN GSL-VAULT RECOVERY COPY-----";
/// The line that ends it.
pub const END: &str = "-----END GSL-VAULT RECOVERY COPY-----";
/// Base64 characters per armored line.
const LINE: usize = 64;

/// `copy` armored: a comment for people, the markers, base64 in lines of 64.
pub fn armor(copy: &[u8]) -> String {
    let b64 = STANDARD.encode(copy);
    let mut out = String::with_capacity(b64.len() + b64.len() / LINE + 256);
    out.push_str(
        "# The vault, encrypted: useless without enough shares. With them it recovers the key\n",
    );
    out.push_str("# even if the owner's vault file is lost (gsl-vault recover SHARE...).\n");
    out.push_str(BEGIN);
    out.push('\n');
    for chunk in b64.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// How a copy starts when it comes from a kit's QR code: compressed, in QR's alphanumeric set.
pub const QR_PREFIX: &str = "GSLC1:";

/// The copy as a kit prints it in a QR code: `GSLC1:` then RFC 4648 base32 (no padding) of the
/// copy compressed with raw DEFLATE (RFC 1951). Every character is in QR's alphanumeric set,
/// which packs 5.5 bits a character.
pub fn qr_text(copy: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(copy, 10);
    format!("{QR_PREFIX}{}", crate::words::base32_bytes(&packed))
}

/// The copy a kit's QR code text holds, inflated (at most [`MAX_COPY`] bytes).
fn from_qr_text(text: &str) -> Result<Vec<u8>, &'static str> {
    let b32 = text.trim().strip_prefix(QR_PREFIX).ok_or("is not a copy")?;
    let packed =
        crate::words::base32_decode(b32).ok_or("is not valid base32 (a character was changed)")?;
    miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_COPY as usize)
        .map_err(|_| "does not inflate (it was cut short or altered)")
}

/// Where the share part of a share text ends: at the copy's first marker, if any.
pub fn share_part(text: &str) -> &str {
    match text.find(BEGIN) {
        Some(i) => &text[..i],
        None => text,
    }
}

/// The recovery copy a text holds: armored (anywhere in it), or the raw copy file. `None` when
/// it holds none; `Some(Err)` with what is wrong when the armor does not decode.
pub fn find(text: &[u8]) -> Option<Result<Vec<u8>, &'static str>> {
    if text.starts_with(COPY_MAGIC.as_bytes()) {
        return Some(Ok(text.to_vec()));
    }
    let text = std::str::from_utf8(text).ok()?;
    if text.trim_start().starts_with(QR_PREFIX) {
        return Some(from_qr_text(text));
    }
    let start = text.find(BEGIN)? + BEGIN.len();
    let Some(len) = text[start..].find(END) else {
        return Some(Err("is cut off (its end line is missing)"));
    };
    let b64: String = text[start..start + len]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if b64.len() as u64 > MAX_COPY * 4 / 3 + 4 {
        return Some(Err("is larger than any recovery copy"));
    }
    Some(
        STANDARD
            .decode(b64.as_bytes())
            .map_err(|_| "is not valid base64 (a character was changed or lost)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armor_round_trips_and_marks_the_end_of_the_share() {
        let copy = format!("{COPY_MAGIC}{{}}\nsignature 00\n").into_bytes();
        let text = format!("words:\nacid\n{}", armor(&copy));
        assert_eq!(find(text.as_bytes()), Some(Ok(copy.clone())));
        assert_eq!(
            share_part(&text),
            "words:\nacid\n# The vault, encrypted: useless without enough shares. With them it recovers the key\n# even if the owner's vault file is lost (gsl-vault recover SHARE...).\n"
        );
        assert_eq!(find(b"words: acid"), None);
        let qr = qr_text(&copy);
        assert!(
            qr.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == ':')
        );
        assert_eq!(find(format!("{qr}\n").as_bytes()), Some(Ok(copy)));
    }
}
