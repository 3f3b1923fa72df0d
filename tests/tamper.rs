//! Property 3 (vault side): every single-bit flip and every truncation of a real vault file is
//! refused before any key derivation, and nothing panics.

use crate::common::*;
use gsl_vault::error::Kind;
use gsl_vault::vault::Vault;

fn vault_bytes(policy: &str) -> (tempfile::TempDir, Vec<u8>) {
    vault_bytes_of(policy, init)
}

/// A format 2 vault, for the tests that re-sign or re-frame a body as format 2 does (the
/// checks they reach, the KDF cap and the canonical form, are the same in format 3).
fn vault_bytes_v2(policy: &str) -> (tempfile::TempDir, Vec<u8>) {
    vault_bytes_of(policy, init_v2)
}

type Init = fn(&std::path::Path, &str, usize, &[&str], &str) -> std::process::Output;

fn vault_bytes_of(policy: &str, init: Init) -> (tempfile::TempDir, Vec<u8>) {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], policy);
    let o = gsl(d.path(), "drill v.vault alice.share bob.share");
    assert_eq!(code(&o), 0);
    let b = std::fs::read(d.path().join("v.vault")).unwrap();
    (d, b)
}

#[test]
fn every_bit_flip_is_refused_as_corrupt() {
    let (_d, bytes) = vault_bytes("either");
    assert!(Vault::parse(&bytes, "v").is_ok());
    let mut m = bytes.clone();
    let started = std::time::Instant::now();
    for i in 0..bytes.len() * 8 {
        m[i / 8] ^= 1 << (i % 8);
        match Vault::parse(&m, "v") {
            Ok(_) => panic!(
                "bit {i} (byte {}) flipped and the vault still parsed",
                i / 8
            ),
            Err(e) => assert_eq!(e.kind(), Kind::Corrupt, "bit {i}: {e}"),
        }
        m[i / 8] ^= 1 << (i % 8);
    }
    eprintln!(
        "{} flips checked in {:?}",
        bytes.len() * 8,
        started.elapsed()
    );
}

#[test]
fn every_truncation_is_refused_as_corrupt() {
    let (_d, bytes) = vault_bytes("quorum");
    for len in 0..bytes.len() {
        let e = Vault::parse(&bytes[..len], "v")
            .err()
            .unwrap_or_else(|| panic!("truncated at {len} and parsed"));
        assert_eq!(e.kind(), Kind::Corrupt, "len {len}: {e}");
    }
}

#[test]
fn the_cli_refuses_a_sample_of_flips_in_one_sentence_naming_the_file() {
    let (d, bytes) = vault_bytes("either");
    let path = d.path().join("v.vault");
    // A sample of flips through the CLI: status and open both exit 5, and never 101.
    for i in (0..bytes.len() * 8).step_by(bytes.len() * 8 / 25) {
        let mut m = bytes.clone();
        m[i / 8] ^= 1 << (i % 8);
        std::fs::write(&path, &m).unwrap();
        for args in [
            &["status", "v.vault"][..],
            &["open", "v.vault", "--passphrase-file", "pass.txt"][..],
        ] {
            let o = run(d.path(), args);
            assert_eq!(code(&o), 5, "bit {i}, {args:?}: {}", stderr(&o));
            assert!(!stdout(&o).contains(MASTER));
            let msg = stderr(&o);
            assert!(
                msg.contains("v.vault") && msg.trim_end().ends_with('.'),
                "one sentence naming the file: {msg}"
            );
        }
    }
}

#[test]
fn kdf_costs_over_the_cap_are_refused_even_when_validly_signed() {
    // A forger can sign a file with an identity of their own, so the signature holding proves
    // nothing about the costs: the cap must hold on its own. Build such a file: a real body,
    // memory raised to 1 TiB, identity replaced and signed with the forger's key.
    use gsl_vault::format;
    let (_d, bytes) = vault_bytes_v2("either");
    let mut body = format::parse(&bytes, "v").unwrap().body;
    body.receipts.clear();
    body.kdf.as_mut().unwrap().memory_kib = 1 << 30;
    let forged = gsl_vault::fuzzing::forge(&mut body, [5u8; 32]);
    assert!(
        format::parse(&forged, "v").is_ok(),
        "the forgery is validly signed"
    );
    let e = Vault::parse(&forged, "v")
        .err()
        .expect("1 TiB of Argon2 memory must be refused");
    assert_eq!(e.kind(), Kind::Corrupt);
    assert!(e.to_string().contains("over the cap"), "{e}");
}

