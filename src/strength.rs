//! How strong a new passphrase is, and what it costs an offline attacker at a vault's Argon2id
//! costs (SECURITY.md, "Passphrase strength"). The estimate is zxcvbn's (guesses, and the pattern
//! feedback it gives); the attacker model is stated here and in SECURITY.md. Nothing of it is
//! stored: the estimate is shown once, when the passphrase is set.

use crate::costs::Costs;

/// A passphrase zxcvbn estimates at fewer guesses than 10^this is refused (its score 4 starts
/// here): it falls to a dictionary attack.
pub const MIN_LOG10_GUESSES: f64 = 10.0;

/// The attacker's card: memory bandwidth in bytes per second (an RTX 4090-class GPU, 1 TB/s)
/// and memory (24 GiB). Argon2id moves about 3 KiB per 1 KiB block (two reads and a write)
/// for every block of every pass, so one guess moves `3 x memory x passes` bytes.
pub const GPU_BANDWIDTH: f64 = 1.0e12;
/// The card's memory, which bounds how many guesses run side by side.
pub const GPU_MEMORY_KIB: f64 = 24.0 * 1024.0 * 1024.0;
/// The attacker's budget in the plain-words estimate: a thousand GPU-days (some tens of
/// thousands of dollars rented, 2026 prices).
pub const BUDGET_GPU_DAYS: f64 = 1000.0;

/// zxcvbn's estimate of a passphrase.
pub struct Estimate {
    /// log10 of the guesses zxcvbn needs.
    pub log10_guesses: f64,
    /// What zxcvbn says is wrong with it, and how to do better (empty when nothing).
    pub feedback: String,
}

impl Estimate {
    /// Whether it resists a dictionary attack ([`MIN_LOG10_GUESSES`]).
    pub fn strong(&self) -> bool {
        self.log10_guesses >= MIN_LOG10_GUESSES
    }
}

/// The shipped list of well-known phrases (its source and licence are in its header).
const PHRASES: &str = include_str!("phrases.txt");

/// Words an attacker adds to the vault's label and names when guessing a passphrase about it:
/// the exchange, the lock, and what a passphrase is called (issue 28, item 4).
const ABOUT_WORDS: &[&str] = &[
    "kraken",
    "exchange",
    "gsl",
    "global",
    "settings",
    "setting",
    "lock",
    "master",
    "key",
    "keys",
    "password",
    "passwords",
    "passphrase",
    "pass",
    "word",
    "secret",
    "vault",
    "account",
    "login",
    "code",
    "codes",
    "recovery",
    "backup",
    "crypto",
    "bitcoin",
    "btc",
    "my",
    "our",
    "the",
    "a",
    "for",
    "of",
    "and",
    "main",
    "new",
    "old",
];

/// `text` in lower case, letters only, after look-alike characters are read as letters (0 as
/// o, 3 as e, @ as a, ...); trailing digits and symbols (a year, a "1!") are dropped first.
fn letters(text: &str, leet: bool) -> zeroize::Zeroizing<String> {
    let lower = lowercase(text, |_| true);
    let trimmed = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let mut out = zeroize::Zeroizing::new(String::with_capacity(trimmed.len()));
    out.extend(trimmed.chars().filter_map(|c| match (leet, c) {
        (true, '0') => Some('o'),
        (true, '1' | '!' | '|') => Some('i'),
        (true, '3') => Some('e'),
        (true, '4' | '@') => Some('a'),
        (true, '5' | '$') => Some('s'),
        (true, '7') => Some('t'),
        (true, '8') => Some('b'),
        (_, c) if c.is_alphabetic() => Some(c),
        _ => None,
    }));
    out
}

/// `text` in lower case, only the characters `keep` keeps, in a string sized once (lower case
/// takes at most three times the bytes), so that no copy of a passphrase is left unwiped.
fn lowercase(text: &str, keep: impl Fn(char) -> bool) -> zeroize::Zeroizing<String> {
    let mut out = zeroize::Zeroizing::new(String::with_capacity(3 * text.len()));
    out.extend(
        text.chars()
            .flat_map(char::to_lowercase)
            .filter(|&c| keep(c)),
    );
    out
}

/// The shipped phrases, one per line (comments and blank lines left out).
fn phrases() -> impl Iterator<Item = &'static str> {
    PHRASES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
}

/// The shortest unit `s` is made of, repeated (`s` itself when it is no repetition), and how
/// many times.
fn unit_of(s: &str) -> (&str, usize) {
    let n = s.len();
    for len in 1..=n / 2 {
        if n.is_multiple_of(len)
            && s.is_char_boundary(len)
            && s.as_bytes().chunks(len).all(|c| c == &s.as_bytes()[..len])
        {
            return (&s[..len], n / len);
        }
    }
    (s, 1)
}

