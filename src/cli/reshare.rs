//! `gsl-vault reshare`: a new share set, pending until a quorum of it proves itself
//! (`--confirm`), when the old set is retired; or dropped (`--cancel`).

use serde_json::json;
use std::path::{Path, PathBuf};

use gsl_vault::dates::now;
use gsl_vault::error::{Error, Result};
use gsl_vault::format::Policy;
use gsl_vault::vault::ReceiptKind;

use super::args::{CustodianArgs, ReshareArgs};
use super::auth::authorize;
use super::issue::Plan;
use super::load::{Vaults, check_size, write_vault};
use super::output::{report_copy_authority_residual, report_rotation, report_stale_copies};
use super::prompt::passphrase;
use super::report::{Exit, refusal};
use super::shares::read_shares;

pub fn run(a: &ReshareArgs, vaults: &Vaults) -> Result<Exit> {
    let new_set = a.threshold.is_some() || !a.custodians.is_empty();
    if (a.confirm || a.cancel) && new_set {
        return Err(Error::Usage(
            "--confirm and --cancel take no new custodians: run them on their own.".into(),
        ));
    }
    if a.confirm {
        return confirm(a, vaults);
    }
    if a.cancel {
        return cancel(a, vaults);
    }
    begin(a, vaults)
}

fn confirm(a: &ReshareArgs, vaults: &Vaults) -> Result<Exit> {
    let path = a.vault.as_path();
    if a.input.shares.is_empty() {
        return Err(Error::Usage(format!(
            "name a quorum of the new shares: gsl-vault reshare {} --confirm SHARE...",
            gsl_vault::fsio::shown(path)
        )));
    }
    let (mut v, _lock) = vaults.load_for_update(path)?;
    let pending = v
        .body
        .pending
        .as_ref()
        .map(|p| usize::from(p.threshold))
        .unwrap_or(2);
    let intake = read_shares(&a.input, Some(&v), pending)?;
    for r in &intake.refused {
        errln!("gsl-vault: warning: {}", refusal(r));
    }
    // The passphrase opens the new `both` slot, or seals the passphrase slot again when it
    // predates rotation (a v1 slot has no public key to seal the new vault key to).
    // A version 3 vault under `either` asks for it too: confirming revokes a share set that could
    // open VK, and with both secrets both paths get new signers (FORMAT.md).
    // (Only when a reshare is pending: with none, the library's one sentence says so.)
    let v3_either = v.version >= 3 && v.body.policy == Policy::Either && v.body.pending.is_some();
    let pass = if v.body.policy == Policy::Both || v.passphrase_needed_to_rotate() || v3_either {
        Some(passphrase(
            a.passphrase_file.as_deref(),
            false,
            "Vault passphrase",
        )?)
    } else {
        super::auth::ask_to_upgrade(&v, a.passphrase_file.as_deref())?
    };
    let was = super::output::Before::of(&v);
    let old_epoch = v.body.epoch;
    let (out, vk) = v.reshare_confirm(&intake.offered, Vec::new(), pass.as_ref(), now())?;
    for r in &out.rejected {
        errln!("gsl-vault: warning: {}", refusal(r));
    }
    // The confirmation proved a quorum of the new shares: it counts as their drill.
    let kind = if v.body.policy == Policy::Both {
        ReceiptKind::Both
    } else {
        ReceiptKind::Quorum
    };
    let reasons = out.rejected.iter().map(refusal).collect();
    v.add_receipt(&vk, now(), kind, out.accepted.clone(), reasons);
    let bytes = v.to_bytes(&vk)?;
    write_vault(path, &bytes, &v)?;
    errln!(
        "Confirmed: the new shares of {} open vault {} (epoch {}). The shares of epoch {old_epoch} are retired: they no longer open this file, so ask their holders to destroy them (the share file and both kit pages of epoch {old_epoch}).",
        out.accepted.join(", "),
        gsl_vault::fsio::shown(path),
        v.body.epoch
    );
    report_rotation(&v, path, &format!("a share of epoch {old_epoch}"));
    report_stale_copies(&v, path);
    super::output::report_format(&was, &v, path);
    // Issue 28, item 1: retiring shares cannot take back what their holders already have.
    errln!(
        "gsl-vault: warning: the retired custodians still hold recovery copies of epoch {old_epoch}: a quorum of them, together, still recovers the master key as it is today (nothing can take a copy back). Only changing the master key at the exchange, then gsl-vault set-secret {}, cuts them off.",
        gsl_vault::fsio::shown(path)
    );
    if a.json {
        super::output::print_outcome(
            &v,
            path,
            json!({
                "epoch": v.body.epoch,
                "retired_epoch": old_epoch,
                "confirmed_by": out.accepted,
                "retired_can_still_recover": true,
                "cut_off_by": "changing the master key at the exchange, then set-secret",
            }),
        );
    }
    Ok(Exit::Ok)
}

