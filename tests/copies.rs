//! Custodians recover alone: every share file carries the vault's recovery copy, so a quorum
//! recovers with no vault file; the copy is checked as strictly as the vault file, and holds
//! nothing that would let a custodian attack the owner's passphrase.

use crate::common::*;
use gsl_vault::copy;
use gsl_vault::error::Kind;
use gsl_vault::format::SlotKind;
use gsl_vault::vault::Vault;
use std::path::Path;

/// The recovery copy a share file carries, raw.
fn copy_in(dir: &Path, share: &str) -> Vec<u8> {
    let text = std::fs::read(dir.join(share)).unwrap();
    copy::find(&text)
        .expect("a copy")
        .expect("a well-formed copy")
}

/// The share file without its copy (as an older gsl-vault wrote it, or a custodian trimmed it).
fn strip_copy(dir: &Path, share: &str) {
    let text = std::fs::read_to_string(dir.join(share)).unwrap();
    std::fs::write(dir.join(share), copy::share_part(&text)).unwrap();
}

#[test]
fn every_quorum_of_a_3_of_5_set_recovers_without_the_vault_file() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 3, &NAMES, "quorum");
    std::fs::remove_file(dir.join("v.vault")).unwrap();
    let mut quorums = 0;
    for (i, a) in NAMES.iter().enumerate() {
        for (j, b) in NAMES.iter().enumerate().skip(i + 1) {
            for c in NAMES.iter().skip(j + 1) {
                let line = format!("recover {a}.share {b}.share {c}.share");
                let o = gsl(dir, &line);
                expect_exit(&o, 0);
                assert_eq!(stdout(&o), format!("{MASTER}\n"), "{line}");
                assert!(
                    stderr(&o).contains("generation 1, issued"),
                    "{}",
                    stderr(&o)
                );
                quorums += 1;
            }
        }
    }
    assert_eq!(quorums, 10);
    // Fewer than a quorum, with a copy: refused, as with the vault file.
    let o = gsl(dir, "recover alice.share bob.share");
    expect_exit(&o, 3);
    assert!(stdout(&o).is_empty());
    // And the drill and check-share work the same way, with nothing written.
    expect_exit(&gsl(dir, "drill carol.share dave.share erin.share"), 0);
    expect_exit(&gsl(dir, "check-share erin.share"), 0);
    assert!(!dir.join("v.vault").exists());
}

#[test]
fn a_copy_pasted_on_standard_input_stands_in_for_the_vault() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    std::fs::remove_file(dir.join("v.vault")).unwrap();
    let pasted = copy::armor(&copy_in(dir, "alice.share"));
    strip_copy(dir, "bob.share");
    strip_copy(dir, "carol.share");
    expect_exit(&gsl(dir, "recover bob.share carol.share"), 2);
    let o = gsl_stdin(
        dir,
        "recover --copy - bob.share carol.share",
        pasted.as_bytes(),
    );
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
}

#[test]
fn every_bit_flip_and_truncation_of_a_copy_is_refused() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    let good = copy_in(dir, "alice.share");
    assert!(Vault::parse_copy(&good, "alice.share").is_ok());
    for i in 0..good.len() * 8 {
        let mut bad = good.clone();
        bad[i / 8] ^= 1 << (i % 8);
        match Vault::parse_copy(&bad, "flipped") {
            Ok(_) => panic!("bit {i} flipped was accepted"),
            Err(e) => assert_eq!(e.kind(), Kind::Corrupt, "bit {i}: {e}"),
        }
    }
    for len in 0..good.len() {
        let e = Vault::parse_copy(&good[..len], "cut")
            .err()
            .expect("refused");
        assert_eq!(e.kind(), Kind::Corrupt, "len {len}: {e}");
    }
    // Through the CLI: a share file whose copy was altered does not stand in for the vault.
    std::fs::remove_file(dir.join("v.vault")).unwrap();
    let mut bad = good.clone();
    let at = bad.len() / 2;
    bad[at] ^= 0x20;
    for s in ["alice.share", "bob.share"] {
        strip_copy(dir, s);
    }
    let text = std::fs::read_to_string(dir.join("alice.share")).unwrap() + &copy::armor(&bad);
    std::fs::write(dir.join("alice.share"), text).unwrap();
    let o = gsl(dir, "recover alice.share bob.share");
    expect_exit(&o, 5);
    assert!(stdout(&o).is_empty(), "never a key from an altered copy");
    assert!(stderr(&o).contains("alice.share"), "{}", stderr(&o));
}

