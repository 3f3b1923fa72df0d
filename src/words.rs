//! The word form and the compact form of a share.
//!
//! Words come from the SLIP-0039 list (1024 words, unique 4-letter prefixes, no two words one
//! typo apart; MIT notice in `src/wordlist.LICENSE`), each carrying 10 bits. The last three words
//! are an RS1024 checksum (SLIP-0039 §"Checksum") computed under gsl-vault's own customization
//! string, so a gsl-vault share never passes as a Trezor share, nor the reverse. The compact form
//! is the same bits in RFC 4648 base32 (uppercase, no padding), which QR alphanumeric mode holds.

use std::collections::HashMap;
use std::sync::OnceLock;

use zeroize::Zeroizing;

/// The customization string gsl-vault shares are checksummed under.
pub const CUSTOMIZATION: &[u8] = b"gsl-vault";
/// Number of checksum words.
pub const CHECKSUM_WORDS: usize = 3;
/// Bits per word.
pub const BITS_PER_WORD: usize = 10;

const WORDLIST_TEXT: &str = include_str!("wordlist.txt");

/// The 1024 words, in index order.
pub fn wordlist() -> &'static [&'static str] {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| WORDLIST_TEXT.lines().collect())
}

fn prefix_index() -> &'static HashMap<&'static str, u16> {
    static MAP: OnceLock<HashMap<&'static str, u16>> = OnceLock::new();
    MAP.get_or_init(|| {
        wordlist()
            .iter()
            .enumerate()
            .map(|(i, w)| (&w[..4], i as u16))
            .collect()
    })
}

/// Looks a typed word up: the whole word, or its first four letters (or more, as long as they
/// are the start of that word). Case-insensitive. `None` if it is not in the list.
pub fn lookup(token: &str) -> Option<u16> {
    let t = token.as_bytes();
    // The longest word has 8 letters; a longer token is no word.
    if t.len() < 4 || t.len() > 8 || !t.is_ascii() {
        return None;
    }
    let mut low = zeroize::Zeroizing::new([0u8; 8]);
    for (d, c) in low.iter_mut().zip(t) {
        *d = c.to_ascii_lowercase();
    }
    let low = &low[..t.len()];
    let prefix = std::str::from_utf8(&low[..4]).ok()?;
    let i = *prefix_index().get(prefix)?;
    wordlist()[usize::from(i)]
        .as_bytes()
        .starts_with(low)
        .then_some(i)
}

const GEN: [u32; 10] = [
    0xE0E040, 0x1C1C080, 0x3838100, 0x7070200, 0xE0E0009, 0x1C0C2412, 0x38086C24, 0x3090FC48,
    0x21B1F890, 0x03F3F120,
];

