//! Shares as the command line takes them: files, `-` for standard input, or, with none named at
//! a terminal, typed word by word; age keys from `-i` and `--share-passphrase-file`, and a
//! prompt for each passphrase-protected share the known passphrases do not open.

use std::path::Path;

use gsl_vault::custodian::Keys;
use gsl_vault::error::{Error, Result};
use gsl_vault::format::Policy;
use gsl_vault::fsio;
use gsl_vault::intake::{self, Intake};
use gsl_vault::secret::{MAX_PASSPHRASE, Passphrase, SharePassphrase};
use gsl_vault::vault::{QuorumOutcome, Vault};

use super::args::ShareInput;
use super::prompt::{can_prompt, passphrase, prompt_secret};

/// Reads the shares of `input` for vault `v` (none yet when a recovery copy is still to be
/// found in them). With no share named, on a terminal, shares are typed until `needed` valid
/// ones are in.
pub fn read_shares(input: &ShareInput, v: Option<&Vault>, needed: usize) -> Result<Intake> {
    let paths = &input.shares;
    if paths.is_empty() {
        if !can_prompt() {
            return Err(Error::Usage(
                "name the share files (or - to read one from standard input), or run on a terminal to type the shares.".into(),
            ));
        }
        let Some(v) = v else {
            return Err(Error::Usage(
                "to type shares, name the vault file or give a recovery copy (--copy FILE).".into(),
            ));
        };
        return Ok(Intake {
            offered: super::typed::type_shares(v, needed)?,
            ..Intake::default()
        });
    }
    let dashes = paths
        .iter()
        .filter(|p| p.as_path() == Path::new("-"))
        .count();
    if dashes > 1 {
        return Err(Error::Usage(
            "standard input (-) can be given as a share only once.".into(),
        ));
    }
    if dashes == 1 && can_prompt() {
        // Read to the end of input: at a terminal, say what to type and how to finish.
        errln!(
            "Type or paste the share: its 36 words (the first four letters of each are enough) or its compact form. Then press Enter, and Ctrl-D to finish."
        );
    }
    let mut keys = Keys::default();
    for f in &input.identities {
        keys.add_identity_file(f)?;
    }
    for f in &input.share_passphrase_files {
        let raw = fsio::read_secret_path(f, MAX_PASSPHRASE)?;
        keys.add_passphrase(&SharePassphrase::new(
            raw,
            &gsl_vault::fsio::shown(f).to_string(),
        )?);
    }
    let names: Vec<&str> = v
        .iter()
        .flat_map(|v| {
            v.body
                .custodians
                .iter()
                .chain(v.body.pending.iter().flat_map(|p| p.custodians.iter()))
        })
        .map(|c| c.name.as_str())
        .collect();
    // Each custodian has a passphrase of their own: ask for it at the terminal, share by share.
    let mut ask = |source: &str, known: bool| -> Result<Option<SharePassphrase>> {
        if can_prompt() {
            let raw = prompt_secret(
                &format!("Passphrase of share {source}: "),
                MAX_PASSPHRASE,
                "the share passphrase",
            )?;
            return SharePassphrase::new(raw, "the terminal").map(Some);
        }
        if !known {
            return Err(Error::Usage(format!(
                "share {source} is protected by its custodian's passphrase and there is no terminal to ask for it: give --share-passphrase-file F."
            )));
        }
        Ok(None)
    };
    intake::read_shares(paths, &mut keys, &names, &mut ask)
}

/// Unlocks a quorum of the shares read (with the passphrase under policy `both`). Shares that
/// could not be read are refusals like any other: named if a quorum is missing.
pub fn unlock(v: &Vault, intake: Intake, pass_file: Option<&Path>) -> Result<QuorumOutcome> {
    let pass = both_passphrase(v, pass_file)?;
    v.unlock_quorum(&intake.offered, intake.refused, pass.as_ref())
}

/// The passphrase a quorum needs beside it under policy `both` (asked, or read from a file);
/// none under the other policies.
pub fn both_passphrase(v: &Vault, pass_file: Option<&Path>) -> Result<Option<Passphrase>> {
    if v.body.policy == Policy::Both {
        Ok(Some(passphrase(pass_file, false, "Vault passphrase")?))
    } else {
        Ok(None)
    }
}