/// Whether the passphrase, read as letters, is a well-known phrase of the shipped list (or one
/// repeated).
fn well_known(pass: &str) -> bool {
    // Digits and symbols are dropped to read it as letters, but only a few: a phrase with a
    // long run of digits in it is for zxcvbn to judge (it knows the phrases too).
    let dropped = pass
        .chars()
        .filter(|c| !c.is_alphabetic() && !c.is_whitespace())
        .count();
    if dropped > 4 {
        return false;
    }
    let forms: Vec<zeroize::Zeroizing<String>> = [letters(pass, true), letters(pass, false)]
        .into_iter()
        .filter(|f| f.len() >= 4)
        .flat_map(|f| {
            let unit = zeroize::Zeroizing::new(unit_of(&f).0.to_string());
            [f, unit]
        })
        .collect();
    phrases()
        .map(|l| letters(l, false))
        .any(|p| forms.contains(&p))
}

/// Whether the passphrase, read as letters, holds one of the shipped phrases (of 8 letters or
/// more) inside it.
fn contains_known(pass: &str) -> bool {
    let forms = [letters(pass, true), letters(pass, false)];
    phrases()
        .map(|l| letters(l, false))
        .filter(|p| p.len() >= 8)
        .any(|p| forms.iter().any(|f| f.contains(p.as_str())))
}

/// Whether `s` (letters and digits) splits entirely into `words` and runs of digits.
fn made_of(s: &str, words: &[String]) -> bool {
    let b = s.as_bytes();
    let mut reach = vec![false; b.len() + 1];
    reach[0] = true;
    for i in 0..b.len() {
        if !reach[i] {
            continue;
        }
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        for k in 1..=digits {
            reach[i + k] = true;
        }
        for w in words {
            if !w.is_empty() && b[i..].starts_with(w.as_bytes()) {
                reach[i + w.len()] = true;
            }
        }
    }
    reach[b.len()]
}

/// Whether the passphrase is made only of the vault's label and names (clear text in the
/// vault file), the exchange's name, words like "key" or "password", digits and years.
fn only_about_the_vault(pass: &str, inputs: &[&str]) -> bool {
    let mut words: Vec<String> = ABOUT_WORDS.iter().map(|w| w.to_string()).collect();
    for i in inputs {
        for t in i.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
            if !t.is_empty() {
                words.push(t.to_string());
            }
        }
    }
    // Longest first, so that the split tries whole names before their prefixes.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let squeezed = lowercase(pass, char::is_alphanumeric);
    // Digits count as free only for a year or a short number: a long run of them is strength.
    let digits = squeezed.chars().filter(char::is_ascii_digit).count();
    !squeezed.is_empty() && digits <= 4 && made_of(&squeezed, &words)
}

/// zxcvbn's estimate of `pass`, with `inputs` (the label, the custodians' names) counted as
/// words an attacker would try first; lowered to nothing for a well-known phrase or one made
/// only of words about the vault, and for a repetition to the estimate of what is repeated.
pub fn estimate(pass: &str, inputs: &[&str]) -> Estimate {
    if well_known(pass) {
        return Estimate {
            log10_guesses: 0.0,
            feedback: "It is a well-known phrase (a quote, a song, a saying or a famous example): it is in lists attackers try first.".into(),
        };
    }
    let mut e = zxcvbn_estimate(pass, inputs);
    // zxcvbn's own reason when it already finds it weak, in plain words when a well-known
    // phrase is what makes it so.
    if !e.strong() {
        if contains_known(pass) {
            e.feedback = "It is built on a well-known phrase (a quote, a song, a saying or a famous example): those are in lists attackers try first.".into();
        }
        return e;
    }
    if only_about_the_vault(pass, inputs) {
        return Estimate {
            log10_guesses: 0.0,
            feedback: "It is made only of the vault's label or a custodian's name (written in clear in the vault file), the exchange's name, words like \"key\" or \"password\" and numbers: attackers try those first.".into(),
        };
    }
    // A repetition costs little more than what is repeated (words, or the whole string).
    let tokens: Vec<&str> = pass.split_whitespace().collect();
    let mut firsts: Vec<&str> = Vec::new();
    for t in &tokens {
        if !firsts.iter().any(|f| f.eq_ignore_ascii_case(t)) {
            firsts.push(t);
        }
    }
    let squeezed = letters(pass, false);
    let (unit, times) = unit_of(&squeezed);
    let mut candidates: Vec<(zeroize::Zeroizing<String>, f64)> = Vec::new();
    if firsts.len() < tokens.len() {
        let extra = ((tokens.len() - firsts.len()) as f64 + 1.0).log10() + 1.0;
        candidates.push((zeroize::Zeroizing::new(firsts.join(" ")), extra));
    }
    if times > 1 {
        candidates.push((
            zeroize::Zeroizing::new(unit.to_string()),
            (times as f64).log10(),
        ));
    }
    for (shorter, extra) in candidates {
        let r = zxcvbn_estimate(&shorter, inputs);
        if r.log10_guesses + extra < e.log10_guesses {
            e = Estimate {
                log10_guesses: r.log10_guesses + extra,
                feedback:
                    "It repeats itself: a repetition adds almost nothing to what is repeated."
                        .into(),
            };
        }
    }
    e
}

