//! `gsl-vault demo`: the whole story on a throwaway vault, each step run as the real command a
//! user would type (this same binary, in a temporary folder), with its real output.

use std::path::Path;
use std::process::Command;

use gsl_vault::error::{Error, Result};

use super::report::Exit;

struct Step<'a> {
    title: &'a str,
    args: &'a [&'a str],
    expect: i32,
}

fn run_step(exe: &Path, dir: &Path, step: &Step<'_>) -> Result<()> {
    outln!("\n== {}", step.title);
    let shown: Vec<String> = step
        .args
        .iter()
        .map(|a| {
            if a.contains(' ') {
                format!("\"{a}\"")
            } else {
                (*a).to_string()
            }
        })
        .collect();
    outln!("$ gsl-vault {}", shown.join(" "));
    let status = Command::new(exe)
        .args(step.args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .status()
        .map_err(|e| Error::io(gsl_vault::fsio::shown(exe), e))?;
    let code = status.code().unwrap_or(-1);
    if code != step.expect {
        return Err(Error::Other(format!(
            "demo step \"{}\" exited {code}, expected {}: this is a bug, please report it.",
            step.title, step.expect
        )));
    }
    outln!(
        "(exit code {code}{})",
        if code == 0 { "" } else { ", as expected" }
    );
    Ok(())
}

pub fn run(keep: Option<&Path>) -> Result<Exit> {
    let exe = std::env::current_exe().map_err(|e| Error::io("the gsl-vault program", e))?;
    let tmp;
    let dir = match keep {
        Some(d) => {
            if d.exists()
                && std::fs::read_dir(d)
                    .map(|mut r| r.next().is_some())
                    .unwrap_or(true)
            {
                return Err(Error::Usage(format!(
                    "{} is not an empty folder: give demo --keep a new or empty folder.",
                    gsl_vault::fsio::shown(d)
                )));
            }
            gsl_vault::fsio::create_private_dir(d)?;
            d
        }
        None => {
            tmp = tempfile::Builder::new()
                .prefix("gsl-vault-demo-")
                .tempdir()
                .map_err(|e| Error::io("a temporary folder", e))?;
            tmp.path()
        }
    };
    outln!(
        "gsl-vault demo: a throwaway vault in {}",
        gsl_vault::fsio::shown(dir)
    );
    outln!(
        "(its Argon2id costs are lowered to 64 MiB, t=3 so that the demo runs fast; a real vault uses 256 MiB or more by default, and gsl-vault calibrate proposes costs for this machine)"
    );
    outln!("(a made-up master key and passphrase are stored in files there, for the demo only)");
    gsl_vault::fsio::write_atomic(
        &dir.join("master-key.txt"),
        b"DEMO-GSL-KEY-7f3a-not-a-real-key\n",
        false,
    )?;
    gsl_vault::fsio::write_atomic(
        &dir.join("passphrase.txt"),
        b"velvet quarry obtuse lantern gravity ninety\n",
        false,
    )?;

    for s in &first_steps() {
        run_step(&exe, dir, s)?;
    }
    write_mistyped_copy(dir)?;
    for s in &second_steps() {
        run_step(&exe, dir, s)?;
    }
    if keep.is_some() {
        outln!(
            "\nDemo complete. Its files stay in {}: the vault, the share files and the master key and passphrase files it made up.",
            gsl_vault::fsio::shown(dir)
        );
    } else {
        outln!("\nDemo complete. The temporary folder is removed now.");
    }
    Ok(Exit::Ok)
}

/// Create, look, check, drill, and a drill refused.
fn first_steps() -> Vec<Step<'static>> {
    vec![
        Step {
            title: "Create a vault: three custodians, any two recover",
            args: &[
                "init",
                "kraken.vault",
                "--label",
                "Kraken GSL demo",
                "--threshold",
                "2",
                "--custodian",
                "alice",
                "--custodian",
                "bob",
                "--custodian",
                "carol",
                "--secret-file",
                "master-key.txt",
                "--passphrase-file",
                "passphrase.txt",
                "--kdf-memory",
                "64",
                "--kdf-iterations",
                "3",
                "--kdf-parallelism",
                "4",
            ],
            expect: 0,
        },
        Step {
            title: "Look at it (no secret needed)",
            args: &["status", "kraken.vault"],
            expect: 0,
        },
        Step {
            title: "Alice checks her own share, alone",
            args: &["check-share", "kraken.vault", "alice.share"],
            expect: 0,
        },
        Step {
            title: "Drill: alice and carol prove recovery works (the key is never shown)",
            args: &["drill", "kraken.vault", "alice.share", "carol.share"],
            expect: 0,
        },
        Step {
            title: "Drill with one share only: refused",
            args: &["drill", "kraken.vault", "bob.share"],
            expect: 3,
        },
    ]
}

/// Bob's share with one word changed, as a careless copy would have it.
fn write_mistyped_copy(dir: &Path) -> Result<()> {
    let bob =
        std::fs::read_to_string(dir.join("bob.share")).map_err(|e| Error::io("bob.share", e))?;
    let mut lines: Vec<String> = bob.lines().map(String::from).collect();
    if let Some(i) = lines.iter().position(|l| l == "words:")
        && let Some(row) = lines.get_mut(i + 3)
    {
        let mut w: Vec<String> = row.split(' ').map(String::from).collect();
        w[2] = if w[2] == "academic" {
            "acid".into()
        } else {
            "academic".into()
        };
        *row = w.join(" ");
    }
    let compact_at = lines.iter().position(|l| l == "compact:");
    if let Some(i) = compact_at {
        lines.truncate(i);
    }
    let tampered = lines.join("\n") + "\n";
    gsl_vault::fsio::write_atomic(
        &dir.join("bob-copied-wrong.share"),
        tampered.as_bytes(),
        false,
    )?;
    outln!(
        "\n(bob-copied-wrong.share is bob's share with word 15 changed, as a careless copy would have it)"
    );

    Ok(())
}

/// The mistyped copy named, then recovery by shares and by passphrase, then the ledger.
fn second_steps() -> Vec<Step<'static>> {
    vec![
        Step {
            title: "A mistyped share is named, with the suspect word",
            args: &["check-share", "kraken.vault", "bob-copied-wrong.share"],
            expect: 3,
        },
        Step {
            title: "Recover the master key with bob and carol",
            args: &["recover", "kraken.vault", "bob.share", "carol.share"],
            expect: 0,
        },
        Step {
            title: "Open it with the passphrase instead",
            args: &[
                "open",
                "kraken.vault",
                "--passphrase-file",
                "passphrase.txt",
            ],
            expect: 0,
        },
        Step {
            title: "Status now shows the signed drill receipt",
            args: &["status", "kraken.vault", "--check"],
            expect: 0,
        },
    ]
}
