//! A new vault passphrase (`init`, `passwd`, `policy` adding one): read or generated, checked
//! for strength (zxcvbn) before anything is written, and its cost to an offline attacker at the
//! vault's Argon2id costs stated once (SECURITY.md, "Passphrase strength").

use std::io::Write as _;
use std::path::Path;

use gsl_vault::costs::Costs;
use gsl_vault::error::{Error, Result};
use gsl_vault::secret::{Passphrase, SecretBytes, fill_random};
use gsl_vault::strength::{self, Estimate, MIN_LOG10_GUESSES};

use super::prompt::{can_prompt, passphrase, prompt_hidden};

/// Words in a generated passphrase: 8 from the 1024-word list, 80 bits.
pub const GENERATED_WORDS: usize = 8;

/// How the new passphrase is chosen, from the command's flags.
pub struct NewPassphrase<'a> {
    /// `--new-passphrase-file` or `--passphrase-file`, as the command names it.
    pub file: Option<&'a Path>,
    /// `--generate-passphrase`.
    pub generate: bool,
    /// `--accept-weak-passphrase`.
    pub accept_weak: bool,
}

/// The new passphrase and zxcvbn's estimate of it. `inputs` are the label and the custodians'
/// names (what an attacker tries first). A weak one is refused (exit 2) unless accepted.
pub fn read_new(n: &NewPassphrase<'_>, inputs: &[&str]) -> Result<(Passphrase, Estimate)> {
    // Typed at a prompt, a refused passphrase is asked again (up to three times), not the whole
    // command; from a file it is refused at once.
    let at_prompt = !n.generate && n.file.is_none_or(super::prompt::typed_stdin);
    let tries = if at_prompt { 3 } else { 1 };
    let mut attempt = 1;
    loop {
        // Rated before it is typed a second time (issue 28, item 4): a refused passphrase is
        // not typed twice for nothing.
        let p = if n.generate {
            generated()?
        } else {
            passphrase(n.file, false, "New vault passphrase")?
        };
        let rating = rated(p, n.accept_weak, inputs).and_then(|(p, e)| {
            if at_prompt && !n.generate {
                let again = prompt_hidden("New vault passphrase again: ")?;
                let again = gsl_vault::secret::Passphrase::new(again.as_bytes(), "the terminal")?;
                if !gsl_vault::crypto::ct_eq(again.expose(), p.expose()) {
                    return Err(Error::Usage(
                        "the two passphrases typed differ; nothing was written.".into(),
                    ));
                }
            }
            Ok((p, e))
        });
        match rating {
            Ok(ok) => return Ok(ok),
            Err(e) if attempt < tries => {
                errln!("{} Type another one.", super::report::sentence(&e));
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// The passphrase and its estimate, or why it is refused.
fn rated(p: Passphrase, accept_weak: bool, inputs: &[&str]) -> Result<(Passphrase, Estimate)> {
    p.check_new()?;
    let text = std::str::from_utf8(p.expose()).unwrap_or_default();
    let e = strength::estimate(text, inputs);
    if !e.strong() {
        let why = if e.feedback.is_empty() {
            String::new()
        } else {
            format!(" {}", e.feedback)
        };
        if !accept_weak {
            return Err(Error::Usage(format!(
                "the new passphrase is too easy to guess: whoever steals the vault file would find it in about 10^{:.0} guesses or fewer, and it takes at least 10^{MIN_LOG10_GUESSES:.0} to hold out.{why} Choose four or more unrelated words of your own, or use --generate-passphrase (--accept-weak-passphrase keeps it anyway).",
                e.log10_guesses.floor()
            )));
        }
        errln!(
            "gsl-vault: warning: a weak passphrase was accepted (--accept-weak-passphrase): it may fall in about 10^{:.0} guesses.{why} Whoever steals the vault file may guess it: change it soon (gsl-vault passwd).",
            e.log10_guesses.floor()
        );
    }
    Ok((p, e))
}

/// States the estimate at the vault's costs, once, after the passphrase is set.
pub fn report(e: &Estimate, costs: &Costs, secs_per_guess: Option<f64>) {
    errln!(
        "Passphrase: {}",
        strength::describe(e, costs, secs_per_guess)
    );
}

/// Shows a freshly generated passphrase on the terminal (never on stdout or stderr, which may
/// be a log), then asks for it back once.
fn generated() -> Result<Passphrase> {
    if !can_prompt() {
        return Err(Error::Usage(
            "--generate-passphrase needs a terminal: it shows the new passphrase once and asks you to type it back.".into(),
        ));
    }
    let list = gsl_vault::words::wordlist();
    let mut raw = zeroize::Zeroizing::new([0u8; 2 * GENERATED_WORDS]);
    fill_random(&mut raw[..])?;
    let mut words = SecretBytes::with_capacity(GENERATED_WORDS * 9);
    for (i, pair) in raw.chunks(2).enumerate() {
        if i > 0 {
            words.extend(b" ")?;
        }
        let index = (usize::from(pair[0]) << 8 | usize::from(pair[1])) & 1023;
        words.extend(list[index].as_bytes())?;
    }
    let bits = GENERATED_WORDS * 10;
    let shown = zeroize::Zeroizing::new(format!(
        "\nYour new vault passphrase: {GENERATED_WORDS} words drawn at random from gsl-vault's list of 1024, {bits} bits.\nWrite it down now, on paper; it is not shown again:\n\n    {}\n\n",
        String::from_utf8_lossy(words.expose())
    ));
    let mut tty = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .map_err(|e| Error::io("the terminal", e))?;
    tty.write_all(shown.as_bytes())
        .map_err(|e| Error::io("the terminal", e))?;
    drop(shown);
    for _ in 0..3 {
        let back = prompt_hidden("Type it back, to show it is written down: ")?;
        if gsl_vault::crypto::ct_eq(back.as_bytes(), words.expose()) {
            return Passphrase::new(words.expose(), "the generator");
        }
        errln!(
            "That is not the passphrase shown above; compare it word by word and type it again."
        );
    }
    Err(Error::Usage(
        "the passphrase typed back differs three times; nothing was written. Run the command again."
            .into(),
    ))
}
