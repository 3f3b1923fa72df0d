//! A share's bits, its word and compact forms, and the share text file.
//!
//! Layout (FORMAT.md, "Share"), 36 words = 360 bits:
//! version (4) | fingerprint (40) | epoch (16) | x (8) | y (256) | zero padding (6) | RS1024 (30).
//! The first 60 bits are the same for every share of one set, so the first six words match.

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::shamir::Point;
use crate::words;

/// Share format version carried in the first four bits.
pub const SHARE_VERSION: u8 = 1;
pub use crate::fingerprint::FINGERPRINT_BYTES;
/// Words in a share.
pub const SHARE_WORDS: usize = 36;
/// Data words (before the checksum).
const DATA_WORDS: usize = SHARE_WORDS - words::CHECKSUM_WORDS;
/// Characters of the compact form.
pub const COMPACT_LEN: usize = SHARE_WORDS * 2;
/// Largest share file read, in bytes: a share is under 2 KiB, and the recovery copy after it
/// at most `format::MAX_COPY` (256 KiB) raw, a third more in base64.
pub const MAX_SHARE_FILE: u64 = 512 * 1024;

/// A decoded share.
pub struct ShareCode {
    /// The first 40 bits of the vault's fingerprint hash.
    pub fingerprint: [u8; FINGERPRINT_BYTES],
    /// The vault epoch the share belongs to.
    pub epoch: u16,
    /// The Shamir point (x = the custodian's index).
    pub point: Point,
}

struct Bits(Zeroizing<Vec<u8>>);

impl Bits {
    fn push(&mut self, value: u64, n: usize) {
        for k in (0..n).rev() {
            self.0.push(((value >> k) & 1) as u8);
        }
    }
    fn take(&self, at: &mut usize, n: usize) -> u64 {
        let v = self.0[*at..*at + n]
            .iter()
            .fold(0u64, |a, &b| (a << 1) | u64::from(b));
        *at += n;
        v
    }
}

impl ShareCode {
    /// The 36 word indices (data then checksum).
    pub fn to_words(&self) -> Zeroizing<Vec<u16>> {
        let mut bits = Bits(Zeroizing::new(Vec::with_capacity(DATA_WORDS * 10)));
        bits.push(u64::from(SHARE_VERSION), 4);
        for b in self.fingerprint {
            bits.push(u64::from(b), 8);
        }
        bits.push(u64::from(self.epoch), 16);
        bits.push(u64::from(self.point.x), 8);
        for b in self.point.y.iter() {
            bits.push(u64::from(*b), 8);
        }
        bits.push(0, 6);
        let mut out = Zeroizing::new(Vec::with_capacity(SHARE_WORDS));
        let mut at = 0;
        for _ in 0..DATA_WORDS {
            out.push(bits.take(&mut at, 10) as u16);
        }
        let check = words::checksum(words::CUSTOMIZATION, &out);
        out.extend(check);
        out
    }

    /// The words as text, space-separated.
    pub fn to_mnemonic(&self) -> Zeroizing<String> {
        let list = words::wordlist();
        let w = self.to_words();
        // Sized once for the longest words (8 letters) and the spaces: never reallocated, so
        // no unwiped copy of the words is left behind.
        let mut out = Zeroizing::new(String::with_capacity(SHARE_WORDS * 9));
        for (k, &i) in w.iter().enumerate() {
            if k > 0 {
                out.push(' ');
            }
            out.push_str(list[usize::from(i)]);
        }
        out
    }

    /// The compact form (72 uppercase base32 characters).
    pub fn to_compact(&self) -> Zeroizing<String> {
        words::words_to_base32(&self.to_words())
    }

