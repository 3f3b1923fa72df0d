//! Issuing a share set to custodians, shared by `init` and `reshare`: the custodian flags, the
//! output paths (never one file twice, never clobbering without --force), the custodians' own
//! passphrases, and writing share files and kits.

use std::path::{Path, PathBuf};

use gsl_vault::custodian::{self, Delivery, DeliveryKind};
use gsl_vault::dates::{date, now};
use gsl_vault::error::{Error, Result};
use gsl_vault::fsio;
use gsl_vault::secret::{Passphrase, SharePassphrase};
use gsl_vault::share::{ShareHeader, render_share_text};
use gsl_vault::vault::{Issued, Vault};

use super::args::CustodianArgs;
use super::prompt::passphrase_raw;

/// The checked plan: names, deliveries and every output path.
pub struct Plan {
    vault: PathBuf,
    pub names: Vec<String>,
    pub deliveries: Vec<Delivery>,
    pub share_paths: Vec<PathBuf>,
    pub shares_dir: PathBuf,
    kit: bool,
    pass_files: Vec<String>,
}

impl Plan {
    /// Parses the custodians and checks the output paths: none written twice (counting
    /// `vault_out`, the vault file when it is new), none existing unless `force`.
    pub fn new(
        a: &CustodianArgs,
        vault: &Path,
        vault_out: Option<&Path>,
        force: bool,
    ) -> Result<Plan> {
        let mut names = Vec::new();
        let mut deliveries = Vec::new();
        for c in &a.custodians {
            let (name, d) = parse_custodian(c)?;
            names.push(name);
            deliveries.push(d);
        }
        // Names first: they decide the file names checked below.
        let kinds: Vec<DeliveryKind> = deliveries.iter().map(Delivery::kind).collect();
        gsl_vault::vault::check_new_set(a.threshold, &names, &kinds)?;
        let shares_dir = a
            .shares_dir
            .clone()
            .unwrap_or_else(|| match vault.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            });
        let plan = Plan {
            vault: vault.to_path_buf(),
            share_paths: names
                .iter()
                .zip(&deliveries)
                .map(|(n, d)| shares_dir.join(d.file_name(n)))
                .collect(),
            names,
            deliveries,
            shares_dir,
            kit: a.kit,
            pass_files: a.custodian_passphrase_files.clone(),
        };
        for f in &plan.pass_files {
            let known = f.split_once('=').is_some_and(|(n, _)| {
                plan.names
                    .iter()
                    .zip(&plan.deliveries)
                    .any(|(c, d)| c == n && matches!(d, Delivery::Passphrase))
            });
            if !known {
                return Err(Error::Usage(format!(
                    "--custodian-passphrase-file {f:?}: give NAME=FILE for a custodian declared as --custodian NAME=ask."
                )));
            }
        }
        let outputs: Vec<PathBuf> = vault_out
            .map(Path::to_path_buf)
            .into_iter()
            .chain(plan.share_paths.iter().cloned())
            .chain(plan.kit_paths())
            .collect();
        let mut abs: Vec<PathBuf> = outputs
            .iter()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
            .collect();
        abs.sort();
        if let Some(w) = abs.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::Usage(format!(
                "{} would be written twice (the vault, a share and a kit must be different files): choose another vault name or --shares-dir.",
                gsl_vault::fsio::shown(&w[0])
            )));
        }
        if !force && let Some(p) = outputs.iter().find(|p| p.exists()) {
            return Err(Error::Exists(gsl_vault::fsio::shown(p).to_string()));
        }
        Ok(plan)
    }

    fn kit_paths(&self) -> Vec<PathBuf> {
        if !self.kit {
            return Vec::new();
        }
        self.names
            .iter()
            .zip(&self.deliveries)
            .filter(|(_, d)| matches!(d, Delivery::File))
            .map(|(n, _)| self.shares_dir.join(format!("{n}.html")))
            .collect()
    }

    /// The deliveries as recorded in the vault.
    pub fn delivery_kinds(&self) -> Vec<DeliveryKind> {
        self.deliveries.iter().map(Delivery::kind).collect()
    }

    /// Each NAME=ask custodian's own passphrase (as typed: the age CLI does not normalise),
    /// from its file or the terminal. Asked before anything is written.
    pub fn ask_passphrases(&self) -> Result<Vec<Option<SharePassphrase>>> {
        let mut out = Vec::new();
        for (name, d) in self.names.iter().zip(&self.deliveries) {
            if !matches!(d, Delivery::Passphrase) {
                out.push(None);
                continue;
            }
            let file = self.pass_files.iter().find_map(|f| {
                f.split_once('=')
                    .filter(|(n, _)| n == name)
                    .map(|(_, p)| PathBuf::from(p))
            });
            let flag = format!("--custodian-passphrase-file {name}=FILE");
            let (raw, source) = passphrase_raw(
                file.as_deref(),
                true,
                &format!("share passphrase for {name}"),
                &flag,
            )?;
            Passphrase::new(raw.expose(), &source)?.check_new()?;
            out.push(Some(SharePassphrase::new(raw, &source)?));
        }
        Ok(out)
    }

    /// Writes every share file (0600, atomically), each with the recovery copy `copy` after
    /// the share (inside the encryption, for an age-delivered share).
    #[allow(clippy::too_many_arguments)]
    pub fn write_shares(
        &self,
        issued: &[Issued],
        passes: &[Option<SharePassphrase>],
        v: &Vault,
        threshold: usize,
        epoch: u32,
        copy: &[u8],
        force: bool,
    ) -> Result<()> {
        let armored = gsl_vault::copy::armor(copy);
        // A share file must stay readable: the share (under 2 KiB), the copy, and age's armor
        // (a third more) under the reader's cap. Checked before any file is written.
        if (armored.len() as u64 + 4096) * 4 / 3 > gsl_vault::share::MAX_SHARE_FILE {
            return Err(Error::Other(format!(
                "the vault's recovery copy ({} bytes) would make share files larger than gsl-vault reads back; nothing was written: use fewer or shorter custodian names.",
                copy.len()
            )));
        }
        gsl_vault::fsio::create_private_dir(&self.shares_dir)?;
        // The share files' folder is locked too when it is not the vault's (which the caller
        // holds), and a crash's leftovers there are swept.
        let probe = self.shares_dir.join("probe");
        let _lock = if fsio::same_folder(&probe, &self.vault) {
            None
        } else {
            let l = fsio::lock_folder(&probe)?;
            fsio::sweep_temps(&probe, true);
            Some(l)
        };
        super::handout::record_folder(v, &self.shares_dir);
        let fingerprint = v.fingerprint().to_string();
        let date = date(now());
        for (i, (share, path)) in issued.iter().zip(&self.share_paths).enumerate() {
            let header = ShareHeader {
                label: &v.body.label,
                fingerprint: &fingerprint,
                custodian: &share.name,
                index: share.code.point.x,
                count: issued.len(),
                threshold,
                epoch,
                date: &date,
            };
            let share_text = render_share_text(&header, &share.code);
            let mut text = zeroize::Zeroizing::new(String::with_capacity(
                share_text.len() + armored.len() + 1,
            ));
            text.push_str(&share_text);
            text.push_str(&armored);
            let out = zeroize::Zeroizing::new(custodian::encrypt(
                text.as_bytes(),
                &self.deliveries[i],
                passes[i].as_ref(),
            )?);
            fsio::write_atomic(path, &out, force)?;
        }
        Ok(())
    }

    /// Removes the share files of this plan (after the vault they belong to failed to be
    /// written); returns how many there were.
    pub fn remove_shares(&self) -> usize {
        self.share_paths
            .iter()
            .filter(|p| std::fs::remove_file(p).is_ok())
            .count()
    }

    /// Writes the kits, if asked (plain-file custodians only).
    pub fn write_kits(
        &self,
        v: &Vault,
        vault_path: &Path,
        issued: &[Issued],
        set: &super::kit::KitSet<'_>,
        force: bool,
    ) -> Result<Option<String>> {
        if !self.kit {
            return Ok(None);
        }
        let set = &set.with_page(&self.shares_dir, force)?;
        for (share, _) in issued
            .iter()
            .zip(&self.deliveries)
            .filter(|(_, d)| matches!(d, Delivery::File))
        {
            let p = super::kit::write_kit(
                v,
                set,
                vault_path,
                &share.name,
                &share.code,
                &self.shares_dir,
                force,
            )?;
            errln!("  kit for {}: {}", share.name, gsl_vault::fsio::shown(&p));
        }
        Ok(set.page_sha256.clone())
    }

    /// What to hand to whom, and what to delete afterwards (issue 26, item 4): said after every
    /// command that writes shares. `page_sha256` is the recovery page's, when kits were written.
    /// Share files in the clear on this computer are a quorum until they are handed out and
    /// deleted: that is said whenever they are.
    pub fn report_handout(
        &self,
        vault: &Path,
        issued: &[Issued],
        threshold: usize,
        passphrase_too: bool,
        page_sha256: Option<&str>,
    ) {
        let shown = |p: &Path| gsl_vault::fsio::shown(p).to_string();
        errln!("What to hand to whom (in person, or by a channel only they read):");
        let mut plain = Vec::new();
        for ((share, path), d) in issued.iter().zip(&self.share_paths).zip(&self.deliveries) {
            let kit = self.shares_dir.join(format!("{}.html", share.name));
            let line = match d {
                Delivery::File => {
                    plain.push(shown(path));
                    if self.kit {
                        plain.push(shown(&kit));
                        format!(
                            "their kit, printed on paper (both pages of {}), and recover.html; optionally {} on a USB stick",
                            shown(&kit),
                            shown(path)
                        )
                    } else {
                        format!(
                            "their kit, printed on paper (make it with gsl-vault kit {} {}), and recover.html; optionally {} on a USB stick",
                            shown(vault),
                            shown(path),
                            shown(path)
                        )
                    }
                }
                Delivery::Age(_) => format!(
                    "{} by any channel (only their age key opens it), and recover.html",
                    shown(path)
                ),
                Delivery::Passphrase => format!(
                    "{}, and recover.html; its passphrase by another channel (or in person)",
                    shown(path)
                ),
            };
            errln!("  {}: {line}.", share.name);
        }
        match page_sha256 {
            Some(sha) => errln!(
                "  recover.html is {}, the same for everyone; its SHA-256, printed on every kit, is {sha}.",
                shown(&self.shares_dir.join("recover.html"))
            ),
            None => errln!(
                "  recover.html, the same for everyone, comes from gsl-vault recovery-page (it prints its SHA-256)."
            ),
        }
        if !plain.is_empty() {
            let quorum = plain.len() / if self.kit { 2 } else { 1 } >= threshold;
            let names: Vec<&str> = issued
                .iter()
                .zip(&self.deliveries)
                .filter(|(_, d)| matches!(d, Delivery::File))
                .map(|(s, _)| s.name.as_str())
                .collect();
            errln!(
                "Then delete from this computer: {} (gsl-vault handed-out {} {} overwrites, then deletes them; name each custodian once they have theirs).{}",
                plain.join(", "),
                shown(vault),
                names.join(" "),
                if !quorum {
                    String::new()
                } else if passphrase_too {
                    format!(
                        " Until then, this computer holds a quorum: with your passphrase, any {threshold} of these shares open the vault."
                    )
                } else {
                    format!(
                        " Until then, this computer holds a quorum: any {threshold} of these shares open the vault without your passphrase."
                    )
                }
            );
        }
    }

    /// Lists who got which file.
    /// The share files written, for `--json`: `[{custodian, index, path}]`.
    pub fn shares_json(&self, issued: &[Issued]) -> serde_json::Value {
        serde_json::Value::Array(
            issued
                .iter()
                .zip(&self.share_paths)
                .map(|(share, path)| {
                    serde_json::json!({
                        "custodian": share.name,
                        "index": share.code.point.x,
                        "path": gsl_vault::fsio::shown(path),
                    })
                })
                .collect(),
        )
    }

    pub fn report(&self, issued: &[Issued]) {
        let n = issued.len();
        for (share, path) in issued.iter().zip(&self.share_paths) {
            errln!(
                "  share {} of {n} for {}: {}",
                share.code.point.x,
                share.name,
                gsl_vault::fsio::shown(path)
            );
        }
    }
}

/// Parses `NAME`, `NAME=age1...` or `NAME=ask`.
fn parse_custodian(arg: &str) -> Result<(String, Delivery)> {
    let Some((name, how)) = arg.split_once('=') else {
        return Ok((arg.to_string(), Delivery::File));
    };
    let delivery = if how == "ask" {
        Delivery::Passphrase
    } else if how.starts_with("age1") {
        let r: age::x25519::Recipient = how.parse().map_err(|e| {
            Error::Usage(format!(
                "--custodian {name}=...: {how:?} is not an age X25519 recipient ({e}); copy the line age-keygen printed as \"Public key\"."
            ))
        })?;
        Delivery::Age(Box::new(r))
    } else {
        return Err(Error::Usage(format!(
            "--custodian {arg:?}: after = put an age recipient (age1...) or ask (for a passphrase of the custodian's own)."
        )));
    };
    Ok((name.to_string(), delivery))
}
