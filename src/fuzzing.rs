//! The properties the fuzz targets check, in one place so that `cargo test` can replay the
//! committed corpora on the stable toolchain with exactly the same checks (tests/fuzz_corpus.rs).

use crate::{format, share, vault};

/// The recovery-copy reader (armored, as in a share file, or raw) never panics, and what it
/// accepts is canonical and passes the same field checks as a vault.
pub fn copy_parse(data: &[u8]) {
    // Armored (as in a share file) or raw: what parses is canonical, and checked like a vault.
    if let Some(Ok(bytes)) = crate::copy::find(data)
        && let Ok(file) = format::parse_copy(&bytes, "fuzz")
    {
        let body = format::body_bytes(&file.body);
        let start = format::COPY_MAGIC.len();
        assert_eq!(
            &bytes[start..start + body.len()],
            &body[..],
            "accepted a non-canonical copy"
        );
        let _ = vault::Vault::parse_copy(&bytes, "fuzz");
    }
}

/// The proof parser never panics on any text, and every proof it accepts prints back to text
/// that parses to the same proof (one line or two).
pub fn proof_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for p in crate::proof::parse_all(&text).into_iter().flatten() {
        for form in [p.to_text(), p.to_line()] {
            let again: Vec<_> = crate::proof::parse_all(&form);
            assert_eq!(again.len(), 1, "one proof prints as one proof");
            let again = again.into_iter().next().and_then(|r| r.ok());
            assert_eq!(again.as_ref(), Some(&p), "own output re-reads");
        }
    }
}

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

/// The word decoder: any 36 10-bit values either decode to a share that re-encodes to exactly
/// them, or are refused; never a panic.
pub fn share_words(data: &[u8]) {
    let w: Vec<u16> = data
        .chunks(2)
        .take(40)
        .map(|c| (u16::from(c[0]) << 8 | u16::from(*c.get(1).unwrap_or(&0))) & 1023)
        .collect();
    if let Ok(code) = share::ShareCode::from_words(&w, "fuzz") {
        assert_eq!(
            &code.to_words()[..],
            &w[..],
            "decoded words must re-encode identically"
        );
    }
    let _ = crate::words::suspect_position(crate::words::CUSTOMIZATION, &w);
}

/// The compact decoder: a string either decodes to a share whose compact form is the same
/// string (uppercased), or is refused; never a panic.
pub fn share_compact(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(w) = crate::words::base32_to_words(text)
        && let Ok(code) = share::ShareCode::from_words(&w, "fuzz")
    {
        assert_eq!(code.to_compact().as_str(), text.to_ascii_uppercase());
    }
}

/// A fixed quorum-policy vault (2 of 4) and its shares, made once.
struct Fixture {
    vault: vault::Vault,
    shares: Vec<share::ShareCode>,
}

fn fixture() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let spec = vault::Spec {
            label: "fuzz".into(),
            threshold: 2,
            custodians: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            deliveries: vec![],
            policy: crate::format::Policy::Quorum,
            kdf: crate::kdf::KdfParams::DEFAULT,
            drill_every: vault::DEFAULT_DRILL_EVERY,
            now: 1_790_000_000,
        };
        let mut s = crate::secret::SecretBytes::with_capacity(FIXTURE_KEY.len());
        s.extend(FIXTURE_KEY).expect("sized");
        let master = crate::secret::MasterKey::new(s, "fuzz").expect("valid");
        let (mut v, vk, _qk, issued) =
            vault::create(&spec, &master, None, "fuzz").expect("fixture vault");
        Fixture {
            vault: vault::Vault::parse(&v.to_bytes(&vk).expect("fixture writes"), "fuzz")
                .expect("fixture parses"),
            shares: issued.into_iter().map(|i| i.code).collect(),
        }
    })
}

const FIXTURE_KEY: &[u8] = b"fuzz master key";

