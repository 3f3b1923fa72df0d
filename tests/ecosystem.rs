//! A CLI that fits its ecosystem: manual pages and shell completions generated from the command
//! definitions, and `--json` on every command that reports something, with the keys README.md
//! documents.

use serde_json::Value;

use crate::common::*;

/// The subcommands `gsl-vault help` lists.
fn subcommands(dir: &std::path::Path) -> Vec<String> {
    let help = stdout(&gsl(dir, "help"));
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A description wrapped onto the next line is indented further than a command.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect()
}

#[test]
fn the_manual_names_every_command_and_completions_cover_three_shells() {
    let d = workdir();
    let dir = d.path();
    let o = gsl(dir, "man -o man");
    expect_exit(&o, 0);
    expect_refused(&gsl(dir, "man -o man"), 1, "already exists");
    expect_exit(&gsl(dir, "man -o man --force"), 0);
    let main = std::fs::read_to_string(dir.join("man/gsl-vault.1")).unwrap();
    let commands = subcommands(dir);
    assert!(commands.len() >= 19, "{commands:?}");
    for c in &commands {
        let named = format!("gsl\\-vault\\-{}(1)", c.replace('-', "\\-"));
        assert!(main.contains(&named), "gsl-vault.1 names {named}");
        let page = dir.join(format!("man/gsl-vault-{c}.1"));
        assert!(page.exists(), "a page for {c}");
        assert!(
            std::fs::read_to_string(page).unwrap().starts_with(".ie"),
            "{c} is roff"
        );
    }
    for shell in ["bash", "zsh", "fish"] {
        let o = gsl(dir, &format!("completions {shell}"));
        expect_exit(&o, 0);
        assert!(
            stdout(&o).contains("recovery-page") && stdout(&o).contains("check-share"),
            "{shell}"
        );
    }
}

fn json(o: &std::process::Output) -> Value {
    assert_eq!(code(o), 0, "{}", stderr(o));
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[track_caller]
fn has(v: &Value, keys: &[&str]) {
    for k in keys {
        assert!(v.get(k).is_some(), "{k} missing in {v}");
    }
}

#[test]
fn every_command_that_reports_something_speaks_json() {
    let d = workdir();
    let dir = d.path();
    let base = ["vault", "fingerprint", "pin", "generation"];
    let v = json(&gsl(
        dir,
        "init v.vault -t 2 --custodian alice --custodian bob --custodian carol --secret-file master.txt --passphrase-file pass.txt --kdf-memory 64 --kdf-iterations 3 --json",
    ));
    has(
        &v,
        &[
            &base[..],
            &["policy", "threshold", "shares", "kits", "entries"],
        ]
        .concat(),
    );
    assert_eq!(v["shares"].as_array().unwrap().len(), 3);
    has(&v["shares"][0], &["custodian", "index", "path"]);
    let v = json(&gsl(dir, "kit v.vault alice.share -o kits --json"));
    has(&v, &[&base[..], &["pages", "recovery_page"]].concat());
    has(&v["recovery_page"], &["path", "sha256"]);
    std::fs::write(
        dir.join("new-pass.txt"),
        "another long and unrelated passphrase\n",
    )
    .unwrap();
    let v = json(&gsl(
        dir,
        "passwd v.vault --passphrase-file pass.txt --new-passphrase-file new-pass.txt --json",
    ));
    has(&v, &[&base[..], &["passphrase_changed"]].concat());
    let v = json(&gsl(
        dir,
        "set-secret v.vault --passphrase-file new-pass.txt --secret-file master.txt --json",
    ));
    has(&v, &[&base[..], &["rotated", "entries"]].concat());
    let v = json(&gsl(
        dir,
        "copies v.vault --passphrase-file new-pass.txt -o fresh --json",
    ));
    has(&v, &[&base[..], &["copies", "recovery_page"]].concat());
    let v = json(&gsl(
        dir,
        "reshare v.vault --passphrase-file new-pass.txt -t 2 --custodian xena --custodian yuri --shares-dir new --json",
    ));
    has(
        &v,
        &[&base[..], &["pending_epoch", "threshold", "shares"]].concat(),
    );
    let v = json(&gsl(
        dir,
        "reshare v.vault --cancel --passphrase-file new-pass.txt --json",
    ));
    has(&v, &[&base[..], &["cancelled_epoch", "rotated"]].concat());
    let _ = json(&gsl(
        dir,
        "reshare v.vault --passphrase-file new-pass.txt -t 2 --custodian xena --custodian yuri --shares-dir newer --json",
    ));
    let v = json(&gsl(
        dir,
        "reshare v.vault --confirm newer/xena.share newer/yuri.share --passphrase-file new-pass.txt --json",
    ));
    has(
        &v,
        &[&base[..], &["epoch", "retired_epoch", "confirmed_by"]].concat(),
    );
    let v = json(&gsl(
        dir,
        "policy v.vault quorum newer/xena.share newer/yuri.share --json",
    ));
    has(&v, &[&base[..], &["policy", "was"]].concat());
    assert_eq!(v["policy"], "quorum");
    let v = json(&gsl(dir, "recovery-page -o page.html --json"));
    has(&v, &["path", "sha256", "copy"]);
}
