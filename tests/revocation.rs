//! Revocation that revokes (the review's three attacks, as tests through the CLI and the public
//! API): after a path is retired, the vault key it yielded neither reads the current file nor
//! signs one that passes the pin; an older copy put back is noticed.

use crate::common::*;
use gsl_vault::secret::{Passphrase, VaultKey};
use gsl_vault::vault::Vault;
use gsl_vault::{crypto, format, fuzzing};
use std::path::Path;

fn read_vault(dir: &Path, file: &str) -> Vault {
    Vault::parse(&std::fs::read(dir.join(file)).unwrap(), file).unwrap()
}

/// What an attacker holding `old.vault` and some of its shares gets: its vault key.
fn vk_from_old_copy(dir: &Path, shares: &[&str]) -> VaultKey {
    let old = read_vault(dir, "old.vault");
    let names: Vec<&str> = shares
        .iter()
        .map(|s| s.trim_end_matches(".share"))
        .collect();
    old.unlock_quorum(&offered(dir, &names), Vec::new(), None)
        .unwrap()
        .vk
}

/// The pin `status` shows for the vault in `dir`.
fn pin(dir: &Path) -> String {
    let o = gsl(dir, "status v.vault --json");
    expect_exit(&o, 0);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    j["pin"].as_str().unwrap().to_string()
}

/// The old copy's body, signed by `vk` (the old identity) as a forger with write access and an
/// old vault key would: the lineage cut back to that identity, a forged drill receipt.
fn forge_with_old_key(dir: &Path, vk: &VaultKey) -> Vec<u8> {
    let mut body = read_vault(dir, "old.vault").body;
    let sk = crypto::identity(vk);
    body.identity = gsl_vault::hex::encode(&sk.verifying_key().to_bytes());
    body.lineage.clear();
    body.origin = Some(body.identity.clone());
    body.receipts.clear();
    format::serialize(&body, |m| crypto::sign(&sk, format::FILE_SIG_CONTEXT, m))
}

/// Attack 1: an old copy of the vault plus the shares its reshare retired.
#[test]
fn retired_shares_and_an_old_copy_neither_read_nor_sign_the_rotated_vault() {
    let d = workdir();
    let dir = d.path();
    init_v2(dir, "v.vault", 2, &NAMES[..3], "quorum");
    std::fs::copy(dir.join("v.vault"), dir.join("old.vault")).unwrap();
    let o = gsl(
        dir,
        "reshare v.vault alice.share bob.share -t 2 --custodian x --custodian y --custodian z --shares-dir new",
    );
    expect_exit(&o, 0);
    let o = gsl(dir, "reshare v.vault --confirm new/x.share new/y.share");
    expect_exit(&o, 0);
    let said = stderr(&o);
    assert!(said.contains("rotated"), "{said}");
    assert!(
        said.contains("a share of epoch 1"),
        "says what was revoked: {said}"
    );
    let vk_old = vk_from_old_copy(dir, &["alice.share", "bob.share"]);
    let current = read_vault(dir, "v.vault");
    assert!(
        current.open_payload(&vk_old).is_err(),
        "the old vault key must not read the current payload"
    );
    let forged = forge_with_old_key(dir, &vk_old);
    std::fs::write(dir.join("forged.vault"), forged).unwrap();
    let o = run(
        dir,
        &[
            "--expect-fingerprint",
            &pin(dir),
            "status",
            "forged.vault",
            "--check",
        ],
    );
    expect_exit(&o, 5);
    assert!(stderr(&o).contains("not the pinned"), "{}", stderr(&o));
    // And the new shares still open the current vault; the retired ones do not.
    expect_exit(&gsl(dir, "recover v.vault new/y.share new/z.share"), 0);
    expect_exit(&gsl(dir, "recover v.vault alice.share bob.share"), 3);
}

/// Attack 1, after `passwd`: an old copy opened with the old passphrase.
#[test]
fn an_old_passphrase_and_an_old_copy_neither_read_nor_sign_after_passwd() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "either");
    std::fs::copy(dir.join("v.vault"), dir.join("old.vault")).unwrap();
    std::fs::write(dir.join("new-pass.txt"), "a new and longer passphrase\n").unwrap();
    let o = gsl(
        dir,
        "passwd v.vault --passphrase-file pass.txt --new-passphrase-file new-pass.txt",
    );
    expect_exit(&o, 0);
    assert!(
        stderr(&o).contains("the old passphrase opens no copy"),
        "{}",
        stderr(&o)
    );
    let old = read_vault(dir, "old.vault");
    let vk_old = old
        .unlock_passphrase(&Passphrase::new(PASS.as_bytes(), "test").unwrap())
        .unwrap();
    let current = read_vault(dir, "v.vault");
    assert!(current.open_payload(&vk_old).is_err());
    assert!(
        current
            .unlock_passphrase(&Passphrase::new(PASS.as_bytes(), "test").unwrap())
            .is_err()
    );
    let forged = forge_with_old_key(dir, &vk_old);
    std::fs::write(dir.join("forged.vault"), forged).unwrap();
    let o = run(
        dir,
        &["--expect-fingerprint", &pin(dir), "status", "forged.vault"],
    );
    expect_exit(&o, 5);
    // The shares are unchanged and still open it; so does the new passphrase.
    expect_exit(&gsl(dir, "recover v.vault alice.share carol.share"), 0);
    let o = gsl(dir, "open v.vault --passphrase-file new-pass.txt");
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
}