/// zxcvbn's own estimate, with the label and names as its user inputs, and the well-known
/// phrases too (spaced and run together), so that a phrase inside a passphrase counts as one
/// guess ("correct horse battery staple x").
fn zxcvbn_estimate(pass: &str, inputs: &[&str]) -> Estimate {
    let mut words: Vec<String> = Vec::new();
    for i in inputs {
        words.push(i.to_string());
        words.extend(i.split_whitespace().map(str::to_string));
    }
    for p in phrases() {
        words.push(p.to_lowercase());
        words.push(letters(p, false).to_string());
    }
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    if pass.is_empty() {
        return Estimate {
            log10_guesses: 0.0,
            feedback: String::new(),
        };
    }
    let e = zxcvbn::zxcvbn(pass, &refs);
    let mut feedback = String::new();
    if let Some(f) = e.feedback() {
        if let Some(w) = f.warning() {
            feedback.push_str(&w.to_string());
        }
        for s in f.suggestions() {
            if !feedback.is_empty() {
                feedback.push(' ');
            }
            feedback.push_str(&s.to_string());
        }
    }
    // A passphrase made of the vault's own label or a custodian's name is the first guess.
    // Copies of the passphrase, wiped when dropped (zxcvbn's own are documented in SECURITY.md).
    let lower = lowercase(pass, |_| true);
    let squeezed = lowercase(pass, |c| c != ' ');
    let own = inputs.iter().any(|i| {
        let i = i.to_lowercase();
        !i.is_empty()
            && (crate::crypto::ct_eq(lower.as_bytes(), i.as_bytes())
                || crate::crypto::ct_eq(squeezed.as_bytes(), i.replace(' ', "").as_bytes()))
    });
    if own {
        return Estimate {
            log10_guesses: 0.0,
            feedback:
                "It is the vault's label or a custodian's name, which an attacker tries first."
                    .into(),
        };
    }
    Estimate {
        log10_guesses: e.guesses_log10(),
        feedback,
    }
}

/// Guesses per second of one attacker's GPU at `costs`: bandwidth-bound, and no more side by
/// side than its memory holds (lanes of one guess share its memory).
pub fn gpu_guesses_per_second(costs: &Costs) -> f64 {
    let m = f64::from(costs.memory_kib);
    let t = f64::from(costs.iterations);
    let bandwidth_bound = GPU_BANDWIDTH / (3.0 * 1024.0 * m * t);
    // With fewer guesses in memory than the card has memory channels to keep busy, it slows;
    // under 8 side by side, count only what fits.
    let side_by_side = (GPU_MEMORY_KIB / m).floor();
    if side_by_side < 8.0 {
        bandwidth_bound * side_by_side / 8.0
    } else {
        bandwidth_bound
    }
}

/// A duration in plain words (seconds to millions of years).
pub fn plain_duration(secs: f64) -> String {
    const YEAR: f64 = 365.25 * 86_400.0;
    let (v, unit) = if secs < 60.0 {
        (secs, "seconds")
    } else if secs < 3600.0 {
        (secs / 60.0, "minutes")
    } else if secs < 86_400.0 {
        (secs / 3600.0, "hours")
    } else if secs < YEAR {
        (secs / 86_400.0, "days")
    } else if secs < 1e6 * YEAR {
        (secs / YEAR, "years")
    } else {
        return format!("{} million years", round3(secs / YEAR / 1e6));
    };
    format!("{} {unit}", round3(v))
}

/// Three significant digits, with thousands separated, for people.
pub fn round3(v: f64) -> String {
    if !v.is_finite() || v <= 0.0 {
        return "0".into();
    }
    let digits = v.log10().floor() as i32;
    let scale = 10f64.powi(digits - 2);
    let r = (v / scale).round() * scale;
    if r >= 1000.0 {
        let s = format!("{r:.0}");
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else if r >= 100.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.*}", (2 - digits).max(0) as usize)
    }
}

/// What the estimate means at `costs`, in a few sentences: guesses, one GPU's rate, what the
/// stated budget covers, and (when measured) this machine's time per guess.
pub fn describe(e: &Estimate, costs: &Costs, machine_secs_per_guess: Option<f64>) -> String {
    let rate = gpu_guesses_per_second(costs);
    // On average an attacker finds it after half of the guesses.
    let half = 10f64.powf(e.log10_guesses) / 2.0;
    let secs_with_budget = half / (rate * BUDGET_GPU_DAYS);
    let mut s = format!(
        "an attacker needs at most about 10^{:.0} guesses to find this passphrase (zxcvbn's estimate; an upper bound: a list we do not know of may hold it). At this vault's Argon2id costs ({}) one attacker's GPU (1 TB/s, 24 GiB) tries about {} guesses a second; with {} GPUs working in parallel, finding it would take at most about {} on average.",
        e.log10_guesses.floor(),
        costs.describe(),
        round3(rate),
        round3(BUDGET_GPU_DAYS),
        plain_duration(secs_with_budget)
    );
    if let Some(t) = machine_secs_per_guess {
        s.push_str(&format!(" This machine takes {} s per guess.", round3(t)));
    }
    s
}
