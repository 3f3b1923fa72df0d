//! Keeping a vault alive: reshare with confirmation before the old shares are retired,
//! cancel, passphrase, secret and policy changes.

use crate::common::*;

fn status_json(dir: &std::path::Path) -> serde_json::Value {
    let o = gsl(dir, "status v.vault --json");
    expect_exit(&o, 0);
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn reshare_keeps_old_shares_until_the_new_ones_are_confirmed() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    // New custodians and threshold, authorised by two old shares.
    let o = gsl(
        dir,
        "reshare v.vault alice.share bob.share --threshold 3 --custodian bob --custodian dave --custodian erin --custodian frank --shares-dir new",
    );
    expect_exit(&o, 0);
    assert!(stderr(&o).contains("pending"), "{}", stderr(&o));
    // Pending: the old shares still open it, the new ones do not count yet.
    let o = gsl(dir, "drill v.vault alice.share carol.share");
    assert_eq!(code(&o), 0, "old shares keep working: {}", stderr(&o));
    let o = gsl(
        dir,
        "recover v.vault new/bob.share new/dave.share new/erin.share",
    );
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("not confirmed yet"), "{}", stderr(&o));
    assert_eq!(status_json(dir)["epoch"], 1);
    // Too few new shares cannot confirm.
    let o = gsl(
        dir,
        "reshare v.vault --confirm new/bob.share new/dave.share",
    );
    expect_exit(&o, 3);
    // A quorum of the new shares confirms.
    let o = gsl(
        dir,
        "reshare v.vault --confirm new/bob.share new/dave.share new/frank.share",
    );
    expect_exit(&o, 0);
    let s = status_json(dir);
    assert_eq!(s["epoch"], 2);
    assert_eq!(s["threshold"], 3);
    assert_eq!(s["custodians"].as_array().unwrap().len(), 4);
    // Old shares are retired, with a sentence saying so and when.
    let o = gsl(dir, "check-share v.vault alice.share");
    assert_eq!(code(&o), 3);
    let today = &humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10];
    assert!(
        stdout(&o).contains(&format!("retired on {today}")),
        "{}",
        stdout(&o)
    );
    let o = gsl(dir, "recover v.vault alice.share bob.share carol.share");
    assert_eq!(code(&o), 3, "retired shares never open the vault again");
    let o = gsl(
        dir,
        "recover v.vault new/erin.share new/dave.share new/frank.share",
    );
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    // Confirming again: nothing is pending.
    let o = gsl(
        dir,
        "reshare v.vault --confirm new/bob.share new/dave.share new/frank.share",
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn an_abandoned_reshare_loses_nothing_and_can_be_cancelled() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "either");
    let o = gsl(
        dir,
        "reshare v.vault --passphrase-file pass.txt -t 2 --custodian x --custodian y --shares-dir new",
    );
    expect_exit(&o, 0);
    let o = gsl(
        dir,
        "reshare v.vault --passphrase-file pass.txt -t 2 --custodian p --custodian q --shares-dir new2",
    );
    assert_eq!(code(&o), 2, "one pending reshare at a time");
    assert!(stderr(&o).contains("already pending"));
    let o = gsl(dir, "open v.vault --passphrase-file pass.txt");
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    // Format 3 under `either`: cancelling revokes the pending set, so the passphrase is asked
    // for too, and with the shares both paths get new signers.
    let o = gsl(dir, "reshare v.vault --cancel alice.share carol.share");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = gsl(
        dir,
        "reshare v.vault --cancel alice.share carol.share --passphrase-file pass.txt",
    );
    expect_exit(&o, 0);
    let o = gsl(dir, "reshare v.vault --confirm new/x.share new/y.share");
    expect_exit(&o, 2);
    assert!(stderr(&o).contains("no reshare is pending"));
    let o = gsl(dir, "drill v.vault alice.share bob.share");
    assert_eq!(code(&o), 0);
    assert_eq!(status_json(dir)["epoch"], 1);
}

#[test]
fn reshare_under_policy_both_needs_shares_and_passphrase() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "both");
    let o = gsl(
        dir,
        "reshare v.vault alice.share bob.share --passphrase-file pass.txt -t 2 --custodian x --custodian y --shares-dir new",
    );
    expect_exit(&o, 0);
    let o = gsl(
        dir,
        "reshare v.vault --confirm new/x.share new/y.share --passphrase-file pass.txt",
    );
    expect_exit(&o, 0);
    let o = gsl(
        dir,
        "recover v.vault new/x.share new/y.share --passphrase-file pass.txt",
    );
    assert_eq!(stdout(&o), format!("{MASTER}\n"), "{}", stderr(&o));
}

#[test]
fn passwd_replaces_the_passphrase_and_keeps_the_shares() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "either");
    std::fs::write(dir.join("new.txt"), "a brand new passphrase\n").unwrap();
    let o = gsl(
        dir,
        "passwd v.vault --passphrase-file pass.txt --new-passphrase-file new.txt",
    );
    expect_exit(&o, 0);
    let o = gsl(dir, "open v.vault --passphrase-file pass.txt");
    assert_eq!(code(&o), 4, "the old passphrase no longer opens it");
    let o = gsl(dir, "open v.vault --passphrase-file new.txt");
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    let o = gsl(dir, "recover v.vault carol.share bob.share");
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    // A forgotten passphrase can be replaced with a quorum.
    std::fs::write(dir.join("third.txt"), "a third passphrase here\n").unwrap();
    let o = gsl(
        dir,
        "passwd v.vault alice.share bob.share --new-passphrase-file third.txt",
    );
    expect_exit(&o, 0);
    let o = gsl(dir, "open v.vault --passphrase-file third.txt");
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
}

