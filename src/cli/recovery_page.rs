//! `gsl-vault recovery-page`: writes `recover.html`, the offline recovery page, with the
//! vault's recovery copy in it when one is given, and prints its SHA-256 so that a custodian
//! can check the file they were given.

use std::path::Path;

use gsl_vault::error::{Error, Result};
use gsl_vault::fsio;
use gsl_vault::intake::source_name;
use gsl_vault::vault::Vault;
use serde_json::json;

use super::args::RecoveryPageArgs;
use super::report::Exit;

/// Writes the page (with `copy` in it, if given) to `path`; returns its SHA-256 (hex).
pub fn write_page(path: &Path, copy: Option<&[u8]>, force: bool) -> Result<String> {
    let page = gsl_vault::page::render(copy);
    fsio::write_atomic(path, page.as_bytes(), force)?;
    Ok(gsl_vault::page::sha256_hex(&page))
}

/// The recovery copy `file` holds, verified (its signature and fields), with the vault it is of.
fn read_copy(file: &Path) -> Result<(Vec<u8>, Vault)> {
    let source = source_name(file);
    let bytes = super::source::read_copy_bytes(file)?;
    let copy = match gsl_vault::copy::find(&bytes) {
        Some(Ok(c)) => c,
        Some(Err(what)) => {
            return Err(Error::Corrupt(format!(
                "the recovery copy in {source} {what}: use another custodian's copy, or issue a fresh one (gsl-vault copies VAULT)."
            )));
        }
        None => {
            return Err(Error::Usage(format!(
                "{source} holds no recovery copy: give a share file that carries one, a NAME.copy file from gsl-vault copies, or the text of a kit's page-2 QR code."
            )));
        }
    };
    let vault = Vault::parse_copy(&copy, &source)?;
    Ok((copy, vault))
}

pub fn run(a: &RecoveryPageArgs) -> Result<Exit> {
    let copy = a.copy.as_deref().map(read_copy).transpose()?;
    let sha = write_page(&a.output, copy.as_ref().map(|(c, _)| c.as_slice()), a.force)?;
    let shown = fsio::shown(&a.output);
    let about = copy.as_ref().map(|(_, v)| {
        json!({
            "label": v.body.label,
            "fingerprint": v.fingerprint().to_string(),
            "generation": v.generation(),
        })
    });
    if a.json {
        super::output::print_json(&json!({ "path": shown, "sha256": sha, "copy": about }));
        return Ok(Exit::Ok);
    }
    let carrying = match &copy {
        Some((_, v)) => format!(
            ", carrying the recovery copy of vault {} ({}), generation {}",
            v.body.label,
            v.fingerprint(),
            v.generation()
        ),
        None => String::new(),
    };
    outln!("Wrote {shown}: the offline recovery page{carrying}.");
    outln!("SHA-256: {sha}");
    outln!(
        "Give it to every custodian (it holds no share): they open it in any web browser, offline, and type their words. The SHA-256 above lets them check the file they were given."
    );
    Ok(Exit::Ok)
}
