//! The `gsl-vault` binary: process hygiene, then the CLI.
#![deny(unsafe_code)]

mod cli;

fn main() {
    gsl_vault::hygiene::harden_process();
    let code = cli::run();
    std::process::exit(code as i32);
}
