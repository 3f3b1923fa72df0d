//! Property 3 (share side): every single-word substitution and every swap of two adjacent
//! different words in a real share is refused (exit 3); a single wrong word is named by its
//! 1-based position and never corrected.

use crate::common::*;
use gsl_vault::error::Kind;
use gsl_vault::share::parse_share_text;
use gsl_vault::vault::Vault;
use gsl_vault::words::wordlist;

fn real_share() -> (tempfile::TempDir, Vault, Vec<String>) {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    let v = Vault::parse(&std::fs::read(d.path().join("v.vault")).unwrap(), "v.vault").unwrap();
    let text = std::fs::read_to_string(share_path(d.path(), "bob")).unwrap();
    let code = parse_share_text(&text, "bob").unwrap();
    let words: Vec<String> = code.to_mnemonic().split(' ').map(String::from).collect();
    assert_eq!(words.len(), 36);
    (d, v, words)
}

#[test]
fn every_single_word_substitution_is_refused_and_located() {
    let (_d, v, words) = real_share();
    let list = wordlist();
    let mut checked = 0;
    for pos in 0..words.len() {
        for w in list.iter().filter(|w| **w != words[pos]) {
            let mut typed = words.clone();
            typed[pos] = (*w).to_string();
            let err = match parse_share_text(&typed.join(" "), "typed") {
                Ok(code) => v
                    .check_share("typed", &code)
                    .expect_err("a substituted share was accepted"),
                Err(e) => e,
            };
            assert_eq!(err.kind(), Kind::Shares);
            let want = format!("word {} is most likely wrong", pos + 1);
            assert!(err.to_string().contains(&want), "pos {pos} -> {w}: {err}");
            checked += 1;
        }
    }
    assert_eq!(checked, 36 * 1023);
}

#[test]
fn every_adjacent_swap_is_refused() {
    let (_d, v, words) = real_share();
    let mut checked = 0;
    for pos in 0..words.len() - 1 {
        if words[pos] == words[pos + 1] {
            continue;
        }
        let mut typed = words.clone();
        typed.swap(pos, pos + 1);
        let err = match parse_share_text(&typed.join(" "), "typed") {
            Ok(code) => v
                .check_share("typed", &code)
                .expect_err("a swapped share was accepted"),
            Err(e) => e,
        };
        assert_eq!(err.kind(), Kind::Shares, "swap at {pos}: {err}");
        checked += 1;
    }
    assert!(checked >= 30);
}

/// How often `word` stands as a whole word in `text` (the tool's own sentences may hold list
/// words such as "check", "paper" or "recover").
fn whole_word_count(text: &str, word: &str) -> usize {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|t| t.eq_ignore_ascii_case(word))
        .count()
}

#[test]
fn the_cli_names_the_wrong_word_and_does_not_correct_it() {
    let (d, _v, words) = real_share();
    let wrong = |pos: usize| {
        let mut typed = words.clone();
        typed[pos] = if typed[pos] == "academic" {
            "acid".into()
        } else {
            "academic".into()
        };
        typed.join(" ")
    };
    let output = |cmd: &str, typed: &str| {
        std::fs::write(d.path().join("typed.share"), typed).unwrap();
        let mut args = vec![cmd, "v.vault", "typed.share"];
        if cmd != "check-share" {
            args.push("alice.share");
        }
        let o = run(d.path(), &args);
        (code(&o), stdout(&o) + &stderr(&o), stdout(&o))
    };
    for pos in [0usize, 5, 6, 20, 35] {
        // Another position, holding another word, is wrong in the baseline: whatever the right
        // word at `pos` shares with the tool's fixed sentences shows there as often.
        let other = (1..36)
            .map(|k| (pos + k) % 36)
            .find(|q| words[*q] != words[pos])
            .unwrap();
        for cmd in ["check-share", "drill", "recover"] {
            let (rc, all, out) = output(cmd, &wrong(pos));
            assert_eq!(rc, 3, "{cmd} pos {pos}");
            assert!(
                all.contains(&format!("word {} is most likely wrong", pos + 1)),
                "{cmd}: {all}"
            );
            let (_, baseline, _) = output(cmd, &wrong(other));
            assert!(
                whole_word_count(&all, &words[pos]) <= whole_word_count(&baseline, &words[pos]),
                "{cmd} must not suggest the right word {:?}: {all}",
                words[pos]
            );
            assert!(!out.contains(MASTER));
        }
    }
}

