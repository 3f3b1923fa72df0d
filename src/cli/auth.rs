//! What authorises a change to a vault: the passphrase, or a quorum of current shares (with the
//! passphrase too under policy `both`).

use std::path::Path;

use gsl_vault::error::Result;
use gsl_vault::format::Policy;
use gsl_vault::secret::{Passphrase, QuorumKey, VaultKey};
use gsl_vault::vault::Vault;

use super::args::ShareInput;
use super::prompt::{one_stdin, passphrase};
use super::report::refusal;
use super::shares::read_shares;

/// The vault key, and the quorum key and passphrase when they were given (some changes need
/// them).
pub struct Auth {
    pub vk: VaultKey,
    pub qk: Option<QuorumKey>,
    pub pass: Option<Passphrase>,
    /// The passphrase key, when the passphrase alone opened the vault.
    pub pk: Option<gsl_vault::secret::PassKey>,
}

/// How a change may be authorised.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Via {
    /// The passphrase alone where the policy allows it and no share is named.
    PassphraseOrQuorum,
    /// A quorum of shares, always (policy changes prove one first).
    Quorum,
}

/// Opens the vault with a quorum of current shares (policy `both`: and the passphrase), or, when
/// no share is named and the policy allows it, with the passphrase alone.
pub fn authorize(v: &Vault, input: &ShareInput, pass_file: Option<&Path>) -> Result<Auth> {
    authorize_via(v, input, pass_file, Via::PassphraseOrQuorum)
}

/// Opens the vault with a quorum of current shares, even where the passphrase alone would.
pub fn authorize_by_quorum(
    v: &Vault,
    input: &ShareInput,
    pass_file: Option<&Path>,
) -> Result<Auth> {
    authorize_via(v, input, pass_file, Via::Quorum)
}

fn authorize_via(
    v: &Vault,
    input: &ShareInput,
    pass_file: Option<&Path>,
    how: Via,
) -> Result<Auth> {
    one_stdin(pass_file, input, &[])?;
    if input.shares.is_empty() && v.body.policy == Policy::Either && how != Via::Quorum {
        let pass = passphrase(pass_file, false, "Vault passphrase")?;
        let (vk, pk) = v.unlock_passphrase_pk(&pass)?;
        return Ok(Auth {
            vk,
            qk: None,
            pass: Some(pass),
            pk: Some(pk),
        });
    }
    let intake = read_shares(input, Some(v), usize::from(v.body.threshold))?;
    let pass = if v.body.policy == Policy::Both {
        Some(passphrase(pass_file, false, "Vault passphrase")?)
    } else {
        None
    };
    for r in &intake.refused {
        errln!("gsl-vault: warning: {}", refusal(r));
    }
    let out = v.unlock_quorum(&intake.offered, Vec::new(), pass.as_ref())?;
    for r in &out.rejected {
        errln!("gsl-vault: warning: {}", refusal(r));
    }
    Ok(Auth {
        vk: out.vk,
        qk: out.qk,
        pass,
        pk: None,
    })
}

/// The passphrase, asked once where it is the one secret missing to upgrade a version 1 or 2
/// vault under policy `either` to version 3 (FORMAT.md): read from `--passphrase-file`, or asked
/// at a terminal, where an empty answer skips the upgrade (an owner who lost the passphrase and
/// came with shares). Anywhere else (a script with shares only) the vault stays as it is, and
/// the command says how to upgrade it.
pub fn ask_to_upgrade(v: &Vault, pass_file: Option<&Path>) -> Result<Option<Passphrase>> {
    if v.version >= 3 || v.body.policy != Policy::Either {
        return Ok(None);
    }
    if let Some(f) = pass_file {
        return passphrase(Some(f), false, "Vault passphrase").map(Some);
    }
    if !super::prompt::can_prompt() {
        return Ok(None);
    }
    let typed = super::prompt::prompt_hidden(
        "Vault passphrase, to upgrade the vault to format 3 (Enter alone skips the upgrade): ",
    )?;
    if typed.is_empty() {
        return Ok(None);
    }
    Passphrase::new(typed.as_bytes(), "the terminal").map(Some)
}
