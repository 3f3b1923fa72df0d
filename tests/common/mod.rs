//! Helpers shared by the integration tests: run the real binary, make real vaults.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

pub const MASTER: &str = "GSL-test-master-key-Qx7!vR2#pL9";
pub const PASS: &str = "a long and test-only passphrase";

/// Runs gsl-vault with `args` in `dir`, stdin closed.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("gsl-vault")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .write_stdin(Vec::new())
        .output()
        .unwrap()
}

/// Runs gsl-vault with `stdin` as standard input.
pub fn run_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    assert_cmd::Command::cargo_bin("gsl-vault")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .unwrap()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("gsl-vault was killed by a signal")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A folder holding the master key and passphrase files.
pub fn workdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("master.txt"), format!("{MASTER}\n")).unwrap();
    std::fs::write(d.path().join("pass.txt"), format!("{PASS}\n")).unwrap();
    d
}

pub const NAMES: [&str; 5] = ["alice", "bob", "carol", "dave", "erin"];

/// Creates `v.vault` with custodians `names`, threshold `t` and `policy`, at the KDF floor.
pub fn init(dir: &Path, vault: &str, t: usize, names: &[&str], policy: &str) -> Output {
    let ts = t.to_string();
    let mut args = vec![
        "init",
        vault,
        "--threshold",
        &ts,
        "--secret-file",
        "master.txt",
        "--policy",
        policy,
    ];
    for n in names {
        args.push("--custodian");
        args.push(n);
    }
    if policy != "quorum" {
        args.extend([
            "--passphrase-file",
            "pass.txt",
            "--kdf-memory",
            "64",
            "--kdf-iterations",
            "3",
            "--kdf-parallelism",
            "2",
        ]);
    }
    let o = run(dir, &args);
    assert_eq!(code(&o), 0, "init failed: {}", stderr(&o));
    o
}

pub fn share_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.share"))
}

/// Every file below `dir`, recursively.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}
