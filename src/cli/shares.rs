//! `check-share`, `drill`, `recover` and `open`.

use std::path::Path;

use serde_json::json;

use gsl_vault::error::{Error, Exit, Result};
use gsl_vault::format::Policy;
use gsl_vault::fsio;
use gsl_vault::vault::{QuorumOutcome, Rejected, Vault};

use super::{ShareInput, load_vault, now, passphrase, print_json, read_shares, reveal};

pub fn check(path: &Path, shares: &ShareInput, json: bool) -> Result<Exit> {
    let v = load_vault(path)?;
    let (offered, unreadable) = read_shares(shares, (&v, 1))?;
    let mut rows = Vec::new();
    for o in &offered {
        rows.push(match v.check_share(&o.source, &o.code) {
            Ok(c) => (o.source.clone(), Some(c.name.clone()), None),
            Err(e) => (o.source.clone(), None, Some(e.to_string())),
        });
    }
    // A share that no key opens is exit 4, as when recovering; any other bad share, exit 3.
    let undecryptable = unreadable
        .iter()
        .any(|(_, e)| matches!(e, Error::Unlock(_)));
    for (source, e) in unreadable {
        rows.push((source, None, Some(e.to_string())));
    }
    let all_ok = rows.iter().all(|r| r.2.is_none());
    if json {
        print_json(&serde_json::Value::Array(
            rows.iter()
                .map(
                    |(s, c, r)| json!({"share": s, "custodian": c, "ok": r.is_none(), "reason": r}),
                )
                .collect(),
        ));
    } else {
        for (s, c, r) in &rows {
            match (c, r) {
                (Some(c), None) => outln!(
                    "ok   {s}: {c}'s share of {} ({}), epoch {}: checksum, vault and commitment all match.",
                    v.body.label,
                    v.fingerprint(),
                    v.body.epoch
                ),
                (_, Some(r)) => outln!("BAD  {s}: {r}"),
                _ => {}
            }
        }
    }
    Ok(if all_ok {
        Exit::Ok
    } else if undecryptable {
        Exit::Unlock
    } else {
        Exit::Shares
    })
}

/// Checks and combines shares; shares that could not even be read count as rejected.
fn unlock_with_shares(
    v: &Vault,
    shares: &ShareInput,
    pass_file: Option<&Path>,
) -> Result<QuorumOutcome> {
    let (offered, unreadable) = read_shares(shares, (v, usize::from(v.body.threshold)))?;
    let pass = if v.body.policy == Policy::Both {
        Some(passphrase(pass_file, false, "Vault passphrase")?)
    } else {
        None
    };
    let undecryptable = unreadable
        .iter()
        .any(|(_, e)| matches!(e, Error::Unlock(_)));
    let unreadable: Vec<Rejected> = unreadable
        .into_iter()
        .map(|(source, e)| Rejected {
            source,
            reason: e.to_string(),
        })
        .collect();
    match v.unlock_quorum(&offered, pass.as_ref()) {
        Ok(mut out) => {
            out.rejected.extend(unreadable);
            Ok(out)
        }
        Err(Error::Shares(m)) if !unreadable.is_empty() => {
            let mut msg = m
                .trim_end_matches(": ask more custodians for their shares.")
                .to_string();
            for r in &unreadable {
                msg.push_str("; ");
                msg.push_str(r.reason.trim_end_matches('.'));
            }
            msg.push_str(": ask more custodians for their shares.");
            // Not enough shares because one could not be decrypted: exit 4, as documented.
            Err(if undecryptable {
                Error::Unlock(msg)
            } else {
                Error::Shares(msg)
            })
        }
        Err(e) => Err(e),
    }
}

