//! Property 2: a drill proves recovery and never prints, logs or writes the master key; its
//! receipt is signed and appended. Plus the passphrase and policy paths.

use crate::common::*;

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in data.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |a, (i, &b)| a | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=c.len() {
            s.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    s
}

/// The ways the master key could appear: raw, hex (both cases), and base64 at each alignment.
fn spellings() -> Vec<String> {
    let key = MASTER.as_bytes();
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let mut v = vec![MASTER.to_string(), hex.clone(), hex.to_uppercase()];
    for pad in 0..3 {
        let mut buf = vec![0u8; pad];
        buf.extend_from_slice(key);
        let b = base64(&buf);
        // Skip the characters that mix padding with key bits, and the ragged end.
        let start = (pad * 4).div_ceil(3) + 1;
        v.push(b[start..b.len() - 3].to_string());
    }
    v
}

fn assert_absent(what: &str, haystack: &[u8]) {
    let text = String::from_utf8_lossy(haystack);
    for s in spellings() {
        assert!(!text.contains(&s), "{what} holds the master key as {s:?}");
    }
}

#[test]
fn drills_never_reveal_the_master_key() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "either");
    let runs = [
        gsl(d.path(), "drill v.vault alice.share bob.share"),
        gsl(d.path(), "drill v.vault alice.share carol.share --json"),
        gsl(
            d.path(),
            "drill v.vault --passphrase --passphrase-file pass.txt",
        ),
        gsl(
            d.path(),
            "drill v.vault --passphrase --passphrase-file pass.txt --json",
        ),
        gsl(d.path(), "drill v.vault bob.share"),
    ];
    for (i, o) in runs.iter().enumerate() {
        assert_eq!(
            code(o),
            if i == 4 { 3 } else { 0 },
            "drill {i}: {}",
            stderr(o)
        );
        assert_absent("drill output", &o.stdout);
        assert_absent("drill errors", &o.stderr);
    }
    for f in all_files(d.path()) {
        if f.ends_with("master.txt") {
            continue;
        }
        assert_absent(&f.display().to_string(), &std::fs::read(&f).unwrap());
    }
    // The spellings are real: the same search finds the key where it is.
    let o = gsl(d.path(), "recover v.vault alice.share bob.share");
    assert!(spellings().iter().any(|s| stdout(&o).contains(s.as_str())));
}

#[test]
fn drill_appends_signed_receipts_that_status_reports() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    let o = gsl(d.path(), "status v.vault --check --json");
    assert_eq!(code(&o), 6, "no drill yet: overdue");
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["drill"]["overdue"], true);
    assert!(s["drill"]["last"].is_null());

    let o = gsl(d.path(), "drill v.vault carol.share bob.share --json");
    expect_exit(&o, 0);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["ok"], true);
    assert_eq!(j["kind"], "quorum");
    assert_eq!(j["custodians"], serde_json::json!(["carol", "bob"]));
    assert_eq!(j["rejected"], serde_json::json!([]));

    let o = gsl(d.path(), "status v.vault --check --json");
    assert_eq!(code(&o), 0);
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["drill"]["overdue"], false);
    assert_eq!(s["drill"]["every"], "180d");
    assert_eq!(s["receipts"], 1);
    for key in [
        "fingerprint",
        "label",
        "threshold",
        "epoch",
        "policy",
        "custodians",
        "kdf",
        "drill",
    ] {
        assert!(s.get(key).is_some(), "status --json lacks {key}");
    }
    assert_eq!(s["custodians"][2]["name"], "carol");
    assert_eq!(s["custodians"][2]["index"], 3); // The receipt is signed: altering it (here, who passed) is caught without any secret.
    let path = d.path().join("v.vault");
    let text = std::fs::read_to_string(&path).unwrap();
    let forged = text.replacen(
        "\"carol\",\n        \"bob\"",
        "\"carol\",\n        \"alice\"",
        1,
    );
    assert_ne!(forged, text);
    std::fs::write(&path, forged).unwrap();
    let o = gsl(d.path(), "status v.vault");
    expect_exit(&o, 5);
}

#[test]
fn open_with_the_passphrase_and_refuse_a_wrong_one() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "either");
    let o = gsl(d.path(), "open v.vault --passphrase-file pass.txt");
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
    let o = gsl_stdin(
        d.path(),
        "open v.vault --passphrase-file -",
        b"not the passphrase\n",
    );
    assert_eq!(code(&o), 4);
    assert!(stderr(&o).contains("wrong passphrase for vault v.vault"));
    assert!(stdout(&o).is_empty());
}

