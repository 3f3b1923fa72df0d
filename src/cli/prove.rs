//! `gsl-vault prove` (a custodian, at home: their share proves itself, and nothing leaves) and
//! `gsl-vault attest` (the owner: proofs checked against the vault and recorded in the proof
//! ledger beside it, `VAULT.proofs`, which needs no secret: each entry verifies on its own).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde_json::json;

use gsl_vault::dates::{datetime, now};
use gsl_vault::error::{Error, Result};
use gsl_vault::fsio;
use gsl_vault::proof::{self, MAX_PROOF_TEXT, Proof};
use gsl_vault::vault::Vault;

use super::args::{AttestArgs, ProveArgs};
use super::load::Vaults;
use super::output::print_json;
use super::report::Exit;
use super::shares::read_shares;

/// At most this many proofs are kept per custodian in the ledger (the newest).
const KEEP_PER_CUSTODIAN: usize = 16;

/// The recovery copy given with `--copy`, verified.
fn given_copy(file: &Path) -> Result<Vault> {
    let bytes = super::source::read_copy_bytes(file)?;
    let source = gsl_vault::intake::source_name(file);
    match gsl_vault::copy::find(&bytes) {
        Some(Ok(c)) => Vault::parse_copy(&c, &source),
        _ => Err(Error::Usage(format!(
            "{source} holds no recovery copy: give a share file that carries one, or a NAME.copy file."
        ))),
    }
}

pub fn prove(a: &ProveArgs) -> Result<Exit> {
    let copy = a.copy.as_deref().map(given_copy).transpose()?;
    // At a terminal with nothing named, the custodian types their share: as `prove -`.
    let typed;
    let input = if a.input.shares.is_empty() && copy.is_none() && super::prompt::can_prompt() {
        typed = super::args::ShareInput {
            shares: vec![PathBuf::from("-")],
            identities: a.input.identities.clone(),
            share_passphrase_files: a.input.share_passphrase_files.clone(),
        };
        &typed
    } else {
        &a.input
    };
    let intake = read_shares(input, copy.as_ref(), 1)?;
    if let Some(r) = intake.refused.into_iter().next() {
        return Err(Error::Refused(Box::new(r)));
    }
    let [o] = intake.offered.as_slice() else {
        return Err(Error::Usage(
            "prove takes one share: your own (each custodian proves their share on their own)."
                .into(),
        ));
    };
    // The copy the share file carries (or the one given) names the vault and the custodian,
    // and checks the share against its commitment before anything is signed.
    let carried = intake.copies.iter().find_map(|(source, c)| {
        let v = Vault::parse_copy(c.as_ref().ok()?, source).ok()?;
        (v.fingerprint().0 == o.code.fingerprint).then_some(v)
    });
    let copy = copy.or(carried);
    let custodian = match &copy {
        Some(v) => Some(v.check_share(&o.source, &o.code)?),
        None => None,
    };
    let p = proof::prove(&o.code, custodian.map(|c| c.name.as_str()), now());
    if a.json {
        print_json(&json!({
            "proof": p.to_text(),
            "vault": gsl_vault::fingerprint::Fingerprint(p.fingerprint).to_string(),
            "custodian": p.custodian,
            "index": p.index,
            "epoch": p.epoch,
            "at": datetime(p.at),
        }));
    } else {
        outln!("{}", p.to_text().trim_end());
    }
    errln!(
        "Send the two lines above to the owner (e-mail or chat): they prove you still hold share {} of vault {}, and reveal nothing about it. Keep your share where it was.",
        p.index,
        gsl_vault::fingerprint::Fingerprint(p.fingerprint)
    );
    if custodian.is_some_and(|c| c.proof_key.is_none()) {
        errln!(
            "gsl-vault: note: the recovery copy you hold has no proof key for your share yet; the owner records one at the next drill with your share or reshare."
        );
    }
    Ok(Exit::Ok)
}

/// `VAULT.proofs`: the proof ledger beside the vault.
fn ledger_path(vault: &Path) -> PathBuf {
    let mut s = OsString::from(vault.as_os_str());
    s.push(".proofs");
    PathBuf::from(s)
}

/// The proofs the ledger holds (each still to be checked against the vault by its reader): at
/// most as many as it keeps per custodian for `custodians`, and some slack.
pub fn read_ledger(vault: &Path, custodians: usize) -> Result<Vec<Proof>> {
    let path = ledger_path(vault);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let bytes = fsio::read_capped(&path, 4 * 1024 * 1024, "proof ledger")?;
    let text = String::from_utf8_lossy(&bytes);
    let max = KEEP_PER_CUSTODIAN * custodians + 64;
    Ok(text
        .lines()
        .flat_map(proof::parse_all)
        .flatten()
        .take(max)
        .collect())
}

/// The ledger for `status`: one that cannot be read counts as empty, with a warning (it only
/// ever adds evidence; a broken one must not hide the rest of the status).
pub fn ledger_for_status(vault: &Path, custodians: usize) -> Vec<Proof> {
    read_ledger(vault, custodians).unwrap_or_else(|e| {
        errln!(
            "gsl-vault: warning: the proof ledger {} cannot be read ({}); remote proofs are not counted. Remove it, then attest fresh proofs.",
            fsio::shown(&ledger_path(vault)),
            super::report::sentence(&e).trim_end_matches('.')
        );
        Vec::new()
    })
}