    /// Decodes 36 word indices. `name` names the share in errors.
    pub fn from_words(w: &[u16], name: &str) -> Result<Self> {
        if w.len() != SHARE_WORDS {
            return Err(Error::Shares(format!(
                "share {name} has {} words; a gsl-vault share has {SHARE_WORDS}: check that no line is missing.",
                w.len()
            )));
        }
        if !words::verify(words::CUSTOMIZATION, w) {
            let suspect = words::suspect_position(words::CUSTOMIZATION, w);
            let swapped = suspect
                .is_none()
                .then(|| words::swapped_pair(words::CUSTOMIZATION, w))
                .flatten();
            return Err(Error::Checksum {
                share: name.to_string(),
                suspect,
                swapped,
                by_rows: suspect.is_none()
                    && swapped.is_none()
                    && words::read_by_rows(words::CUSTOMIZATION, w),
            });
        }
        let mut bits = Bits(Zeroizing::new(Vec::with_capacity(DATA_WORDS * 10)));
        for &x in &w[..DATA_WORDS] {
            bits.push(u64::from(x), 10);
        }
        let mut at = 0;
        let version = bits.take(&mut at, 4) as u8;
        if version != SHARE_VERSION {
            return Err(Error::Shares(format!(
                "share {name} is of share format version {version}, which this gsl-vault does not know: use a newer gsl-vault."
            )));
        }
        let mut fingerprint = [0u8; FINGERPRINT_BYTES];
        for b in fingerprint.iter_mut() {
            *b = bits.take(&mut at, 8) as u8;
        }
        let epoch = bits.take(&mut at, 16) as u16;
        let x = bits.take(&mut at, 8) as u8;
        let mut y = Zeroizing::new([0u8; 32]);
        for b in y.iter_mut() {
            *b = bits.take(&mut at, 8) as u8;
        }
        if bits.take(&mut at, 6) != 0 {
            return Err(Error::Shares(format!(
                "share {name} has non-zero padding bits: it was not written by gsl-vault."
            )));
        }
        if x == 0 {
            return Err(Error::Shares(format!(
                "share {name} has index 0, which no custodian holds: it is not a valid share."
            )));
        }
        Ok(ShareCode {
            fingerprint,
            epoch,
            point: Point { x, y },
        })
    }
}

/// The sections of a share text as it is read, token by token.
#[derive(PartialEq)]
enum Section {
    Words,
    Compact,
}

/// What a share text holds so far: word indices, and the compact form. Both are share data,
/// in buffers sized once and wiped when dropped.
struct ShareText<'a> {
    name: &'a str,
    section: Section,
    words: Zeroizing<Vec<u16>>,
    compact: Zeroizing<String>,
    explicit_compact: bool,
    position: usize,
    /// Words not in the list: their positions (1-based) and the list words that start alike.
    unknown: Vec<(usize, Vec<&'static str>)>,
}

impl<'a> ShareText<'a> {
    fn new(name: &'a str) -> Self {
        ShareText {
            name,
            section: Section::Words,
            words: Zeroizing::new(Vec::with_capacity(SHARE_WORDS)),
            compact: Zeroizing::new(String::with_capacity(COMPACT_LEN)),
            explicit_compact: false,
            position: 0,
            unknown: Vec::new(),
        }
    }

    /// Takes one whitespace-separated token.
    fn take(&mut self, tok: &str) -> Result<()> {
        let name = self.name;
        // Compared in place: a lowercased copy of a share word would outlive the wipe.
        if tok.eq_ignore_ascii_case("words:") {
            self.section = Section::Words;
            return Ok(());
        }
        if tok.eq_ignore_ascii_case("compact:") {
            self.section = Section::Compact;
            self.explicit_compact = true;
            return Ok(());
        }
        if self.section == Section::Compact {
            if self.compact.len() + tok.len() > COMPACT_LEN {
                return Err(Error::Shares(format!(
                    "share {name}: the compact form is longer than {COMPACT_LEN} characters; check it against the paper."
                )));
            }
            self.compact.push_str(tok);
            return Ok(());
        }
        self.position += 1;
        if self.words.len() == SHARE_WORDS {
            return Err(Error::Shares(format!(
                "share {name} has more than {SHARE_WORDS} words; a gsl-vault share has {SHARE_WORDS}."
            )));
        }
        match words::lookup(tok) {
            Some(i) => self.words.push(i),
            // A lone compact form with no "compact:" label.
            None if self.position == 1 && tok.len() == COMPACT_LEN => {
                self.compact.push_str(tok);
                self.section = Section::Compact;
                self.position = 0;
            }
            None => {
                // Every word not in the list is named at the end, not only the first.
                self.unknown.push((self.position, words::near_words(tok)));
                self.words.push(0);
            }
        }
        Ok(())
    }

