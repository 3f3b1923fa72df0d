//! `gsl-vault policy either|both|quorum`: who may open the vault. Every change proves a quorum
//! of shares first, and a reused passphrase is checked before any slot is replaced.

use gsl_vault::dates::now;
use gsl_vault::error::{Error, Result};
use gsl_vault::format::Policy;
use gsl_vault::kdf::KdfParams;

use super::args::PolicyChangeArgs;
use super::auth::authorize_by_quorum;
use super::load::{Vaults, write_vault};
use super::output::{report_rotation, report_stale_copies};
use super::prompt::{can_prompt, passphrase};
use super::report::Exit;

pub fn run(a: &PolicyChangeArgs, vaults: &Vaults) -> Result<Exit> {
    let path = a.vault.as_path();
    let pass_file = a.passphrase_file.as_deref();
    let to: Policy = a.policy.into();
    let (mut v, _lock) = vaults.load_for_update(path)?;
    if v.body.policy == to {
        return Err(Error::Usage(format!(
            "vault {} already has policy {}.",
            gsl_vault::fsio::shown(path),
            to.as_str()
        )));
    }
    // Every policy change proves a quorum of shares: the quorum slot is kept (or made) by it,
    // and a slot nobody has tested must never become the only way in.
    if a.input.shares.is_empty() && !can_prompt() {
        return Err(Error::Usage(format!(
            "changing vault {} from {} to {} needs a quorum of its shares (so the shares are proven before the change): name them.",
            gsl_vault::fsio::shown(path),
            v.body.policy.as_str(),
            to.as_str()
        )));
    }
    let auth = authorize_by_quorum(&v, &a.input, pass_file)?;
    let mut added = None;
    let pass = match (to, v.body.kdf.is_some(), auth.pass) {
        (Policy::Quorum, _, _) => None,
        (_, true, Some(p)) => Some(p),
        (_, true, None) => Some(passphrase(pass_file, false, "Vault passphrase")?),
        (_, false, _) => {
            let how = super::newpass::NewPassphrase {
                file: a.new_passphrase_file.as_deref(),
                generate: false,
                accept_weak: a.accept_weak_passphrase,
            };
            let mut inputs: Vec<&str> = v.body.custodians.iter().map(|c| c.name.as_str()).collect();
            inputs.push(&v.body.label);
            let (p, e) = super::newpass::read_new(&how, &inputs)?;
            added = Some(e);
            Some(p)
        }
    };
    let from = v.body.policy;
    let was = super::output::Before::of(&v);
    let had_authority = v.has_copy_authority();
    let vk = v.set_policy(
        &auth.vk,
        to,
        auth.qk.as_ref(),
        pass.as_ref(),
        KdfParams::DEFAULT,
        now(),
    )?;
    let bytes = v.to_bytes(&vk)?;
    write_vault(path, &bytes, &v)?;
    if let (Some(e), Some(k)) = (&added, &v.body.kdf) {
        super::newpass::report(e, &k.costs(), None);
    }
    errln!(
        "Vault {} now has policy {}.",
        gsl_vault::fsio::shown(path),
        to.as_str()
    );
    let revoked = match (from, to) {
        (Policy::Either, Policy::Quorum) => "the passphrase",
        (Policy::Either, Policy::Both) => "the passphrase alone, or the shares alone,",
        (Policy::Both, _) => "the old shares-and-passphrase slot",
        _ => "the old vault key",
    };
    report_rotation(&v, path, revoked);
    if had_authority && !v.has_copy_authority() {
        // The certificate of the dropped authority stays valid for these shares until a
        // reshare: an old file and the passphrase could still issue copies they accept.
        errln!(
            "Whoever has an old copy of {} and the passphrase can still issue recovery copies that the current shares accept, until the next confirmed reshare: reshare (gsl-vault reshare {}) to end that.",
            gsl_vault::fsio::shown(path),
            gsl_vault::fsio::shown(path)
        );
    }
    report_stale_copies(&v, path);
    super::output::report_format(&was, &v, path);
    if a.json {
        super::output::print_outcome(
            &v,
            path,
            serde_json::json!({"policy": to.as_str(), "was": from.as_str()}),
        );
    }
    Ok(Exit::Ok)
}
