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
