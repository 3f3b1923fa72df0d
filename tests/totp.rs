//! Issue 25: authenticator-app (TOTP) master keys through the binary. Codes agree with oathtool
//! (an independent implementation) at fixed times (faketime); a setup QR screenshot is read at
//! `init`; every bad input is one sentence, exit 2, nothing written.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const URI: &str = "otpauth://totp/Kraken:owner%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kraken";

/// The code oathtool gives for `secret` at `when` (UTC), with `args` (digits, algorithm).
fn oathtool(secret: &str, when: &str, args: &[&str]) -> String {
    let totp = if args.iter().any(|a| a.starts_with("--totp")) {
        vec![]
    } else {
        vec!["--totp"]
    };
    let o = Command::new("oathtool")
        .args(totp)
        .args(["-b", secret, "--now", &format!("{when} UTC")])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// gsl-vault run with the clock stopped at `when` (UTC) by faketime.
fn gsl_at(dir: &Path, when: &str, line: &str) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("gsl-vault");
    Command::new("faketime")
        .env("TZ", "UTC")
        .env("XDG_STATE_HOME", state_home(dir))
        .current_dir(dir)
        // `-f`: libfaketime's own format, a clock stopped at `when`.
        .args(["-f", when])
        .arg(bin)
        .args(line.split_whitespace())
        .output()
        .unwrap()
}

fn ready() -> bool {
    have_tool("oathtool", "--version", "oathtool") && have_tool("faketime", "--version", "faketime")
}

const INIT: &str = "init v.vault -t 2 --custodian alice --custodian bob --custodian carol --passphrase-file pass.txt --kdf-memory 64 --kdf-iterations 3 --kdf-parallelism 2";

#[test]
fn open_and_recover_show_the_codes_oathtool_shows_at_the_same_time() {
    if !ready() {
        return;
    }
    let dir = workdir();
    let d = dir.path();
    std::fs::write(d.join("uri.txt"), format!("{URI}\n")).unwrap();
    // Confirmed with the code the app showed at setup.
    let setup = "2026-12-03 12:00:10";
    std::fs::write(d.join("code.txt"), oathtool(SECRET, setup, &[]) + "\n").unwrap();
    let o = gsl_at(
        d,
        setup,
        &format!("{INIT} --totp-uri-file uri.txt --totp-code-file code.txt"),
    );
    expect_exit(&o, 0);
    let o = gsl(d, "status v.vault");
    assert!(
        stdout(&o).contains("master key (authenticator app, 6 digits, SHA1, every 30 s)"),
        "{}",
        stdout(&o)
    );
    for when in [
        "2026-12-24 08:15:05",
        "2027-06-01 23:59:40",
        "2031-01-01 00:00:00",
    ] {
        let o = gsl_at(d, when, "open v.vault --passphrase-file pass.txt");
        expect_exit(&o, 0);
        let out = stdout(&o);
        let mut words = out.split_whitespace();
        assert_eq!(
            words.next(),
            Some(oathtool(SECRET, when, &[]).as_str()),
            "{out}"
        );
        assert!(
            out.contains(&format!("{}Z UTC", when.replace(' ', "T"))),
            "{out}"
        );
        // The next code is the next window's.
        let next = humantime::parse_rfc3339(&format!("{}Z", when.replace(' ', "T"))).unwrap()
            + std::time::Duration::from_secs(30);
        let next = humantime::format_rfc3339_seconds(next)
            .to_string()
            .replace('T', " ");
        assert!(
            out.contains(&format!(
                "next {}",
                oathtool(SECRET, next.trim_end_matches('Z'), &[])
            )),
            "{out}"
        );
        assert!(!out.contains(SECRET), "the key is shown only when asked");
    }
    // --json: the codes, never the key.
    let when = "2026-12-24 08:15:05";
    let o = gsl_at(d, when, "open v.vault --passphrase-file pass.txt --json");
    expect_exit(&o, 0);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["code"], oathtool(SECRET, when, &[]));
    assert_eq!(j["valid_for_seconds"], 25);
    assert!(!stdout(&o).contains(SECRET));
    // Custodians get the same code.
    let o = gsl_at(d, when, "recover v.vault alice.share carol.share");
    expect_exit(&o, 0);
    assert!(stdout(&o).starts_with(&oathtool(SECRET, when, &[])));
    // The setup key, when asked: the URI an authenticator app on a new phone takes.
    let o = gsl(
        d,
        "open v.vault --passphrase-file pass.txt --entry totp-key",
    );
    expect_exit(&o, 0);
    assert_eq!(
        stdout(&o).trim_end(),
        format!("{URI}&algorithm=SHA1&digits=6&period=30")
    );
}

