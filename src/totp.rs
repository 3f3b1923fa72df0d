//! Authenticator-app master keys (TOTP, RFC 6238): the exchange's setup key, kept as an
//! `otpauth://totp/` URI (FORMAT.md, "Payload (version 3)"), checked field by field when it is
//! stored, and turned into the codes an authenticator app shows. HMAC and the hashes come from
//! RustCrypto; this module only reads the URI, truncates (RFC 4226 §5.3) and compares.

use hmac::{Hmac, KeyInit, Mac};
use zeroize::Zeroizing;

use crate::format::MasterKind;

/// The smallest key accepted: RFC 4226 §4 asks for 128 bits and allows no fewer than 80.
pub const MIN_KEY_BYTES: usize = 10;
/// The longest key accepted (SHA-512's block): longer keys are hashed by HMAC anyway.
pub const MAX_KEY_BYTES: usize = 128;

/// The HMAC hash of a TOTP key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA1 (what most exchanges use, and Kraken advises).
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// As the URI and FORMAT.md write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// `sha1`, `SHA-256`, ... (case and a dash ignored); None for anything else.
    pub fn parse(s: &str) -> Option<Algorithm> {
        match s.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Some(Algorithm::Sha1),
            "SHA256" => Some(Algorithm::Sha256),
            "SHA512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

/// A checked TOTP setup key. Its key bytes are wiped when it is dropped; it has no `Debug`.
pub struct Totp {
    key: Zeroizing<Vec<u8>>,
    /// Digits per code, 6 to 8.
    pub digits: u32,
    /// The HMAC hash.
    pub algorithm: Algorithm,
    /// Seconds per code, 1 to 300.
    pub period: u64,
    /// The URI's label and issuer (percent-encoded as given), kept for the URI shown again.
    label: String,
    issuer: Option<String>,
}

/// A code and its window, as `open` shows them.
pub struct Codes {
    /// The code of the current window.
    pub code: Zeroizing<String>,
    /// The code of the next window.
    pub next_code: Zeroizing<String>,
    /// Seconds left in the current window.
    pub valid_for_seconds: u64,
}

/// Why a setup key was refused: one sentence, saying what to do.
pub type Refused = String;

impl Totp {
    /// Reads an `otpauth://totp/` URI (RFC 6238 as authenticator apps use it: `secret`,
    /// `algorithm`, `digits`, `period`, `issuer`). Counter-based (HOTP), Google Authenticator's
    /// export (`otpauth-migration://`) and Steam's codes are refused, each with its sentence.
    pub fn from_uri(text: &str) -> Result<Totp, Refused> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("otpauth-migration://") {
            return Err("this is an authenticator app's export of several accounts (otpauth-migration://), not one setup key: use the setup key or QR code the exchange shows, or export this one account alone.".into());
        }
        if lower.starts_with("otpauth://hotp/") {
            return Err("this is a counter-based (HOTP) key, not a time-based one: the exchange's authenticator-app master key is TOTP (otpauth://totp/...); check that it is the right QR code or key.".into());
        }
        if lower.starts_with("steam://") {
            return Err("this is a Steam Guard key, whose codes are not standard TOTP codes: gsl-vault keeps only standard authenticator-app keys.".into());
        }
        let Some(rest) = text
            .get(..15)
            .filter(|p| p.eq_ignore_ascii_case("otpauth://totp/"))
            .map(|_| &text[15..])
        else {
            return Err("this is not an otpauth://totp/ setup URI: give the URI the exchange's QR code holds, or the base32 key with --totp-key-file.".into());
        };
        let (label, query) = rest.split_once('?').unwrap_or((rest, ""));
        // The label and issuer are written back into the URI an authenticator app scans, and
        // read by the recovery page: only what a URI carries as it is (RFC 3986), short.
        let uri_safe = |s: &str, extra: &str| {
            s.len() <= 256
                && s.chars().all(|c| {
                    c.is_ascii_alphanumeric() || "-._~%!$'()*+,;:@".contains(c) || extra.contains(c)
                })
        };
        if !uri_safe(label, "&=") {
            return Err("the otpauth URI's account name holds a space, a line break or another character a URI cannot carry as it is (or is over 256 characters): copy the URI again in one piece, as the QR code holds it.".into());
        }
        let (mut secret, mut algorithm, mut digits, mut period, mut issuer) =
            (None, None, None, None, None);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k.to_ascii_lowercase().as_str() {
                "secret" => secret = Some(v),
                "algorithm" => algorithm = Some(v),
                "digits" => digits = Some(v),
                "period" => period = Some(v),
                "issuer" if uri_safe(v, "") => issuer = Some(v.to_string()),
                "issuer" => {
                    return Err("the otpauth URI's issuer holds a space, a line break or another character a URI cannot carry as it is (or is over 256 characters): copy the URI again in one piece, as the QR code holds it.".into());
                }
                "encoder" if v.eq_ignore_ascii_case("steam") => {
                    return Err("this is a Steam Guard key, whose codes are not standard TOTP codes: gsl-vault keeps only standard authenticator-app keys.".into());
                }
                _ => {}
            }
        }
        let secret = secret.ok_or(
            "the otpauth URI has no secret: give the whole URI the exchange's QR code holds.",
        )?;
        let algorithm = match algorithm {
            None => Algorithm::Sha1,
            Some(a) => Algorithm::parse(a).ok_or_else(|| {
                format!(
                    "the otpauth URI names the algorithm {a:?}: it must be SHA1, SHA256 or SHA512."
                )
            })?,
        };
        let digits = match digits {
            None => 6,
            Some(d) => parse_digits(d)?,
        };
        let period = match period {
            None => 30,
            Some(p) => parse_period(p)?,
        };
        let mut t = Totp::from_base32(&percent_decode_b32(secret), digits, algorithm, period)?;
        t.label = label.to_string();
        t.issuer = issuer;
        Ok(t)
    }

    /// A base32 key (RFC 4648; case, spaces, dashes and `=` padding ignored) and its settings.
    pub fn from_base32(
        key: &str,
        digits: u32,
        algorithm: Algorithm,
        period: u64,
    ) -> Result<Totp, Refused> {
        if key.trim_start().to_ascii_lowercase().starts_with("otpauth") {
            return Err(
                "this is an otpauth URI, not a base32 key: give it with --totp-uri-file.".into(),
            );
        }
        if !(6..=8).contains(&digits) {
            return Err(format!(
                "a code of {digits} digits: authenticator apps show 6, 7 or 8 digits."
            ));
        }
        if !(1..=300).contains(&period) {
            return Err(format!(
                "a period of {period} seconds: it must be between 1 and 300 (almost always 30)."
            ));
        }
        let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_KEY_BYTES + 1));
        let (mut acc, mut bits) = (0u32, 0u32);
        for (i, c) in key.chars().enumerate() {
            if c == ' ' || c == '-' || c == '=' {
                continue;
            }
            let Some(v) = B32
                .iter()
                .position(|&b| char::from(b) == c.to_ascii_uppercase())
            else {
                return Err(format!(
                    "the key's character {} ({c:?}) is not base32 (A to Z and 2 to 7; 0, 1, 8 and 9 never appear): check that character.",
                    i + 1
                ));
            };
            acc = ((acc << 5) | v as u32) & 0xffff;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                if bytes.len() >= MAX_KEY_BYTES {
                    return Err(format!(
                        "the key is longer than {MAX_KEY_BYTES} bytes: check that it is a TOTP setup key."
                    ));
                }
                bytes.push((acc >> bits) as u8);
            }
        }
        if bytes.len() < MIN_KEY_BYTES {
            return Err(format!(
                "the key has {} bits, fewer than the 80 a TOTP key needs: it was cut short; copy the whole key.",
                bytes.len() * 8
            ));
        }
        Ok(Totp {
            key: bytes,
            digits,
            algorithm,
            period,
            label: "gsl-vault".into(),
            issuer: None,
        })
    }

    /// What the vault body records of it (FORMAT.md, "Body (version 3)"): no secret.
    pub fn kind(&self) -> MasterKind {
        MasterKind {
            kind: "totp".into(),
            digits: self.digits as u8,
            algorithm: self.algorithm.as_str().into(),
            period: self.period as u32,
        }
    }

    /// The canonical URI (what the vault seals as the master key, and what an authenticator
    /// app on a new phone scans).
    pub fn uri(&self) -> Zeroizing<String> {
        // Sized once (a grown String would leave a copy of the key behind): the fixed parts
        // ("otpauth://totp/", "?secret=", "&issuer=", the three settings) are under 96 bytes,
        // and base32 takes 8 characters per 5 bytes.
        let mut s = Zeroizing::new(String::with_capacity(
            96 + self.label.len()
                + self.issuer.as_ref().map_or(0, String::len)
                + self.key.len().div_ceil(5) * 8,
        ));
        s.push_str("otpauth://totp/");
        s.push_str(&self.label);
        s.push_str("?secret=");
        let total = self.key.len() * 8;
        for c in 0..total.div_ceil(5) {
            let v = (0..5).fold(0usize, |acc, k| {
                let bit = c * 5 + k;
                let b = if bit < total {
                    (self.key[bit / 8] >> (7 - bit % 8)) & 1
                } else {
                    0
                };
                (acc << 1) | usize::from(b)
            });
            s.push(char::from(B32[v]));
        }
        if let Some(i) = &self.issuer {
            s.push_str("&issuer=");
            s.push_str(i);
        }
        s.push_str(&format!(
            "&algorithm={}&digits={}&period={}",
            self.algorithm.as_str(),
            self.digits,
            self.period
        ));
        s
    }

    /// The code of the window that holds `unix_time`.
    pub fn code_at(&self, unix_time: u64) -> Zeroizing<String> {
        self.code_of_counter(unix_time / self.period)
    }

    /// The current code, the next one, and the seconds the current one has left.
    pub fn codes(&self, unix_time: u64) -> Codes {
        let counter = unix_time / self.period;
        Codes {
            code: self.code_of_counter(counter),
            next_code: self.code_of_counter(counter + 1),
            valid_for_seconds: self.period - unix_time % self.period,
        }
    }

    /// Whether `typed` (spaces ignored) is the code of the window before, at or after
    /// `unix_time`, compared in constant time (a drill learns only "matches" or "differs").
    pub fn matches(&self, typed: &str, unix_time: u64) -> bool {
        let typed: Zeroizing<String> =
            Zeroizing::new(typed.chars().filter(|c| !c.is_whitespace()).collect());
        let counter = unix_time / self.period;
        // Every window is computed and compared, whichever matches.
        [counter.saturating_sub(1), counter, counter + 1]
            .iter()
            .fold(false, |any, &c| {
                any | crate::crypto::ct_eq(self.code_of_counter(c).as_bytes(), typed.as_bytes())
            })
    }

    /// RFC 4226 §5.3: HMAC of the counter, dynamic truncation, `digits` decimal digits.
    fn code_of_counter(&self, counter: u64) -> Zeroizing<String> {
        let msg = counter.to_be_bytes();
        let mac: Zeroizing<Vec<u8>> = Zeroizing::new(match self.algorithm {
            Algorithm::Sha1 => hmac_of::<Hmac<sha1::Sha1>>(&self.key, &msg),
            Algorithm::Sha256 => hmac_of::<Hmac<sha2::Sha256>>(&self.key, &msg),
            Algorithm::Sha512 => hmac_of::<Hmac<sha2::Sha512>>(&self.key, &msg),
        });
        let offset = usize::from(mac[mac.len() - 1] & 0x0f);
        let bin = u32::from_be_bytes([
            mac[offset] & 0x7f,
            mac[offset + 1],
            mac[offset + 2],
            mac[offset + 3],
        ]);
        let value = bin % 10u32.pow(self.digits);
        Zeroizing::new(format!("{value:0width$}", width = self.digits as usize))
    }
}

