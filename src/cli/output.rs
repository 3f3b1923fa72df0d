//! What commands print: JSON on stdout, and a revealed master key to a file or stdout.

use std::path::Path;

use gsl_vault::error::{Error, Result};
use gsl_vault::fsio;

/// Prints a JSON value on stdout.
pub fn print_json(v: &serde_json::Value) {
    outln!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

/// Writes a revealed secret to `out` (0600, no clobber) or stdout.
pub fn reveal(bytes: &[u8], out: Option<&Path>) -> Result<()> {
    use std::io::Write;
    match out {
        Some(p) => {
            fsio::write_atomic(p, bytes, false)?;
            eprintln!(
                "The master key is in {} (mode 0600). Delete it once you have used it.",
                p.display()
            );
            Ok(())
        }
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(bytes)
                .and_then(|_| o.write_all(b"\n"))
                .and_then(|_| o.flush())
                .map_err(|e| Error::io("standard output", e))
        }
    }
}
