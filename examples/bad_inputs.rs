//! Regenerates tests/bad/: one file for each way a user or an attacker can get it wrong.
//! `cargo run --example bad_inputs -- tests/bad` (after `--example vectors`, whose sample
//! vaults and shares these are derived from). tests/bad_inputs.rs runs every case in
//! tests/bad/cases.json and checks its exit code and its one sentence.

use std::path::PathBuf;

use gsl_vault::format::{self, Body};
use gsl_vault::share::{ShareCode, parse_share_text};

/// Signs `body` with a forger's identity: the file passes its signature check, so what refuses
/// it must be the bounds checks that follow.
fn forge(base: &Body, edit: impl FnOnce(&mut Body)) -> Vec<u8> {
    let mut body = base.clone();
    body.receipts.clear();
    edit(&mut body);
    gsl_vault::fuzzing::forge(&mut body, [7u8; 32])
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "tests/bad".into()),
    );
    let vectors = dir.join("../vectors");
    std::fs::create_dir_all(&dir).unwrap();
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();

    let either = std::fs::read(vectors.join("v1-either.vault")).unwrap();
    let base = format::parse(&either, "base").unwrap().body;

    w("empty.vault", b"");
    // Deterministic noise (an LCG): binary, with a NUL and invalid UTF-8.
    let mut x: u32 = 12345;
    let noise: Vec<u8> = (0..2048)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    w("noise.vault", &noise);
    w("noise.share", &noise[..600]);
    w("empty.share", b"");
    // A version this gsl-vault does not know (it reads 1 and 2).
    let mut newer = either.clone();
    newer[17] = b'9';
    w("unknown-version.vault", &newer);
    w("not-a-vault.vault", b"hello, I am a shopping list\n");
    w(
        "kdf-1tib.vault",
        &forge(&base, |b| b.kdf.as_mut().unwrap().memory_kib = 1 << 30),
    );
    w(
        "kdf-under-floor.vault",
        &forge(&base, |b| b.kdf.as_mut().unwrap().memory_kib = 8 * 1024),
    );
    w(
        "duplicate-names.vault",
        &forge(&base, |b| b.custodians[1].name = "alice".into()),
    );
    w(
        "control-char-name.vault",
        &forge(&base, |b| b.custodians[1].name = "bob\u{7}".into()),
    );
    w(
        "bidi-name.vault",
        &forge(&base, |b| b.custodians[1].name = "bob\u{202e}lana".into()),
    );
    w("threshold-0.vault", &forge(&base, |b| b.threshold = 0));
    w("threshold-1.vault", &forge(&base, |b| b.threshold = 1));
    let t256 = String::from_utf8(forge(&base, |b| b.threshold = 255))
        .unwrap()
        .replace("\"threshold\": 255", "\"threshold\": 256");
    w("threshold-256.vault", t256.as_bytes());

    let alice = std::fs::read_to_string(vectors.join("v1-quorum-alice.share")).unwrap();
    let code = parse_share_text(&alice, "alice").unwrap();
    let recode = |epoch: u16, x: u8| {
        ShareCode {
            fingerprint: code.fingerprint,
            epoch,
            point: gsl_vault::shamir::Point {
                x,
                y: code.point.y.clone(),
            },
        }
        .to_mnemonic()
        .to_string()
            + "\n"
    };
    w("older-epoch.share", recode(0, 1).as_bytes());
    w("x0.share", recode(1, 0).as_bytes());
    w("unknown-index.share", recode(1, 9).as_bytes());
    std::fs::copy(
        vectors.join("v1-either-alice.share"),
        dir.join("another-vault.share"),
    )
    .unwrap();
    // Recovery copies: none at all, noise, cut short, and one of another vault.
    w("empty.copy", b"");
    w("noise.copy", &[0x9cu8; 300]);
    let copy = std::fs::read(vectors.join("v2-quorum.copy")).unwrap();
    w("truncated.copy", &copy[..copy.len() / 2]);
    std::fs::copy(
        vectors.join("v2-either.copy"),
        dir.join("another-vault.copy"),
    )
    .unwrap();
    // A share of a later epoch than the copy its partner carries (a copy from before a reshare).
    let v2 = std::fs::read_to_string(vectors.join("v2-quorum-bob.share")).unwrap();
    let bob = parse_share_text(&v2, "bob").unwrap();
    let newer = ShareCode {
        fingerprint: bob.fingerprint,
        epoch: 2,
        point: gsl_vault::shamir::Point {
            x: bob.point.x,
            y: bob.point.y.clone(),
        },
    };
    w(
        "newer-epoch.share",
        (newer.to_mnemonic().to_string() + "\n").as_bytes(),
    );
    eprintln!("bad inputs written to {}", dir.display());
}
