//! `gsl-vault passwd`: a new vault passphrase, authorised by the old one or a quorum (so a
//! forgotten passphrase can be replaced); under policy `both`, by both.

use gsl_vault::dates::now;
use gsl_vault::error::{Error, Result, Secret};
use gsl_vault::format::Policy;

use super::args::PasswdArgs;
use super::auth::authorize;
use super::load::{Vaults, write_vault};
use super::output::{report_copy_authority_residual, report_rotation, report_stale_copies};
use super::report::Exit;

pub fn run(a: &PasswdArgs, vaults: &Vaults) -> Result<Exit> {
    let path = a.vault.as_path();
    let pass_file = a.passphrase_file.as_deref();
    if pass_file.is_some() && pass_file == a.new_passphrase_file.as_deref() {
        return Err(Error::Usage(
            "--passphrase-file and --new-passphrase-file must be different files.".into(),
        ));
    }
    let (mut v, _lock) = vaults.load_for_update(path)?;
    if v.body.policy == Policy::Quorum {
        return Err(Error::Usage(format!(
            "vault {} has policy quorum: it has no passphrase (gsl-vault policy {} either adds one).",
            gsl_vault::fsio::shown(path),
            gsl_vault::fsio::shown(path)
        )));
    }
    let was = super::output::Before::of(&v);
    let auth = authorize(&v, &a.input, pass_file)?;
    let how = super::newpass::NewPassphrase {
        file: a.new_passphrase_file.as_deref(),
        generate: a.generate_passphrase,
        accept_weak: a.accept_weak_passphrase,
    };
    let mut inputs: Vec<&str> = v.body.custodians.iter().map(|c| c.name.as_str()).collect();
    inputs.push(&v.body.label);
    let (new, estimate) = super::newpass::read_new(&how, &inputs)?;
    let started = std::time::Instant::now();
    let vk = match v.change_passphrase(&auth.vk, auth.qk.as_ref(), &new, None, now()) {
        Err(Error::Needs {
            secret: Secret::Quorum,
            ..
        }) if auth.qk.is_none() => {
            return Err(Error::Usage(format!(
                "changing the passphrase rotates the vault key, and the quorum slot of vault {} was written by an older gsl-vault: name a quorum of shares this once (gsl-vault passwd {} SHARE...).",
                gsl_vault::fsio::shown(path),
                gsl_vault::fsio::shown(path)
            )));
        }
        r => r?,
    };
    let secs_per_guess = started.elapsed().as_secs_f64();
    let bytes = v.to_bytes(&vk)?;
    write_vault(path, &bytes, &v)?;
    if let Some(k) = &v.body.kdf {
        super::newpass::report(&estimate, &k.costs(), Some(secs_per_guess));
    }
    errln!(
        "The passphrase of vault {} is changed; the shares are unchanged.",
        gsl_vault::fsio::shown(path)
    );
    report_rotation(&v, path, "the old passphrase");
    report_copy_authority_residual(&v, path, "the old passphrase");
    report_stale_copies(&v, path);
    super::output::report_format(&was, &v, path);
    if a.json {
        super::output::print_outcome(&v, path, serde_json::json!({"passphrase_changed": true}));
    }
    Ok(Exit::Ok)
}