#[test]
fn a_copy_of_another_vault_is_named() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    let other = workdir();
    init(other.path(), "w.vault", 2, &NAMES[..3], "quorum");
    std::fs::write(dir.join("other.copy"), copy_in(other.path(), "alice.share")).unwrap();
    std::fs::remove_file(dir.join("v.vault")).unwrap();
    strip_copy(dir, "alice.share");
    strip_copy(dir, "bob.share");
    let o = gsl(dir, "recover --copy other.copy alice.share bob.share");
    expect_exit(&o, 3);
    assert!(
        stderr(&o).contains("belongs to another vault"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn under_policy_either_a_copy_gives_no_way_to_test_a_passphrase() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "either");
    let raw = copy_in(dir, "alice.share");
    let v = Vault::parse_copy(&raw, "alice.share").unwrap();
    let kinds: Vec<SlotKind> = v.body.slots.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, vec![SlotKind::Quorum]);
    assert!(v.body.kdf.is_none());
    let text = String::from_utf8(raw).unwrap();
    assert!(!text.contains("salt"), "no KDF salt in a copy");
    assert!(
        !text.contains("\"passphrase\""),
        "no passphrase slot in a copy"
    );
}

#[test]
fn under_policy_both_the_copy_and_the_shares_still_need_the_passphrase() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "both");
    std::fs::remove_file(dir.join("v.vault")).unwrap();
    let o = gsl(dir, "recover alice.share bob.share");
    expect_exit(&o, 2);
    assert!(stdout(&o).is_empty());
    let o = gsl_stdin(
        dir,
        "recover alice.share bob.share --passphrase-file -",
        b"not the passphrase\n",
    );
    expect_exit(&o, 4);
    let o = gsl(
        dir,
        "recover alice.share bob.share --passphrase-file pass.txt",
    );
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
}

#[test]
fn the_newest_copy_wins_and_older_ones_are_named() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    // A reshare's new shares carry the vault as they open it: a newer generation.
    let o = gsl(
        dir,
        "reshare v.vault alice.share bob.share -t 2 --custodian x --custodian y --shares-dir new",
    );
    expect_exit(&o, 0);
    std::fs::remove_file(dir.join("v.vault")).unwrap();
    let o = gsl(dir, "recover alice.share new/x.share new/y.share");
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    let said = stderr(&o);
    assert!(said.contains("(recovery copy in new/x.share)"), "{said}");
    assert!(said.contains("generation 2"), "{said}");
    assert!(
        said.contains("alice.share is older (generation 1"),
        "{said}"
    );
}

#[test]
fn after_set_secret_old_copies_are_stale_until_fresh_ones_are_issued() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    expect_exit(&gsl(dir, "drill v.vault alice.share bob.share"), 0);
    expect_exit(&gsl(dir, "status v.vault --check"), 0);
    std::fs::write(dir.join("new-master.txt"), "NEW-KEY-after-set-secret\n").unwrap();
    let o = gsl(
        dir,
        "set-secret v.vault alice.share bob.share --secret-file new-master.txt",
    );
    expect_exit(&o, 0);
    assert!(
        stderr(&o).contains("recovery copies of alice, bob, carol are now stale"),
        "{}",
        stderr(&o)
    );
    let o = gsl(dir, "status v.vault --check");
    expect_exit(&o, 7);
    assert!(stdout(&o).contains("STALE"), "{}", stdout(&o));
    let o = gsl(dir, "copies v.vault alice.share bob.share -o fresh");
    expect_exit(&o, 0);
    let page = std::fs::read_to_string(dir.join("fresh/carol-copy.html")).unwrap();
    assert!(
        page.contains("replaces page 2 of your kit"),
        "a printable page too"
    );
    expect_exit(&gsl(dir, "status v.vault --check"), 0);
    // Issue 26, item 5: the recovery page that goes with the new copies carries them, so its
    // SHA-256 is new; every new page 2 prints it, and the page's footer says where to look.
    let html = std::fs::read(dir.join("fresh/recover.html")).unwrap();
    let sha = gsl_vault::hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(&html));
    assert!(
        page.contains(&sha) && page.contains("it replaces the number on page 1"),
        "the new page 2 prints the new recover.html's SHA-256"
    );
    assert!(
        String::from_utf8_lossy(&html).contains("on the newest page 2, if the owner sent you one")
    );
    // Without the vault file: the old copies in the share files recover the old key; with a
    // fresh copy offered, the newest wins, returns the new key, and the old ones are named.
    std::fs::copy(dir.join("v.vault"), dir.join("kept.vault")).unwrap();
    std::fs::remove_file(dir.join("v.vault")).unwrap();
    let o = gsl(dir, "recover alice.share bob.share");
    assert_eq!(
        stdout(&o),
        format!("{MASTER}\n"),
        "an old copy: the old key"
    );
    let o = gsl(dir, "recover --copy fresh/carol.copy alice.share bob.share");
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), "NEW-KEY-after-set-secret\n");
    assert!(stderr(&o).contains("is older"), "{}", stderr(&o));
}