    /// The share the text holds: from its words, its compact form, or both when they agree.
    fn finish(self) -> Result<ShareCode> {
        let name = self.name;
        if !self.unknown.is_empty() {
            return Err(Error::Shares(not_in_list(name, &self.unknown)));
        }
        let from_compact = if self.compact.is_empty() {
            if self.explicit_compact {
                return Err(Error::Shares(format!(
                    "share {name}: the compact form is empty."
                )));
            }
            None
        } else {
            let w = words::base32_to_words(&self.compact)
                .filter(|w| w.len() == SHARE_WORDS)
                .ok_or_else(|| {
                    Error::Shares(format!(
                        "share {name}: the compact form is not {COMPACT_LEN} base32 characters (A-Z, 2-7); check it against the paper."
                    ))
                })?;
            Some(w)
        };
        let word_idx = &self.words;
        match (word_idx.is_empty(), from_compact) {
            (true, None) => Err(Error::Shares(format!(
                "share {name} holds no share: expected {SHARE_WORDS} words or the compact form."
            ))),
            (true, Some(c)) => ShareCode::from_words(&c, name),
            (false, None) => ShareCode::from_words(word_idx, name),
            (false, Some(c)) => {
                let code = ShareCode::from_words(word_idx, name)?;
                let same = c.len() == word_idx.len()
                    && c.iter()
                        .zip(word_idx.iter())
                        .fold(0u16, |acc, (a, b)| acc | (a ^ b))
                        == 0;
                if !same {
                    return Err(Error::Shares(format!(
                        "share {name}: its words and its compact form disagree; one of them was copied wrongly, so check both against the paper."
                    )));
                }
                Ok(code)
            }
        }
    }
}

