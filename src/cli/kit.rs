//! `gsl-vault kit` (and `init --kit`): the printable page per custodian.

use std::path::{Path, PathBuf};

use gsl_vault::dates::{date, now};
use gsl_vault::error::{Error, Result};
use gsl_vault::fsio;
use gsl_vault::kit::{self, KitInfo};
use gsl_vault::share::ShareCode;
use gsl_vault::vault::Vault;

use super::args::KitArgs;
use super::load::Vaults;
use super::report::Exit;
use super::shares::read_shares;

/// Which share set a kit describes: its epoch, threshold and custodians.
#[derive(Clone)]
pub struct KitSet<'a> {
    pub epoch: u32,
    pub threshold: usize,
    pub names: &'a [String],
    /// The recovery copy for page 2, with its generation.
    pub copy: Option<(&'a [u8], u64)>,
    /// The SHA-256 of the recovery page written beside the kits (set by `with_page`).
    pub page_sha256: Option<String>,
}

impl KitSet<'_> {
    /// Writes `DIR/recover.html` (with the set's recovery copy) and records its SHA-256, which
    /// every kit then prints.
    pub fn with_page(&self, dir: &Path, force: bool) -> Result<Self> {
        let path = dir.join("recover.html");
        let copy = self.copy.map(|(c, _)| c);
        let sha = super::recovery_page::write_page(&path, copy, force)?;
        errln!(
            "Recovery page: {} (SHA-256 {sha}): give it to every custodian with their kit; it recovers the key in any web browser, offline.",
            fsio::shown(&path)
        );
        let mut set = self.clone();
        set.page_sha256 = Some(sha);
        Ok(set)
    }
}

/// Writes `DIR/NAME.html` for one checked share of `set`.
pub fn write_kit(
    v: &Vault,
    set: &KitSet<'_>,
    vault_path: &Path,
    custodian: &str,
    code: &ShareCode,
    dir: &Path,
    force: bool,
) -> Result<PathBuf> {
    let vault_name = vault_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| gsl_vault::fsio::shown(vault_path).to_string());
    let info = KitInfo {
        label: &v.body.label,
        fingerprint: &v.fingerprint().to_string(),
        custodian,
        custodians: set.names,
        threshold: set.threshold,
        epoch: set.epoch,
        date: &date(now()),
        vault_name: &vault_name,
        copy: set.copy,
        passphrase_too: v.body.policy == gsl_vault::format::Policy::Both,
        page_sha256: set.page_sha256.as_deref(),
    };
    let page = kit::render(&info, code)?;
    let path = dir.join(format!("{custodian}.html"));
    fsio::write_atomic(&path, page.as_bytes(), force)?;
    // A kit holds the share's words: `status` looks for it there until it is handed out.
    super::handout::record_folder(v, dir);
    Ok(path)
}

pub fn run(a: &KitArgs, vaults: &Vaults) -> Result<Exit> {
    let (vault_path, out, force) = (a.vault.as_path(), a.output.as_path(), a.force);
    let v = vaults.load(vault_path)?;
    let intake = read_shares(&a.input, Some(&v), 1)?;
    if let Some(r) = intake.refused.into_iter().next() {
        return Err(Error::Refused(Box::new(r)));
    }
    let offered = intake.offered;
    // Page 2 carries the newest copy of this vault that the share files hold.
    let copy: Option<(Vec<u8>, u64)> = intake
        .copies
        .into_iter()
        .filter_map(|(source, c)| {
            let bytes = c.ok()?;
            let copy = Vault::parse_copy(&bytes, &source).ok()?;
            (copy.name_key() == v.name_key()).then(|| (bytes, copy.generation()))
        })
        .max_by_key(|(_, g)| *g);
    // Every share must be this vault's and current before any page is written.
    let mut checked = Vec::new();
    for o in &offered {
        let c = v.check_share(&o.source, &o.code)?;
        checked.push((c.name.clone(), &o.code));
    }
    gsl_vault::fsio::create_private_dir(out)?;
    let names: Vec<String> = v.body.custodians.iter().map(|c| c.name.clone()).collect();
    let set = KitSet {
        epoch: v.body.epoch,
        threshold: usize::from(v.body.threshold),
        names: &names,
        copy: copy.as_ref().map(|(c, g)| (c.as_slice(), *g)),
        page_sha256: None,
    }
    .with_page(out, force)?;
    let mut pages = Vec::new();
    for (name, code) in checked {
        let p = write_kit(&v, &set, vault_path, &name, code, out, force)?;
        errln!(
            "Kit for {name}: {} (print it, then delete the file).",
            gsl_vault::fsio::shown(&p)
        );
        pages.push(serde_json::json!({"custodian": name, "path": gsl_vault::fsio::shown(&p)}));
    }
    if a.json {
        super::output::print_outcome(
            &v,
            vault_path,
            serde_json::json!({
                "pages": pages,
                "recovery_page": {
                    "path": gsl_vault::fsio::shown(&out.join("recover.html")),
                    "sha256": set.page_sha256,
                },
            }),
        );
    }
    Ok(Exit::Ok)
}