#[test]
fn two_printed_kits_recover_without_the_vault_file() {
    if !have_tool("rsvg-convert", "--version", "librsvg2-bin")
        || !have_tool("zbarimg", "--version", "zbar-tools")
    {
        return;
    }
    let d = workdir();
    let dir = d.path();
    let o = gsl(
        dir,
        "init v.vault --format 2 -t 2 --custodian alice --custodian bob --custodian carol --secret-file master.txt --policy quorum --kit",
    );
    expect_exit(&o, 0);
    // Only the paper is left: the vault file and the share files are gone.
    for f in ["v.vault", "alice.share", "bob.share", "carol.share"] {
        std::fs::remove_file(dir.join(f)).unwrap();
    }
    for name in ["alice", "carol"] {
        let html = std::fs::read_to_string(dir.join(format!("{name}.html"))).unwrap();
        let svgs = svgs_of(&html);
        assert_eq!(svgs.len(), 2, "a share QR code and page 2's copy");
        let share = scan(dir, svgs[0], "480");
        std::fs::write(dir.join(format!("scanned-{name}.txt")), share).unwrap();
        let copy = scan(dir, svgs[1], "1400");
        assert!(copy.starts_with(copy::QR_PREFIX), "{copy:.40}");
        std::fs::write(dir.join(format!("scanned-{name}-copy.txt")), copy).unwrap();
    }
    let o = gsl(
        dir,
        "recover --copy scanned-alice-copy.txt scanned-alice.txt scanned-carol.txt",
    );
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
}

#[test]
fn a_drill_names_the_stale_copies_among_its_share_files() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    std::fs::write(dir.join("new-master.txt"), "NEW-KEY\n").unwrap();
    let o = gsl(
        dir,
        "set-secret v.vault alice.share bob.share --secret-file new-master.txt",
    );
    expect_exit(&o, 0);
    let o = gsl(dir, "drill v.vault alice.share bob.share");
    expect_exit(&o, 0);
    assert!(
        stdout(&o).contains("STALE COPY  the recovery copy in alice.share is stale"),
        "{}",
        stdout(&o)
    );
    expect_exit(
        &gsl(dir, "copies v.vault alice.share bob.share -o fresh"),
        0,
    );
    let o = gsl(dir, "drill v.vault alice.share bob.share");
    assert!(
        stdout(&o).contains("STALE COPY"),
        "the share files still hold the old copy"
    );
}

/// The owner, with the passphrase alone, issues fresh copies after `set-secret`: they are signed
/// by the copy authority a quorum certified at init, and the custodians' shares accept them.
#[test]
fn the_owner_issues_fresh_copies_with_the_passphrase_alone() {
    let d = workdir();
    let dir = d.path();
    init_v2(dir, "v.vault", 2, &NAMES[..3], "either");
    expect_exit(&gsl(dir, "drill v.vault alice.share bob.share"), 0);
    std::fs::write(dir.join("new-master.txt"), "NEW-KEY-from-the-owner\n").unwrap();
    let o = gsl(
        dir,
        "set-secret v.vault --passphrase-file pass.txt --secret-file new-master.txt",
    );
    expect_exit(&o, 0);
    expect_exit(&gsl(dir, "status v.vault --check"), 7);
    let o = gsl(dir, "copies v.vault --passphrase-file pass.txt -o fresh");
    expect_exit(&o, 0);
    expect_exit(&gsl(dir, "status v.vault --check"), 0);
    let o = gsl(dir, "status v.vault --json");
    assert!(
        stdout(&o).contains("\"copies_need_quorum\": false"),
        "{}",
        stdout(&o)
    );
    std::fs::remove_file(dir.join("v.vault")).unwrap();
    let o = gsl(dir, "recover --copy fresh/carol.copy alice.share bob.share");
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), "NEW-KEY-from-the-owner\n");
}