fn cancel(a: &ReshareArgs, vaults: &Vaults) -> Result<Exit> {
    let path = a.vault.as_path();
    let (mut v, _lock) = vaults.load_for_update(path)?;
    if v.body.pending.is_none() {
        return Err(Error::Usage(format!(
            "no reshare is pending on vault {}: there is nothing to cancel.",
            gsl_vault::fsio::shown(path)
        )));
    }
    let mut auth = authorize(&v, &a.input, a.passphrase_file.as_deref())?;
    if v.version >= 3 && v.body.policy == Policy::Either && auth.pass.is_none() {
        // Cancelling revokes a share set that could open VK: with the passphrase and the
        // shares, both paths get new signers (FORMAT.md).
        auth.pass = Some(passphrase(
            a.passphrase_file.as_deref(),
            false,
            "Vault passphrase",
        )?);
    }
    if auth.pass.is_none() {
        auth.pass = super::auth::ask_to_upgrade(&v, a.passphrase_file.as_deref())?;
    }
    let was = super::output::Before::of(&v);
    let (vk, rotated) = v.reshare_cancel(&auth.vk, auth.qk.as_ref(), auth.pass.as_ref(), now())?;
    let bytes = v.to_bytes(&vk)?;
    write_vault(path, &bytes, &v)?;
    errln!(
        "The pending reshare of vault {} was cancelled; the current shares are unchanged.",
        gsl_vault::fsio::shown(path)
    );
    if rotated {
        report_rotation(&v, path, "a share of the cancelled set");
        report_copy_authority_residual(&v, path, "a quorum of the cancelled shares");
        super::output::report_format(&was, &v, path);
    } else {
        errln!(
            "The vault key was not rotated (this vault's slots predate rotation): a quorum of the cancelled shares still opens this file. Rotate it with gsl-vault passwd {} (with a quorum of the current shares).",
            gsl_vault::fsio::shown(path)
        );
    }
    if a.json {
        let cancelled = v.body.cancelled.last().map(|c| c.epoch);
        super::output::print_outcome(
            &v,
            path,
            json!({"cancelled_epoch": cancelled, "rotated": rotated}),
        );
    }
    Ok(Exit::Ok)
}

/// The default folder of a reshare's new shares: `shares-epoch-N` beside the vault.
fn default_shares_dir(path: &Path, vaults: &Vaults) -> PathBuf {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let next = vaults.read(path).map(|v| v.next_epoch()).unwrap_or(2);
    folder.join(format!("shares-epoch-{next}"))
}

fn begin(a: &ReshareArgs, vaults: &Vaults) -> Result<Exit> {
    let path = a.vault.as_path();
    let Some(threshold) = a.threshold else {
        return Err(Error::Usage(
            "give the new set (--threshold T --custodian NAME...), or --confirm NEW-SHARE..., or --cancel.".into(),
        ));
    };
    let who = CustodianArgs {
        threshold,
        custodians: a.custodians.clone(),
        custodian_passphrase_files: a.custodian_passphrase_files.clone(),
        shares_dir: Some(
            a.shares_dir
                .clone()
                .unwrap_or_else(|| default_shares_dir(path, vaults)),
        ),
        kit: a.kit,
    };
    // Never replace a share file: it may hold a current share, and a reshare that failed after
    // overwriting it would leave a vault no one can open.
    let plan = Plan::new(&who, path, None, false).map_err(|e| match e {
        Error::Exists(p) => Error::Usage(format!(
            "{p} already exists, and a reshare never replaces share files (they may be the current set): choose a new --shares-dir."
        )),
        e => e,
    })?;
    let (mut v, _lock) = vaults.load_for_update(path)?;
    let auth = authorize(&v, &a.input, a.passphrase_file.as_deref())?;
    let share_pass = plan.ask_passphrases()?;
    let (issued, new_qk) = v.reshare_begin(
        &auth.vk,
        threshold,
        &plan.names,
        &plan.delivery_kinds(),
        auth.pass.as_ref(),
        now(),
    )?;
    let epoch = v
        .body
        .pending
        .as_ref()
        .map(|p| p.epoch)
        .unwrap_or_else(|| v.next_epoch());
    v.record_copies_issued(&plan.names);
    let bytes = v.to_bytes(&auth.vk)?;
    check_size(path, &bytes)?;
    // The new shares carry the vault as they will open it (the pending set).
    let copy = v
        .pending_recovery_copy(&auth.vk, &new_qk, now())
        .ok_or_else(|| Error::Other("the new share set was not recorded.".into()))?;
    // New shares first, vault last: the pending set is recorded only once its shares exist.
    plan.write_shares(&issued, &share_pass, &v, threshold, epoch, &copy, false)?;
    write_vault(path, &bytes, &v)?;
    let set = super::kit::KitSet {
        epoch,
        threshold,
        names: &plan.names,
        copy: Some((&copy, v.generation())),
        page_sha256: None,
    };
    let page = plan.write_kits(&v, path, &issued, &set, false)?;
    errln!(
        "New shares (epoch {epoch}, any {threshold} of {} recover) are written and pending:",
        issued.len()
    );
    plan.report(&issued);
    plan.report_handout(
        path,
        &issued,
        threshold,
        v.body.policy == gsl_vault::policy::Policy::Both,
        page.as_deref(),
    );
    errln!(
        "The current shares keep working until a quorum of the new ones proves itself: gsl-vault reshare {} --confirm NEW-SHARE...",
        gsl_vault::fsio::shown(path)
    );
    if a.json {
        super::output::print_outcome(
            &v,
            path,
            json!({"pending_epoch": epoch, "threshold": threshold, "shares": plan.shares_json(&issued)}),
        );
    }
    Ok(Exit::Ok)
}