/// The sentence for words not in the list: which (by position), and the list words that start
/// like each one, when few do (its first four letters may be right and the rest wrong).
fn not_in_list(name: &str, unknown: &[(usize, Vec<&'static str>)]) -> String {
    let positions: Vec<String> = unknown.iter().map(|(p, _)| p.to_string()).collect();
    let which = match positions.as_slice() {
        [one] => format!("word {one} is"),
        many => format!("words {} are", many.join(", ")),
    };
    let hints: Vec<String> = unknown
        .iter()
        .filter(|(_, near)| !near.is_empty())
        .map(|(p, near)| format!("word {p} may be {}", near.join(" or ")))
        .collect();
    let hint = if hints.is_empty() {
        String::new()
    } else {
        format!(" ({})", hints.join("; "))
    };
    format!(
        "share {name}: {which} not in the word list{hint}; compare with the paper, letter by letter."
    )
}

/// Tokens of a share text: split at whitespace, commas and semicolons, list numbering such as
/// `1.` or `12)` left out (people number the words they copy).
fn tokens(line: &str) -> impl Iterator<Item = &str> + Clone {
    line.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|t| !t.is_empty())
        .filter(|t| {
            let digits = t.trim_end_matches(['.', ')', ':']);
            !(digits.len() < t.len()
                && !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// Decodes a share text (a share file, standard input, a scanned QR code): its words, its
/// compact form, or both (which must agree). Lines starting with `#` are comments. `name`
/// names the share in errors.
pub fn parse_share_text(text: &str, name: &str) -> Result<ShareCode> {
    // A recovery copy may follow the share (FORMAT.md): it is no part of the share.
    let share = crate::copy::share_part(text);
    let lines = || share.lines().filter(|l| !l.trim_start().starts_with('#'));
    if let Some(code) = compact_as_printed(lines().flat_map(tokens), name)? {
        return Ok(code);
    }
    let mut t = ShareText::new(name);
    for line in lines() {
        for tok in tokens(line) {
            t.take(tok)?;
        }
    }
    t.finish()
}

/// The compact form as a kit prints it or a person copies it: in groups (`DWKHKS VSWAAC ...`),
/// with dashes, in either case. Words never hold digits or total 72 letters, so a text whose
/// groups are all base32-like and add up to 72 characters is the compact form. A 0, 1, 8 or 9
/// (not in the alphabet) is named as the letter it most likely is. `None`: not a compact form.
fn compact_as_printed<'a>(
    tokens: impl Iterator<Item = &'a str> + Clone,
    name: &str,
) -> Result<Option<ShareCode>> {
    let looks_base32 = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let chars = || tokens.clone().flat_map(str::chars).filter(|&c| c != '-');
    let groups = tokens.clone().count();
    let dashed = tokens.clone().any(|t| t.contains('-'));
    if (groups < 2 && !dashed) || !tokens.clone().all(|t| t.chars().all(looks_base32)) {
        return Ok(None);
    }
    if chars().count() != COMPACT_LEN {
        return Ok(None);
    }
    if let Some((i, c)) = chars()
        .enumerate()
        .find(|(_, c)| matches!(c, '0' | '1' | '8' | '9'))
    {
        let likely = match c {
            '0' => "the letter O",
            '1' => "the letter I or L",
            '8' => "the letter B",
            _ => "a letter",
        };
        return Err(Error::Shares(format!(
            "share {name}: character {} of the compact form is {c}, which the compact form never uses: it is most likely {likely}; compare it with the paper.",
            i + 1
        )));
    }
    let mut compact = Zeroizing::new(String::with_capacity(COMPACT_LEN));
    compact.extend(chars());
    let w = words::base32_to_words(&compact)
        .filter(|w| w.len() == SHARE_WORDS)
        .ok_or_else(|| {
            Error::Shares(format!(
                "share {name}: the compact form is not {COMPACT_LEN} base32 characters (A-Z, 2-7); check it against the paper."
            ))
        })?;
    ShareCode::from_words(&w, name).map(Some)
}

/// What the header of a share file says about the share.
pub struct ShareHeader<'a> {
    /// The vault label.
    pub label: &'a str,
    /// The vault fingerprint, `XXXX-XXXX`.
    pub fingerprint: &'a str,
    /// Custodian name.
    pub custodian: &'a str,
    /// k of n, any t.
    pub index: u8,
    /// Number of shares.
    pub count: usize,
    /// Threshold.
    pub threshold: usize,
    /// Epoch.
    pub epoch: u32,
    /// Date written, `YYYY-MM-DD`.
    pub date: &'a str,
}

/// The text of a share file: a comment header, the words six to a line, and the compact form.
pub fn render_share_text(h: &ShareHeader<'_>, code: &ShareCode) -> Zeroizing<String> {
    let mnemonic = code.to_mnemonic();
    let words: Vec<&str> = mnemonic.split(' ').collect();
    let mut s = Zeroizing::new(String::with_capacity(2048));
    s.push_str("# gsl-vault share. Keep it private and safe; never type it into a website (only into gsl-vault\n# or its offline page, recover.html).\n");
    s.push_str(&format!("# vault: {}\n", h.label));
    s.push_str(&format!("# fingerprint: {}\n", h.fingerprint));
    s.push_str(&format!("# custodian: {}\n", h.custodian));
    s.push_str(&format!(
        "# share {} of {}, any {} recover (epoch {})\n",
        h.index, h.count, h.threshold, h.epoch
    ));
    s.push_str(&format!("# written: {}\n", h.date));
    s.push_str("# The first four letters of each word are enough when typing it.\n");
    s.push_str("words:\n");
    for row in words.chunks(6) {
        for (i, w) in row.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(w);
        }
        s.push('\n');
    }
    s.push_str("compact:\n");
    s.push_str(&code.to_compact());
    s.push('\n');
    s
}
