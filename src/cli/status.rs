//! `gsl-vault status`.

use std::path::Path;

use serde_json::json;

use gsl_vault::dates::{datetime, now};
use gsl_vault::error::{Error, Result};
use gsl_vault::format::Policy;
use gsl_vault::vault::Vault;

use super::args::StatusArgs;
use super::load::{Vaults, rolled_back};
use super::output::print_json;
use super::report::Exit;

fn duration(secs: u64) -> String {
    if secs.is_multiple_of(86_400) {
        format!("{}d", secs / 86_400)
    } else {
        humantime::format_duration(std::time::Duration::from_secs(secs)).to_string()
    }
}

/// What `status` computes once, for both outputs.
struct Ledger<'a> {
    path: &'a Path,
    v: &'a Vault,
    t: u64,
    overdue: bool,
    next_due: Option<u64>,
    all_verified: bool,
    /// Per custodian (in order): the last drill their share passed, and their last remote proof.
    seen: Vec<(Option<u64>, Option<u64>)>,
    /// Share files of the current or pending set left on this computer.
    local: Vec<super::handout::Local>,
}

/// When a custodian's share was last shown to exist: the later of a drill and a proof.
fn fresh_since(seen: (Option<u64>, Option<u64>)) -> Option<u64> {
    seen.0.max(seen.1)
}

pub fn run(a: &StatusArgs, vaults: &Vaults) -> Result<Exit> {
    let path = a.vault.as_path();
    let v = vaults.load(path)?;
    let t = now();
    let last = v.last_drill(t);
    let proved = v.last_proved(
        &super::prove::ledger_for_status(path, v.body.custodians.len()),
        t,
    );
    let seen: Vec<_> = v.ledger(t).iter().map(|(_, d)| *d).zip(proved).collect();
    let l = Ledger {
        path,
        v: &v,
        t,
        overdue: v.drill_overdue(t),
        next_due: last.map(|r| r.time.saturating_add(v.body.drill_every)),
        all_verified: seen
            .iter()
            .all(|s| fresh_since(*s).is_some_and(|l| t.saturating_sub(l) <= v.body.drill_every)),
        seen,
        local: super::handout::find(path, &v),
    };
    if a.json {
        print_status_json(&l);
    } else {
        print_status_text(&l);
    }
    if a.check
        && let Some(why) = rolled_back(&v)
    {
        return Err(Error::Corrupt(why));
    }
    if a.check
        && let Some(dir) = super::state::memory_unwritable(&v)
    {
        return Err(Error::Other(format!(
            "this machine's memory of the vault generations it wrote ({dir}) cannot be written: an older copy of {} put back would not be noticed. Make that folder writable (or free space there), then run gsl-vault status --check again.",
            gsl_vault::fsio::shown(path)
        )));
    }
    Ok(if a.check && l.overdue {
        Exit::Overdue
    } else if a.check && a.every_share && !l.all_verified {
        Exit::UnprovedShare
    } else if a.check && !v.stale_copies().is_empty() {
        Exit::StaleCopies
    } else {
        Exit::Ok
    })
}

