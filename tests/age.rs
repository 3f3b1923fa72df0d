//! age delivery, with interop both ways against the reference `age` CLI (Debian's age 1.x).

use crate::common::*;
use std::process::Command;

fn have_age() -> bool {
    have_tool("age", "--version", "age") && have_tool("age-keygen", "--version", "age")
}

fn keygen(dir: &std::path::Path, file: &str) -> String {
    let o = Command::new("age-keygen")
        .args(["-o", file])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .to_string()
}

#[test]
fn age_shares_interoperate_with_the_reference_cli() {
    if !have_age() {
        return;
    }
    let d = workdir();
    let dir = d.path();
    let alice_pub = keygen(dir, "alice.key");
    keygen(dir, "stranger.key");
    // Non-ASCII, precomposed: kept byte for byte, as the age CLI keeps it.
    std::fs::write(dir.join("carol.pass"), "carol's own café passphrase\n").unwrap();
    let alice = format!("alice={alice_pub}");
    let o = gsl(
        dir,
        &format!(
            "init v.vault -t 2 --custodian {alice} --custodian bob --custodian carol=ask --custodian-passphrase-file carol=carol.pass --secret-file master.txt --policy quorum"
        ),
    );
    expect_exit(&o, 0);
    assert!(
        !dir.join("alice.share").exists() && !dir.join("carol.share").exists(),
        "no plain copy of an age share"
    );
    let armored = std::fs::read_to_string(dir.join("alice.share.age")).unwrap();
    assert!(armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));

    // Ours -> theirs: the reference CLI decrypts alice's share, and the text is her share.
    let o = Command::new("age")
        .args(["-d", "-i", "alice.key", "alice.share.age"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "age -d failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o2 = gsl_stdin(dir, "check-share v.vault - --json", &o.stdout);
    assert_eq!(code(&o2), 0, "{}", stdout(&o2));
    assert!(stdout(&o2).contains("\"custodian\": \"alice\""));

    // The vault records how each share was delivered.
    let vault = std::fs::read_to_string(dir.join("v.vault")).unwrap();
    for d in [
        "\"delivery\": \"age\"",
        "\"delivery\": \"file\"",
        "\"delivery\": \"age-passphrase\"",
    ] {
        assert!(vault.contains(d), "{d}");
    }

    // Drill and recover with age shares, by identity and by the custodian's passphrase.
    let o = gsl(
        dir,
        "drill v.vault alice.share.age -i alice.key carol.share.age --share-passphrase-file carol.pass",
    );
    expect_exit(&o, 0);
    let o = gsl(
        dir,
        "recover v.vault alice.share.age bob.share -i alice.key",
    );
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));

    // A share no identity opens: exit 4, naming it.
    for args in [
        &[
            "check-share",
            "v.vault",
            "alice.share.age",
            "-i",
            "stranger.key",
        ][..],
        &["drill", "v.vault", "alice.share.age", "bob.share"][..],
    ] {
        let o = run(dir, args);
        assert_eq!(code(&o), 4, "{args:?}: {}", stderr(&o));
        let said = stdout(&o) + &stderr(&o);
        assert!(
            said.contains("share alice.share.age (custodian alice) does not open"),
            "{said}"
        );
    }
    std::fs::write(dir.join("wrong.pass"), "not carol's passphrase\n").unwrap();
    let o = gsl(
        dir,
        "drill v.vault carol.share.age bob.share --share-passphrase-file wrong.pass",
    );
    expect_exit(&o, 4);
    assert!(stderr(&o).contains("carol.share.age"));
    let o = gsl(dir, "drill v.vault carol.share.age bob.share");
    assert_eq!(
        code(&o),
        2,
        "no terminal to ask carol's passphrase: {}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--share-passphrase-file"));

    // Theirs -> ours: bob's plain share, encrypted by the reference CLI, is accepted by drill.
    let o = Command::new("age")
        .args([
            "-e",
            "-a",
            "-r",
            &alice_pub,
            "-o",
            "bob-by-age.share.age",
            "bob.share",
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = gsl(
        dir,
        "drill v.vault bob-by-age.share.age alice.share.age -i alice.key --json",
    );
    expect_exit(&o, 0);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["custodians"], serde_json::json!(["bob", "alice"]));
}

#[test]
fn bad_custodian_specs_are_usage_errors() {
    let d = workdir();
    for spec in ["alice=age1notakey", "alice=maybe", "alice=ssh-ed25519 AAAA"] {
        let o = run(
            d.path(),
            &[
                "init",
                "v.vault",
                "-t",
                "2",
                "--custodian",
                spec,
                "--custodian",
                "bob",
                "--secret-file",
                "master.txt",
                "--policy",
                "quorum",
            ],
        );
        assert_eq!(code(&o), 2, "{spec}: {}", stderr(&o));
    }
    let o = gsl(
        d.path(),
        "init v.vault -t 2 --custodian alice=ask --custodian bob --secret-file master.txt --policy quorum",
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--custodian-passphrase-file alice=FILE"),
        "{}",
        stderr(&o)
    );
    assert!(!d.path().join("v.vault").exists());
}

/// Second review, M3: an age share that does not open is a bad share, not the end of the
/// recovery, when a quorum of others is there.
#[test]
fn r2_m3_an_unopenable_extra_share_does_not_block_recovery() {
    if !have_age() {
        return;
    }
    let d = workdir();
    let dir = d.path();
    let pubkey = keygen(dir, "alice.key");
    let alice = format!("alice={pubkey}");
    let o = gsl(
        dir,
        &format!(
            "init v.vault -t 2 --custodian {alice} --custodian bob --custodian carol --secret-file master.txt --policy quorum"
        ),
    );
    expect_exit(&o, 0);
    let o = gsl(dir, "recover v.vault alice.share.age bob.share carol.share");
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    assert!(
        stderr(&o).contains("alice.share.age (custodian alice) does not open"),
        "{}",
        stderr(&o)
    );
}
