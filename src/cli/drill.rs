//! `gsl-vault drill`: recovery rehearsed with shares or the passphrase; the payload is decrypted
//! to prove it, dropped at once, and a signed receipt is added to the vault.

use serde_json::json;

use gsl_vault::dates::now;
use gsl_vault::error::{Error, Result};
use gsl_vault::format::{MAX_VAULT_FILE, Policy};
use gsl_vault::vault::{QuorumOutcome, ReceiptKind, Vault};

use super::args::DrillArgs;
use super::load::{Vaults, write_vault};
use super::output::print_json;
use super::prompt::{can_prompt, one_stdin, passphrase};
use super::report::{Exit, refusal, sentence};
use super::shares::{both_passphrase, read_shares, unlock};
use super::source;

/// Refuses flag combinations that cannot make a drill.
fn check_flags(a: &DrillArgs) -> Result<()> {
    if a.all && a.passphrase {
        return Err(Error::Usage(
            "--all checks every custodian's share: it does not go with --passphrase.".into(),
        ));
    }
    if a.passphrase && !a.input.shares.is_empty() {
        return Err(Error::Usage(
            "a drill uses either shares or --passphrase, not both: run two drills.".into(),
        ));
    }
    let vault = a
        .vault
        .as_deref()
        .map(|p| gsl_vault::fsio::shown(p).to_string())
        .unwrap_or_else(|| "VAULT".into());
    if !a.passphrase && a.vault.is_none() && a.input.shares.is_empty() && a.copies.is_empty() {
        return Err(Error::Usage(
            "name the vault file and the shares to drill (gsl-vault drill VAULT SHARE...).".into(),
        ));
    }
    if !a.passphrase && a.input.shares.is_empty() && !can_prompt() && a.copies.is_empty() {
        return Err(Error::Usage(format!(
            "name the shares to drill (gsl-vault drill {vault} SHARE...), or drill the passphrase with --passphrase."
        )));
    }
    if a.check_key && a.vault.is_none() {
        return Err(Error::Usage(
            "--check-key compares the key in the owner's vault file: name it first (gsl-vault drill VAULT --check-key ...).".into(),
        ));
    }
    if a.check_key && a.secret_file.is_none() && !can_prompt() {
        return Err(Error::Usage(
            "no terminal to ask for the key to compare: give it with --secret-file FILE (or - for standard input).".into(),
        ));
    }
    one_stdin(a.passphrase_file.as_deref(), &a.input, &a.copies)
}

/// The master key the owner types to compare with the stored one (`drill --check-key`).
/// For an authenticator-app master key, the code the owner's app shows now.
fn key_to_compare(
    file: Option<&std::path::Path>,
    totp: bool,
) -> Result<gsl_vault::secret::MasterKey> {
    use gsl_vault::secret::{MAX_MASTER_KEY, MasterKey};
    let (secret, source) = match file.filter(|f| !super::prompt::typed_stdin(f)) {
        Some(f) => (
            gsl_vault::fsio::read_secret_path(f, MAX_MASTER_KEY)?,
            gsl_vault::intake::source_name(f),
        ),
        None => (
            super::prompt::prompt_secret(
                if totp {
                    "The code your authenticator app shows now (it is not shown): "
                } else {
                    "GSL master key to compare (it is not shown): "
                },
                MAX_MASTER_KEY,
                "the master key",
            )?,
            "the terminal".to_string(),
        ),
    };
    MasterKey::new(secret, &source)
}

fn is_totp(v: &Vault) -> bool {
    v.body.master.as_ref().is_some_and(|m| m.kind == "totp")
}

/// Names the share files whose recovery copy is older than the vault's current copies (or of
/// another vault): the custodian holding it should get a fresh one.
fn report_stale_copies_in(v: &Vault, intake: &gsl_vault::intake::Intake) {
    let from = v.body.copies_from.unwrap_or(0);
    for (source, c) in &intake.copies {
        let copy = c
            .as_ref()
            .ok()
            .and_then(|b| Vault::parse_copy(b, source).ok());
        let why = match copy {
            None => "does not read as a recovery copy".to_string(),
            Some(c) if c.name_key() != v.name_key() => "is a copy of another vault".to_string(),
            Some(c) if c.generation() < from => format!(
                "is stale (generation {}; copies are current from generation {from})",
                c.generation()
            ),
            Some(_) => continue,
        };
        outln!(
            "STALE COPY  the recovery copy in {source} {why}: issue fresh ones with gsl-vault copies {}.",
            v.path
        );
    }
}

