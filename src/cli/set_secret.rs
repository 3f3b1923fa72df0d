//! `gsl-vault set-secret`: the master key replaced (after changing it at the exchange); the
//! passphrase and the shares stay as they are.

use std::path::Path;

use gsl_vault::dates::now;
use gsl_vault::error::{Error, Result};

use super::args::SetSecretArgs;
use super::auth::authorize;
use super::init::read_master;
use super::load::{Vaults, write_vault};
use super::output::{report_rotation, report_stale_copies};
use super::report::Exit;

pub fn run(a: &SetSecretArgs, vaults: &Vaults) -> Result<Exit> {
    let path = a.vault.as_path();
    let stdin = |f: Option<&Path>| f == Some(Path::new("-"));
    if stdin(a.passphrase_file.as_deref()) && stdin(a.secret_file.as_deref()) {
        return Err(Error::Usage(
            "only one of --secret-file and --passphrase-file can read standard input (-).".into(),
        ));
    }
    let (mut v, _lock) = vaults.load_for_update(path)?;
    let was = super::output::Before::of(&v);
    if (a.totp.given() || a.totp.sign_in_totp_uri_file.is_some()) && v.version < 3 {
        return Err(Error::Usage(format!(
            "vault {} is format {}: an authenticator-app master key needs format 3 (a change made with every unlock secret upgrades it, for example gsl-vault passwd {} SHARE...).",
            gsl_vault::fsio::shown(path),
            v.version,
            gsl_vault::fsio::shown(path)
        )));
    }
    let mut auth = authorize(&v, &a.input, a.passphrase_file.as_deref())?;
    if auth.pk.is_none()
        && let (Some(pass), Some(rec)) = (auth.pass.as_ref(), v.body.kdf.as_ref())
    {
        // Policy `both`: the quorum opened the vault with the passphrase; the both path's new
        // signer needs its key.
        auth.pk = Some(gsl_vault::vault::derive_pk(rec, pass)?);
    } else if auth.pk.is_none()
        && let Some(pass) = super::auth::ask_to_upgrade(&v, a.passphrase_file.as_deref())?
    {
        auth.pk = Some(v.unlock_passphrase_pk(&pass)?.1);
    }
    // Entries alone (2FA codes, a note, a sign-in key) keep the master key as it is.
    let entries_only = a.secret_file.is_none()
        && !a.generate
        && !a.totp.given()
        && (a.recovery_codes_file.is_some()
            || a.note_file.is_some()
            || a.totp.sign_in_totp_uri_file.is_some());
    let master = if entries_only {
        v.open_payload(&auth.vk)?
    } else {
        let (master, kind) = match super::totp::read(&a.totp)? {
            Some((m, k)) => (m, Some(k)),
            None => (read_master(a.secret_file.as_deref(), a.generate)?, None),
        };
        if v.version >= 3 {
            v.body.master = kind;
        }
        master
    };
    let entries =
        super::init::read_entries(a.recovery_codes_file.as_deref(), a.note_file.as_deref())?;
    let entries: Vec<_> = entries
        .into_iter()
        .chain(super::totp::read_sign_in(&a.totp)?)
        .collect();
    let (vk, rotated) = v.set_secret_with(
        &auth.vk,
        &master,
        entries,
        auth.qk.as_ref(),
        auth.pk.as_ref(),
        now(),
    )?;
    let bytes = v.to_bytes(&vk)?;
    write_vault(path, &bytes, &v)?;
    if a.generate {
        outln!("Your new GSL master key (shown once; set it at your exchange now):");
        outln!("{}", String::from_utf8_lossy(master.expose()));
    }
    let changed: Vec<&str> = entries_titles(a);
    if entries_only {
        errln!(
            "Vault {} now keeps the {} given; its master key, passphrase and shares are unchanged.",
            gsl_vault::fsio::shown(path),
            changed.join(" and ")
        );
    } else {
        errln!(
            "The master key in vault {} is replaced{}; the passphrase and the shares are unchanged.",
            gsl_vault::fsio::shown(path),
            if changed.is_empty() {
                String::new()
            } else {
                format!(", and so are the {}", changed.join(" and "))
            }
        );
    }
    let read: Vec<String> = [
        a.recovery_codes_file.as_deref(),
        a.note_file.as_deref(),
        a.totp.sign_in_totp_uri_file.as_deref(),
        a.secret_file.as_deref(),
        a.totp.totp_uri_file.as_deref(),
        a.totp.totp_key_file.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|f| *f != Path::new("-"))
    .map(|f| gsl_vault::fsio::shown(f).to_string())
    .collect();
    if !read.is_empty() {
        errln!(
            "The vault now holds what {} held: delete {} (and any copy of {}).",
            read.join(", "),
            if read.len() == 1 {
                "that file"
            } else {
                "those files"
            },
            if read.len() == 1 { "it" } else { "them" }
        );
    }
    report_stale_copies(&v, path);
    super::output::report_sign_in_material(
        path,
        a.recovery_codes_file.is_some() || a.totp.sign_in_totp_uri_file.is_some(),
    );
    super::totp::report_screenshot(&a.totp);
    super::output::report_format(&was, &v, path);
    if rotated {
        report_rotation(
            &v,
            path,
            "an old vault key (from an old copy and a retired share or passphrase)",
        );
    } else {
        errln!(
            "The vault key was not rotated (this vault's slots predate rotation, or a reshare is pending): whoever opened an old copy of it with a retired share or passphrase can read the new master key. Rotate it with gsl-vault passwd {} (with a quorum of shares).",
            gsl_vault::fsio::shown(path)
        );
    }
    if a.json {
        super::output::print_outcome(
            &v,
            path,
            serde_json::json!({"rotated": rotated, "entries": v.body.entries}),
        );
    }
    Ok(Exit::Ok)
}

/// What a `set-secret` stores besides the master key, as people read it.
fn entries_titles(a: &SetSecretArgs) -> Vec<&'static str> {
    use gsl_vault::vault::entries::entry_title;
    [
        (a.recovery_codes_file.is_some(), "recovery-codes"),
        (a.note_file.is_some(), "note"),
        (a.totp.sign_in_totp_uri_file.is_some(), "sign-in-totp"),
    ]
    .into_iter()
    .filter(|(given, _)| *given)
    .map(|(_, n)| entry_title(n))
    .collect()
}
