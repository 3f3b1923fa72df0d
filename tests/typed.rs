//! Typing shares at a real terminal (tmux gives the program a pseudo-terminal): four letters
//! are enough, an unknown word is refused at once, a failed checksum names the suspect word and
//! asks for it again, and shares are asked until enough are in.

use crate::common::*;

fn words_of(dir: &std::path::Path, name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(share_path(dir, name)).unwrap();
    let code = gsl_vault::share::parse_share_text(&text, name).unwrap();
    code.to_mnemonic().split(' ').map(String::from).collect()
}

#[test]
fn a_custodian_types_a_share_with_a_typo_and_a_stranger_word() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    let w = words_of(d.path(), "alice");
    let Some(t) = Tmux::start(d.path(), "check-share v.vault") else {
        return;
    };
    t.wait_for("Share 1, word 1:");
    // Three words, then one that is not in the list: refused at once, by position.
    t.send(&format!("{} {} {} xylophone", w[0], w[1], w[2]));
    t.wait_for("Word 4 is not in the word list");
    // Four-letter prefixes for the rest, with word 20 wrong.
    let mut rest: Vec<String> = w[3..].iter().map(|x| x[..4].to_string()).collect();
    let wrong = if w[19] == "academic" {
        "acid"
    } else {
        "academic"
    };
    rest[16] = wrong.to_string();
    t.send(&rest.join(" "));
    let s = t.wait_for("word 20 again:");
    assert!(s.contains("word 20 is most likely wrong"), "{s}");
    assert!(
        !s.contains(&format!("word 20 is most likely wrong; {}", w[19])),
        "never suggests the word"
    );
    t.send(&w[19]);
    let s = t.wait_for("EXIT=");
    assert!(s.contains("ok: that is alice's share (1 of 3)"), "{s}");
    assert!(s.contains("alice's share of"), "{s}");
    assert!(s.contains("EXIT=0"), "{s}");
}

#[test]
fn recover_asks_for_shares_until_a_quorum_is_in() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    let (a, b) = (words_of(d.path(), "alice"), words_of(d.path(), "bob"));
    let Some(t) = Tmux::start(d.path(), "recover v.vault") else {
        return;
    };
    t.wait_for("Type 2 shares");
    t.send(&a.join(" "));
    t.wait_for("ok: that is alice's share");
    // The same share again counts once.
    t.send(&a.join(" "));
    t.wait_for("That is alice's share again");
    t.send(&b.join(" "));
    let s = t.wait_for("EXIT=");
    assert!(s.contains("ok: that is bob's share (2 of 3)"), "{s}");
    assert!(s.contains(MASTER), "the recovered key is shown: {s}");
    assert!(s.contains("EXIT=0"), "{s}");
}

#[test]
fn a_passphrase_protected_age_share_asks_for_its_passphrase() {
    let d = workdir();
    std::fs::write(d.path().join("carol.pass"), "carol's own passphrase\n").unwrap();
    let o = gsl(
        d.path(),
        "init v.vault -t 2 --custodian alice --custodian carol=ask --custodian-passphrase-file carol=carol.pass --secret-file master.txt --policy quorum",
    );
    expect_exit(&o, 0);
    let Some(t) = Tmux::start(d.path(), "drill v.vault alice.share carol.share.age") else {
        return;
    };
    t.wait_for("Passphrase of share carol.share.age:");
    t.send("carol's own passphrase");
    let s = t.wait_for("EXIT=");
    assert!(s.contains("Drill passed: alice, carol"), "{s}");
    assert!(
        !s.contains("carol's own passphrase"),
        "the passphrase is not echoed: {s}"
    );
}

