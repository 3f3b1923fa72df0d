//! `gsl-vault copies`: fresh recovery copies for every custodian, issued by the owner alone
//! (the passphrase, through the copy authority a quorum certified, or a quorum where the policy
//! needs one), recorded in the vault as issued.

use std::path::PathBuf;

use gsl_vault::dates::{date, now};
use gsl_vault::error::{Error, Result};
use gsl_vault::fsio;

use super::args::CopiesArgs;
use super::auth::{authorize, authorize_by_quorum};
use super::load::{Vaults, check_size, write_vault};
use super::report::Exit;

pub fn run(a: &CopiesArgs, vaults: &Vaults) -> Result<Exit> {
    let path = a.vault.as_path();
    let (mut v, _lock) = vaults.load_for_update(path)?;
    // Custodians trust a copy only if the quorum of their share set vouches for it: its tag, or
    // the copy authority that quorum certified, which the passphrase reaches.
    // Format 3 needs no authority: the quorum slot's binding, made with the custodians' own
    // quorum key, vouches for every copy; the passphrase reaches VK under policy `either`.
    let v3_by_passphrase = v.version >= 3 && v.body.policy == gsl_vault::format::Policy::Either;
    let by_passphrase = a.input.shares.is_empty() && (v.has_copy_authority() || v3_by_passphrase);
    if !by_passphrase && a.input.shares.is_empty() && !super::prompt::can_prompt() {
        let shown = gsl_vault::fsio::shown(path);
        return Err(Error::Usage(
            if v.body.policy == gsl_vault::format::Policy::Either {
                format!(
                    "vault {shown} has no copy authority yet (it was made before they existed): issuing recovery copies needs a quorum of the current shares this once, and the passphrase alone after that: name them (gsl-vault copies {shown} SHARE...)."
                )
            } else {
                format!(
                    "under policy {}, issuing recovery copies of vault {shown} needs a quorum of the current shares (the passphrase alone does not open it): name them (gsl-vault copies {shown} SHARE...).",
                    v.body.policy.as_str()
                )
            },
        ));
    }
    let auth = if by_passphrase {
        authorize(&v, &a.input, a.passphrase_file.as_deref())?
    } else {
        authorize_by_quorum(&v, &a.input, a.passphrase_file.as_deref())?
    };
    if let Some(qk) = &auth.qk
        && v.version < 3
        && !v.copy_authority_opens(&auth.vk)
    {
        // From now on the passphrase alone issues copies again (policy `either`).
        v.certify_copy_authority(&auth.vk, qk)?;
    }
    let names: Vec<String> = v.body.custodians.iter().map(|c| c.name.clone()).collect();
    let dir = a.output.clone().unwrap_or_else(|| {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        folder.join(format!("copies-generation-{}", v.generation() + 1))
    });
    let outputs: Vec<PathBuf> = names
        .iter()
        .map(|n| dir.join(format!("{n}.copy")))
        .collect();
    let pages: Vec<PathBuf> = names
        .iter()
        .map(|n| dir.join(format!("{n}-copy.html")))
        .collect();
    let recovery_page = dir.join("recover.html");
    if !a.force
        && let Some(p) = outputs
            .iter()
            .chain(&pages)
            .chain([&recovery_page])
            .find(|p| p.exists())
    {
        return Err(Error::Exists(gsl_vault::fsio::shown(p).to_string()));
    }
    v.record_copies_issued(&names);
    let bytes = v.to_bytes(&auth.vk)?;
    check_size(path, &bytes)?;
    let copy = v.recovery_copy(&auth.vk, auth.qk.as_ref(), now())?;
    gsl_vault::fsio::create_private_dir(&dir)?;
    // One page for every custodian, carrying the same copy: first, so that every new page 2
    // prints its SHA-256.
    let sha = super::recovery_page::write_page(&recovery_page, Some(&copy), a.force)?;
    for ((name, out), page_path) in names.iter().zip(&outputs).zip(&pages) {
        let text = format!(
            "# gsl-vault recovery copy of vault {} ({}), generation {}, issued {}, for {name}.\n# Keep it with your share: with enough shares it recovers the key without the owner's vault file.\n{}",
            v.body.label,
            v.fingerprint(),
            v.generation(),
            date(now()),
            gsl_vault::copy::armor(&copy)
        );
        fsio::write_atomic(out, text.as_bytes(), a.force)?;
        // The same copy as a printable page 2, for custodians who keep paper.
        let info = gsl_vault::kit::KitInfo {
            label: &v.body.label,
            fingerprint: &v.fingerprint().to_string(),
            custodian: name,
            custodians: &names,
            threshold: usize::from(v.body.threshold),
            epoch: v.body.epoch,
            date: &date(now()),
            vault_name: "",
            copy: None,
            passphrase_too: v.body.policy == gsl_vault::format::Policy::Both,
            page_sha256: Some(&sha),
        };
        let page = gsl_vault::kit::render_copy_page(&info, &copy, v.generation())?;
        fsio::write_atomic(page_path, page.as_bytes(), a.force)?;
    }
    // The vault records the copies as issued only once they all exist.
    write_vault(path, &bytes, &v)?;
    errln!(
        "Recovery copies of vault {} (generation {}) are in {}: give {} their own (it goes with their share; it is useless without enough shares).",
        gsl_vault::fsio::shown(path),
        v.generation(),
        gsl_vault::fsio::shown(&dir),
        names.join(", ")
    );
    errln!(
        "Recovery page with this copy: {} (SHA-256 {sha}): custodians open it in any web browser, offline, and type their words.",
        gsl_vault::fsio::shown(&recovery_page)
    );
    if a.json {
        let copies: Vec<_> = names
            .iter()
            .zip(&outputs)
            .zip(&pages)
            .map(|((n, c), p)| {
                serde_json::json!({"custodian": n, "copy": fsio::shown(c), "page": fsio::shown(p)})
            })
            .collect();
        super::output::print_outcome(
            &v,
            path,
            serde_json::json!({
                "copies": copies,
                "recovery_page": {"path": fsio::shown(&recovery_page), "sha256": sha},
            }),
        );
    }
    Ok(Exit::Ok)
}
