//! `gsl-vault check-share`: each share checked on its own against its commitment; nothing is
//! combined and nothing is revealed.

use serde_json::json;

use gsl_vault::error::{Error, Kind, Result, Why};

use super::args::CheckShareArgs;
use super::load::Vaults;
use super::output::print_json;
use super::report::{Exit, refusal, sentence};
use super::source;

pub fn run(a: &CheckShareArgs, vaults: &Vaults) -> Result<Exit> {
    let t = match source::open_or_alone(vaults, a.vault.as_deref(), &a.input, &a.copies, |_| 1)? {
        source::Opened::Vault(t) => *t,
        source::Opened::SharesAlone(intake) => return alone(a, &intake),
    };
    let (v, intake) = (t.vault, t.intake);
    let mut rows = Vec::new();
    for o in &intake.offered {
        rows.push(match v.check_share(&o.source, &o.code) {
            Ok(c) => (o.source.clone(), Some((c.name.clone(), false)), None),
            // A new share of a pending reshare is good: say so, and that it awaits confirmation.
            Err(Error::Refused(r)) if matches!(r.why, Why::NotConfirmedYet { .. }) => {
                match v.check_pending_share(&o.source, &o.code) {
                    Ok(c) => (o.source.clone(), Some((c.name.clone(), true)), None),
                    Err(_) => (o.source.clone(), None, Some(refusal(&r))),
                }
            }
            Err(Error::Refused(r)) => (o.source.clone(), None, Some(refusal(&r))),
            Err(e) => (o.source.clone(), None, Some(sentence(&e))),
        });
    }
    for r in &intake.refused {
        rows.push((r.source.clone(), None, Some(refusal(r))));
    }
    let all_ok = rows.iter().all(|r| r.2.is_none());
    if a.json {
        print_json(&serde_json::Value::Array(
            rows.iter()
                .map(
                    |(s, c, r)| json!({"share": s, "custodian": c.as_ref().map(|c| &c.0), "ok": r.is_none(), "reason": r, "commitment": r.is_none()}),
                )
                .collect(),
        ));
    } else {
        for (s, c, r) in &rows {
            match (c, r) {
                (Some((c, false)), None) => outln!(
                    "ok   {s}: {c}'s share of {} ({}), epoch {}: checksum, vault and commitment all match.",
                    v.body.label,
                    v.fingerprint(),
                    v.body.epoch
                ),
                (Some((c, true)), None) => outln!(
                    "ok   {s}: {c}'s new share of {} ({}), epoch {}: good, pending confirmation (the owner confirms the new set with a quorum of the new shares).",
                    v.body.label,
                    v.fingerprint(),
                    v.body.epoch + 1
                ),
                (_, Some(r)) => outln!("BAD  {s}: {r}"),
                _ => {}
            }
        }
    }
    Ok(verdict(all_ok, &intake.refused))
}

/// The exit code: 0 when every share is good; else 2 for a misplaced argument, 4 for a share no
/// key opens (as when recovering), 3 for any other bad share.
fn verdict(all_ok: bool, refused: &[gsl_vault::error::Refusal]) -> Exit {
    if all_ok {
        Exit::Ok
    } else if refused.iter().any(|r| r.kind() == Kind::Usage) {
        Exit::Usage
    } else if refused.iter().any(|r| r.kind() == Kind::Unlock) {
        Exit::Unlock
    } else {
        Exit::Shares
    }
}

/// Shares with no vault file and no recovery copy anywhere (page 1 of a kit, alone): their words
/// and checksums are checked, and what is not checked is said.
fn alone(a: &CheckShareArgs, intake: &gsl_vault::intake::Intake) -> Result<Exit> {
    let mut rows = Vec::new();
    for o in &intake.offered {
        let fp = gsl_vault::fingerprint::Fingerprint(o.code.fingerprint);
        rows.push((
            o.source.clone(),
            Some((fp, o.code.epoch, o.code.point.x)),
            None,
        ));
    }
    for r in &intake.refused {
        rows.push((r.source.clone(), None, Some(refusal(r))));
    }
    if a.json {
        print_json(&serde_json::Value::Array(
            rows.iter()
                .map(|(s, c, r)| {
                    json!({"share": s, "custodian": null, "ok": r.is_none(), "reason": r,
                           "vault": c.as_ref().map(|c| c.0.to_string()), "commitment": false})
                })
                .collect(),
        ));
    } else {
        for (s, c, r) in &rows {
            match (c, r) {
                (Some((fp, epoch, index)), None) => outln!(
                    "ok   {s}: share {index} of vault {fp}, epoch {epoch}: its words are all correct (checksum). Not checked against the vault's commitment: for that, add the vault file before it or a recovery copy (--copy FILE: a photo of page 2 of your kit)."
                ),
                (_, Some(r)) => outln!("BAD  {s}: {r}"),
                _ => {}
            }
        }
    }
    Ok(verdict(rows.iter().all(|r| r.2.is_none()), &intake.refused))
}