#[test]
fn four_letter_prefixes_and_compact_form_alone_are_accepted() {
    let (d, _v, words) = real_share();
    let text = std::fs::read_to_string(share_path(d.path(), "bob")).unwrap();
    let compact = text
        .lines()
        .skip_while(|l| *l != "compact:")
        .nth(1)
        .unwrap()
        .to_string();
    let prefixes: Vec<String> = words.iter().map(|w| w[..4].to_uppercase()).collect();
    let forms = [
        ("prefixes", prefixes.join("\n")),
        ("words", words.join(" ")),
        ("compact", compact.clone()),
        ("lower", compact.to_lowercase()),
    ];
    for (name, body) in forms {
        std::fs::write(d.path().join("typed.share"), &body).unwrap();
        let o = gsl(d.path(), "check-share v.vault typed.share");
        assert_eq!(code(&o), 0, "{name}: {}", stdout(&o));
        assert!(stdout(&o).contains("bob's share"));
    }
    // Both forms present but disagreeing: exit 3.
    let other = std::fs::read_to_string(share_path(d.path(), "alice")).unwrap();
    let other_compact = other
        .lines()
        .skip_while(|l| *l != "compact:")
        .nth(1)
        .unwrap();
    let mixed = format!("words:\n{}\ncompact:\n{}\n", words.join(" "), other_compact);
    std::fs::write(d.path().join("typed.share"), mixed).unwrap();
    let o = gsl(d.path(), "check-share v.vault typed.share");
    assert_eq!(code(&o), 3);
    assert!(stdout(&o).contains("disagree"), "{}", stdout(&o));
    // Typed on standard input.
    let o = gsl_stdin(
        d.path(),
        "check-share v.vault -",
        words.join(" ").as_bytes(),
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // A word not in the list is named by position.
    let mut typed = words.clone();
    typed[9] = "xylophone".into();
    let o = gsl_stdin(
        d.path(),
        "check-share v.vault -",
        typed.join(" ").as_bytes(),
    );
    assert_eq!(code(&o), 3);
    assert!(
        stdout(&o).contains("word 10 is not in the word list"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn shares_of_one_set_visibly_start_alike_and_a_new_set_differs() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES, "quorum");
    let first6 = |path: std::path::PathBuf| -> Vec<String> {
        let code = parse_share_text(&std::fs::read_to_string(path).unwrap(), "s").unwrap();
        code.to_mnemonic()
            .split(' ')
            .take(6)
            .map(String::from)
            .collect()
    };
    let heads: Vec<Vec<String>> = NAMES
        .iter()
        .map(|n| first6(share_path(d.path(), n)))
        .collect();
    assert!(heads.iter().all(|h| *h == heads[0]), "{heads:?}");
    let o = gsl(
        d.path(),
        "reshare v.vault alice.share bob.share -t 2 --custodian x --custodian y --shares-dir new",
    );
    expect_exit(&o, 0);
    let new_head = first6(d.path().join("new/x.share"));
    assert_eq!(new_head, first6(d.path().join("new/y.share")));
    assert_ne!(new_head, heads[0], "the epoch is in the first words");
}

#[test]
fn words_read_across_the_rows_of_the_kit_table_are_recognised_and_not_reordered() {
    let (d, _v, words) = real_share();
    // The kit numbers its three columns downwards (1-12, 13-24, 25-36): a custodian who reads
    // across the rows types 1, 13, 25, 2, 14, 26, ...
    let rows: Vec<&str> = (0..12)
        .flat_map(|r| (0..3).map(move |c| (r, c)))
        .map(|(r, c)| words[c * 12 + r].as_str())
        .collect();
    std::fs::write(d.path().join("rows.share"), rows.join(" ")).unwrap();
    for args in [
        vec!["check-share", "v.vault", "rows.share"],
        vec!["recover", "v.vault", "rows.share", "alice.share"],
    ] {
        let o = run(d.path(), &args);
        assert_eq!(code(&o), 3, "{args:?}");
        let said = stdout(&o) + &stderr(&o);
        assert!(
            said.contains("read across the rows of the kit's table")
                && said.contains("1 to 12, then 13 to 24, then 25 to 36"),
            "{said}"
        );
        assert!(!stdout(&o).contains(MASTER));
    }
    // The kit says which way its numbers run.
    let o = run(d.path(), &["kit", "v.vault", "bob.share", "-o", "kits"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = std::fs::read_to_string(d.path().join("kits/bob.html")).unwrap();
    assert!(html.contains("down each column, 1 to 12, then 13 to 24, then 25 to 36"));
}