#[test]
fn a_sha256_eight_digit_key_given_in_base32_agrees_with_oathtool() {
    if !ready() {
        return;
    }
    let dir = workdir();
    let d = dir.path();
    std::fs::write(
        d.join("key.txt"),
        "gezd gnbv gy3t qojq gezd gnbv gy3t qojq\n",
    )
    .unwrap();
    let args = ["--totp=sha256", "--digits=8"];
    let when = "2027-02-02 02:02:02";
    std::fs::write(d.join("code.txt"), oathtool(SECRET, when, &args)).unwrap();
    let o = gsl_at(
        d,
        when,
        &format!(
            "{INIT} --totp-key-file key.txt --totp-digits 8 --totp-algorithm sha256 --totp-code-file code.txt"
        ),
    );
    expect_exit(&o, 0);
    let when = "2027-03-03 03:03:33";
    let o = gsl_at(d, when, "open v.vault --passphrase-file pass.txt --json");
    expect_exit(&o, 0);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["code"], oathtool(SECRET, when, &args));
}

/// A screenshot of the exchange's setup QR code: the URI drawn by a QR encoder (the `qrcode`
/// crate, independent of the reader), rendered to PNG by librsvg, read back at `init` by rqrr.
#[test]
fn a_setup_qr_screenshot_is_read_at_init() {
    if !have_tool("rsvg-convert", "--version", "librsvg2-bin") {
        return;
    }
    let dir = workdir();
    let d = dir.path();
    let svg = gsl_vault::kit::qr_svg(URI.as_bytes()).unwrap();
    png(d, &svg, "setup.png");
    let t = gsl_vault::totp::Totp::from_uri(URI).unwrap();
    std::fs::write(
        d.join("code.txt"),
        t.code_at(gsl_vault::dates::now()).as_str(),
    )
    .unwrap();
    let o = gsl(
        d,
        &format!("{INIT} --totp-qr-file setup.png --totp-code-file code.txt"),
    );
    expect_exit(&o, 0);
    assert!(stderr(&o).contains("The picture setup.png holds the authenticator key: delete it"));
    let o = gsl(
        d,
        "open v.vault --passphrase-file pass.txt --entry totp-key",
    );
    assert!(stdout(&o).starts_with(URI), "{}", stdout(&o));
}

fn png(d: &Path, svg: &str, name: &str) {
    std::fs::write(d.join("in.svg"), svg).unwrap();
    let o = Command::new("rsvg-convert")
        .current_dir(d)
        .args(["-w", "400", "-b", "white", "in.svg", "-o", name])
        .output()
        .unwrap();
    assert!(o.status.success());
}

