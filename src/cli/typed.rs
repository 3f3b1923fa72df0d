//! Typing shares at a terminal, word by word: the first four letters are enough, a word not in
//! the list is refused at once, a failed checksum names the suspect word (which is asked again;
//! nothing is corrected for the user), and shares are asked until enough are in.

use std::io::{BufRead, Write};

use zeroize::Zeroizing;

use gsl_vault::error::{Error, Result};
use gsl_vault::share::{SHARE_WORDS, ShareCode};
use gsl_vault::vault::{Offered, Vault};
use gsl_vault::words;

fn read_line(prompt: &str) -> Result<Zeroizing<String>> {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{prompt}");
    let _ = err.flush();
    let mut line = Zeroizing::new(String::with_capacity(256));
    let n = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("the terminal", e))?;
    if n == 0 {
        return Err(Error::Usage(
            "input ended before the share was complete; nothing was changed.".into(),
        ));
    }
    Ok(line)
}

/// Reads one share's 36 words. Returns the word indices.
fn type_words(label: &str) -> Result<Zeroizing<Vec<u16>>> {
    let mut w: Zeroizing<Vec<u16>> = Zeroizing::new(Vec::with_capacity(SHARE_WORDS));
    while w.len() < SHARE_WORDS {
        let line = read_line(&format!("{label}, word {}: ", w.len() + 1))?;
        for tok in line.split_whitespace() {
            if tok.eq_ignore_ascii_case("restart") {
                w.clear();
                errln!("  Starting {label} again from word 1.");
                break;
            }
            match words::lookup(tok) {
                Some(i) if w.len() < SHARE_WORDS => w.push(i),
                Some(_) => {}
                None => {
                    let near = words::near_words(tok);
                    let hint = if near.is_empty() {
                        String::new()
                    } else {
                        format!(" (it may be {})", near.join(" or "))
                    };
                    errln!(
                        "  Word {} is not in the word list{hint}: compare it with the paper and type it again.",
                        w.len() + 1
                    );
                    break;
                }
            }
        }
    }
    Ok(w)
}

/// Asks for shares until `needed` of them are valid for `v`.
pub fn type_shares(v: &Vault, needed: usize) -> Result<Vec<Offered>> {
    errln!(
        "Type {} share{} of vault {} ({}), one word at a time; the first four letters of each word are enough. Type 'restart' to start a share again.",
        needed,
        if needed == 1 { "" } else { "s" },
        v.body.label,
        v.fingerprint()
    );
    let mut accepted: Vec<Offered> = Vec::new();
    let mut attempt = 0;
    while accepted.len() < needed {
        attempt += 1;
        let label = format!("Share {}", accepted.len() + 1);
        let source = format!("#{attempt} (typed)");
        let mut w = type_words(&label)?;
        let code = loop {
            match ShareCode::from_words(&w, &source) {
                Ok(c) => break Some(c),
                // One wrong word explains the checksum: ask for that word only.
                Err(
                    e @ Error::Checksum {
                        suspect: Some(p), ..
                    },
                ) => {
                    errln!("  {e}");
                    let line = read_line(&format!("{label}, word {} again: ", p + 1))?;
                    match line.split_whitespace().next().and_then(words::lookup) {
                        Some(i) => w[p] = i,
                        None => errln!("  That is not a word from the list."),
                    }
                }
                // Two neighbours exchanged: ask for those two words only.
                Err(
                    e @ Error::Checksum {
                        swapped: Some(p), ..
                    },
                ) => {
                    errln!("  {e}");
                    let line =
                        read_line(&format!("{label}, words {} and {} again: ", p + 1, p + 2))?;
                    let mut typed = line.split_whitespace().map(words::lookup);
                    match (typed.next().flatten(), typed.next().flatten()) {
                        (Some(a), Some(b)) => {
                            w[p] = a;
                            w[p + 1] = b;
                        }
                        _ => errln!("  Type the two words from the list, in the paper's order."),
                    }
                }
                Err(e) => {
                    errln!("  {e}");
                    errln!("  Type {label} again from the start.");
                    break None;
                }
            }
        };
        let Some(code) = code else { continue };
        match v.check_share(&source, &code) {
            Ok(c) if accepted.iter().any(|o| o.code.point.x == code.point.x) => {
                errln!(
                    "  That is {}'s share again: it counts once. Type another custodian's share.",
                    c.name
                );
            }
            Ok(c) => {
                errln!(
                    "  ok: that is {}'s share ({} of {}).",
                    c.name,
                    c.index,
                    v.body.custodians.len()
                );
                let name = c.name.clone();
                accepted.push(Offered {
                    source: format!("{name}'s typed share"),
                    code,
                });
            }
            Err(e) => errln!("  {}", super::report::sentence(&e)),
        }
    }
    Ok(accepted)
}