fn print_status_json(l: &Ledger<'_>) {
    let (path, v, t, overdue, next_due, all_verified) =
        (l.path, l.v, l.t, l.overdue, l.next_due, l.all_verified);
    let b = &v.body;
    let last = v.last_drill(t);
    let ledger = v.ledger(t);
    print_json(&json!({
        "vault": gsl_vault::fsio::shown(path).to_string(),
        "fingerprint": v.fingerprint().to_string(),
        "pin": v.long_fingerprint(),
        "generation": v.generation(),
        "rotations": b.lineage.iter().map(|r| json!({
            "at": datetime(r.at),
            "generation": r.generation,
            "from": r.from,
            "to": r.to,
        })).collect::<Vec<_>>(),
        "label": b.label,
        "signature": "valid",
        "threshold": b.threshold,
        "count": b.custodians.len(),
        "epoch": b.epoch,
        "policy": b.policy.as_str(),
        "created": datetime(b.created),
    "custodians": ledger.iter().zip(&l.seen).map(|((c, last), seen)| {
            let fresh = fresh_since(*seen);
            json!({
                "name": c.name,
                "index": c.index,
                "delivery": c.delivery,
                "last_passed": last.map(datetime),
                "last_proved": seen.1.map(datetime),
                "proof_key": c.proof_key.is_some(),
                "next_due": fresh.map(|l| datetime(l.saturating_add(b.drill_every))),
                "overdue": fresh.is_none_or(|l| t.saturating_sub(l) > b.drill_every),
            })
        }).collect::<Vec<_>>(),
        "all_verified": all_verified,
        "pending_reshare": b.pending.as_ref().map(|p| json!({
            "epoch": p.epoch,
            "threshold": p.threshold,
            "custodians": p.custodians.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
            "since": datetime(p.created),
        })),
        "kdf": b.kdf.as_ref().map(|k| json!({
            "memory_kib": k.memory_kib, "iterations": k.iterations, "parallelism": k.parallelism,
            "gpu_guesses_per_second": gsl_vault::strength::gpu_guesses_per_second(&k.costs()),
        })),
        "drill": {
            "every": duration(b.drill_every),
            "last": last.map(|r| datetime(r.time)),
            "last_kind": last.map(|r| r.kind.clone()),
            "next_due": next_due.map(datetime),
            "overdue": overdue,
        },
        "receipts": b.receipts.len(),
        "future_receipts": v.future_receipts(t),
        "stale_copies": v.stale_copies().iter().map(|s| json!({
            "custodian": s.custodian, "issued_generation": s.issued,
        })).collect::<Vec<_>>(),
        "copies_need_quorum": !v.has_copy_authority(),
        "entries": b.entries,
        "master": b.master,
        "local_shares": super::handout::json_of(v, &l.local),
        "retired": b.retired.iter().map(|r| json!({"epoch": r.epoch, "at": datetime(r.at)})).collect::<Vec<_>>(),
    }));
}

fn print_status_text(l: &Ledger<'_>) {
    let (path, v, overdue, next_due, all_verified) =
        (l.path, l.v, l.overdue, l.next_due, l.all_verified);
    let b = &v.body;
    let last = v.last_drill(l.t);
    print_names(path, v);
    outln!("signature:   valid (header, slots, commitments and receipts)");
    outln!("created:     {}", datetime(b.created));
    outln!(
        "policy:      {} ({})",
        b.policy.as_str(),
        match b.policy {
            Policy::Either => "the passphrase alone, or a quorum of shares alone",
            Policy::Both => "a quorum of shares and the passphrase",
            Policy::Quorum => "a quorum of shares; no passphrase",
        }
    );
    outln!(
        "shares:      any {} of {} recover (epoch {})",
        b.threshold,
        b.custodians.len(),
        b.epoch
    );
    print_custodians(v, &l.seen);
    let master = match &b.master {
        Some(m) => format!(
            "master key (authenticator app, {} digits, {}, every {} s)",
            m.digits, m.algorithm, m.period
        ),
        None => "master key".to_string(),
    };
    let titles: Vec<&str> = std::iter::once(master.as_str())
        .chain(
            b.entries
                .iter()
                .map(|e| gsl_vault::vault::entries::entry_title(e)),
        )
        .collect();
    outln!("holds:       {}", titles.join(", "));
    let future = v.future_receipts(l.t);
    if future > 0 {
        outln!(
            "receipts:    {future} dated in the future (a clock was wrong when they were written): they do not count as drills"
        );
    }
    if all_verified {
        outln!(
            "             every custodian's share passed a drill or was proved within the interval"
        );
    }
    if let Some(p) = &b.pending {
        outln!(
            "reshare:     pending since {} (epoch {}, any {} of {}: {}); confirm it with gsl-vault reshare {} --confirm NEW-SHARE...",
            datetime(p.created),
            p.epoch,
            p.threshold,
            p.custodians.len(),
            p.custodians
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            gsl_vault::fsio::shown(path)
        );
    }
    match &b.kdf {
        Some(k) => outln!(
            "argon2id:    {}; an attacker's GPU (1 TB/s, 24 GiB) tries about {} passphrases a second at these costs (the passphrase's own strength was shown when it was set; nothing of it is stored)",
            k.costs().describe(),
            gsl_vault::strength::round3(gsl_vault::strength::gpu_guesses_per_second(&k.costs()))
        ),
        None => outln!("argon2id:    none (no passphrase)"),
    }
    outln!("drill every: {}", duration(b.drill_every));
    match last {
        Some(r) => outln!(
            "last drill:  {} ({}){}",
            datetime(r.time),
            if r.custodians.is_empty() {
                r.kind.to_string()
            } else {
                format!("{}: {}", r.kind, r.custodians.join(", "))
            },
            next_due
                .map(|d| format!("; next due {}", datetime(d)))
                .unwrap_or_default()
        ),
        None => outln!("last drill:  none yet"),
    }
    print_copies(path, v);
    print_retired(v);
    for line in super::handout::status_lines(path, v, &l.local) {
        outln!("local files: {line}");
    }
    if overdue && last.is_none() {
        outln!(
            "status:      NO DRILL YET: an untested vault is the risk; rehearse now with gsl-vault drill {} SHARE... (or --passphrase)",
            gsl_vault::fsio::shown(path)
        );
    } else if overdue {
        outln!(
            "status:      DRILL OVERDUE: run gsl-vault drill {} SHARE... (or --passphrase)",
            gsl_vault::fsio::shown(path)
        );
    } else if !v.stale_copies().is_empty() {
        // The same verdict as `status --check` (exit 7), the reason first.
        outln!(
            "status:      COPIES STALE: a custodian's recovery copy is out of date or missing; issue fresh ones with gsl-vault copies {}",
            gsl_vault::fsio::shown(path)
        );
    } else {
        outln!("status:      ok");
    }
}