/// Each bad input: one sentence naming what is wrong, exit 2, no vault and no share written.
#[test]
fn every_bad_authenticator_key_is_one_sentence_and_nothing_is_written() {
    if !have_tool("rsvg-convert", "--version", "librsvg2-bin") {
        return;
    }
    let dir = workdir();
    let d = dir.path();
    let good = gsl_vault::totp::Totp::from_uri(URI).unwrap();
    std::fs::write(
        d.join("code.txt"),
        good.code_at(gsl_vault::dates::now()).as_str(),
    )
    .unwrap();
    std::fs::write(d.join("white.svg"), r#"<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50"><rect width="50" height="50" fill="white"/></svg>"#).unwrap();
    png(
        d,
        &std::fs::read_to_string(d.join("white.svg")).unwrap(),
        "blank.png",
    );
    png(
        d,
        &gsl_vault::kit::qr_svg(b"https://example.com/not-a-key").unwrap(),
        "other.png",
    );
    let uri = |name: &str, text: &str| {
        std::fs::write(d.join(name), text).unwrap();
        format!("--totp-uri-file {name}")
    };
    let cases = [
        (
            uri(
                "b32.txt",
                "otpauth://totp/x?secret=GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ",
            ),
            "character 16 ('1') is not base32",
        ),
        (uri("d5.txt", &format!("{URI}&digits=5")), "5 digits"),
        (
            uri(
                "hotp.txt",
                "otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3",
            ),
            "counter-based (HOTP)",
        ),
        (
            uri(
                "mig.txt",
                "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SEGFsaWNlQGV4YW1wbGUuY29tGgZLcmFrZW4gASgBMAIQARgBIAA",
            ),
            "otpauth-migration",
        ),
        (
            "--totp-qr-file blank.png".to_string(),
            "no QR code could be read in blank.png",
        ),
        (
            "--totp-qr-file other.png".to_string(),
            "holds no otpauth:// setup URI",
        ),
        (
            uri("short.txt", "otpauth://totp/x?secret=GEZDGNBV"),
            "fewer than the 80",
        ),
        // Found by the review: a URI pasted over two lines was sealed, and the page could not
        // read it back.
        (
            uri(
                "lines.txt",
                &format!("otpauth://totp/Kraken:alice?issuer=Kraken\n&secret={SECRET}"),
            ),
            "issuer holds a space, a line break",
        ),
        (
            uri(
                "hash.txt",
                &format!("otpauth://totp/Kraken#x?secret={SECRET}"),
            ),
            "account name holds a space",
        ),
    ];
    for (flags, why) in &cases {
        let o = gsl(d, &format!("{INIT} {flags} --totp-code-file code.txt"));
        expect_refused(&o, 2, why);
        assert_eq!(
            stderr(&o).lines().count(),
            1,
            "one sentence: {}",
            stderr(&o)
        );
        assert!(!d.join("v.vault").exists() && !d.join("alice.share").exists());
    }
    // A code that does not match: nothing sealed unconfirmed.
    std::fs::write(d.join("uri.txt"), URI).unwrap();
    let wrong = good.code_at(gsl_vault::dates::now() + 3600);
    std::fs::write(d.join("wrong.txt"), wrong.as_str()).unwrap();
    let o = gsl(
        d,
        &format!("{INIT} --totp-uri-file uri.txt --totp-code-file wrong.txt"),
    );
    expect_refused(&o, 2, "does not match");
    assert!(!d.join("v.vault").exists());
    assert!(
        !stderr(&o).contains(wrong.as_str()),
        "the typed code is not echoed"
    );
    // Settings of a base32 key make no sense with a URI: refused, not ignored.
    let o = gsl(
        d,
        &format!("{INIT} --totp-uri-file uri.txt --totp-digits 8 --totp-code-file code.txt"),
    );
    assert_eq!(code(&o), 2);
    assert!(!d.join("v.vault").exists());
}

/// `drill --check-key` with an authenticator-app key: the code the owner's app shows now is
/// compared with the vault's windows -1, 0, +1; the right code passes, a code of another key
/// (a phone enrolled again) "differs", and neither code is printed. `set-secret` then stores the
/// new phone's key, and back to a password.
#[test]
fn a_drill_tells_whether_the_phone_and_the_vault_hold_the_same_key() {
    if !ready() {
        return;
    }
    let dir = workdir();
    let d = dir.path();
    std::fs::write(d.join("uri.txt"), URI).unwrap();
    let when = "2026-12-03 12:00:10";
    std::fs::write(d.join("code.txt"), oathtool(SECRET, when, &[])).unwrap();
    let o = gsl_at(
        d,
        when,
        &format!("{INIT} --totp-uri-file uri.txt --totp-code-file code.txt"),
    );
    expect_exit(&o, 0);
    let later = "2027-01-05 10:00:50";
    let right = oathtool(SECRET, later, &[]);
    std::fs::write(d.join("right.txt"), &right).unwrap();
    let o = gsl_at(
        d,
        later,
        "drill v.vault --passphrase --passphrase-file pass.txt --check-key --secret-file right.txt",
    );
    expect_exit(&o, 0);
    assert!(stdout(&o).contains("The code matches"), "{}", stdout(&o));
    assert!(!stdout(&o).contains(&right) && !stderr(&o).contains(&right));
    // The previous window's code still matches (a code typed as it changed).
    let before = oathtool(SECRET, "2027-01-05 10:00:20", &[]);
    std::fs::write(d.join("before.txt"), &before).unwrap();
    let o = gsl_at(
        d,
        later,
        "drill v.vault alice.share bob.share --check-key --secret-file before.txt",
    );
    expect_exit(&o, 0);
    // A phone enrolled again: another key's code differs.
    let other = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let wrong = oathtool(other, later, &[]);
    std::fs::write(d.join("wrong.txt"), &wrong).unwrap();
    let o = gsl_at(
        d,
        later,
        "drill v.vault --passphrase --passphrase-file pass.txt --check-key --secret-file wrong.txt",
    );
    expect_exit(&o, 1);
    assert!(stderr(&o).contains("differs"), "{}", stderr(&o));
    let said = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!said.contains(&wrong) && !said.contains(&right));
    // The new phone's key is stored; its code now matches.
    std::fs::write(
        d.join("new-uri.txt"),
        format!("otpauth://totp/Kraken?secret={other}"),
    )
    .unwrap();
    let o = gsl_at(
        d,
        later,
        "set-secret v.vault --passphrase-file pass.txt --totp-uri-file new-uri.txt --totp-code-file wrong.txt",
    );
    expect_exit(&o, 0);
    let o = gsl_at(
        d,
        later,
        "drill v.vault --passphrase --passphrase-file pass.txt --check-key --secret-file wrong.txt",
    );
    expect_exit(&o, 0);
    // Back to a password master key: the kind goes with it.
    std::fs::write(d.join("pw.txt"), "a-password-master-key-again\n").unwrap();
    let o = gsl(
        d,
        "set-secret v.vault --passphrase-file pass.txt --secret-file pw.txt",
    );
    expect_exit(&o, 0);
    let o = gsl(d, "open v.vault --passphrase-file pass.txt");
    assert_eq!(stdout(&o), "a-password-master-key-again\n");
    let o = gsl(d, "status v.vault");
    assert!(!stdout(&o).contains("authenticator"));
}

