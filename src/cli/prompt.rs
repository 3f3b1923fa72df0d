//! Asking the user: whether a terminal is there, hidden prompts that give the terminal back even
//! on Ctrl-C, and passphrases from a file, standard input or the terminal.

use std::io::IsTerminal;
use std::path::Path;

use gsl_vault::error::{Error, Result};
use gsl_vault::fsio;
use gsl_vault::intake::source_name;
use gsl_vault::secret::{MAX_PASSPHRASE, Passphrase, SecretBytes};

use super::args::ShareInput;

/// Whether `f` is `-` with standard input a terminal: a secret typed there would be echoed.
pub fn typed_stdin(f: &Path) -> bool {
    f == Path::new("-") && can_prompt()
}

/// Whether a prompt can be shown: standard input is a terminal.
pub fn can_prompt() -> bool {
    std::io::stdin().is_terminal()
}

/// Terminal settings to put back if a signal arrives while a prompt has turned echo off
/// (rpassword alone would leave the terminal without echo after Ctrl-C).
static SAVED_TERMIOS: std::sync::Mutex<Option<rustix::termios::Termios>> =
    std::sync::Mutex::new(None);

/// Whether a hidden prompt is waiting (echo off): only then does the guard act.
static PROMPTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Saves the terminal's settings and, once per process, starts a thread that handles SIGINT,
/// SIGTERM and SIGHUP: during a hidden prompt it restores the terminal and exits (128 + signal
/// number); at any other moment it does what the signal would have done without it.
fn guard_terminal() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            std::thread::spawn(move || {
                for sig in signals.forever() {
                    if !PROMPTING.load(std::sync::atomic::Ordering::SeqCst) {
                        // Not at a prompt: the default action, as if no handler were here
                        // (writes are atomic, so a kill mid-write leaves the old or new file).
                        let _ = signal_hook::low_level::emulate_default_handler(sig);
                        continue;
                    }
                    restore_terminal();
                    errln!("\ngsl-vault: interrupted at a prompt; nothing more was written.");
                    std::process::exit(128 + sig);
                }
            });
        }
    });
    if let Ok(t) = rustix::termios::tcgetattr(std::io::stdin())
        && let Ok(mut saved) = SAVED_TERMIOS.lock()
    {
        *saved = Some(t);
    }
}

/// Turns the terminal's echo off (the rest of its settings as they are).
fn echo_off() {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    if let Ok(mut t) = tcgetattr(std::io::stdin()) {
        t.local_modes.remove(LocalModes::ECHO);
        let _ = tcsetattr(std::io::stdin(), OptionalActions::Now, &t);
    }
}

/// Puts back the terminal settings saved by [`guard_terminal`].
fn restore_terminal() {
    if let Ok(saved) = SAVED_TERMIOS.lock()
        && let Some(t) = saved.as_ref()
    {
        let _ =
            rustix::termios::tcsetattr(std::io::stdin(), rustix::termios::OptionalActions::Now, t);
    }
}

/// Asks for a secret at the terminal without echo; the terminal is restored even on Ctrl-C.
pub fn prompt_hidden(prompt: &str) -> Result<zeroize::Zeroizing<String>> {
    guard_terminal();
    PROMPTING.store(true, std::sync::atomic::Ordering::SeqCst);
    // Echo off before the prompt is shown: rpassword turns it off only after writing the
    // prompt, so what is typed ahead of the prompt (or fast after it) would be echoed.
    echo_off();
    let answer = rpassword::prompt_password(prompt);
    match answer {
        Ok(s) => {
            restore_terminal();
            PROMPTING.store(false, std::sync::atomic::Ordering::SeqCst);
            Ok(zeroize::Zeroizing::new(s))
        }
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
            // A signal arrived: the prompt stays marked as waiting, so that the guard thread
            // (which may not have run yet) says so and exits with the signal's code, every
            // time; should it not, the same sentence and code are given here.
            std::thread::sleep(std::time::Duration::from_secs(2));
            restore_terminal();
            errln!("\ngsl-vault: interrupted at a prompt; nothing more was written.");
            std::process::exit(130)
        }
        // Ctrl-D: the input ended before a line was typed. A usage error (exit 2), said as such
        // (not as a file problem): nothing was changed.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            restore_terminal();
            PROMPTING.store(false, std::sync::atomic::Ordering::SeqCst);
            Err(Error::Usage(
                "the input ended (Ctrl-D) before anything was typed at the prompt; nothing was changed: run the command again and type it, then press Enter.".into(),
            ))
        }
        Err(e) => {
            restore_terminal();
            PROMPTING.store(false, std::sync::atomic::Ordering::SeqCst);
            Err(Error::io("the terminal", e))
        }
    }
}

