//! The command line: parse, dispatch, report. Each command is a function from its parsed
//! arguments to an exit code, in its own file; `report` turns a library error into the sentence
//! the user sees (with what to do next) and its exit code.

/// `println!` that does not panic when stdout is closed (`gsl-vault status | head -1`).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `eprintln!` that never panics: a closed stderr or a broken pipe must not end in exit 101.
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

mod args;
mod auth;
mod calibrate;
mod check;
mod copies;
mod demo;
mod docs;
mod drill;
mod handout;
mod init;
mod issue;
mod kit;
mod load;
mod newpass;
mod output;
mod passwd;
mod policy;
mod prompt;
mod prove;
mod recover;
mod recovery_page;
mod report;
mod reshare;
mod set_secret;
mod shares;
mod source;
mod state;
mod status;
mod totp;
mod typed;

use args::{Cli, Command};
pub use report::Exit;

/// Parses the command line, runs the command and returns the exit code.
/// `--version`: the version, the commit it was built from (from a git checkout), and the
/// SHA-256 of the recovery page it writes (the number printed on every kit).
fn long_version() -> &'static str {
    let commit = option_env!("GSL_VAULT_COMMIT").filter(|c| !c.is_empty());
    let text = format!(
        "{}{}\nrecovery page SHA-256: {}",
        env!("CARGO_PKG_VERSION"),
        commit.map(|c| format!(" (commit {c})")).unwrap_or_default(),
        gsl_vault::page::sha256_hex(gsl_vault::page::PAGE)
    );
    // Once per run, for clap's `'static` text.
    Box::leak(text.into_boxed_str())
}

pub fn run() -> Exit {
    use clap::FromArgMatches as _;
    let cli = match args::command()
        .long_version(long_version())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Exit::Ok
                }
                _ => Exit::Usage,
            };
        }
    };
    let vaults = match load::Vaults::new(cli.expect_fingerprint.as_deref(), cli.expect_generation) {
        Ok(v) => v,
        Err(e) => return report::fail(&e),
    };
    calibrate::install_spinner(cli.quiet);
    let result = match cli.command {
        Command::Init(a) => init::run(a),
        Command::Status(a) => status::run(&a, &vaults),
        Command::CheckShare(a) => check::run(&a, &vaults),
        Command::Drill(a) => drill::run(&a, &vaults),
        Command::Recover(a) => recover::recover(&a, &vaults),
        Command::Open(a) => recover::open(&a, &vaults),
        Command::Kit(a) => kit::run(&a, &vaults),
        Command::Reshare(a) => reshare::run(&a, &vaults),
        Command::Passwd(a) => passwd::run(&a, &vaults),
        Command::SetSecret(a) => set_secret::run(&a, &vaults),
        Command::Copies(a) => copies::run(&a, &vaults),
        Command::Policy(a) => policy::run(&a, &vaults),
        Command::RecoveryPage(a) => recovery_page::run(&a),
        Command::Prove(a) => prove::prove(&a),
        Command::Attest(a) => prove::attest(&a, &vaults),
        Command::Calibrate(a) => calibrate::run(a.target, a.max_memory, a.json),
        Command::HandedOut(a) => handout::run(&a, &vaults),
        Command::Demo(a) => demo::run(a.keep.as_deref()),
        Command::Completions(a) => docs::completions(&a.shell),
        Command::Man(a) => docs::man(&a.output, a.force),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => report::fail(&e),
    };
    // Issue 28, item 8: a change written and renamed into place, whose folder then failed to
    // sync, is in force: say exactly that, with its own exit code, rather than a failure.
    let unsynced = gsl_vault::fsio::take_not_durable();
    if unsynced.is_empty() {
        return code;
    }
    for (file, why) in &unsynced {
        errln!(
            "gsl-vault: warning: {file} was written and is in force, but its folder could not then be synced to disk ({why}): the change may not survive a power cut or a crash of the system. Check the disk; after a restart, gsl-vault status shows which version is there."
        );
    }
    if code == Exit::Ok {
        Exit::NotDurable
    } else {
        code
    }
}