/// Each refused share, with its sentence.
fn refusals(out: &QuorumOutcome) -> Vec<(String, String)> {
    out.rejected
        .iter()
        .map(|r| (r.source.clone(), refusal(r)))
        .collect()
}

/// What the drill proves, given the vault's policy.
fn kind_of(a: &DrillArgs, v: &Vault) -> Result<ReceiptKind> {
    if a.passphrase && v.body.policy != Policy::Either {
        return Err(Error::Usage(format!(
            "vault {} has policy {}: the passphrase alone does not open it, so drill with shares{}.",
            v.path,
            v.body.policy.as_str(),
            if v.body.policy == Policy::Both {
                " and --passphrase-file"
            } else {
                ""
            }
        )));
    }
    Ok(if a.passphrase {
        ReceiptKind::Passphrase
    } else if v.body.policy == Policy::Both {
        ReceiptKind::Both
    } else {
        ReceiptKind::Quorum
    })
}

pub fn run(a: &DrillArgs, vaults: &Vaults) -> Result<Exit> {
    check_flags(a)?;
    match source::vault_file(a.vault.as_deref()) {
        Some(path) => drill_vault(a, vaults, path),
        None => drill_copy(a, vaults),
    }
}

/// A drill with no vault file: the shares against the newest recovery copy they carry. It
/// proves the custodians can recover alone; nothing is recorded (the vault file is the owner's).
fn drill_copy(a: &DrillArgs, vaults: &Vaults) -> Result<Exit> {
    if a.passphrase {
        return Err(Error::Usage(
            "a passphrase drill needs the vault file: name it first (gsl-vault drill VAULT --passphrase).".into(),
        ));
    }
    let t = source::open(vaults, a.vault.as_deref(), &a.input, &a.copies, |v| {
        usize::from(v.body.threshold)
    })?;
    let v = t.vault;
    let kind = kind_of(a, &v)?;
    let out = unlock(&v, t.intake, a.passphrase_file.as_deref())?;
    drop(v.open_payload(&out.vk)?);
    let rejected = refusals(&out);
    let clean = rejected.is_empty();
    let report = Report {
        kind,
        accepted: &out.accepted,
        rejected: &rejected,
        missing: &[],
        clean,
        recorded: false,
    };
    report.print(a, &v);
    Ok(drill_exit(clean, &out.rejected))
}

/// 0 when every share passed; 2 when a refused one was a misplaced path (not a regular file,
/// not a share), as README's exit codes say; else 3.
fn drill_exit(clean: bool, rejected: &[gsl_vault::error::Refusal]) -> Exit {
    if clean {
        Exit::Ok
    } else if rejected
        .iter()
        .any(|r| r.kind() == gsl_vault::error::Kind::Usage)
    {
        Exit::Usage
    } else {
        Exit::Shares
    }
}

/// What a drill was given: the passphrase, or the shares.
enum Typed {
    Passphrase(gsl_vault::secret::Passphrase),
    /// The shares, and the passphrase too under policy `both`.
    Shares(
        gsl_vault::intake::Intake,
        Option<gsl_vault::secret::Passphrase>,
    ),
}

