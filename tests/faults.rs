//! Issue 28, item 8: faults that left traces or misled. The real binary is run with a small
//! fault-injection library (`faults/shim.c`, built with gcc and loaded with LD_PRELOAD) that
//! makes a folder's fsync fail with EIO, or a temporary file's writes fail with ENOSPC.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::*;

/// Builds the fault-injection library into `dir`, or `None` (outside CI) without gcc.
fn shim(dir: &Path) -> Option<PathBuf> {
    if !have_tool("gcc", "--version", "gcc") {
        return None;
    }
    let so = dir.join("shim.so");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/faults/shim.c");
    let o = std::process::Command::new("gcc")
        .args(["-shared", "-fPIC", "-O1", "-o"])
        .arg(&so)
        .arg(&src)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Some(so)
}

/// Runs gsl-vault in `dir` with the library loaded and the fault `env` set.
fn faulty(dir: &Path, so: &Path, env: (&str, &str), line: &str) -> Output {
    assert_cmd::Command::cargo_bin("gsl-vault")
        .unwrap()
        .env("XDG_STATE_HOME", state_home(dir))
        .env("LD_PRELOAD", so)
        .env(env.0, env.1)
        .current_dir(dir)
        .args(words(line))
        .write_stdin(Vec::new())
        .output()
        .unwrap()
}

/// `kit v.vault alice.share -o kits` on a fresh 2-of-3 vault in `dir`, with the fault `env`
/// on gsl-vault's temporary files; `None` (outside CI) without gcc.
fn kit_with_fault(dir: &Path, env: &str) -> Option<Output> {
    let so = shim(dir)?;
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    std::fs::create_dir(dir.join("kits")).unwrap();
    Some(faulty(
        dir,
        &so,
        (env, ".gsl-vault-tmp-"),
        "kit v.vault alice.share -o kits",
    ))
}

/// Temporary files left in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".gsl-vault-tmp-"))
        .collect()
}

/// A killed `kit` left a hidden temporary file holding a custodian's 36 words that nothing
/// removed: temporary files were swept in the vault's folder only. Every folder gsl-vault
/// writes into is swept now (`kit -o`, `recover -o`).
#[test]
fn r28_8_a_killed_writers_leftovers_are_swept_from_every_folder_it_writes_into() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "quorum");
    // A pid no process has (above Linux's largest): the writer is gone.
    let dead = ".gsl-vault-tmp-99999999-a1b2c3";
    for sub in ["kits", "out"] {
        std::fs::create_dir(dir.join(sub)).unwrap();
        std::fs::write(
            dir.join(sub).join(format!(".alice.html{dead}")),
            "thirty-six words",
        )
        .unwrap();
    }
    expect_exit(&gsl(dir, "kit v.vault alice.share -o kits"), 0);
    assert!(leftovers(&dir.join("kits")).is_empty(), "kit -o swept");
    expect_exit(&gsl(dir, "recover alice.share bob.share -o out/key.txt"), 0);
    assert!(leftovers(&dir.join("out")).is_empty(), "recover -o swept");
}