/// `open --watch` at a terminal keeps the code current until Ctrl-C (a 2-second period here, so
/// the change shows at once); without a terminal it says how to print the code once.
#[test]
fn watch_keeps_the_code_current_until_ctrl_c() {
    let dir = workdir();
    let d = dir.path();
    let uri = format!("otpauth://totp/Kraken?secret={SECRET}&period=2");
    std::fs::write(d.join("uri.txt"), &uri).unwrap();
    let t = gsl_vault::totp::Totp::from_uri(&uri).unwrap();
    std::fs::write(
        d.join("code.txt"),
        t.code_at(gsl_vault::dates::now()).as_str(),
    )
    .unwrap();
    let o = gsl(
        d,
        &format!("{INIT} --totp-uri-file uri.txt --totp-code-file code.txt"),
    );
    expect_exit(&o, 0);
    let o = gsl(d, "open v.vault --passphrase-file pass.txt --watch");
    expect_refused(&o, 2, "--watch keeps the code current on a terminal");
    let Some(tmux) = Tmux::start(d, "open v.vault --passphrase-file pass.txt --watch") else {
        return;
    };
    let code_on = |screen: &str| -> String {
        let line = screen
            .lines()
            .rev()
            .find(|l| l.contains("s left"))
            .unwrap()
            .to_string();
        line.split_whitespace().next().unwrap().to_string()
    };
    let first = code_on(&tmux.wait_for("s left"));
    let near = |code: &str| {
        let now = gsl_vault::dates::now();
        [now - 2, now, now + 2]
            .iter()
            .any(|&w| t.code_at(w).as_str() == code)
    };
    assert!(near(&first), "{first}");
    // Three windows later the line shows another window's code.
    std::thread::sleep(std::time::Duration::from_secs(6));
    let later = code_on(&tmux.screen());
    assert!(near(&later), "{later}");
    // The line itself changed (what the owner sees), not only the key's codes.
    assert_ne!(first, later, "the code on the screen was kept current");
    tmux.key("C-c");
    tmux.wait_for("EXIT=0");
}

