//! gsl-vault's estimate of each passphrase read from standard input (one per line), with the
//! label and names given as arguments: prints `LOG10_GUESSES<TAB>PASSPHRASE`. The comparison with
//! Python's zxcvbn in SECURITY.md ("Passphrase strength") is made with
//! `scripts/passphrase-estimates.py`, which runs it.

use std::io::BufRead as _;

fn main() {
    let inputs: Vec<String> = std::env::args().skip(1).collect();
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let e = gsl_vault::strength::estimate(&line, &refs);
        println!("{:.1}\t{line}", e.log10_guesses);
    }
}