fn drill_vault(a: &DrillArgs, vaults: &Vaults, path: &std::path::Path) -> Result<Exit> {
    // What the custodians type is asked before the folder is locked: a drill waiting at a
    // prompt must not block every other write to the vault. The vault is then read again
    // under the lock, and the shares and passphrase are checked against that.
    let seen = vaults.read(path)?;
    let kind = kind_of(a, &seen)?;
    let typed = if a.passphrase {
        passphrase(a.passphrase_file.as_deref(), false, "Vault passphrase").map(Typed::Passphrase)
    } else {
        read_shares(&a.input, Some(&seen), usize::from(seen.body.threshold)).and_then(|i| {
            let pass = both_passphrase(&seen, a.passphrase_file.as_deref())?;
            Ok(Typed::Shares(i, pass))
        })
    };
    let compare = match (&typed, a.check_key) {
        (Ok(_), true) => Some(key_to_compare(a.secret_file.as_deref(), is_totp(&seen))?),
        _ => None,
    };
    // An authenticator code belongs to the moment it was typed (Argon2id runs after).
    let typed_at = now();
    // A folder that cannot be locked (a read-only medium) still lets the drill run: it then
    // says the drill passed and that its receipt could not be recorded.
    let (mut v, _lock, unwritable) = match vaults.load_for_update(path) {
        Ok((v, lock)) => (v, Some(lock), None),
        Err(e @ Error::Io { .. }) => (vaults.load(path)?, None, Some(e)),
        Err(e) => return Err(e),
    };
    let result = typed.and_then(|typed| match typed {
        Typed::Passphrase(p) => v.unlock_passphrase(&p).map(|vk| {
            let out = QuorumOutcome {
                vk,
                qk: None,
                accepted: Vec::new(),
                rejected: Vec::new(),
            };
            (out, Vec::new())
        }),
        Typed::Shares(intake, pass) => {
            report_stale_copies_in(&v, &intake);
            // Shares issued before proof keys existed teach the vault theirs (remote proofs).
            let keys = v.proof_keys_of(&intake.offered);
            v.unlock_quorum(&intake.offered, intake.refused, pass.as_ref())
                .map(|o| (o, keys))
        }
    });
    let (out, keys) = match result {
        Ok(o) => o,
        Err(e) => {
            if a.json {
                print_json(&json!({
                    "ok": false, "kind": kind.as_str(), "custodians": [], "rejected": [], "error": sentence(&e)
                }));
            }
            return Err(e);
        }
    };
    // Recovery is proven only when the payload itself decrypts. It is dropped (and wiped) at
    // once: a drill never prints, logs or writes the master key.
    let stored = v.open_payload(&out.vk)?;
    // An authenticator-app key is compared by its codes (windows -1, 0, +1, in constant time):
    // the phone and the vault agree, and neither code is shown.
    let key_matches = compare.as_ref().map(|k| {
        if is_totp(&v) {
            let uri = std::str::from_utf8(stored.expose()).unwrap_or("");
            let code = std::str::from_utf8(k.expose()).unwrap_or("");
            gsl_vault::totp::Totp::from_uri(uri).is_ok_and(|t| t.matches(code, typed_at))
        } else {
            gsl_vault::crypto::ct_eq(stored.expose(), k.expose())
        }
    });
    drop(stored);
    drop(compare);
    let rejected = refusals(&out);
    let reasons = rejected.iter().map(|(_, r)| r.clone()).collect();
    let learned = v.set_proof_keys(&keys);
    v.add_receipt(&out.vk, now(), kind, out.accepted.clone(), reasons);
    let bytes = v.to_bytes(&out.vk)?;
    if bytes.len() as u64 > MAX_VAULT_FILE {
        return Err(Error::Other(format!(
            "the drill passed, but its receipt would make vault {} larger than gsl-vault reads back; it was not recorded.",
            gsl_vault::fsio::shown(path)
        )));
    }
    // The drill itself passed: a file that cannot be written (a read-only folder or medium)
    // must not hide that.
    let written = match unwritable {
        Some(e) => Err(e),
        None => write_vault(path, &bytes, &v),
    };
    if let Err(e) = written {
        return Err(Error::Other(format!(
            "the drill passed ({} opened vault {}; the master key decrypted, not shown), but its receipt could not be recorded: {}",
            if out.accepted.is_empty() {
                "the passphrase".to_string()
            } else {
                out.accepted.join(", ")
            },
            gsl_vault::fsio::shown(path),
            super::report::sentence(&e)
        )));
    }
    if !learned.is_empty() {
        errln!(
            "Proof keys recorded for {}: they can now prove their shares from home (gsl-vault prove SHARE).",
            learned.join(", ")
        );
    }
    // With --all every custodian's share must have been given, and each was checked on its
    // own against its commitment before the quorum was combined.
    let missing: Vec<String> = if a.all {
        v.body
            .custodians
            .iter()
            .filter(|c| !out.accepted.contains(&c.name))
            .map(|c| c.name.clone())
            .collect()
    } else {
        Vec::new()
    };
    let clean = out.rejected.is_empty() && missing.is_empty();
    let report = Report {
        kind,
        accepted: &out.accepted,
        rejected: &rejected,
        missing: &missing,
        clean,
        recorded: true,
    };
    report.print(a, &v);
    match key_matches {
        Some(false) if is_totp(&v) => {
            return Err(Error::Other(format!(
                "the code you typed differs from the codes of the authenticator key in vault {} (now, and a window before and after; neither is shown): if your phone was enrolled again, store its new key (gsl-vault set-secret --totp-uri-file F); else check this machine's clock and the phone's.",
                gsl_vault::fsio::shown(path)
            )));
        }
        Some(true) if !a.json && is_totp(&v) => {
            outln!("The code matches: your authenticator app and the vault hold the same key.");
        }
        Some(false) => {
            return Err(Error::Other(format!(
                "the master key stored in vault {} differs from the one you typed (nothing more about either is shown): if you changed it at the exchange, store the new one (gsl-vault set-secret); else check what you typed.",
                gsl_vault::fsio::shown(path)
            )));
        }
        Some(true) if !a.json => {
            outln!("The stored master key is the one you typed.");
        }
        _ => {}
    }
    Ok(drill_exit(clean, &out.rejected))
}

