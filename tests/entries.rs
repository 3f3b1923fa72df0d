//! The account's whole recovery sheet: the 2FA recovery codes and a note kept with the master
//! key, through every way in (passphrase, quorum, recovery copy, set-secret), listed by status,
//! never shown by a drill.

use std::path::Path;

use crate::common::*;

const CODES: &str = "1111-aaaa\n2222-bbbb\n3333-cccc";
const NOTE: &str = "Kraken, account me@example.com.\nCall Bob first: +1 555 0100.";

fn sheet_vault(dir: &Path, policy: &str) {
    std::fs::write(dir.join("codes.txt"), format!("{CODES}\n")).unwrap();
    std::fs::write(dir.join("note.txt"), format!("{NOTE}\n")).unwrap();
    let mut line = format!(
        "init v.vault -t 2 --custodian alice --custodian bob --custodian carol --secret-file master.txt --policy {policy} --recovery-codes-file codes.txt --note-file note.txt"
    );
    if policy != "quorum" {
        line.push_str(" --passphrase-file pass.txt --kdf-memory 64 --kdf-iterations 3");
    }
    expect_exit(&gsl(dir, &line), 0);
}

#[test]
fn every_entry_comes_back_through_the_passphrase_a_quorum_and_the_copies() {
    let d = workdir();
    let dir = d.path();
    sheet_vault(dir, "either");
    let status = stdout(&gsl(dir, "status v.vault"));
    assert!(
        status.contains("holds:       master key, 2FA recovery codes, recovery note"),
        "{status}"
    );
    assert!(
        !status.contains("1111") && !status.contains("Bob"),
        "status names, never contents"
    );
    for (args, want) in [
        (
            "open v.vault --passphrase-file pass.txt",
            MASTER.to_string(),
        ),
        (
            "open v.vault --passphrase-file pass.txt --entry recovery-codes",
            CODES.to_string(),
        ),
        (
            "recover v.vault alice.share bob.share --entry note",
            NOTE.to_string(),
        ),
        (
            "recover alice.share carol.share --entry recovery-codes",
            CODES.to_string(),
        ),
        (
            "recover bob.share carol.share --entry all",
            format!(
                "== master key\n{MASTER}\n== 2FA recovery codes\n{CODES}\n== recovery note\n{NOTE}"
            ),
        ),
    ] {
        let o = gsl(dir, args);
        expect_exit(&o, 0);
        assert_eq!(stdout(&o), format!("{want}\n"), "{args}");
    }
    // A drill proves they decrypt and shows none.
    let o = gsl(dir, "drill v.vault alice.share bob.share");
    expect_exit(&o, 0);
    let said = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        said.contains("recovery codes and recovery note decrypt too; none was shown"),
        "{said}"
    );
    for secret in [MASTER, "1111-aaaa", "Call Bob"] {
        assert!(!said.contains(secret), "a drill printed {secret}");
    }
}

#[test]
fn set_secret_keeps_the_entries_or_replaces_the_one_given() {
    let d = workdir();
    let dir = d.path();
    sheet_vault(dir, "quorum");
    std::fs::write(dir.join("new.txt"), "the next master key\n").unwrap();
    let o = gsl(
        dir,
        "set-secret v.vault alice.share bob.share --secret-file new.txt",
    );
    expect_exit(&o, 0);
    let o = gsl(dir, "recover v.vault alice.share bob.share --entry all");
    assert_eq!(
        stdout(&o),
        format!(
            "== master key\nthe next master key\n== 2FA recovery codes\n{CODES}\n== recovery note\n{NOTE}\n"
        )
    );
    std::fs::write(dir.join("codes2.txt"), "9999-zzzz\n").unwrap();
    let o = gsl(
        dir,
        "set-secret v.vault alice.share bob.share --secret-file new.txt --recovery-codes-file codes2.txt",
    );
    expect_exit(&o, 0);
    let o = gsl(
        dir,
        "recover v.vault bob.share carol.share --entry recovery-codes",
    );
    assert_eq!(stdout(&o), "9999-zzzz\n");
    let o = gsl(dir, "recover v.vault bob.share carol.share --entry note");
    assert_eq!(stdout(&o), format!("{NOTE}\n"));
    // A vault with no entries says so, by name.
    let e = workdir();
    init(e.path(), "w.vault", 2, &NAMES[..3], "quorum");
    let o = gsl(
        e.path(),
        "recover w.vault alice.share bob.share --entry note",
    );
    expect_refused(&o, 2, "holds no recovery note");
}

/// Issue 26, items 7, 8 and 9, as the owner met them: adding the 2FA codes keeps the master key
/// (no new key asked for) and says what changed and which plaintext file to delete; `recover`
/// and `open` say after the key what else the vault keeps; `status` gives the verdict of
/// `status --check` (copies stale), the reason first.
#[test]
fn adding_entries_keeps_the_master_key_and_status_and_open_say_what_is_kept() {
    let d = workdir();
    let dir = d.path();
    expect_exit(&init(dir, "v.vault", 2, &NAMES[..3], "either"), 0);
    expect_exit(&gsl(dir, "drill v.vault alice.share bob.share"), 0);
    std::fs::write(dir.join("codes.txt"), "AAAA-1111\nBBBB-2222\n").unwrap();
    let o = gsl(
        dir,
        "set-secret v.vault --passphrase-file pass.txt --recovery-codes-file codes.txt",
    );
    expect_exit(&o, 0);
    let said = stderr(&o);
    assert!(
        said.contains("now keeps the 2FA recovery codes given; its master key, passphrase and shares are unchanged"),
        "{said}"
    );
    assert!(said.contains("delete that file"), "{said}");
    let o = gsl(dir, "open v.vault --passphrase-file pass.txt");
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    assert!(
        stderr(&o).contains("also keeps the 2FA recovery codes: show it with --entry all (or --entry recovery-codes)"),
        "{}",
        stderr(&o)
    );
    let o = gsl(
        dir,
        "open v.vault --passphrase-file pass.txt --entry recovery-codes",
    );
    assert_eq!(stdout(&o), "AAAA-1111\nBBBB-2222\n");
    // The copies hold the vault as it was: the text says what --check says.
    let o = gsl(dir, "status v.vault");
    assert!(
        stdout(&o).contains("status:      COPIES STALE"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("status:      ok"));
    assert_eq!(code(&gsl(dir, "status v.vault --check")), 7);
}
