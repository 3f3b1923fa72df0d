//! Shell completions and manual pages, generated from the clap definitions themselves
//! (clap_complete, clap_mangen), so that they never drift from the commands.

use std::path::Path;

use gsl_vault::error::{Error, Result};

use super::report::Exit;

pub fn completions(shell: &str) -> Result<Exit> {
    use clap_complete::Shell;
    let shell = match shell {
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        _ => Shell::Bash,
    };
    let mut cmd = super::args::command();
    // Into a buffer first: the generator panics on a closed pipe, which must not happen here.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "gsl-vault", &mut script);
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(&script).and_then(|()| out.flush()) {
        Ok(()) => Ok(Exit::Ok),
        // The reader stopped early (`| head`): nothing more to say.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Exit::Ok),
        Err(e) => Err(Error::io("standard output", e)),
    }
}

/// Writes `gsl-vault.1` and `gsl-vault-COMMAND.1` for every command into `dir`.
pub fn man(dir: &Path, force: bool) -> Result<Exit> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(gsl_vault::fsio::shown(dir), e))?;
    let cmd = super::args::command();
    write_page(dir, "gsl-vault", cmd.clone(), force)?;
    for sub in cmd.get_subcommands() {
        let name = format!("gsl-vault-{}", sub.get_name());
        write_page(dir, &name, sub.clone(), force)?;
    }
    errln!(
        "Manual pages written to {}: read one with man {}/gsl-vault.1, or install them in a man folder (README.md, \"Install\").",
        gsl_vault::fsio::shown(dir),
        gsl_vault::fsio::shown(dir)
    );
    Ok(Exit::Ok)
}

fn write_page(dir: &Path, name: &str, cmd: clap::Command, force: bool) -> Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .title(name)
        .render(&mut out)
        .map_err(|e| Error::io("a manual page", e))?;
    let path = dir.join(format!("{name}.1"));
    gsl_vault::fsio::write_atomic(&path, &out, force)
}
