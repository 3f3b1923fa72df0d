//! Property 3 (vault side): every single-bit flip and every truncation of a real vault file is
//! refused before any key derivation, and nothing panics.

mod common;
use common::*;
use gsl_vault::error::Exit;
use gsl_vault::vault::Vault;

fn vault_bytes(policy: &str) -> (tempfile::TempDir, Vec<u8>) {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], policy);
    let o = run(d.path(), &["drill", "v.vault", "alice.share", "bob.share"]);
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
            Err(e) => assert_eq!(e.exit(), Exit::Corrupt, "bit {i}: {e}"),
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
        assert_eq!(e.exit(), Exit::Corrupt, "len {len}: {e}");
    }
}

#[test]
fn the_cli_refuses_a_tampered_vault_before_running_the_kdf() {
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
    use gsl_vault::{crypto, format, hex, secret::VaultKey};
    let (_d, bytes) = vault_bytes("either");
    let mut body = format::parse(&bytes, "v").unwrap().body;
    body.receipts.clear();
    body.kdf.as_mut().unwrap().memory_kib = 1 << 30;
    let forger = crypto::identity(&VaultKey::random().unwrap());
    body.identity = hex::encode(&forger.verifying_key().to_bytes());
    let forged = format::serialize(&body, |m| {
        crypto::sign(&forger, format::FILE_SIG_CONTEXT, m)
    });
    assert!(
        format::parse(&forged, "v").is_ok(),
        "the forgery is validly signed"
    );
    let e = Vault::parse(&forged, "v")
        .err()
        .expect("1 TiB of Argon2 memory must be refused");
    assert_eq!(e.exit(), Exit::Corrupt);
    assert!(e.to_string().contains("over the cap"), "{e}");
}