fn write_ledger(vault: &Path, v: &Vault, proofs: &[Proof], t: u64) -> Result<()> {
    let mut kept: Vec<&Proof> = proofs
        .iter()
        .filter(|p| v.check_proof(p, t, u64::MAX).is_ok())
        .collect();
    kept.sort_by_key(|p| (p.index, std::cmp::Reverse(p.at)));
    let mut text = format!(
        "# gsl-vault proof ledger of {}: remote share proofs recorded by gsl-vault attest.\n# Nothing here is secret; every line is checked against the vault when it is read.\n",
        fsio::shown(vault)
    );
    let mut count = std::collections::HashMap::new();
    for p in kept {
        let n = count.entry(p.index).or_insert(0usize);
        *n += 1;
        if *n <= KEEP_PER_CUSTODIAN {
            text.push_str(&p.to_line());
            text.push('\n');
        }
    }
    fsio::write_atomic(&ledger_path(vault), text.as_bytes(), true)
}

/// A proof input's text: standard input or the start of a file (at most 64 KiB of either).
fn read_proof_input(file: &Path) -> Result<String> {
    let bytes = if file == Path::new("-") {
        use std::io::Read;
        let mut b = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_PROOF_TEXT as u64)
            .read_to_end(&mut b)
            .map_err(|e| Error::io("standard input", e))?;
        b
    } else {
        fsio::read_head(file, MAX_PROOF_TEXT as u64)?
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One proof's outcome: where it came from, whose it is, and why it was refused.
struct Outcome {
    source: String,
    custodian: Option<String>,
    at: Option<u64>,
    refused: Option<String>,
}

pub fn attest(a: &AttestArgs, vaults: &Vaults) -> Result<Exit> {
    let path = a.vault.as_path();
    let (v, _lock) = vaults.load_for_update(path)?;
    let t = now();
    let window = a.window.as_secs();
    let mut ledger = read_ledger(path, v.body.custodians.len())?;
    let before = ledger.len();
    let mut outcomes = Vec::new();
    for file in &a.proofs {
        let source = gsl_vault::intake::source_name(file);
        let found = match read_proof_input(file) {
            Ok(text) => proof::parse_all(&text),
            Err(e) => {
                let why = super::report::sentence(&e);
                outcomes.push(Outcome {
                    source,
                    custodian: None,
                    at: None,
                    refused: Some(why.trim_end_matches('.').to_string()),
                });
                continue;
            }
        };
        if found.is_empty() {
            outcomes.push(Outcome { source: source.clone(), custodian: None, at: None, refused: Some(format!("{source} holds no gsl-vault proof (it starts with \"{}\"): ask the custodian to run gsl-vault prove and send both lines", proof::PROOF_PREFIX)) });
        }
        for parsed in found {
            outcomes.push(check_one(&v, &mut ledger, &source, parsed, t, window));
        }
    }
    if ledger.len() > before {
        write_ledger(path, &v, &ledger, t)?;
    }
    report(a, &outcomes, path);
    Ok(if outcomes.iter().all(|o| o.refused.is_none()) {
        Exit::Ok
    } else {
        Exit::Shares
    })
}

fn check_one(
    v: &Vault,
    ledger: &mut Vec<Proof>,
    source: &str,
    parsed: std::result::Result<Proof, String>,
    t: u64,
    window: u64,
) -> Outcome {
    let mut o = Outcome {
        source: source.to_string(),
        custodian: None,
        at: None,
        refused: None,
    };
    let p = match parsed {
        Ok(p) => p,
        Err(why) => {
            o.refused = Some(why.replacen("the proof", &format!("the proof in {source}"), 1));
            return o;
        }
    };
    o.at = Some(p.at);
    match v.check_proof(&p, t, window) {
        Err(why) => o.refused = Some(format!("the proof in {source} {why}")),
        Ok(c) => {
            o.custodian = Some(c.name.clone());
            if ledger.iter().any(|q| q.signature == p.signature) {
                o.refused = Some(format!(
                    "the proof in {source} ({}, {}) is already recorded: a proof counts once; ask for a fresh one to show the share is still there later",
                    c.name,
                    datetime(p.at)
                ));
            } else {
                ledger.push(p);
            }
        }
    }
    o
}

fn report(a: &AttestArgs, outcomes: &[Outcome], path: &Path) {
    if a.json {
        print_json(&json!(
            outcomes
                .iter()
                .map(|o| json!({
                    "proof": o.source,
                    "custodian": o.custodian,
                    "at": o.at.map(datetime),
                    "ok": o.refused.is_none(),
                    "reason": o.refused,
                }))
                .collect::<Vec<_>>()
        ));
        return;
    }
    for o in outcomes {
        match (&o.refused, &o.custodian, o.at) {
            (None, Some(c), Some(at)) => {
                outln!("recorded  {c}'s share is there: proved {}", datetime(at))
            }
            (Some(why), _, _) => outln!("REFUSED   {why}."),
            _ => {}
        }
    }
    if outcomes.iter().any(|o| o.refused.is_none()) {
        errln!(
            "Recorded in {} (status shows each custodian's last proof).",
            fsio::shown(&ledger_path(path))
        );
    }
}