/// Second review, M3: each passphrase-protected share is asked its own passphrase.
#[test]
fn r2_m3_two_custodian_passphrases_are_each_asked() {
    let d = workdir();
    std::fs::write(d.path().join("c.pass"), "carol's own passphrase\n").unwrap();
    std::fs::write(d.path().join("e.pass"), "erin's different words\n").unwrap();
    let o = gsl(
        d.path(),
        "init v.vault -t 2 --custodian carol=ask --custodian erin=ask --custodian bob --custodian-passphrase-file carol=c.pass --custodian-passphrase-file erin=e.pass --secret-file master.txt --policy quorum",
    );
    expect_exit(&o, 0);
    let Some(t) = Tmux::start(d.path(), "drill v.vault carol.share.age erin.share.age") else {
        return;
    };
    t.wait_for("Passphrase of share carol.share.age:");
    t.send("carol's own passphrase");
    t.wait_for("Passphrase of share erin.share.age:");
    t.send("erin's different words");
    let s = t.wait_for("EXIT=");
    assert!(s.contains("Drill passed: carol, erin"), "{s}");
}

/// Custodians alone, with paper: the copy scanned from page 2 of a kit, the words typed.
#[test]
fn custodians_type_their_words_with_a_scanned_copy_and_no_vault_file() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    let (a, b) = (words_of(d.path(), "alice"), words_of(d.path(), "bob"));
    let text = std::fs::read(share_path(d.path(), "alice")).unwrap();
    let copy = gsl_vault::copy::find(&text).unwrap().unwrap();
    std::fs::write(
        d.path().join("copy.txt"),
        gsl_vault::copy::qr_text(&copy) + "\n",
    )
    .unwrap();
    for f in ["v.vault", "alice.share", "bob.share", "carol.share"] {
        std::fs::remove_file(d.path().join(f)).unwrap();
    }
    let Some(t) = Tmux::start(d.path(), "recover --copy copy.txt") else {
        return;
    };
    t.wait_for("Type 2 shares");
    t.send(&a.join(" "));
    t.wait_for("ok: that is alice's share");
    t.send(&b.join(" "));
    let s = t.wait_for("EXIT=");
    assert!(s.contains(MASTER), "the recovered key is shown: {s}");
    assert!(s.contains("EXIT=0"), "{s}");
}

/// Issue 26, item 6: a custodian with only their paper, at a terminal. `prove` and `prove -` say
/// what to type and how to finish; `check-share -` with no vault checks the words alone, says
/// what it did not check, and suggests only what `check-share` takes.
#[test]
fn a_custodian_with_paper_only_is_told_what_to_type_and_how_to_finish() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "quorum");
    let w = words_of(d.path(), "alice");
    let paper = tempfile::tempdir().unwrap();
    for cmd in ["prove", "prove -"] {
        let Some(t) = Tmux::start(paper.path(), cmd) else {
            return;
        };
        t.wait_for("Type or paste the share");
        let s = t.wait_for("Ctrl-D to finish");
        assert!(!s.contains("name the vault file"), "{s}");
        t.send(&w.join(" "));
        t.key("C-d");
        let s = t.wait_for("EXIT=");
        assert!(s.contains("EXIT=0"), "{cmd}: {s}");
        assert!(s.contains("gsl-vault proof v1"), "{cmd}: {s}");
    }
    let Some(t) = Tmux::start(paper.path(), "check-share -") else {
        return;
    };
    t.wait_for("Ctrl-D to finish");
    t.send(&w[..18].join(" "));
    t.send(&w[18..].join(" "));
    t.key("C-d");
    let s = t.wait_for("EXIT=");
    assert!(s.contains("EXIT=0"), "{s}");
    assert!(
        s.contains("its words are all correct (checksum)")
            && s.contains("Not checked against the vault's commitment"),
        "{s}"
    );
    assert!(
        !s.contains("gsl-vault recover"),
        "no advice about another command: {s}"
    );
    // A wrong word is still found with no vault at hand.
    let mut bad = w.clone();
    bad[7] = if bad[7] == "academic" {
        "acid".into()
    } else {
        "academic".into()
    };
    std::fs::write(paper.path().join("typed.txt"), bad.join(" ")).unwrap();
    let o = run(paper.path(), &["check-share", "typed.txt"]);
    assert_eq!(code(&o), 3);
    assert!(
        stdout(&o).contains("word 8 is most likely wrong")
            || stderr(&o).contains("word 8 is most likely wrong")
    );
}