/// The account's sign-in authenticator key kept as an entry (format 3): `init` says once that
/// whoever opens the vault gets it with the master key; `open --entry sign-in-totp` shows its
/// codes (oathtool's), `--entry sign-in-totp-key` its URI; a format 2 vault refuses it.
#[test]
fn a_sign_in_authenticator_key_is_kept_as_an_entry_and_shown_as_codes() {
    if !ready() {
        return;
    }
    let dir = workdir();
    let d = dir.path();
    std::fs::write(d.join("master.txt"), "a-password-master-key\n").unwrap();
    let sign_in = "otpauth://totp/Kraken:login?secret=JBSWY3DPEHPK3PXP&issuer=Kraken";
    std::fs::write(d.join("signin.txt"), sign_in).unwrap();
    let o = gsl(
        d,
        &format!("{INIT} --secret-file master.txt --sign-in-totp-uri-file signin.txt"),
    );
    expect_exit(&o, 0);
    assert!(
        stderr(&o).contains("keeps the account's sign-in 2FA"),
        "{}",
        stderr(&o)
    );
    let o = gsl(d, "status v.vault");
    assert!(
        stdout(&o).contains("sign-in authenticator key"),
        "{}",
        stdout(&o)
    );
    let when = "2027-04-04 04:04:04";
    let o = gsl_at(
        d,
        when,
        "open v.vault --passphrase-file pass.txt --entry sign-in-totp --json",
    );
    expect_exit(&o, 0);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["code"], oathtool("JBSWY3DPEHPK3PXP", when, &[]));
    let o = gsl(
        d,
        "open v.vault --passphrase-file pass.txt --entry sign-in-totp-key",
    );
    assert_eq!(
        stdout(&o).trim_end(),
        format!("{sign_in}&algorithm=SHA1&digits=6&period=30")
    );
    let o = gsl(d, "open v.vault --passphrase-file pass.txt");
    assert_eq!(stdout(&o), "a-password-master-key\n");
    // Everything at once shows the sign-in key as its code, not its setup key.
    let o = gsl(d, "open v.vault --passphrase-file pass.txt --entry all");
    expect_exit(&o, 0);
    assert!(
        stdout(&o).contains("== sign-in authenticator key\ncode "),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("JBSWY3DPEHPK3PXP"));
    // Format 2 has no such entry.
    let o = gsl(
        d,
        &format!(
            "{} --format 2 --secret-file master.txt --sign-in-totp-uri-file signin.txt",
            INIT.replace("v.vault", "old.vault")
        ),
    );
    expect_refused(&o, 2, "needs format 3");
    assert!(!d.join("old.vault").exists());
}