/// `passwd` with EIO on the folder's fsync exited 1 with ".: Input/output error", yet the new
/// passphrase was in force. Now it says the change is written and may not survive a power cut,
/// with exit 9, and the new generation is remembered.
#[test]
fn r28_8_a_folder_that_cannot_be_synced_after_the_change_is_said_as_such_with_exit_9() {
    let d = workdir();
    let dir = d.path();
    let Some(so) = shim(dir) else { return };
    init(dir, "v.vault", 2, &NAMES[..3], "either");
    std::fs::write(
        dir.join("new.txt"),
        "a different long test-only passphrase\n",
    )
    .unwrap();
    let o = faulty(
        dir,
        &so,
        ("GSLV_FAIL_DIR_FSYNC", "1"),
        "passwd v.vault --passphrase-file pass.txt --new-passphrase-file new.txt",
    );
    assert_eq!(code(&o), 9, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("v.vault was written and is in force")
            && err.contains("may not survive a power cut"),
        "{err}"
    );
    assert!(!err.contains("check the path"), "{err}");
    expect_exit(&gsl(dir, "open v.vault --passphrase-file new.txt"), 0);
    assert_eq!(
        code(&gsl(dir, "open v.vault --passphrase-file pass.txt")),
        4
    );
    // The new generation was remembered: the file before passwd, put back, is noticed.
    let o = gsl(dir, "status v.vault --json");
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let seen = std::fs::read_dir(state_home(dir).join("gsl-vault"))
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("seen-"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap();
    assert!(
        seen.starts_with(&format!("{} ", j["generation"])),
        "{seen} vs {}",
        j["generation"]
    );
}

/// A full disk named the internal temporary file and advised checking permissions. Now the
/// message names the file asked for and says the disk is full; no temporary file is left.
#[test]
fn r28_8_a_full_disk_names_the_file_asked_for_and_leaves_no_temporary_file() {
    let d = workdir();
    let dir = d.path();
    let Some(o) = kit_with_fault(dir, "GSLV_FAIL_WRITE") else {
        return;
    };
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        (err.contains("gsl-vault: kits/recover.html: ")
            || err.contains("gsl-vault: kits/alice.html: "))
            && err.contains("the disk is full"),
        "{err}"
    );
    assert!(!err.contains(".gsl-vault-tmp-"), "{err}");
    assert!(!err.contains("permissions"), "{err}");
    assert!(leftovers(&dir.join("kits")).is_empty());
    assert!(!dir.join("kits/alice.html").exists());
}

/// With the state folder unwritable, every writer exited 0 and the remembered generation stayed
/// old, so an old copy put back passed `status --check` as merely "drill due". Now the writer
/// warns, and `status --check` fails while the memory cannot be written.
#[test]
fn r28_8_an_unwritable_rollback_memory_is_warned_and_fails_status_check() {
    let d = workdir();
    let dir = d.path();
    init(dir, "v.vault", 2, &NAMES[..3], "either");
    // A file where the state folder should be: unwritable even for root.
    let blocked = dir.join("state-is-a-file");
    std::fs::write(&blocked, "").unwrap();
    let run_blocked = |line: &str| {
        assert_cmd::Command::cargo_bin("gsl-vault")
            .unwrap()
            .env("XDG_STATE_HOME", &blocked)
            .current_dir(dir)
            .args(words(line))
            .write_stdin(Vec::new())
            .output()
            .unwrap()
    };
    std::fs::write(
        dir.join("new.txt"),
        "a different long test-only passphrase\n",
    )
    .unwrap();
    let o = run_blocked("passwd v.vault --passphrase-file pass.txt --new-passphrase-file new.txt");
    expect_exit(&o, 0);
    assert!(
        stderr(&o).contains("this machine could not remember that it wrote generation"),
        "{}",
        stderr(&o)
    );
    let o = run_blocked("status v.vault --check");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("cannot be written: an older copy of v.vault put back would not be noticed"),
        "{}",
        stderr(&o)
    );
}

/// Found by the review of the finished code: after the new file was linked into place, a
/// temporary name that could not be removed made the write fail, and the failure path then
/// overwrote the temporary file, which was the new file itself (one inode, two names). The
/// file written must stay whole, and the command succeed.
#[test]
fn r28_8_a_temporary_name_that_cannot_be_removed_never_costs_the_file_just_written() {
    let d = workdir();
    let dir = d.path();
    let Some(o) = kit_with_fault(dir, "GSLV_FAIL_UNLINK") else {
        return;
    };
    expect_exit(&o, 0);
    let kit = std::fs::read(dir.join("kits/alice.html")).unwrap();
    assert!(kit.starts_with(b"<!DOCTYPE html>"), "the kit is whole");
    assert!(!kit.iter().all(|&b| b == 0));
    // The stray name is swept (not wiped: it is the kit) by the next write into the folder.
    let o = gsl(dir, "kit v.vault bob.share -o kits --force");
    expect_exit(&o, 0);
    assert!(leftovers(&dir.join("kits")).is_empty());
    let kit = std::fs::read(dir.join("kits/alice.html")).unwrap();
    assert!(
        kit.starts_with(b"<!DOCTYPE html>"),
        "still whole after the sweep"
    );
}
