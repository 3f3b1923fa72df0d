//! Remote share proofs: a custodian proves from home that their share is still good (`prove`),
//! the owner checks and records it (`attest`), and `status` shows it per custodian.

use std::path::Path;

use age::secrecy::ExposeSecret;
use serde_json::Value;

use crate::common::*;

/// `NAME.share.age`'s identity: an age key made here, its file written as `NAME.key`.
fn age_key(dir: &Path, name: &str) -> String {
    let id = age::x25519::Identity::generate();
    std::fs::write(
        dir.join(format!("{name}.key")),
        id.to_string().expose_secret(),
    )
    .unwrap();
    id.to_public().to_string()
}

fn json_of(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// A 3-of-5 vault whose second custodian, bob, holds an age share.
fn three_of_five(dir: &Path) {
    let bob = format!("bob={}", age_key(dir, "bob"));
    let o = gsl(
        dir,
        &format!(
            "init v.vault -t 3 --custodian alice --custodian {bob} --custodian carol --custodian dave --custodian erin --secret-file master.txt --policy quorum"
        ),
    );
    expect_exit(&o, 0);
}

fn prove_to(dir: &Path, args: &str, stdin: &[u8], out: &str) {
    let o = gsl_stdin(dir, &format!("prove {args}"), stdin);
    expect_exit(&o, 0);
    std::fs::write(dir.join(out), stdout(&o)).unwrap();
}

#[test]
fn each_custodian_proves_from_a_file_typed_words_or_an_age_share_and_status_shows_exactly_them() {
    let d = workdir();
    let dir = d.path();
    three_of_five(dir);
    prove_to(dir, "alice.share", b"", "alice.proof");
    prove_to(dir, "bob.share.age -i bob.key", b"", "bob.proof");
    // Carol types her words (no file, so no copy in it): the copy she holds names the vault.
    let text = std::fs::read_to_string(dir.join("carol.share")).unwrap();
    let words = gsl_vault::copy::share_part(&text).to_string();
    std::fs::write(dir.join("carol.copy"), &text).unwrap();
    prove_to(dir, "- --copy carol.copy", words.as_bytes(), "carol.proof");
    prove_to(dir, "dave.share", b"", "dave.proof");
    let o = gsl(
        dir,
        "attest v.vault alice.proof bob.proof carol.proof dave.proof",
    );
    expect_exit(&o, 0);
    for n in ["alice", "bob", "carol", "dave"] {
        assert!(
            stdout(&o).contains(&format!("recorded  {n}'s share is there")),
            "{}",
            stdout(&o)
        );
    }
    let status = json_of(&gsl(dir, "status v.vault --json"));
    let proved: Vec<(&str, bool)> = status["custodians"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["last_proved"].is_string()))
        .collect();
    assert_eq!(
        proved,
        [
            ("alice", true),
            ("bob", true),
            ("carol", true),
            ("dave", true),
            ("erin", false)
        ]
    );
    // The vault as a whole still needs its drill (exit 6); after it, every share is fresh only
    // once erin has proved hers too (exit 8 until then).
    expect_exit(&gsl(dir, "status v.vault --check --every-share"), 6);
    expect_exit(
        &gsl(dir, "drill v.vault alice.share carol.share dave.share"),
        0,
    );
    expect_exit(&gsl(dir, "status v.vault --check"), 0);
    expect_exit(&gsl(dir, "status v.vault --check --every-share"), 8);
    prove_to(dir, "erin.share", b"", "erin.proof");
    expect_exit(&gsl(dir, "attest v.vault erin.proof"), 0);
    expect_exit(&gsl(dir, "status v.vault --check --every-share"), 0);
}

#[test]
fn a_proof_reveals_no_share_word_and_no_byte_of_y() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    let o = gsl(dir, "prove alice.share");
    expect_exit(&o, 0);
    let proof = stdout(&o).to_lowercase();
    let text = std::fs::read_to_string(dir.join("alice.share")).unwrap();
    let code = gsl_vault::share::parse_share_text(&text, "alice").unwrap();
    for w in code.to_mnemonic().split(' ') {
        for token in proof.split_whitespace() {
            assert_ne!(token, w, "the proof holds share word {w}");
            assert_ne!(
                token,
                &w[..4],
                "the proof holds the prefix of share word {w}"
            );
        }
    }
    let y = &code.point.y[..];
    assert!(!proof.contains(&gsl_vault::hex::encode(y)));
    assert!(!proof.contains(&gsl_vault::words::base32_bytes(y).to_lowercase()));
    let compact = code.to_compact().to_lowercase();
    for part in compact.as_bytes().chunks(12) {
        assert!(
            !proof.contains(std::str::from_utf8(part).unwrap()),
            "a piece of the compact form"
        );
    }
    assert!(proof.lines().count() == 2, "two lines: {proof}");
}

