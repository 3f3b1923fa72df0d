//! Process hygiene, observed from outside while a prompt waits under a real pseudo-terminal:
//! core dumps off, no secret in argv or the environment, and the terminal restored after
//! Ctrl-C or SIGTERM at a hidden prompt.

use crate::common::*;

fn echo_on(screen: &str) -> bool {
    // `stty -a` lists "echo" when echo is on and "-echo" when it is off.
    let after = screen.rsplit("EXIT=").next().unwrap_or("");
    after.split_whitespace().any(|w| w == "echo")
}

#[test]
fn while_a_prompt_waits_no_core_dumps_and_no_secret_in_argv_or_environment() {
    let d = workdir();
    let Some(t) = Tmux::start(
        d.path(),
        "init v.vault -t 2 --custodian a --custodian b --kdf-memory 64 --kdf-iterations 3",
    ) else {
        return;
    };
    t.wait_for("New GSL master key:");
    t.send(MASTER);
    t.wait_for("New GSL master key again:");
    t.send(MASTER);
    t.wait_for("New vault passphrase:");
    let pid = t.program_pid();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    assert_eq!(
        core.split_whitespace().collect::<Vec<_>>()[4..6],
        ["0", "0"],
        "{core}"
    );
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    assert!(status.contains("gsl-vault"), "that is our process");
    for f in ["cmdline", "environ"] {
        let bytes = std::fs::read(format!("/proc/{pid}/{f}")).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(MASTER),
            "{f} holds the master key"
        );
    }
    // Ctrl-C at the hidden prompt: the program stops and echo is back on.
    t.key("C-c");
    let s = t.wait_for("echoctl");
    assert!(s.contains("EXIT=130"), "{s}");
    assert!(echo_on(&s), "terminal echo left off after Ctrl-C:\n{s}");
    assert!(!d.path().join("v.vault").exists(), "nothing written");
}

#[test]
fn sigterm_at_a_hidden_prompt_restores_the_terminal() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "either");
    let Some(t) = Tmux::start(d.path(), "open v.vault") else {
        return;
    };
    t.wait_for("Vault passphrase:");
    let pid = t.program_pid();
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    let s = t.wait_for("echoctl");
    assert!(s.contains("EXIT=143"), "{s}");
    assert!(echo_on(&s), "terminal echo left off after SIGTERM:\n{s}");
}

#[test]
fn a_spinner_shows_the_costs_while_the_kdf_runs_unless_quiet() {
    let d = workdir();
    let o = gsl(
        d.path(),
        "init v.vault -t 2 --custodian a --custodian b --secret-file master.txt --passphrase-file pass.txt --kdf-memory 768 --kdf-iterations 4",
    );
    expect_exit(&o, 0);
    assert!(
        !stderr(&o).contains("Argon2id ("),
        "no spinner when stderr is not a terminal"
    );
    let Some(t) = Tmux::start(d.path(), "open v.vault --passphrase-file pass.txt") else {
        return;
    };
    t.wait_for("Argon2id (768 MiB, t=4, p=4): deriving the passphrase key");
    let s = t.wait_for("EXIT=0");
    assert!(s.contains(MASTER), "{s}");
    let Some(t) = Tmux::start(d.path(), "open v.vault --passphrase-file pass.txt --quiet") else {
        return;
    };
    let s = t.wait_for("EXIT=0");
    assert!(!s.contains("Argon2id ("), "--quiet: {s}");
}

/// Issue 16, item 7: `--passphrase-file -` typed at a terminal is asked without echo.
#[test]
fn r16_7_a_passphrase_from_a_terminal_on_stdin_is_not_echoed() {
    let d = workdir();
    init(d.path(), "v.vault", 2, &NAMES[..3], "either");
    let Some(t) = Tmux::start(d.path(), "open v.vault --passphrase-file -") else {
        return;
    };
    t.wait_for("Vault passphrase:");
    t.send(PASS);
    let s = t.wait_for("EXIT=");
    assert!(s.contains(MASTER), "it opened: {s}");
    assert!(!s.contains(PASS), "the passphrase is not echoed: {s}");
}