#[test]
fn swapped_or_duplicated_sections_are_refused() {
    let (d, bytes) = vault_bytes_v2("either");
    let text = String::from_utf8(bytes).unwrap();
    let magic = gsl_vault::format::MAGIC;
    let sig_at = text.rfind("signature ").unwrap();
    let body: serde_json::Value = serde_json::from_str(&text[magic.len()..sig_at]).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 7] = [
        ("slots swapped", |b| {
            b["slots"].as_array_mut().unwrap().swap(0, 1)
        }),
        ("custodians swapped", |b| {
            b["custodians"].as_array_mut().unwrap().swap(0, 1)
        }),
        ("a custodian duplicated", |b| {
            let c = b["custodians"][0].clone();
            b["custodians"].as_array_mut().unwrap().push(c)
        }),
        ("a slot duplicated", |b| {
            let s = b["slots"][1].clone();
            b["slots"].as_array_mut().unwrap().push(s)
        }),
        ("a receipt duplicated", |b| {
            let r = b["receipts"][0].clone();
            b["receipts"].as_array_mut().unwrap().push(r)
        }),
        ("payload replaced by a slot", |b| {
            b["payload"]["ciphertext"] = b["slots"][0]["ciphertext"].clone();
        }),
        ("commitments swapped", |b| {
            let c0 = b["custodians"][0]["commitment"].clone();
            b["custodians"][0]["commitment"] = b["custodians"][1]["commitment"].clone();
            b["custodians"][1]["commitment"] = c0;
        }),
    ];
    let path = d.path().join("v.vault");
    for (what, edit) in edits {
        let mut b = body.clone();
        edit(&mut b);
        // Re-serialized exactly as gsl-vault writes (so only the content differs), old signature kept.
        let forged = format!(
            "{magic}{}\n{}",
            serde_json::to_string_pretty(&b).unwrap(),
            &text[sig_at..]
        );
        assert_ne!(forged, text, "{what}");
        let e = Vault::parse(forged.as_bytes(), "v")
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(e.kind(), Kind::Corrupt, "{what}: {e}");
        std::fs::write(&path, &forged).unwrap();
        let o = gsl(d.path(), "open v.vault --passphrase-file pass.txt");
        assert_eq!(code(&o), 5, "{what}: {}", stderr(&o));
    }
}

/// A flipped bit in every byte (bit `i mod 8` of byte `i`) and every truncation, through the CLI
/// itself: `status` and `open` exit 5 for each (the integrity check comes before the KDF, so
/// none of them runs Argon2), never print the key, never exit 101. Every bit of every byte is
/// flipped in-process by `every_bit_flip_is_refused_as_corrupt`; a format 3 file is about 13 KB,
/// so every bit through the CLI would be over 200,000 processes. Spread over threads: about
/// 50,000.
#[test]
fn the_cli_refuses_every_bit_flip_and_truncation() {
    let (d, bytes) = vault_bytes("either");
    let threads = 4;
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for k in 0..threads {
            let (bytes, d, failures) = (&bytes, &d, &failures);
            s.spawn(move || {
                let name = format!("flip{k}.vault");
                let path = d.path().join(&name);
                let check = |m: &[u8], what: String| {
                    std::fs::write(&path, m).unwrap();
                    for args in [
                        &["status", name.as_str()][..],
                        &["open", name.as_str(), "--passphrase-file", "pass.txt"][..],
                    ] {
                        let o = run(d.path(), args);
                        if code(&o) != 5 || stdout(&o).contains(MASTER) {
                            failures
                                .lock()
                                .unwrap()
                                .push(format!("{what}, {args:?}: exit {}", code(&o)));
                        }
                    }
                };
                for byte in (k..bytes.len()).step_by(threads) {
                    let i = byte * 8 + byte % 8;
                    let mut m = bytes.clone();
                    m[byte] ^= 1 << (byte % 8);
                    check(&m, format!("bit {i}"));
                }
                for len in (k..bytes.len()).step_by(threads) {
                    check(&bytes[..len], format!("truncated to {len}"));
                }
            });
        }
    });
    let f = failures.into_inner().unwrap();
    assert!(
        f.is_empty(),
        "{} of {} cases not refused with exit 5: {:?}",
        f.len(),
        4 * bytes.len(),
        &f[..f.len().min(5)]
    );
}