/// A proof of `dir/NAME.share` made by the library at `at` (for dates a clock would not give).
fn proof_at(dir: &Path, name: &str, at: u64, custodian: Option<&str>) -> String {
    let text = std::fs::read_to_string(dir.join(format!("{name}.share"))).unwrap();
    let code = gsl_vault::share::parse_share_text(&text, name).unwrap();
    gsl_vault::proof::prove(&code, custodian, at).to_text()
}

fn now() -> u64 {
    gsl_vault::dates::now()
}

#[track_caller]
fn attest_refused(dir: &Path, proof: &str, why: &str) {
    std::fs::write(dir.join("p.txt"), proof).unwrap();
    let ledger = std::fs::read_to_string(dir.join("v.vault.proofs")).unwrap_or_default();
    let o = gsl(dir, "attest v.vault p.txt");
    expect_exit(&o, 3);
    let out = stdout(&o);
    assert!(out.starts_with("REFUSED") && out.contains(why), "{out}");
    assert_eq!(out.lines().count(), 1, "one sentence: {out}");
    let after = std::fs::read_to_string(dir.join("v.vault.proofs")).unwrap_or_default();
    assert_eq!(ledger, after, "nothing recorded");
}

#[test]
fn a_proof_is_refused_when_altered_foreign_future_stale_unknown_repeated_or_retired() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    let good = proof_at(dir, "alice", now(), Some("alice"));
    // One flipped bit of the signature (a base32 letter changed), and of the date.
    let sig_at = good.find("signature: ").unwrap() + 11;
    let mut flipped = good.clone().into_bytes();
    flipped[sig_at + 5] = if flipped[sig_at + 5] == b'A' {
        b'B'
    } else {
        b'A'
    };
    attest_refused(
        dir,
        &String::from_utf8(flipped).unwrap(),
        "fails its signature check",
    );
    // The date is the 20 characters before the line break: flip a bit of its year's last digit.
    let year = good.find("\nsignature").unwrap() - 20 + 3;
    let mut redated = good.clone().into_bytes();
    redated[year] ^= 1;
    attest_refused(
        dir,
        &String::from_utf8(redated).unwrap(),
        "fails its signature check",
    );
    // Another vault's share.
    let other = dir.join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::copy(dir.join("master.txt"), other.join("master.txt")).unwrap();
    init(&other, "o.vault", 2, &NAMES[..3], "quorum");
    attest_refused(
        dir,
        &proof_at(&other, "alice", now(), None),
        "is a proof for another vault",
    );
    // Dated in the future, or before the window (30 days by default).
    attest_refused(
        dir,
        &proof_at(dir, "alice", now() + 3600, None),
        "in the future",
    );
    attest_refused(
        dir,
        &proof_at(dir, "alice", now() - 40 * 86_400, None),
        "older than the 30-day window",
    );
    // A custodian the vault does not have: an index past the set, or another name for alice's.
    let text = std::fs::read_to_string(dir.join("alice.share")).unwrap();
    let mut code = gsl_vault::share::parse_share_text(&text, "alice").unwrap();
    code.point.x = 7;
    let seventh = gsl_vault::proof::prove(&code, None, now()).to_text();
    attest_refused(
        dir,
        &seventh,
        "share 7, which no custodian of this vault holds",
    );
    attest_refused(
        dir,
        &good.replace("(alice)", "(mallory)"),
        "is for custodian \"mallory\"",
    );
    // The same proof twice: recorded once.
    std::fs::write(dir.join("good.txt"), &good).unwrap();
    expect_exit(&gsl(dir, "attest v.vault good.txt"), 0);
    attest_refused(dir, &good, "is already recorded");
    let ledger = std::fs::read_to_string(dir.join("v.vault.proofs")).unwrap();
    assert_eq!(
        ledger
            .lines()
            .filter(|l| l.starts_with("gsl-vault proof"))
            .count(),
        1
    );
    // A share of a retired epoch.
    let o = gsl(
        dir,
        "reshare v.vault alice.share bob.share -t 2 --custodian xena --custodian yuri --shares-dir new",
    );
    expect_exit(&o, 0);
    expect_exit(
        &gsl(
            dir,
            "reshare v.vault --confirm new/xena.share new/yuri.share",
        ),
        0,
    );
    attest_refused(dir, &proof_at(dir, "bob", now(), Some("bob")), "retired on");
    // Text that is no proof at all.
    attest_refused(
        dir,
        "Hi! Here is my proof: I still have it. Carol",
        "holds no gsl-vault proof",
    );
}

