//! Property 1 of the design: any t of n recover, any t-1 do not; a foreign, duplicated, x=0 or
//! altered share is named and never yields a wrong key.

use crate::common::*;

fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    (0u32..(1 << n))
        .filter(|m| m.count_ones() as usize == k)
        .map(|m| (0..n).filter(|i| m & (1 << i) != 0).collect())
        .collect()
}

#[test]
fn three_of_five_every_three_subset_recovers_and_drills() {
    let d = workdir();
    init(d.path(), "v.vault", 3, &NAMES, "quorum");
    for s in subsets(5, 3) {
        let files: Vec<String> = s.iter().map(|&i| format!("{}.share", NAMES[i])).collect();
        let mut args = vec!["recover", "v.vault"];
        args.extend(files.iter().map(String::as_str));
        let o = run(d.path(), &args);
        assert_eq!(code(&o), 0, "{files:?}: {}", stderr(&o));
        assert_eq!(
            stdout(&o),
            format!("{MASTER}\n"),
            "{files:?} recovered a wrong key"
        );

        args[0] = "drill";
        let o = run(d.path(), &args);
        assert_eq!(code(&o), 0, "{files:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("Drill passed"));
    }
}

#[test]
fn three_of_five_every_two_subset_exits_3() {
    let d = workdir();
    init(d.path(), "v.vault", 3, &NAMES, "quorum");
    for s in subsets(5, 2) {
        let files: Vec<String> = s.iter().map(|&i| format!("{}.share", NAMES[i])).collect();
        for cmd in ["recover", "drill"] {
            let mut args = vec![cmd, "v.vault"];
            args.extend(files.iter().map(String::as_str));
            let o = run(d.path(), &args);
            assert_eq!(code(&o), 3, "{cmd} {files:?}");
            assert!(!stdout(&o).contains(MASTER));
            assert!(
                stderr(&o).contains("2 valid share(s) of 3 needed"),
                "{}",
                stderr(&o)
            );
        }
    }
}

#[test]
fn a_share_given_twice_counts_once() {
    let d = workdir();
    init(d.path(), "v.vault", 3, &NAMES, "quorum");
    std::fs::copy(
        share_path(d.path(), "alice"),
        d.path().join("alice-copy.share"),
    )
    .unwrap();
    let o = gsl(
        d.path(),
        "recover v.vault alice.share alice-copy.share bob.share",
    );
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("alice's share again"), "{}", stderr(&o));
    let o = gsl(
        d.path(),
        "drill v.vault alice.share alice.share bob.share carol.share",
    );
    assert_eq!(
        code(&o),
        3,
        "a duplicate is reported even when a quorum remains"
    );
    assert!(
        stdout(&o).contains("given twice counts once"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_share_of_another_vault_is_named_and_refused() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    let other = d.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::copy(d.path().join("master.txt"), other.join("master.txt")).unwrap();
    init(&other, "w.vault", 2, &NAMES[..3], "quorum");
    let o = gsl(d.path(), "check-share v.vault other/alice.share");
    assert_eq!(code(&o), 3);
    assert!(
        stdout(&o).contains("other/alice.share belongs to another vault"),
        "{}",
        stdout(&o)
    );
    let o = gsl(d.path(), "recover v.vault alice.share other/bob.share");
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).contains("other/bob.share belongs to another vault"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}

/// Builds a share file holding the given point, with a valid checksum, for this vault.
fn forged_share(dir: &std::path::Path, from: &str, x: u8, y: [u8; 32]) -> String {
    use gsl_vault::share::{ShareCode, parse_share_text};
    let text = std::fs::read_to_string(share_path(dir, from)).unwrap();
    let real = parse_share_text(&text, from).unwrap();
    let forged = ShareCode {
        fingerprint: real.fingerprint,
        epoch: real.epoch,
        point: gsl_vault::shamir::Point {
            x,
            y: zeroize::Zeroizing::new(y),
        },
    };
    forged.to_mnemonic().to_string()
}

#[test]
fn an_x0_share_is_refused_by_name() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    // blahaj would return this y verbatim as "the secret": it must never reach it.
    std::fs::write(
        d.path().join("zero.share"),
        forged_share(d.path(), "alice", 0, [7; 32]),
    )
    .unwrap();
    let o = gsl(d.path(), "recover v.vault zero.share alice.share");
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).contains("zero.share has index 0"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_forged_share_with_a_valid_checksum_fails_its_commitment() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    std::fs::write(
        d.path().join("forged.share"),
        forged_share(d.path(), "alice", 2, [9; 32]),
    )
    .unwrap();
    let o = gsl(d.path(), "check-share v.vault forged.share --json");
    assert_eq!(code(&o), 3);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["share"], "forged.share");
    assert_eq!(v[0]["ok"], false);
    assert!(
        v[0]["reason"]
            .as_str()
            .unwrap()
            .contains("does not match its commitment")
    );
    let o = gsl(d.path(), "recover v.vault forged.share alice.share");
    assert_eq!(
        code(&o),
        3,
        "a forged share must never combine into a wrong key"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn check_share_json_names_the_custodian() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    let o = gsl(d.path(), "check-share v.vault bob.share carol.share --json");
    expect_exit(&o, 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["custodian"], "bob");
    assert_eq!(v[1]["custodian"], "carol");
    assert_eq!(v[1]["ok"], true);
    assert!(v[1]["reason"].is_null());
}

#[test]
fn an_extra_bad_share_does_not_block_recovery_but_is_warned_about() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    std::fs::write(d.path().join("noise.share"), "hello world\n").unwrap();
    let o = gsl(
        d.path(),
        "recover v.vault noise.share alice.share bob.share",
    );
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    assert!(
        stderr(&o).contains("warning: share noise.share"),
        "{}",
        stderr(&o)
    );
}
