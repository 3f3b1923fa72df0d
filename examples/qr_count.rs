//! How many QR codes the command line reads in each picture (the reader `check-share`,
//! `recover --copy` and `init --totp-qr-file` use): `cargo run --release --example qr_count --
//! PICTURE...` prints one line per picture, `COUNT<TAB>PATH`. The photo benchmark
//! (recovery-page/bench/photos.mjs) compares it with zbarimg and the recovery page.

fn main() {
    for path in std::env::args().skip(1) {
        let n = match std::fs::read(&path) {
            Ok(bytes) => gsl_vault::qrimage::texts(&bytes, &path).map_or(0, |t| t.len()),
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        println!("{n}\t{path}");
    }
}