#[test]
fn output_file_is_0600_and_never_overwritten() {
    use std::os::unix::fs::PermissionsExt;
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    let o = gsl(d.path(), "recover v.vault alice.share bob.share -o out.txt");
    expect_exit(&o, 0);
    let meta = std::fs::metadata(d.path().join("out.txt")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(d.path().join("out.txt")).unwrap(),
        MASTER
    );
    let o = gsl(d.path(), "recover v.vault alice.share bob.share -o out.txt");
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("out.txt already exists"));
    for f in ["v.vault", "alice.share"] {
        let m = std::fs::metadata(d.path().join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(m, 0o600, "{f}");
    }
}

#[test]
fn policy_both_needs_shares_and_passphrase() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "both");
    let o = gsl(d.path(), "open v.vault --passphrase-file pass.txt");
    assert_eq!(
        code(&o),
        2,
        "the passphrase alone must not open a `both` vault"
    );
    let o = gsl(d.path(), "recover v.vault alice.share bob.share");
    assert_eq!(code(&o), 2, "no terminal and no passphrase file: usage");
    assert!(stderr(&o).contains("--passphrase-file"));
    let o = gsl_stdin(
        d.path(),
        "recover v.vault alice.share bob.share --passphrase-file -",
        b"wrong passphrase!\n",
    );
    assert_eq!(code(&o), 4);
    let o = gsl(
        d.path(),
        "recover v.vault alice.share bob.share --passphrase-file pass.txt",
    );
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
}

#[test]
fn no_terminal_and_no_file_is_a_usage_error_naming_the_flag() {
    let d = workdir();
    let o = gsl(d.path(), "init v.vault -t 2 --custodian a --custodian b");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--secret-file"), "{}", stderr(&o));
    let o = gsl(
        d.path(),
        "init v.vault -t 2 --custodian a --custodian b --secret-file master.txt",
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--passphrase-file"), "{}", stderr(&o));
    assert!(
        !d.path().join("v.vault").exists() && !d.path().join("a.share").exists(),
        "nothing is written"
    );
}

#[test]
fn init_refuses_bad_settings_before_asking_for_secrets() {
    let d = workdir();
    let cases: &[(&[&str], &str)] = &[
        (
            &["-t", "1", "--custodian", "a", "--custodian", "b"],
            "threshold",
        ),
        (
            &["-t", "3", "--custodian", "a", "--custodian", "b"],
            "threshold",
        ),
        (
            &["-t", "2", "--custodian", "a", "--custodian", "A"],
            "given twice",
        ),
        (
            &["-t", "2", "--custodian", "a", "--custodian", "b\u{202e}x"],
            "not allowed",
        ),
        (
            &["-t", "2", "--custodian", "a", "--custodian", "../b"],
            "not allowed",
        ),
        (
            &words("-t 2 --custodian a --custodian b --kdf-memory 32")[..],
            "RFC 9106",
        ),
        (
            &words("-t 2 --custodian a --custodian b --kdf-memory 64 --kdf-iterations 2")[..],
            "RFC 9106",
        ),
        (
            &words("-t 2 --custodian a --custodian b --kdf-memory 1048576")[..],
            "over the cap",
        ),
    ];
    for (extra, want) in cases {
        let mut args = vec!["init", "v.vault"];
        args.extend_from_slice(extra);
        let o = run(d.path(), &args);
        assert_eq!(code(&o), 2, "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{extra:?}: {}", stderr(&o));
    }
    init(d.path(), "v.vault", 2, &["a", "b"], "quorum");
    let o = gsl(
        d.path(),
        "init v.vault -t 2 --custodian a --custodian b --secret-file master.txt --policy quorum",
    );
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
}

#[test]
fn generate_shows_a_strong_key_once_and_the_vault_holds_it() {
    let d = workdir();
    let o = gsl(
        d.path(),
        "init v.vault -t 2 --custodian a --custodian b --generate --policy quorum",
    );
    expect_exit(&o, 0);
    let out = stdout(&o);
    let key = out
        .lines()
        .nth(1)
        .expect("the key, on the line after its heading")
        .to_string();
    // 26 characters of Crockford base32 (130 bits) in groups of five.
    assert_eq!(key.replace('.', "").len(), 26, "{key}");
    assert!(
        key.chars()
            .all(|c| c == '.' || "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)),
        "{key}"
    );
    let o = gsl(d.path(), "recover v.vault a.share b.share");
    assert_eq!(stdout(&o), format!("{key}\n"));
    // Shown once: nothing else prints it again, and a second vault gets another key.
    let o = gsl(d.path(), "status v.vault");
    assert!(!stdout(&o).contains(&key));
    let o = gsl(
        d.path(),
        "init w.vault -t 2 --custodian c --custodian e --generate --policy quorum",
    );
    assert_ne!(stdout(&o).lines().nth(1).unwrap(), key);
}
