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
    let t = source::open(vaults, a.vault.as_deref(), &a.input, &a.copies, |_| 1)?;
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
    // A share that no key opens is exit 4, as when recovering; any other bad share, exit 3.
    let undecryptable = intake.refused.iter().any(|r| r.kind() == Kind::Unlock);
    for r in &intake.refused {
        rows.push((r.source.clone(), None, Some(refusal(r))));
    }
    let all_ok = rows.iter().all(|r| r.2.is_none());
    if a.json {
        print_json(&serde_json::Value::Array(
            rows.iter()
                .map(
                    |(s, c, r)| json!({"share": s, "custodian": c.as_ref().map(|c| &c.0), "ok": r.is_none(), "reason": r}),
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
    let misplaced = intake.refused.iter().any(|r| r.kind() == Kind::Usage);
    Ok(if all_ok {
        Exit::Ok
    } else if misplaced {
        Exit::Usage
    } else if undecryptable {
        Exit::Unlock
    } else {
        Exit::Shares
    })
}
