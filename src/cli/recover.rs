//! `gsl-vault recover` (a quorum of shares) and `gsl-vault open` (the passphrase): the two ways
//! to reveal the master key.

use gsl_vault::error::{Error, Result};
use gsl_vault::format::{FileKind, Policy};

use super::args::{OpenArgs, RecoverArgs};
use super::load::Vaults;
use super::output::reveal_which;
use super::prompt::{one_stdin, passphrase};
use super::report::{Exit, refusal};
use super::shares::unlock;
use super::source;

pub fn recover(a: &RecoverArgs, vaults: &Vaults) -> Result<Exit> {
    one_stdin(a.passphrase_file.as_deref(), &a.input, &a.copies)?;
    if let Some(o) = &a.output
        && o.exists()
    {
        return Err(Error::Other(format!(
            "{} already exists: choose another path (the master key is never written over a file).",
            gsl_vault::fsio::shown(o)
        )));
    }
    let t = source::open(vaults, a.vault.as_deref(), &a.input, &a.copies, |v| {
        usize::from(v.body.threshold)
    })?;
    let v = t.vault;
    // A vault file is vouched for by the pin only; the copies the shares carry, by their quorum.
    if v.kind == FileKind::Vault && !vaults.pinned() && !t.intake.copies.is_empty() {
        errln!(
            "gsl-vault: warning: vault {} is not pinned (--expect-fingerprint). If it did not come from the owner, recover from the copies your shares carry instead (gsl-vault recover SHARE...): their quorum vouches for those.",
            v.path
        );
    }
    let out = unlock(&v, t.intake, a.passphrase_file.as_deref())?;
    for r in &out.rejected {
        errln!("gsl-vault: warning: {}", refusal(r));
    }
    match v.kind {
        FileKind::Copy => errln!(
            "Recovered with the shares of {}, from {}.",
            out.accepted.join(", "),
            source::describe_copy(&v)
        ),
        FileKind::Vault => errln!("Recovered with the shares of {}.", out.accepted.join(", ")),
    }
    reveal_which(
        &v,
        &out.vk,
        &a.entry,
        a.output.as_deref(),
        super::output::Show::new(a.json, a.watch, vaults),
    )?;
    Ok(Exit::Ok)
}

pub fn open(a: &OpenArgs, vaults: &Vaults) -> Result<Exit> {
    let v = vaults.load(&a.vault)?;
    if v.body.policy != Policy::Either {
        return Err(Error::Usage(format!(
            "vault {} has policy {}: the passphrase alone cannot open it; use gsl-vault recover {} SHARE...",
            gsl_vault::fsio::shown(&a.vault),
            v.body.policy.as_str(),
            gsl_vault::fsio::shown(&a.vault)
        )));
    }
    if let Some(o) = &a.output
        && o.exists()
    {
        return Err(Error::Other(format!(
            "{} already exists: choose another path (the master key is never written over a file).",
            gsl_vault::fsio::shown(o)
        )));
    }
    // Typed at a prompt, a wrong passphrase is asked again (three tries); from a file, once.
    let at_prompt = a
        .passphrase_file
        .as_deref()
        .is_none_or(super::prompt::typed_stdin);
    let mut tries = if at_prompt { 3 } else { 1 };
    let vk = loop {
        let p = passphrase(a.passphrase_file.as_deref(), false, "Vault passphrase")?;
        tries -= 1;
        match v.unlock_passphrase(&p) {
            Err(e @ Error::Unlock(_)) if tries > 0 => {
                errln!(
                    "{} {tries} more tr{}.",
                    super::report::sentence(&e),
                    if tries == 1 { "y" } else { "ies" }
                );
            }
            r => break r?,
        }
    };
    reveal_which(
        &v,
        &vk,
        &a.entry,
        a.output.as_deref(),
        super::output::Show::new(a.json, a.watch, vaults),
    )?;
    Ok(Exit::Ok)
}
