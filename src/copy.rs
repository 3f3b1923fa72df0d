//! The recovery copy as it travels: armored as base64 between two marker lines at the end of a
//! share file (after the words and the compact form), pasted on its own, or as the raw file.
//! FORMAT.md, "Recovery copy", has the copy itself; this module only wraps and unwraps it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::format::{COPY_MAGIC, COPY_MAGIC_V3, MAX_COPY};

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

/// How each QR code of a version 3 copy starts (FORMAT.md, "Recovery copy (version 3)").
pub const QR_PARTS_PREFIX: &str = "GSLC3:";
/// Most base32 characters in one part: a QR code of about version 27 at level M, which a phone
/// reads from a printed page.
pub const QR_PART_CHARS: usize = 1400;
/// Most parts a copy is cut into.
pub const MAX_QR_PARTS: usize = 99;

/// A copy as the QR texts of its parts: `GSLC3:<i>/<n>:<ID>:<piece>`, where the pieces cut the
/// base32 of the copy compressed with raw DEFLATE, and ID names the whole (the first 8 base32
/// characters of H("gsl-vault/v3 copy parts", compressed)).
pub fn qr_parts(copy: &[u8]) -> Vec<String> {
    let packed = miniz_oxide::deflate::compress_to_vec(copy, 10);
    let text = crate::words::base32_bytes(&packed);
    let id = parts_id(&packed);
    let pieces: Vec<&str> = text
        .as_bytes()
        .chunks(QR_PART_CHARS)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    let n = pieces.len();
    pieces
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{QR_PARTS_PREFIX}{}/{n}:{id}:{p}", i + 1))
        .collect()
}

fn parts_id(packed: &[u8]) -> String {
    let h = crate::crypto::hash_parts(&[b"gsl-vault/v3 copy parts", packed]);
    crate::words::base32_bytes(&h)[..8].to_string()
}

/// The copy that the `GSLC3:` parts in `text` make, in any order (whitespace separates them; a
/// part read twice counts once).
fn from_qr_parts(text: &str) -> Result<Vec<u8>, &'static str> {
    let mut total = None;
    let mut id_seen: Option<&str> = None;
    let mut pieces: Vec<Option<&str>> = Vec::new();
    for token in text.split_whitespace() {
        let Some(rest) = token.strip_prefix(QR_PARTS_PREFIX) else {
            continue;
        };
        // The grammar the recovery page reads too: `i/n` of one or two digits, an 8-character
        // ID and a piece, both in RFC 4648's base32 alphabet.
        let b32 = |t: &str| {
            t.bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        };
        let digits = |t: &str| (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
        let mut f = rest.splitn(3, ':');
        let (Some(pos), Some(id), Some(piece)) = (f.next(), f.next(), f.next()) else {
            return Err("has a QR part that is cut short (scan it again)");
        };
        if id.len() != 8 || !b32(id) || !b32(piece) {
            return Err("has a QR part that is cut short or misread (scan it again)");
        }
        let (i, n) = pos
            .split_once('/')
            .filter(|(i, n)| digits(i) && digits(n))
            .and_then(|(i, n)| Some((i.parse::<usize>().ok()?, n.parse::<usize>().ok()?)))
            .filter(|&(i, n)| (1..=MAX_QR_PARTS).contains(&n) && (1..=n).contains(&i))
            .ok_or("has a QR part whose number is not readable (scan it again)")?;
        if *total.get_or_insert(n) != n || *id_seen.get_or_insert(id) != id {
            return Err(
                "holds QR parts of more than one recovery copy: give the parts of one page 2 only",
            );
        }
        if pieces.len() < n {
            pieces.resize(n, None);
        }
        match pieces[i - 1] {
            Some(p) if p != piece => {
                return Err("holds two different readings of one QR part: scan that part again");
            }
            _ => pieces[i - 1] = Some(piece),
        }
    }
    if pieces.is_empty() {
        return Err("is not a copy");
    }
    let mut joined = String::new();
    for p in &pieces {
        joined.push_str(p.ok_or(
            "lacks some of the recovery copy's QR parts: scan every code on page 2 (each says part i of n)",
        )?);
    }
    let packed = crate::words::base32_decode(&joined)
        .ok_or("is not valid base32 (a character was changed)")?;
    if Some(parts_id(&packed).as_str()) != id_seen {
        return Err("has QR parts that do not fit together (one was misread): scan them again");
    }
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
    if text.starts_with(COPY_MAGIC.as_bytes()) || text.starts_with(COPY_MAGIC_V3.as_bytes()) {
        return Some(Ok(text.to_vec()));
    }
    let text = std::str::from_utf8(text).ok()?;
    if text.contains(QR_PARTS_PREFIX) {
        return Some(from_qr_parts(text));
    }
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

    /// A copy too large for one code is cut into parts; the parts, in any order, with a part
    /// read twice, give it back; a missing part, or parts of two copies, are named.
    #[test]
    fn qr_parts_read_back_in_any_order() {
        let mut copy = COPY_MAGIC_V3.as_bytes().to_vec();
        // Incompressible bytes, so that the copy needs several parts.
        let mut x: u32 = 7;
        for _ in 0..6000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            copy.push((x >> 16) as u8);
        }
        let parts = qr_parts(&copy);
        assert!(parts.len() >= 5, "{}", parts.len());
        assert!(parts.iter().all(|p| p.len() <= QR_PART_CHARS + 20));
        assert!(parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == ':' || c == '/')
        }));
        let mut shuffled = parts.clone();
        shuffled.reverse();
        shuffled.swap(0, 2);
        shuffled.push(parts[1].clone());
        assert_eq!(
            find(shuffled.join("\n\n").as_bytes()),
            Some(Ok(copy.clone()))
        );
        let missing: Vec<String> = parts[1..].to_vec();
        assert!(
            matches!(find(missing.join(" ").as_bytes()), Some(Err(e)) if e.contains("lacks some"))
        );
        // The page's grammar: a signed or three-digit number, or a short ID, is a misreading.
        for bad in [
            "GSLC3:+1/2:ABCDEFGH:AAAA",
            "GSLC3:001/2:ABCDEFGH:AAAA",
            "GSLC3:1/2:ABC:AAAA",
        ] {
            assert!(matches!(find(bad.as_bytes()), Some(Err(_))), "{bad}");
        }
        let other = qr_parts(b"gsl-vault recovery copy v3\nanother");
        let mixed = format!("{} {}", parts.join(" "), other[0]);
        assert!(matches!(find(mixed.as_bytes()), Some(Err(e)) if e.contains("more than one")));
    }
}
