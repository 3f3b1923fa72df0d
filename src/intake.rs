//! Share intake: shares read from files, standard input or age-encrypted files, each either
//! offered (decoded, to be checked against the vault) or refused with a reason as data. A
//! passphrase-protected share's own passphrase is asked through a callback the caller supplies
//! (the CLI prompts at the terminal), so this module never talks to a user.

use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

use crate::custodian::{self, Keys};
use crate::error::{Refusal, Result, Why};
use crate::fsio;
use crate::secret::SharePassphrase;
use crate::share::{self, MAX_SHARE_FILE};
use crate::vault::Offered;

/// What was read: the shares that decoded, and the ones refused before any vault check.
#[derive(Default)]
pub struct Intake {
    /// Decoded shares, in the order given.
    pub offered: Vec<Offered>,
    /// Shares that could not be read, decrypted or decoded, in the order given.
    pub refused: Vec<Refusal>,
    /// The recovery copies the share files carry, with where each came from (the copy's bytes,
    /// or what is wrong with its armor).
    pub copies: Vec<FoundCopy>,
}

/// A recovery copy found, with where it came from: its bytes, or what is wrong with its armor.
pub type FoundCopy = (String, std::result::Result<Vec<u8>, &'static str>);

/// The name a file argument gives its share in messages (`-` is standard input).
pub fn source_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_string()
    } else {
        fsio::shown(path)
    }
}

/// The custodian a share file is named after (`NAME.share.age` or `NAME.age`, as init and
/// reshare write them), if `names` has one by that name.
fn custodian_of(path: &Path, names: &[&str]) -> Option<String> {
    let file = path.file_name()?.to_string_lossy().into_owned();
    let stem = file
        .strip_suffix(".share.age")
        .or_else(|| file.strip_suffix(".age"))
        .unwrap_or(&file);
    names.iter().find(|n| **n == stem).map(|n| n.to_string())
}

/// Asks for the passphrase of the passphrase-protected share named by the first argument; the
/// second says whether some share passphrase is already known. `Ok(None)`: nothing to add.
pub type AskPassphrase<'a> = dyn FnMut(&str, bool) -> Result<Option<SharePassphrase>> + 'a;

/// Reads every share in `paths` (`-` is standard input). An age-encrypted share is opened with
/// `keys`; a passphrase-protected one that the known passphrases do not open gets its own,
/// from `ask`. `names` are the custodians the vault knows, to name the owner of an age file
/// that does not open.
///
/// # Errors
/// Only what `ask` returns, or a failure to read standard input: every problem with a share
/// itself is a refusal, so the other shares may still make a quorum.
pub fn read_shares(
    paths: &[PathBuf],
    keys: &mut Keys,
    names: &[&str],
    ask: &mut AskPassphrase<'_>,
) -> Result<Intake> {
    let mut intake = Intake::default();
    // QR parts of page 2 photographed among the shares, from any number of pictures.
    let mut parts: Vec<(String, Zeroizing<String>)> = Vec::new();
    for p in paths {
        let source = source_name(p);
        if crate::qrimage::looks_like_image(p) {
            read_picture(p, &source, &mut intake, &mut parts);
            continue;
        }
        let read = if p.as_path() == Path::new("-") {
            fsio::read_secret(
                std::io::stdin().lock(),
                MAX_SHARE_FILE as usize,
                "standard input",
            )?
        } else {
            match fsio::read_capped_secret(p, MAX_SHARE_FILE, "share file") {
                Ok(b) => b,
                Err(e) => {
                    intake
                        .refused
                        .push(Refusal::new(&source, Why::Unreadable(e)));
                    continue;
                }
            }
        };
        let text = if custodian::is_age(read.expose()) {
            let mut opened = custodian::decrypt(read.expose(), keys);
            if opened.is_err()
                && custodian::needs_passphrase(read.expose())
                && let Some(pass) = ask(&source, keys.has_passphrase())?
            {
                keys.add_passphrase(&pass);
                opened = custodian::decrypt(read.expose(), keys);
            }
            match opened {
                Ok(t) => t,
                Err(why) => {
                    intake.refused.push(Refusal {
                        source,
                        custodian: custodian_of(p, names),
                        why: Why::Undecryptable(why),
                    });
                    continue;
                }
            }
        } else {
            read
        };
        if let Some(c) = crate::copy::find(text.expose()) {
            intake.copies.push((source.clone(), c));
        }
        let parsed = match std::str::from_utf8(text.expose()) {
            // The tool's own files in the wrong place are named, not misread as bad words.
            Ok(t) if t.starts_with("gsl-vault vault v") => Err(Why::NotAShare("a vault file")),
            Ok(t) if t.trim_start().starts_with("<!DOCTYPE html>") && t.contains("gsl-vault") => {
                Err(Why::NotAShare(
                    "a printed kit page (type the words printed on it instead)",
                ))
            }
            Ok(t) => share::parse_share_text(t, &source).map_err(Why::Malformed),
            Err(_) => Err(Why::NotText),
        };
        match parsed {
            Ok(code) => intake.offered.push(Offered { source, code }),
            Err(why) => intake.refused.push(Refusal::new(&source, why)),
        }
    }
    // One copy per copy ID (`GSLC3:i/n:ID:...`): custodians' pages of two issues stay apart.
    let mut ids: Vec<&str> = parts
        .iter()
        .filter_map(|(_, t)| t.trim().split(':').nth(2))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let group: Vec<&(String, Zeroizing<String>)> = parts
            .iter()
            .filter(|(_, t)| t.trim().split(':').nth(2) == Some(id))
            .collect();
        let mut sources: Vec<&str> = group.iter().map(|(s, _)| s.as_str()).collect();
        sources.dedup();
        let mut joined = Zeroizing::new(String::new());
        for (_, t) in &group {
            joined.push_str(t);
            joined.push('\n');
        }
        if let Some(c) = crate::copy::find(joined.as_bytes()) {
            intake.copies.push((sources.join(" + "), c));
        }
    }
    Ok(intake)
}

/// A photo or scan of kit pages among the shares: page 1's code is a share; page 2's codes are
/// the recovery copy (its parts are kept in `parts` until every picture is read).
fn read_picture(
    p: &Path,
    source: &str,
    intake: &mut Intake,
    parts: &mut Vec<(String, Zeroizing<String>)>,
) {
    let bytes = match fsio::read_capped_secret(p, crate::qrimage::MAX_IMAGE_FILE, "picture") {
        Ok(b) => b,
        Err(e) => {
            intake
                .refused
                .push(Refusal::new(source, Why::Unreadable(e)));
            return;
        }
    };
    let texts = match crate::qrimage::texts(bytes.expose(), source) {
        Ok(t) => t,
        Err(why) => {
            intake.refused.push(Refusal::new(
                source,
                Why::Malformed(crate::error::Error::Usage(why)),
            ));
            return;
        }
    };
    for t in texts {
        if t.trim_start().starts_with(crate::copy::QR_PARTS_PREFIX) {
            parts.push((source.to_string(), t));
        } else if let Some(c) =
            crate::copy::find(t.as_bytes()).filter(|_| t.trim_start().starts_with("GSLC"))
        {
            intake.copies.push((source.to_string(), c));
        } else {
            match share::parse_share_text(&t, source) {
                Ok(code) => intake.offered.push(Offered {
                    source: source.to_string(),
                    code,
                }),
                Err(e) => intake.refused.push(Refusal::new(source, Why::Malformed(e))),
            }
        }
    }
}