#[test]
fn a_vault_made_before_proof_keys_learns_them_at_a_drill_with_the_shares() {
    let d = workdir();
    let dir = d.path();
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    for f in [
        "v2-quorum.vault",
        "v2-quorum-alice.share",
        "v2-quorum-bob.share",
    ] {
        std::fs::copy(
            vectors.join(f),
            dir.join(f.replace("v2-quorum", "v").replace("v-", "")),
        )
        .unwrap();
    }
    let o = gsl(dir, "prove alice.share");
    expect_exit(&o, 0);
    assert!(
        stderr(&o).contains("no proof key for your share yet"),
        "{}",
        stderr(&o)
    );
    std::fs::write(dir.join("alice.proof"), stdout(&o)).unwrap();
    let o = gsl(dir, "attest v.vault alice.proof");
    expect_exit(&o, 3);
    assert!(
        stdout(&o).contains("has no proof key in the vault yet"),
        "{}",
        stdout(&o)
    );
    let o = gsl(dir, "drill v.vault alice.share bob.share");
    expect_exit(&o, 0);
    assert!(
        stderr(&o).contains("Proof keys recorded for alice, bob"),
        "{}",
        stderr(&o)
    );
    expect_exit(&gsl(dir, "attest v.vault alice.proof"), 0);
}

#[test]
fn proof_text_as_mail_mangles_it_is_read_and_hostile_text_is_refused_without_escapes() {
    let d = workdir();
    let dir = d.path();
    let args = [
        "init",
        "v.vault",
        "-t",
        "2",
        "--custodian",
        "ann  lee",
        "--custodian",
        "bob",
        "--secret-file",
        "master.txt",
        "--policy",
        "quorum",
    ];
    expect_exit(&run(dir, &args), 0);
    // Her own proof, name with two spaces: recorded.
    let share = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("ann") && n.ends_with(".share"))
        .unwrap();
    let o = run(dir, &["prove", &share]);
    expect_exit(&o, 0);
    let proof = stdout(&o);
    assert!(proof.contains("(ann  lee)"), "{proof}");
    // As a mail client may leave it: lowercase date, a full stop after the signature, quoted,
    // inside a saved message larger than any proof, after another file that is unreadable.
    let mangled = format!(
        "> {}.\n",
        proof.trim_end().replacen('T', "t", 1).replace('\n', "\n> ")
    );
    let mut mail = format!("Subject: my share\n\n{mangled}\nThanks!\n");
    mail.push_str(&"x".repeat(100 * 1024));
    std::fs::write(dir.join("mail.eml"), mail).unwrap();
    std::fs::create_dir(dir.join("a-folder")).unwrap();
    let o = gsl(dir, "attest v.vault a-folder mail.eml");
    expect_exit(&o, 3);
    assert!(
        stdout(&o).contains("recorded  ann  lee's share is there"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("REFUSED   a-folder"), "{}", stdout(&o));
    // A name with an escape sequence is no name a vault holds: refused, shown without it.
    let hostile = proof.replace("(ann  lee)", "(\u{1b}[2K\u{1b}[1Grecorded)");
    std::fs::write(dir.join("hostile.txt"), hostile).unwrap();
    let o = gsl(dir, "attest v.vault hostile.txt");
    expect_exit(&o, 3);
    assert!(
        stdout(&o).contains("has a custodian name no vault can hold"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains('\u{1b}'), "no escape code is printed");
    // A ledger that cannot be read does not stop status: it warns and counts no proof.
    std::fs::remove_file(dir.join("v.vault.proofs")).unwrap();
    std::fs::create_dir(dir.join("v.vault.proofs")).unwrap();
    let o = gsl(dir, "status v.vault");
    expect_exit(&o, 0);
    assert!(
        stderr(&o).contains("the proof ledger v.vault.proofs cannot be read"),
        "{}",
        stderr(&o)
    );
}
