//! Crash safety: SIGKILL at random moments of every kind of write (init, drill receipt,
//! reshare, passwd, set-secret, policy), 200 times in all. The vault always opens, in its old
//! state or its new one, and leftover temporary files are swept by the next run.

use crate::common::*;
use gsl_vault::format;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn body(dir: &Path) -> Option<format::Body> {
    let bytes = std::fs::read(dir.join("v.vault")).ok()?;
    let v = gsl_vault::vault::Vault::parse(&bytes, "v.vault").expect("the vault must always open");
    Some(v.body)
}

fn temps(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".gsl-vault-tmp-"))
        .count()
}

/// Runs `args` in `dir`, killing it after `after`; returns whether it finished, successfully,
/// before that.
fn run_killed(dir: &Path, args: &[&str], after: Duration) -> bool {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("gsl-vault"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < after {
        if let Some(status) = child.try_wait().unwrap() {
            return status.success();
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let _ = child.kill(); // SIGKILL
    let status = child.wait().unwrap();
    status.code() == Some(0)
}

type Changed = fn(&format::Body, &format::Body) -> bool;

#[test]
fn sigkill_at_random_moments_never_breaks_the_vault() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let d = workdir();
    let dir = d.path();
    std::fs::write(dir.join("new.txt"), "the next passphrase\n").unwrap();
    std::fs::write(dir.join("next.txt"), "NEXT-KEY\n").unwrap();

    let kinds: Vec<(&str, &str, Vec<&str>, Changed)> = vec![
        (
            "init",
            "quorum",
            vec![
                "init",
                "v.vault",
                "-t",
                "2",
                "--custodian",
                "alice",
                "--custodian",
                "bob",
                "--custodian",
                "carol",
                "--secret-file",
                "master.txt",
                "--policy",
                "quorum",
                "--force",
            ],
            |_, _| true,
        ),
        (
            "drill receipt",
            "quorum",
            vec!["drill", "v.vault", "alice.share", "bob.share"],
            |o, n| n.receipts.len() == o.receipts.len() + 1,
        ),
        (
            "reshare",
            "quorum",
            vec![
                "reshare",
                "v.vault",
                "alice.share",
                "bob.share",
                "-t",
                "2",
                "--custodian",
                "x",
                "--custodian",
                "y",
                "--shares-dir",
                "new",
            ],
            |o, n| o.pending.is_none() && n.pending.is_some(),
        ),
        (
            "passwd",
            "either",
            vec![
                "passwd",
                "v.vault",
                "--passphrase-file",
                "pass.txt",
                "--new-passphrase-file",
                "new.txt",
            ],
            |o, n| o.kdf != n.kdf,
        ),
        (
            "set-secret",
            "quorum",
            vec![
                "set-secret",
                "v.vault",
                "alice.share",
                "carol.share",
                "--secret-file",
                "next.txt",
            ],
            |o, n| o.payload != n.payload,
        ),
        (
            "policy",
            "either",
            vec!["policy", "v.vault", "quorum", "bob.share", "carol.share"],
            |o, n| o.policy != n.policy,
        ),
    ];
    let rounds = [34, 34, 33, 33, 33, 33];
    let mut total = 0;
    let (mut killed, mut left_temps) = (0, 0);
    for ((what, policy, args, changed), n) in kinds.iter().zip(rounds) {
        // A fresh vault of the right policy, and how long this write takes when left alone.
        for f in std::fs::read_dir(dir).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if name.ends_with(".vault") || name.ends_with(".share") {
                std::fs::remove_file(f.path()).unwrap();
            }
        }
        if *what != "init" {
            init(dir, "v.vault", 2, &NAMES[..3], policy);
        }
        let old_bytes = std::fs::read(dir.join("v.vault")).ok();
        let old = body(dir);
        let t0 = Instant::now();
        assert!(
            run_killed(dir, args, Duration::from_secs(60)),
            "{what} must succeed when not killed"
        );
        let full = t0.elapsed();
        for _ in 0..n {
            match &old_bytes {
                Some(b) => std::fs::write(dir.join("v.vault"), b).unwrap(),
                None => {
                    let _ = std::fs::remove_file(dir.join("v.vault"));
                }
            }
            let _ = std::fs::remove_dir_all(dir.join("new"));
            let after = Duration::from_micros(rng.below(full.as_micros() as u64 * 12 / 10));
            let finished = run_killed(dir, args, after);
            killed += usize::from(!finished);
            left_temps += usize::from(temps(dir) > 0);
            match (body(dir), &old) {
                (None, None) => assert!(!finished, "{what}: finished but no vault"),
                (Some(_), None) => {}
                (Some(now), Some(old)) => {
                    let same = std::fs::read(dir.join("v.vault")).ok() == old_bytes;
                    assert!(
                        same || changed(old, &now),
                        "{what}: neither the old state nor the new one"
                    );
                    if finished {
                        assert!(!same, "{what}: finished without writing");
                    }
                }
                (None, Some(_)) => panic!("{what}: the vault disappeared"),
            }
            // The next run sweeps whatever the killed one left half-written.
            let o = gsl(dir, "status v.vault");
            if old.is_some() || dir.join("v.vault").exists() {
                assert_eq!(code(&o), 0, "{what}: {}", stderr(&o));
            }
            assert_eq!(
                temps(dir),
                0,
                "{what}: temporary files left after the next run"
            );
            total += 1;
        }
    }
    assert_eq!(total, 200);
    eprintln!(
        "{killed} of 200 runs killed before they finished; {left_temps} left a half-written temporary file"
    );
    assert!(
        killed > 50,
        "the kills must land inside the writes, not after them"
    );
}
