//! The README's main job: `gsl-vault demo` tells the whole story with real commands and leaves
//! nothing behind.

use crate::common::*;

#[test]
fn demo_runs_every_step_and_cleans_up() {
    let d = tempfile::tempdir().unwrap();
    let o = gsl(d.path(), "demo");
    assert_eq!(code(&o), 0, "{}\n{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    for step in [
        "$ gsl-vault init kraken.vault",
        "$ gsl-vault check-share",
        "$ gsl-vault drill",
        "$ gsl-vault recover",
        "Demo complete",
    ] {
        assert!(out.contains(step), "missing {step:?} in:\n{out}");
    }
    assert_eq!(
        out.matches("(exit code 3, as expected)").count(),
        2,
        "the refused drill and the mistyped share"
    );
    assert!(
        stderr(&o).contains("word 15 is most likely wrong")
            || out.contains("word 15 is most likely wrong")
    );
    let tmp = out.lines().next().unwrap().rsplit(' ').next().unwrap();
    assert!(
        !std::path::Path::new(tmp).exists(),
        "the demo folder {tmp} is removed"
    );
}

/// Issue 18, item 17: `demo --keep DIR` leaves its files for a newcomer to look at, and says
/// that its Argon2id costs are lowered for speed; a folder that is not empty is refused.
#[test]
fn r18_17_demo_keep_leaves_its_files_and_says_its_costs_are_lowered() {
    let d = tempfile::tempdir().unwrap();
    let o = gsl(d.path(), "demo --keep kept");
    assert_eq!(code(&o), 0, "{}\n{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("Argon2id costs are lowered to 64 MiB"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("Its files stay in kept"),
        "{}",
        stdout(&o)
    );
    for f in ["kraken.vault", "alice.share", "bob.share", "carol.share"] {
        assert!(d.path().join("kept").join(f).exists(), "{f} kept");
    }
    let o = gsl(d.path(), "demo --keep kept");
    expect_refused(&o, 2, "is not an empty folder");
}

/// Issue 27: `--version` names the version, the commit the binary was built from (from a git
/// checkout) and the SHA-256 of the recovery page it writes, which a custodian can compare with
/// their `recover.html` and their kit.
#[test]
fn version_names_the_commit_and_the_recovery_page_hash() {
    let d = workdir();
    let dir = d.path();
    let o = gsl(dir, "--version");
    expect_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!("gsl-vault {}", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
    expect_exit(&gsl(dir, "recovery-page -o recover.html"), 0);
    let page = std::fs::read(dir.join("recover.html")).unwrap();
    let sha = gsl_vault::hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(&page));
    assert!(
        out.contains(&format!("recovery page SHA-256: {sha}")),
        "{out}"
    );
    let git = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    if git.status.success() {
        let commit = String::from_utf8_lossy(&git.stdout).trim().to_string();
        assert!(out.contains(&format!("(commit {commit})")), "{out}");
    }
}