fn hmac_of<M: Mac + KeyInit>(key: &[u8], msg: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length.
    let mut m = <M as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// The otpauth URI in a screenshot or photo of the exchange's setup QR code (PNG or JPEG, read
/// with `image`; QR codes found and decoded with `rqrr`). `name` is for the sentence.
pub fn uri_from_image(bytes: &[u8], name: &str) -> Result<Zeroizing<String>, Refused> {
    let texts = crate::qrimage::texts(bytes, name).map_err(|_| {
        format!("no QR code could be read in {name}: take a sharper screenshot of the setup QR code, whole and straight.")
    })?;
    texts
        .into_iter()
        .find(|t| t.trim_start().to_ascii_lowercase().starts_with("otpauth"))
        .map(|t| Zeroizing::new(t.trim().to_string()))
        .ok_or_else(|| {
            format!("the QR code in {name} holds no otpauth:// setup URI: it is not the exchange's authenticator setup code.")
        })
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn parse_digits(d: &str) -> Result<u32, Refused> {
    match d.parse::<u32>() {
        Ok(n) if (6..=8).contains(&n) => Ok(n),
        _ => Err(format!(
            "the otpauth URI asks for {d} digits: authenticator apps show 6, 7 or 8."
        )),
    }
}

fn parse_period(p: &str) -> Result<u64, Refused> {
    match p.parse::<u64>() {
        Ok(n) if (1..=300).contains(&n) => Ok(n),
        _ => Err(format!(
            "the otpauth URI's period is {p}: it must be between 1 and 300 seconds (almost always 30)."
        )),
    }
}

/// A base32 secret as a URI writes it: `%3D` is padding.
fn percent_decode_b32(s: &str) -> String {
    s.replace("%3D", "=")
        .replace("%3d", "=")
        .replace("%20", " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B: the seeds are the ASCII digits "1234567890" repeated to the hash's
    /// length; 8 digits; period 30.
    #[test]
    fn rfc6238_appendix_b() {
        let seed = |n: usize| -> String {
            let ascii: Vec<u8> = b"1234567890".iter().copied().cycle().take(n).collect();
            crate::words::base32_bytes(&ascii)
        };
        let table: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        let keys = [
            Totp::from_base32(&seed(20), 8, Algorithm::Sha1, 30).unwrap(),
            Totp::from_base32(&seed(32), 8, Algorithm::Sha256, 30).unwrap(),
            Totp::from_base32(&seed(64), 8, Algorithm::Sha512, 30).unwrap(),
        ];
        for (t, sha1, sha256, sha512) in table {
            assert_eq!(keys[0].code_at(t).as_str(), sha1, "SHA1 at {t}");
            assert_eq!(keys[1].code_at(t).as_str(), sha256, "SHA256 at {t}");
            assert_eq!(keys[2].code_at(t).as_str(), sha512, "SHA512 at {t}");
        }
    }

    #[test]
    fn uris_are_read_checked_and_written_back() {
        let t = Totp::from_uri(
            "otpauth://totp/Kraken:alice?secret=JBSWY3DPEHPK3PXP&issuer=Kraken&digits=6",
        )
        .unwrap();
        assert_eq!((t.digits, t.algorithm, t.period), (6, Algorithm::Sha1, 30));
        assert_eq!(
            t.uri().as_str(),
            "otpauth://totp/Kraken:alice?secret=JBSWY3DPEHPK3PXP&issuer=Kraken&algorithm=SHA1&digits=6&period=30"
        );
        // Written back, it reads the same.
        let again = Totp::from_uri(&t.uri()).unwrap();
        assert_eq!(again.code_at(1_790_000_000), t.code_at(1_790_000_000));
        let refused = |u: &str| Totp::from_uri(u).err().unwrap();
        assert!(refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PX1").contains("character 16 ('1')"));
        assert!(refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=5").contains("5 digits"));
        assert!(refused("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1").contains("HOTP"));
        assert!(refused("otpauth-migration://offline?data=abc").contains("export"));
        assert!(
            refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&encoder=steam").contains("Steam")
        );
        assert!(refused("otpauth://totp/x?secret=JBSWY3DP").contains("fewer than the 80"));
        assert!(refused("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5").contains("SHA1"));
    }

    #[test]
    fn a_code_matches_in_the_windows_around_now_only() {
        let t = Totp::from_base32("JBSWY3DPEHPK3PXP", 6, Algorithm::Sha1, 30).unwrap();
        let now = 1_790_000_015;
        for w in [now - 30, now, now + 30] {
            assert!(t.matches(&t.code_at(w), now));
        }
        assert!(!t.matches(&t.code_at(now + 90), now) || t.code_at(now + 90) == t.code_at(now));
        assert!(!t.matches("12345", now));
        let c = t.codes(now);
        assert_eq!(c.valid_for_seconds, 30 - now % 30);
        assert_eq!(c.next_code.as_str(), t.code_at(now + 30).as_str());
    }
}