pub fn drill(
    path: &Path,
    shares: &ShareInput,
    use_passphrase: bool,
    pass_file: Option<&Path>,
    json: bool,
    all: bool,
) -> Result<Exit> {
    if all && use_passphrase {
        return Err(Error::Usage(
            "--all checks every custodian's share: it does not go with --passphrase.".into(),
        ));
    }
    if use_passphrase && !shares.shares.is_empty() {
        return Err(Error::Usage(
            "a drill uses either shares or --passphrase, not both: run two drills.".into(),
        ));
    }
    if !use_passphrase && shares.shares.is_empty() && !super::can_prompt() {
        return Err(Error::Usage(format!(
            "name the shares to drill (gsl-vault drill {} SHARE...), or drill the passphrase with --passphrase.",
            path.display()
        )));
    }
    super::one_stdin(pass_file, shares)?;
    let (mut v, _lock) = super::load_vault_for_update(path)?;
    if use_passphrase && v.body.policy != Policy::Either {
        return Err(Error::Usage(format!(
            "vault {} has policy {}: the passphrase alone does not open it, so drill with shares{}.",
            path.display(),
            v.body.policy.as_str(),
            if v.body.policy == Policy::Both {
                " and --passphrase-file"
            } else {
                ""
            }
        )));
    }
    let kind = if use_passphrase {
        "passphrase"
    } else if v.body.policy == Policy::Both {
        "both"
    } else {
        "quorum"
    };
    let result = if use_passphrase {
        passphrase(pass_file, false, "Vault passphrase")
            .and_then(|p| v.unlock_passphrase(&p))
            .map(|vk| QuorumOutcome {
                vk,
                qk: None,
                accepted: Vec::new(),
                rejected: Vec::new(),
            })
    } else {
        unlock_with_shares(&v, shares, pass_file)
    };
    let out = match result {
        Ok(o) => o,
        Err(e) => {
            if json {
                print_json(&json!({
                    "ok": false, "kind": kind, "custodians": [], "rejected": [], "error": e.to_string()
                }));
            }
            return Err(e);
        }
    };
    // Recovery is proven only when the payload itself decrypts. It is dropped (and wiped) at
    // once: a drill never prints, logs or writes the master key.
    drop(v.open_payload(&out.vk)?);
    let rejected_text: Vec<String> = out.rejected.iter().map(|r| r.reason.clone()).collect();
    let bytes = v.with_receipt(&out.vk, now(), kind, out.accepted.clone(), rejected_text);
    if bytes.len() as u64 > gsl_vault::format::MAX_VAULT_FILE {
        return Err(Error::Other(format!(
            "the drill passed, but its receipt would make vault {} larger than gsl-vault reads back; it was not recorded.",
            path.display()
        )));
    }
    fsio::write_atomic(path, &bytes, true)?;
    // With --all every custodian's share must have been given, and each was checked on its
    // own against its commitment before the quorum was combined.
    let missing: Vec<String> = if all {
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
    if json {
        print_json(&json!({
            "ok": clean,
            "kind": kind,
            "opened": true,
            "custodians": out.accepted,
            "rejected": out.rejected.iter().map(|r| json!({"share": r.source, "reason": r.reason})).collect::<Vec<_>>(),
            "missing": missing,
        }));
    } else {
        if all {
            for name in &out.accepted {
                outln!("ok   {name}'s share: checked on its own against its commitment.");
            }
            for name in &missing {
                outln!("MISSING  {name}'s share was not given: it is not verified by this drill.");
            }
        }
        for r in &out.rejected {
            outln!("BAD  {}", r.reason);
        }
        if use_passphrase {
            outln!(
                "Drill passed: the passphrase opens vault {} ({}).",
                path.display(),
                v.fingerprint()
            );
        } else {
            outln!(
                "Drill passed: {} open vault {} ({}).",
                out.accepted.join(", "),
                path.display(),
                v.fingerprint()
            );
        }
        outln!("A signed receipt was added to the vault. The master key was not shown.");
        if !clean {
            outln!(
                "Some shares were refused: replace them (gsl-vault reshare) before they are needed."
            );
        }
    }
    Ok(if clean { Exit::Ok } else { Exit::Shares })
}

pub fn recover(
    path: &Path,
    shares: &ShareInput,
    pass_file: Option<&Path>,
    output: Option<&Path>,
) -> Result<Exit> {
    super::one_stdin(pass_file, shares)?;
    let v = load_vault(path)?;
    if let Some(o) = output
        && o.exists()
    {
        return Err(Error::Exists(o.display().to_string()));
    }
    let out = unlock_with_shares(&v, shares, pass_file)?;
    for r in &out.rejected {
        eprintln!("gsl-vault: warning: {}", r.reason);
    }
    let master = v.open_payload(&out.vk)?;
    eprintln!("Recovered with the shares of {}.", out.accepted.join(", "));
    reveal(master.expose(), output)?;
    Ok(Exit::Ok)
}

pub fn open(path: &Path, pass_file: Option<&Path>, output: Option<&Path>) -> Result<Exit> {
    let v = load_vault(path)?;
    if v.body.policy != Policy::Either {
        return Err(Error::Usage(format!(
            "vault {} has policy {}: the passphrase alone cannot open it; use gsl-vault recover {} SHARE...",
            path.display(),
            v.body.policy.as_str(),
            path.display()
        )));
    }
    if let Some(o) = output
        && o.exists()
    {
        return Err(Error::Exists(o.display().to_string()));
    }
    let p = passphrase(pass_file, false, "Vault passphrase")?;
    let vk = v.unlock_passphrase(&p)?;
    let master = v.open_payload(&vk)?;
    reveal(master.expose(), output)?;
    Ok(Exit::Ok)
}