/// Attack 1, after `set-secret`: the new master key is out of reach of an old vault key.
#[test]
fn set_secret_rotates_so_an_old_vault_key_cannot_read_the_new_master_key() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "either");
    std::fs::copy(dir.join("v.vault"), dir.join("old.vault")).unwrap();
    std::fs::write(dir.join("new-master.txt"), "NEW-GSL-KEY-after-a-leak\n").unwrap();
    let o = gsl(
        dir,
        "set-secret v.vault --passphrase-file pass.txt --secret-file new-master.txt",
    );
    expect_exit(&o, 0);
    assert!(stderr(&o).contains("rotated"), "{}", stderr(&o));
    let vk_old = vk_from_old_copy(dir, &["alice.share", "bob.share"]);
    assert!(read_vault(dir, "v.vault").open_payload(&vk_old).is_err());
    let o = gsl(dir, "recover v.vault alice.share bob.share");
    assert_eq!(stdout(&o), "NEW-GSL-KEY-after-a-leak\n");
}

/// Attack 3: anyone can make an identity; only the long pin names this vault.
#[test]
fn a_file_signed_by_another_identity_fails_the_long_pin() {
    let d = workdir();
    let dir = d.path();
    init_v2(dir, "v.vault", 2, &NAMES[..3], "quorum");
    let p = pin(dir);
    assert_eq!(p.replace('-', "").len(), 26, "128 bits and more: {p}");
    let mut body = read_vault(dir, "v.vault").body;
    std::fs::write(
        dir.join("other.vault"),
        fuzzing::forge(&mut body, [1u8; 32]),
    )
    .unwrap();
    expect_exit(&gsl(dir, "status other.vault"), 0);
    let o = run(dir, &["--expect-fingerprint", &p, "status", "other.vault"]);
    expect_exit(&o, 5);
    expect_exit(
        &run(dir, &["--expect-fingerprint", &p, "status", "v.vault"]),
        0,
    );
    // A pin that is neither form is a usage error, not "another vault".
    let o = gsl(dir, "--expect-fingerprint DVSULSZC0 status v.vault");
    expect_exit(&o, 2);
}

/// Attack 2: an older, genuinely signed copy put back.
#[test]
fn a_rolled_back_copy_is_noticed() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    std::fs::copy(dir.join("v.vault"), dir.join("old.vault")).unwrap();
    expect_exit(&gsl(dir, "drill v.vault alice.share bob.share"), 0);
    let o = gsl(dir, "status v.vault --json");
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let newest = j["generation"].as_u64().unwrap();
    assert_eq!(newest, 2, "init wrote generation 1, the drill 2");
    std::fs::copy(dir.join("old.vault"), dir.join("v.vault")).unwrap();
    let o = gsl(dir, "status v.vault --check");
    expect_exit(&o, 5);
    assert!(
        stderr(&o).contains("is generation 1, but this machine has written generation 2"),
        "{}",
        stderr(&o)
    );
    let o = gsl(dir, "recover v.vault alice.share bob.share");
    expect_exit(&o, 0);
    assert!(stderr(&o).contains("warning"), "{}", stderr(&o));
    let o = gsl(
        dir,
        "--expect-generation 2 recover v.vault alice.share bob.share",
    );
    expect_exit(&o, 5);
    assert!(stdout(&o).is_empty(), "no key from a rolled-back copy");
    // Nothing is written over a rolled-back copy (that would hide it).
    let o = gsl(dir, "drill v.vault alice.share bob.share");
    expect_exit(&o, 5);
}

/// A vault of format 1 rotates at its first revocation (and keeps its shares and name).
#[test]
fn a_v1_vault_rotates_at_its_next_revocation() {
    let d = workdir();
    let dir = d.path();
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    for f in [
        "v1-either.vault",
        "v1-either-alice.share",
        "v1-either-bob.share",
    ] {
        std::fs::copy(vectors.join(f), dir.join(f)).unwrap();
    }
    std::fs::copy(vectors.join("v1.passphrase"), dir.join("old-pass.txt")).unwrap();
    let before = read_vault(dir, "v1-either.vault").fingerprint();
    let o = gsl(
        dir,
        "passwd v1-either.vault --passphrase-file old-pass.txt --new-passphrase-file pass.txt",
    );
    expect_exit(&o, 2);
    assert!(stderr(&o).contains("older gsl-vault"), "{}", stderr(&o));
    let o = gsl(
        dir,
        "passwd v1-either.vault v1-either-alice.share v1-either-bob.share --new-passphrase-file pass.txt",
    );
    expect_exit(&o, 0);
    // With both secrets at hand, the change upgrades it to format 3 (no lineage to carry).
    let v = read_vault(dir, "v1-either.vault");
    assert_eq!(v.version, 3);
    assert_eq!(v.fingerprint(), before, "the name stays");
    assert!(v.body.lineage.is_empty());
    expect_exit(
        &gsl(
            dir,
            "recover v1-either.vault v1-either-alice.share v1-either-bob.share",
        ),
        0,
    );
}

/// A policy change that drops a path says so, and the dropped path opens nothing from then on.
#[test]
fn dropping_the_passphrase_path_revokes_it() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "either");
    std::fs::copy(dir.join("v.vault"), dir.join("old.vault")).unwrap();
    let o = gsl(dir, "policy v.vault quorum alice.share bob.share");
    expect_exit(&o, 0);
    assert!(
        stderr(&o).contains("the passphrase opens no copy of this file written from now on"),
        "{}",
        stderr(&o)
    );
    let old = read_vault(dir, "old.vault");
    let vk_old = old
        .unlock_passphrase(&Passphrase::new(PASS.as_bytes(), "test").unwrap())
        .unwrap();
    assert!(read_vault(dir, "v.vault").open_payload(&vk_old).is_err());
}