/// Someone who holds the vault key but not the quorum (an old vault file and its passphrase)
/// certifies an authority of their own: the custodians' quorum refuses every copy it signs,
/// before the slot is opened.
#[test]
fn a_copy_signed_by_an_authority_their_quorum_did_not_certify_is_refused() {
    use gsl_vault::secret::{MasterKey, Passphrase, QuorumKey, SecretBytes};
    let d = workdir();
    let dir = d.path();
    init_v2(dir, "v.vault", 2, &NAMES[..3], "either");
    let mut v = Vault::parse(&std::fs::read(dir.join("v.vault")).unwrap(), "v").unwrap();
    let vk = v
        .unlock_passphrase(&Passphrase::new(PASS.as_bytes(), "test").unwrap())
        .unwrap();
    let mut evil = SecretBytes::with_capacity(32);
    evil.extend(b"ATTACKER-CHOSEN-KEY").unwrap();
    let (vk, _) = v
        .set_secret(&vk, &MasterKey::new(evil, "evil").unwrap(), 1_800_000_000)
        .unwrap();
    v.certify_copy_authority(&vk, &QuorumKey::random().unwrap())
        .unwrap();
    let _ = v.to_bytes(&vk).unwrap();
    let forged = v.recovery_copy(&vk, None, 1_800_000_000).unwrap();
    std::fs::write(dir.join("forged.copy"), copy::armor(&forged)).unwrap();
    std::fs::remove_file(dir.join("v.vault")).unwrap();
    strip_copy(dir, "alice.share");
    strip_copy(dir, "bob.share");
    let o = gsl(dir, "recover --copy forged.copy alice.share bob.share");
    expect_refused(&o, 5, "was not issued by their quorum");
}

/// A vault made before the copy authority existed (the v2 vector) issues copies with a quorum
/// once; from then on the passphrase alone does.
#[test]
fn a_vault_made_before_the_copy_authority_needs_a_quorum_once() {
    let d = workdir();
    let dir = d.path();
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    std::fs::copy(vectors.join("v2-either.vault"), dir.join("v.vault")).unwrap();
    for n in ["alice", "bob"] {
        std::fs::copy(
            vectors.join(format!("v2-either-{n}.share")),
            dir.join(format!("{n}.share")),
        )
        .unwrap();
    }
    std::fs::copy(vectors.join("v2.passphrase"), dir.join("p.txt")).unwrap();
    let o = gsl(dir, "copies v.vault --passphrase-file p.txt -o a");
    expect_exit(&o, 2);
    assert!(stderr(&o).contains("needs a quorum"), "{}", stderr(&o));
    expect_exit(&gsl(dir, "copies v.vault alice.share bob.share -o b"), 0);
    expect_exit(&gsl(dir, "copies v.vault --passphrase-file p.txt -o c"), 0);
    std::fs::remove_file(dir.join("v.vault")).unwrap();
    strip_copy(dir, "alice.share");
    let o = gsl(dir, "recover --copy c/alice.copy alice.share bob.share");
    expect_exit(&o, 0);
    assert_eq!(
        stdout(&o),
        std::fs::read_to_string(vectors.join("v2.master")).unwrap()
    );
}

/// Issue 26, item 11: recovering from a copy names it once, in words ("the recovery copy in
/// alice.share of vault v"), and says why its pin may differ from the one `status` shows now.
#[test]
fn recover_names_the_copy_once_and_why_its_pin_may_differ_from_status() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    let o = gsl(dir, "recover alice.share bob.share");
    expect_exit(&o, 0);
    let err = stderr(&o);
    assert!(
        err.contains("from the recovery copy in alice.share of vault v ("),
        "{err}"
    );
    assert!(!err.contains(") ("), "no doubled parentheses: {err}");
    assert!(
        err.contains("its pin at that generation:")
            && err.contains("a vault's pin changes when its passphrase or its shares are replaced"),
        "{err}"
    );
    assert!(stdout(&o).contains(MASTER));
}