/// Which vault: its file, label, name, pin, generation and rotations.
fn print_names(path: &Path, v: &Vault) {
    let b = &v.body;
    outln!("vault:       {}", gsl_vault::fsio::shown(path));
    outln!("label:       {}", b.label);
    outln!("fingerprint: {}", v.fingerprint());
    outln!(
        "pin:         {} (for --expect-fingerprint)",
        v.long_fingerprint()
    );
    outln!("generation:  {}", v.generation());
    if let Some(r) = b.lineage.last() {
        outln!(
            "vault key:   rotated {} time(s), last on {} (signed by the old identity and the new)",
            b.lineage.len(),
            datetime(r.at)
        );
    }
}

/// Issue 28, item 1: the share sets retired by reshares. Their holders keep recovery copies, and
/// a quorum of retired shares with one of them still recovers the master key of that day.
fn print_retired(v: &Vault) {
    let b = &v.body;
    let Some(last) = b.retired.last() else {
        return;
    };
    outln!(
        "retired:     {} share set(s) retired by reshares, the last on {}. Their holders still keep recovery copies: a quorum of them recovers the master key as it was then. Only changing the master key at the exchange, then gsl-vault set-secret, cuts them off (if you did so after {}, they are).",
        b.retired.len(),
        datetime(last.at),
        gsl_vault::dates::date(last.at)
    );
}

/// Whether every custodian holds a current recovery copy.
fn print_copies(path: &Path, v: &Vault) {
    let stale = v.stale_copies();
    if stale.is_empty() {
        outln!("copies:      every custodian holds a current recovery copy");
    } else {
        let names: Vec<&str> = stale.iter().map(|s| s.custodian.as_str()).collect();
        let how = if v.has_copy_authority() {
            ""
        } else {
            " SHARE..."
        };
        outln!(
            "copies:      STALE or missing for {}: gsl-vault copies {}{how} issues fresh ones",
            names.join(", "),
            gsl_vault::fsio::shown(path)
        );
    }
}

/// Each custodian, and when their share last passed a drill or was proved from home.
fn print_custodians(v: &Vault, seen: &[(Option<u64>, Option<u64>)]) {
    let b = &v.body;
    for (c, s) in b.custodians.iter().zip(seen) {
        let drilled = match s.0 {
            Some(l) => format!("drilled {}", datetime(l)),
            None => "not yet verified by a drill".to_string(),
        };
        let proved = match (s.1, &c.proof_key) {
            (Some(p), _) => format!(", proved remotely {}", datetime(p)),
            (None, Some(_)) => String::new(),
            (None, None) => ", no proof key yet (a drill with this share records one)".into(),
        };
        let due = fresh_since(*s)
            .map(|l| format!("; next due {}", datetime(l.saturating_add(b.drill_every))))
            .unwrap_or_default();
        // Padded by characters shown, then the mark that keeps a right-to-left name's run
        // from taking the rest of the line.
        let pad = 16usize.saturating_sub(c.name.chars().count());
        outln!(
            "  {:>3}  {}{:pad$} share {drilled}{proved}{due}",
            c.index,
            gsl_vault::fsio::shown_name(&c.name),
            ""
        );
    }
}