/// What a passed drill prints.
struct Report<'a> {
    kind: ReceiptKind,
    accepted: &'a [String],
    rejected: &'a [(String, String)],
    missing: &'a [String],
    clean: bool,
    /// Whether a receipt was added (not with a recovery copy).
    recorded: bool,
}

impl Report<'_> {
    fn print(&self, a: &DrillArgs, v: &Vault) {
        if a.json {
            print_json(&json!({
                "ok": self.clean,
                "kind": self.kind.as_str(),
                "opened": true,
                "custodians": self.accepted,
                "rejected": self.rejected.iter().map(|(s, r)| json!({"share": s, "reason": r})).collect::<Vec<_>>(),
                "missing": self.missing,
            }));
            return;
        }
        if a.all {
            for name in self.accepted {
                outln!("ok   {name}'s share: checked on its own against its commitment.");
            }
            for name in self.missing {
                outln!("MISSING  {name}'s share was not given: it is not verified by this drill.");
            }
        }
        for (_, r) in self.rejected {
            outln!("BAD  {r}");
        }
        if a.passphrase {
            outln!(
                "Drill passed: the passphrase opens vault {} ({}).",
                v.path,
                v.fingerprint()
            );
        } else {
            outln!(
                "Drill passed: {} open vault {} ({}).",
                self.accepted.join(", "),
                v.path,
                v.fingerprint()
            );
        }
        if !v.body.entries.is_empty() {
            let titles: Vec<&str> = v
                .body
                .entries
                .iter()
                .map(|e| gsl_vault::vault::entries::entry_title(e))
                .collect();
            outln!("Its {} decrypt too; none was shown.", titles.join(" and "));
        }
        if self.recorded {
            outln!("A signed receipt was added to the vault. The master key was not shown.");
        } else {
            outln!("It used {}.", super::source::describe_copy(v));
            outln!(
                "The master key was not shown. Nothing was recorded: the owner records drills in the vault file (gsl-vault drill VAULT SHARE...)."
            );
        }
        if !self.rejected.is_empty() {
            outln!(
                "Some shares were refused: replace them (gsl-vault reshare) before they are needed."
            );
        }
        if !self.missing.is_empty() {
            outln!(
                "Not every share was verified: run the drill again with {}'s share{} too, or ask {} to prove it from home (gsl-vault prove).",
                self.missing.join(", "),
                if self.missing.len() == 1 { "" } else { "s" },
                if self.missing.len() == 1 {
                    "that custodian"
                } else {
                    "them"
                }
            );
        }
    }
}