#[test]
fn set_secret_replaces_the_key_and_keeps_passphrase_and_shares() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "either");
    std::fs::write(dir.join("next.txt"), "NEXT-GSL-KEY-after-rotation\n").unwrap();
    let o = gsl(
        dir,
        "set-secret v.vault alice.share bob.share --secret-file next.txt",
    );
    expect_exit(&o, 0);
    assert!(
        !stdout(&o).contains("NEXT-GSL-KEY"),
        "set-secret does not echo the key"
    );
    let o = gsl(dir, "open v.vault --passphrase-file pass.txt");
    assert_eq!(stdout(&o), "NEXT-GSL-KEY-after-rotation\n");
    let o = gsl(dir, "recover v.vault carol.share bob.share");
    assert_eq!(stdout(&o), "NEXT-GSL-KEY-after-rotation\n");
}

#[test]
fn policy_changes_follow_what_authorises_them() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "either");
    // Every policy change proves a quorum first: the passphrase alone is refused.
    let o = gsl(dir, "policy v.vault quorum --passphrase-file pass.txt");
    expect_exit(&o, 2);
    // either -> quorum: the passphrase no longer opens it.
    let o = gsl(dir, "policy v.vault quorum alice.share bob.share");
    expect_exit(&o, 0);
    let o = gsl(dir, "open v.vault --passphrase-file pass.txt");
    assert_eq!(code(&o), 2);
    assert!(status_json(dir)["kdf"].is_null());
    // quorum -> either, with a new passphrase, authorised by shares.
    std::fs::write(dir.join("new.txt"), "passphrase number two\n").unwrap();
    let o = gsl(
        dir,
        "policy v.vault either alice.share bob.share --new-passphrase-file new.txt",
    );
    expect_exit(&o, 0);
    let o = gsl(dir, "open v.vault --passphrase-file new.txt");
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    // either -> both needs a quorum: the passphrase alone is refused.
    let o = gsl(dir, "policy v.vault both --passphrase-file new.txt");
    expect_exit(&o, 2);
    let o = gsl(
        dir,
        "policy v.vault both carol.share bob.share --passphrase-file new.txt",
    );
    expect_exit(&o, 0);
    let o = gsl(dir, "recover v.vault carol.share bob.share");
    assert_eq!(code(&o), 2, "shares alone no longer open a `both` vault");
    let o = gsl(
        dir,
        "recover v.vault carol.share bob.share --passphrase-file new.txt",
    );
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    assert_eq!(status_json(dir)["policy"], "both");
}

#[test]
fn drill_all_verifies_every_custodian_and_status_shows_each() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    let s = status_json(dir);
    assert_eq!(s["all_verified"], false);
    assert!(s["custodians"][0]["last_passed"].is_null());
    // A quorum drill verifies only those who took part.
    let o = gsl(dir, "drill v.vault alice.share bob.share --all");
    assert_eq!(code(&o), 3, "--all with carol missing: {}", stdout(&o));
    assert!(
        stdout(&o).contains("MISSING  carol's share"),
        "{}",
        stdout(&o)
    );
    let s = status_json(dir);
    assert!(
        s["custodians"][0]["last_passed"].is_string(),
        "alice passed"
    );
    assert!(s["custodians"][2]["last_passed"].is_null(), "carol not yet");
    assert_eq!(s["custodians"][2]["overdue"], true);
    assert_eq!(s["all_verified"], false);
    let o = gsl(
        dir,
        "drill v.vault --all alice.share bob.share carol.share --json",
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["missing"], serde_json::json!([]));
    let s = status_json(dir);
    assert_eq!(s["all_verified"], true);
    assert!(s["custodians"][2]["next_due"].is_string());
    let o = gsl(dir, "status v.vault");
    assert!(
        stdout(&o).contains("every custodian's share passed a drill"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn calibrate_proposes_valid_costs_and_init_uses_them() {
    let d = workdir();
    let dir = d.path();
    let o = gsl(dir, "calibrate --target 300ms --max-memory 64 --json");
    expect_exit(&o, 0);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let memory_kib = j["memory_kib"].as_u64().unwrap() as u32;
    assert_eq!(memory_kib, 64 * 1024, "the memory cap holds");
    let p = gsl_vault::kdf::KdfParams::new(
        memory_kib,
        j["iterations"].as_u64().unwrap() as u32,
        j["parallelism"].as_u64().unwrap() as u32,
    );
    assert!(p.is_ok(), "within RFC 9106's floor and the cap: {p:?}");
    assert!(j["millis"].as_u64().unwrap() > 0);
    let o = gsl(dir, "calibrate --target 1ms");
    assert_eq!(code(&o), 2);
    // init --kdf-time measures and records what it chose.
    let o = gsl(
        dir,
        "init v.vault -t 2 --custodian a --custodian b --secret-file master.txt --passphrase-file pass.txt --kdf-time 300ms --kdf-memory 64",
    );
    expect_exit(&o, 0);
    assert!(stderr(&o).contains("Argon2id calibrated"), "{}", stderr(&o));
    let o = gsl(dir, "status v.vault --json");
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["kdf"]["memory_kib"], 65536);
    assert!(s["kdf"]["iterations"].as_u64().unwrap() >= 3);
}