fn polymod(custom: &[u8], values: impl Iterator<Item = u16>) -> u32 {
    let mut chk: u32 = 1;
    let all = custom
        .iter()
        .map(|&b| u32::from(b))
        .chain(values.map(u32::from));
    for v in all {
        let b = chk >> 20;
        chk = ((chk & 0xFFFFF) << 10) ^ v;
        for (i, g) in GEN.iter().enumerate() {
            if (b >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// The three checksum words for `data` under `custom`.
pub fn checksum(custom: &[u8], data: &[u16]) -> [u16; CHECKSUM_WORDS] {
    // No copy of the data: it is a share's secret words.
    let p = polymod(custom, data.iter().copied().chain([0u16; CHECKSUM_WORDS])) ^ 1;
    [
        ((p >> 20) & 1023) as u16,
        ((p >> 10) & 1023) as u16,
        (p & 1023) as u16,
    ]
}

/// Whether `words` (data followed by checksum) verify under `custom`.
pub fn verify(custom: &[u8], words: &[u16]) -> bool {
    polymod(custom, words.iter().copied()) == 1
}

/// One step of the polymod with a zero input value.
fn step0(chk: u32) -> u32 {
    let b = chk >> 20;
    let mut c = (chk & 0xFFFFF) << 10;
    for (i, g) in GEN.iter().enumerate() {
        if (b >> i) & 1 == 1 {
            c ^= g;
        }
    }
    c
}

/// The kit prints 36 words in three columns of twelve, numbered down each column. Whether
/// `words`, taken as a reading across the rows (1, 13, 25, 2, 14, 26, ...), verify once put back
/// in the order of their numbers. Only said, never reordered for the user.
pub fn read_by_rows(custom: &[u8], words: &[u16]) -> bool {
    const ROWS: usize = 12;
    const COLUMNS: usize = 3;
    if words.len() != ROWS * COLUMNS {
        return false;
    }
    let mut w = Zeroizing::new(vec![0u16; words.len()]);
    for (k, &x) in words.iter().enumerate() {
        let (row, column) = (k / COLUMNS, k % COLUMNS);
        w[column * ROWS + row] = x;
    }
    verify(custom, &w)
}

/// For a word sequence whose checksum fails: the position `i` where exchanging words `i` and
/// `i + 1` makes it verify, if exactly one neighbouring pair does (two swapped words are two
/// errors, which no single word explains). Only named, never exchanged for the user.
pub fn swapped_pair(custom: &[u8], words: &[u16]) -> Option<usize> {
    let mut w = Zeroizing::new(words.to_vec());
    let mut found = None;
    for i in 0..w.len().saturating_sub(1) {
        if w[i] == w[i + 1] {
            continue;
        }
        w.swap(i, i + 1);
        let fits = verify(custom, &w);
        w.swap(i, i + 1);
        if fits {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    found
}

/// The list words that start like `token` (its first four letters, else three, else two), when
/// at most eight do: a hint for a word that is not in the list.
pub fn near_words(token: &str) -> Vec<&'static str> {
    let t = token.to_ascii_lowercase();
    for n in (2..=t.len().min(4)).rev() {
        let Some(prefix) = t.get(..n) else { continue };
        let near: Vec<&'static str> = wordlist()
            .iter()
            .copied()
            .filter(|w| w.starts_with(prefix))
            .collect();
        if !near.is_empty() && near.len() <= 8 {
            return near;
        }
    }
    Vec::new()
}

/// Longest word sequence the suspect search handles (a share has 36 words).
const MAX_SUSPECT_LEN: usize = 64;

/// `SYNDROMES[k]` maps the polymod difference caused by XOR-ing `d` into the word `k` places
/// before the end, to `d`. The polymod is linear over GF(2), so a single changed word shifts the
/// result by exactly this difference.
fn syndromes() -> &'static [HashMap<u32, u16>] {
    static T: OnceLock<Vec<HashMap<u32, u16>>> = OnceLock::new();
    T.get_or_init(|| {
        let mut cur: Vec<u32> = (0..1024).collect();
        (0..MAX_SUSPECT_LEN)
            .map(|_| {
                let map = cur
                    .iter()
                    .enumerate()
                    .skip(1)
                    .map(|(d, &s)| (s, d as u16))
                    .collect();
                cur.iter_mut().for_each(|c| *c = step0(*c));
                map
            })
            .collect()
    })
}

/// For a word sequence whose checksum fails: the one position (0-based) where a single other
/// word would make it verify, if there is exactly one such position. RS1024 has distance 4, so a
/// single wrong word always has exactly one such position; two or more wrong words usually none.
/// The tool only names the position: it never substitutes a word for the user.
pub fn suspect_position(custom: &[u8], words: &[u16]) -> Option<usize> {
    let n = words.len();
    if n == 0 || n > MAX_SUSPECT_LEN {
        return None;
    }
    let target = polymod(custom, words.iter().copied()) ^ 1;
    let mut found = None;
    for (k, table) in syndromes().iter().enumerate().take(n) {
        if let Some(&d) = table.get(&target) {
            let pos = n - 1 - k;
            // The replacement must itself be a word (10 bits): always true for d < 1024.
            if usize::from(words[pos] ^ d) < 1024 {
                if found.is_some() {
                    return None;
                }
                found = Some(pos);
            }
        }
    }
    found
}

/// Packs bytes (MSB first) into 10-bit words; the last word is zero-padded.
pub fn bytes_to_words(bytes: &[u8]) -> Vec<u16> {
    let total = bytes.len() * 8;
    (0..total.div_ceil(BITS_PER_WORD))
        .map(|w| {
            (0..BITS_PER_WORD).fold(0u16, |acc, k| {
                let bit = w * BITS_PER_WORD + k;
                let v = if bit < total {
                    (bytes[bit / 8] >> (7 - bit % 8)) & 1
                } else {
                    0
                };
                (acc << 1) | u16::from(v)
            })
        })
        .collect()
}

/// Unpacks 10-bit words into `nbytes` bytes; `None` if any bit past them is set (a share with
/// non-zero padding is not canonical).
pub fn words_to_bytes(words: &[u16], nbytes: usize) -> Option<Vec<u8>> {
    let total = words.len() * BITS_PER_WORD;
    if total < nbytes * 8 || words.iter().any(|&w| w > 1023) {
        return None;
    }
    let bit = |i: usize| (words[i / BITS_PER_WORD] >> (BITS_PER_WORD - 1 - i % BITS_PER_WORD)) & 1;
    if (nbytes * 8..total).any(|i| bit(i) != 0) {
        return None;
    }
    Some(
        (0..nbytes)
            .map(|b| (0..8).fold(0u8, |acc, k| (acc << 1) | bit(b * 8 + k) as u8))
            .collect(),
    )
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 of 10-bit words (two characters a word), uppercase, unpadded. Share data:
/// written into a buffer sized once and wiped when dropped.
pub fn words_to_base32(words: &[u16]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(words.len() * 2));
    for &w in words {
        out.push(char::from(B32[usize::from((w >> 5) & 31)]));
        out.push(char::from(B32[usize::from(w & 31)]));
    }
    out
}

/// Inverse of [`words_to_base32`]; lowercase accepted (a QR reader may lowercase); `None` on
/// any other character or an odd length. Share data: sized once, wiped when dropped.
pub fn base32_to_words(s: &str) -> Option<Zeroizing<Vec<u16>>> {
    let val = |c: u8| {
        B32.iter()
            .position(|&b| b == c.to_ascii_uppercase())
            .map(|v| v as u16)
    };
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(b.len() / 2));
    for p in b.chunks(2) {
        out.push((val(p[0])? << 5) | val(p[1])?);
    }
    Some(out)
}

/// Inverse of [`base32_bytes`] (uppercase or lowercase, no padding); `None` on any other
/// character or on non-zero trailing bits.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = B32.iter().position(|&b| b == c.to_ascii_uppercase())? as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (acc == 0 && bits < 5).then_some(out)
}

/// RFC 4648 base32 of bytes, uppercase, unpadded (for fingerprints).
pub fn base32_bytes(bytes: &[u8]) -> String {
    let total = bytes.len() * 8;
    (0..total.div_ceil(5))
        .map(|c| {
            let v = (0..5).fold(0usize, |acc, k| {
                let bit = c * 5 + k;
                let v = if bit < total {
                    (bytes[bit / 8] >> (7 - bit % 8)) & 1
                } else {
                    0
                };
                (acc << 1) | usize::from(v)
            });
            char::from(B32[v])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordlist_has_1024_words_with_unique_prefixes() {
        assert_eq!(wordlist().len(), 1024);
        assert_eq!(prefix_index().len(), 1024);
    }

    #[test]
    fn lookup_takes_four_letters_and_refuses_strangers() {
        assert_eq!(lookup("academic"), Some(0));
        assert_eq!(lookup("ACAD"), Some(0));
        assert_eq!(lookup("acade"), Some(0));
        assert_eq!(lookup("acadx"), None);
        assert_eq!(lookup("aca"), None);
        assert_eq!(lookup("zzzz"), None);
    }

    #[test]
    fn packing_round_trips_and_rejects_padding() {
        let bytes: Vec<u8> = (0..41u8).map(|i| i.wrapping_mul(37)).collect();
        let w = bytes_to_words(&bytes);
        assert_eq!(words_to_bytes(&w, bytes.len()).unwrap(), bytes);
        let mut bad = w.clone();
        *bad.last_mut().unwrap() |= 1;
        assert!(words_to_bytes(&bad, bytes.len()).is_none());
        assert_eq!(*base32_to_words(&words_to_base32(&w)).unwrap(), w);
    }

    #[test]
    fn checksum_detects_and_locates_a_single_wrong_word() {
        let data: Vec<u16> = (0..20).map(|i| (i * 97 + 5) % 1024).collect();
        let mut all = data.clone();
        all.extend(checksum(CUSTOMIZATION, &data));
        assert!(verify(CUSTOMIZATION, &all));
        assert!(
            !verify(b"shamir", &all),
            "another customization must not verify"
        );
        for pos in 0..all.len() {
            for delta in [1u16, 0x155, 1023] {
                let mut bad = all.clone();
                bad[pos] ^= delta;
                assert!(!verify(CUSTOMIZATION, &bad));
                assert_eq!(
                    suspect_position(CUSTOMIZATION, &bad),
                    Some(pos),
                    "pos {pos} delta {delta}"
                );
            }
        }
        // Brute force agrees: exactly one single-word change at the named position verifies.
        let mut bad = all.clone();
        bad[4] ^= 77;
        let fixes: Vec<(usize, u16)> = (0..bad.len())
            .flat_map(|p| (0..1024u16).map(move |w| (p, w)))
            .filter(|&(p, w)| {
                let mut t = bad.clone();
                t[p] = w;
                w != bad[p] && verify(CUSTOMIZATION, &t)
            })
            .collect();
        assert_eq!(fixes, vec![(4, all[4])]);
    }
}