/// Reads a passphrase as typed (no normalisation) from `file` or the terminal. `confirm` asks
/// twice (when setting it). `flag` names the flag to use when there is no terminal.
pub fn passphrase_raw(
    file: Option<&Path>,
    confirm: bool,
    what: &str,
    flag: &str,
) -> Result<(SecretBytes, String)> {
    // `-` on a terminal is someone typing: ask without echo rather than read an echoed line.
    if let Some(f) = file.filter(|f| !typed_stdin(f)) {
        return Ok((fsio::read_secret_path(f, MAX_PASSPHRASE)?, source_name(f)));
    }
    if !can_prompt() {
        return Err(Error::Usage(format!(
            "no terminal to ask for {what}: give it with {flag} (FILE may be - for standard input)."
        )));
    }
    // Two that differ are asked again (up to three times), not the whole command.
    for _ in 0..3 {
        let first = prompt_hidden(&format!("{what}: "))?;
        if confirm {
            let again = prompt_hidden(&format!("{what} again: "))?;
            if !gsl_vault::crypto::ct_eq(first.as_bytes(), again.as_bytes()) {
                errln!("The two passphrases typed differ: type it again, twice.");
                continue;
            }
        }
        let mut out = SecretBytes::with_capacity(first.len());
        out.extend(first.as_bytes())?;
        return Ok((out, "the terminal".to_string()));
    }
    Err(Error::Usage(
        "the passphrase was not typed the same twice in three tries; nothing was written.".into(),
    ))
}

/// Reads the vault passphrase from `file` or the terminal, normalised (NFKD).
pub fn passphrase(file: Option<&Path>, confirm: bool, what: &str) -> Result<Passphrase> {
    let (raw, source) = passphrase_raw(file, confirm, what, "--passphrase-file FILE")?;
    Passphrase::new(raw.expose(), &source)
}

/// Standard input can carry one secret per run: refuses `-` as both a share and the passphrase.
pub fn one_stdin(
    pass_file: Option<&Path>,
    shares: &ShareInput,
    copies: &[std::path::PathBuf],
) -> Result<()> {
    let stdin = |p: &Path| p == Path::new("-");
    let share = shares.shares.iter().any(|s| stdin(s));
    let pass = pass_file.is_some_and(stdin);
    let copy = copies.iter().any(|c| stdin(c));
    if copy && (share || pass || copies.iter().filter(|c| stdin(c)).count() > 1) {
        return Err(Error::Usage(
            "standard input (-) can give only one thing: a share, the passphrase or a recovery copy.".into(),
        ));
    }
    if pass && share {
        return Err(Error::Usage(
            "standard input (-) cannot give both a share and the passphrase.".into(),
        ));
    }
    Ok(())
}

/// Asks for a secret at a hidden prompt, into a secret buffer of at most `max` bytes.
pub fn prompt_secret(prompt: &str, max: usize, what: &str) -> Result<SecretBytes> {
    let typed = prompt_hidden(prompt)?;
    let mut s = SecretBytes::with_capacity(max);
    s.extend(typed.as_bytes())
        .map_err(|_| Error::Usage(format!("{what} is longer than {max} bytes.")))?;
    Ok(s)
}