/// Combine over arbitrary share sets: any mix of the real shares (repeated, in any order) and
/// forged ones (any fingerprint, epoch, x and y) never panics, and whenever it opens the vault
/// the payload is the real key: a wrong key is never returned.
pub fn combine(data: &[u8]) {
    let f = fixture();
    let mut offered = Vec::new();
    for chunk in data.chunks(40).take(12) {
        let code = if chunk[0] & 1 == 0 {
            let real = &f.shares[usize::from(chunk[0] >> 1) % f.shares.len()];
            let mut y = zeroize::Zeroizing::new(*real.point.y);
            // Sometimes flip bits of a real share's y.
            for (i, b) in chunk.iter().skip(1).take(32).enumerate() {
                if chunk[0] & 2 != 0 {
                    y[i] ^= b;
                }
            }
            share::ShareCode {
                fingerprint: real.fingerprint,
                epoch: real.epoch,
                point: crate::shamir::Point { x: real.point.x, y },
            }
        } else {
            let mut y = zeroize::Zeroizing::new([0u8; 32]);
            for (d, s) in y.iter_mut().zip(chunk.iter().skip(8)) {
                *d = *s;
            }
            let mut fp = f.shares[0].fingerprint;
            if chunk.len() > 5 && chunk[0] & 2 != 0 {
                fp.copy_from_slice(&chunk[1..6]);
            }
            share::ShareCode {
                fingerprint: fp,
                epoch: chunk.get(6).map(|&e| u16::from(e % 3)).unwrap_or(1),
                point: crate::shamir::Point {
                    x: *chunk.get(7).unwrap_or(&0),
                    y,
                },
            }
        };
        offered.push(vault::Offered {
            source: "fuzz".into(),
            code,
        });
    }
    if let Ok(out) = f.vault.unlock_quorum(&offered, Vec::new(), None) {
        let key = f
            .vault
            .open_payload(&out.vk)
            .expect("an opened vault decrypts");
        assert_eq!(key.expose(), FIXTURE_KEY, "combine returned a wrong key");
    }
}

/// The age-share reader: arbitrary bytes, armored or not, never panic the decryptor. (Only
/// X25519 identities are offered: a scrypt stanza may legitimately ask for 2 GiB, which is a
/// resource limit, not a bug, and is capped by `custodian::MAX_SCRYPT_LOG_N`.)
pub fn age_share(data: &[u8]) {
    static KEYS: std::sync::OnceLock<crate::custodian::Keys> = std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let mut k = crate::custodian::Keys::default();
        k.add_identity(Box::new(age::x25519::Identity::generate()));
        k
    });
    if crate::custodian::is_age(data) {
        let _ = crate::custodian::decrypt(data, keys);
    }
}

/// Every field check behind the signature: a fuzzed body is signed with a fixed (forger's)
/// identity, so parsing reaches `validate`. It never panics; what it accepts re-serializes to
/// the same bytes and its share checks and status queries run without panicking either.
pub fn vault_body(data: &[u8]) {
    use crate::format;
    let Ok(mut body) = serde_json::from_slice::<format::Body>(data) else {
        return;
    };
    let bytes = forge(&mut body, [9u8; 32]);
    if let Ok(v) = vault::Vault::parse(&bytes, "fuzz") {
        assert_eq!(format::body_bytes(&v.body), format::body_bytes(&body));
        let _ = v.fingerprint();
        let _ = v.ledger(u64::MAX);
        let _ = v.drill_overdue(u64::MAX);
        let code = share::ShareCode {
            fingerprint: [0; 5],
            epoch: 1,
            point: crate::shamir::Point {
                x: 1,
                y: zeroize::Zeroizing::new([0; 32]),
            },
        };
        let _ = v.check_share("fuzz", &code);
        let _ = v.check_pending_share("fuzz", &code);
    }
}

/// Signs `body` as a forger with write access would: its identity (and origin, in a v2 body)
/// replaced by the one the vault key `seed` derives, then serialized and signed with it. The signature holds, so what refuses
/// such a file must be the checks behind it. For the fuzz targets, the tamper and regression
/// tests, and the bad-input generator.
pub fn forge(body: &mut crate::format::Body, mut seed: [u8; 32]) -> Vec<u8> {
    use crate::{crypto, format, hex};
    let sk = crypto::identity(&crate::secret::VaultKey::from_bytes(&mut seed));
    body.identity = hex::encode(&sk.verifying_key().to_bytes());
    // A version 2 body names its origin and the rotations since: a forger starts a new line.
    if body.origin.is_some() {
        body.origin = Some(body.identity.clone());
        body.lineage.clear();
    }
    format::serialize(body, |m| crypto::sign(&sk, format::FILE_SIG_CONTEXT, m))
}
