//! What a share-taking command (`recover`, `drill`, `check-share`) works on: the vault file
//! when one is named; else the newest valid recovery copy among those the share files carry and
//! those given with `--copy`, so that custodians recover without the owner's vault file.

use std::path::{Path, PathBuf};

use gsl_vault::error::{Error, Result};
use gsl_vault::format::{MAGIC_V2, MAX_COPY};
use gsl_vault::fsio;
use gsl_vault::intake::{FoundCopy, Intake, source_name};
use gsl_vault::vault::Vault;

use super::args::ShareInput;
use super::load::Vaults;
use super::shares::read_shares;

/// The vault (or copy) a command works on, and the shares read for it.
pub struct Target {
    /// The vault, or the recovery copy standing in for it.
    pub vault: Vault,
    /// The shares.
    pub intake: Intake,
}

/// Whether `p` is a vault file (by its first line), as opposed to a share.
fn is_vault_file(p: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 17];
    let family = &MAGIC_V2.as_bytes()[..17];
    gsl_vault::fsio::open_regular(p)
        .ok()
        .and_then(|mut f| f.read_exact(&mut head).ok())
        .is_some_and(|_| head == family)
}

/// What a `--copy` file without a copy is told.
const NO_COPY: &str = "holds no recovery copy";
const NO_QR: &str = "holds no QR code that could be read: take the photo of page 2 again, straight, whole and in good light (or scan it)";

/// What a copy is, in a few words: where from, its generation and date.
pub fn describe_copy(v: &Vault) -> String {
    // `v.path` is "LABEL (recovery copy in FILE)" (newest_copy names it so for every message).
    let from = v
        .path
        .strip_prefix(&format!("{} (", v.body.label))
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or("recovery copy");
    format!(
        "the {from} of vault {} ({}), generation {}, issued {}; its pin at that generation: {} (a vault's pin changes when its passphrase or its shares are replaced)",
        v.body.label,
        v.fingerprint(),
        v.generation(),
        gsl_vault::dates::date(v.body.issued.unwrap_or(0)),
        v.long_fingerprint()
    )
}

/// The vault file among the arguments, if the first one is one (a path that does not exist is
/// taken for a vault file, so that its error names it as one).
pub fn vault_file(vault: Option<&Path>) -> Option<&Path> {
    vault.filter(|p| !p.exists() || is_vault_file(p))
}

/// The bytes of a file that should hold a recovery copy (`-` is standard input), capped.
pub fn read_copy_bytes(f: &Path) -> Result<Vec<u8>> {
    if f == Path::new("-") {
        use std::io::Read;
        let mut b = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_COPY * 2)
            .read_to_end(&mut b)
            .map_err(|e| Error::io("standard input", e))?;
        Ok(b)
    } else {
        fsio::read_capped(f, MAX_COPY * 2, "recovery copy")
    }
}

/// Reads the `--copy` files (`-` is standard input): armored, the raw copy, or scanned QR texts.
/// The QR parts of one page 2 may be spread over several files, in any order: the files whose
/// parts make no whole copy alone are read again together.
fn read_copy_files(files: &[PathBuf]) -> Result<Vec<FoundCopy>> {
    // A page 2 holds at most 99 parts: more files than that are not one copy's scans.
    if files.len() > 100 {
        return Err(Error::Usage(format!(
            "{} recovery copies were named: give at most 100 (one page 2 has at most 99 QR codes).",
            files.len()
        )));
    }
    let mut out = Vec::new();
    let mut partial: Vec<(String, Vec<u8>, FoundCopy)> = Vec::new();
    for f in files {
        let source = source_name(f);
        let bytes = if gsl_vault::qrimage::looks_like_image(f) {
            // A photo or scan of page 2: the texts of its codes.
            let picture =
                fsio::read_capped_secret(f, gsl_vault::qrimage::MAX_IMAGE_FILE, "picture")?;
            match gsl_vault::qrimage::texts(picture.expose(), &source) {
                Ok(texts) => texts.iter().fold(Vec::new(), |mut b, t| {
                    b.extend_from_slice(t.as_bytes());
                    b.push(b'\n');
                    b
                }),
                Err(_) => {
                    out.push((source, Err(NO_QR)));
                    continue;
                }
            }
        } else {
            read_copy_bytes(f)?
        };
        let found = gsl_vault::copy::find(&bytes).unwrap_or(Err(NO_COPY));
        let parts = bytes
            .windows(gsl_vault::copy::QR_PARTS_PREFIX.len())
            .any(|w| w == gsl_vault::copy::QR_PARTS_PREFIX.as_bytes());
        if found.is_err() && parts {
            partial.push((source.clone(), bytes, (source, found)));
        } else {
            out.push((source, found));
        }
    }
    if partial.len() > 1 {
        let mut joined = Vec::new();
        for (_, bytes, _) in &partial {
            joined.extend_from_slice(bytes);
            joined.push(b'\n');
        }
        if let Some(Ok(copy)) = gsl_vault::copy::find(&joined) {
            let names: Vec<&str> = partial.iter().map(|(n, ..)| n.as_str()).collect();
            out.push((names.join(" + "), Ok(copy)));
            return Ok(out);
        }
    }
    out.extend(partial.into_iter().map(|(_, _, found)| found));
    Ok(out)
}

/// The vault, or the newest valid recovery copy, and the shares. `needed` says how many shares
/// to ask for when they are typed.
pub fn open(
    vaults: &Vaults,
    vault: Option<&Path>,
    input: &ShareInput,
    copy_files: &[PathBuf],
    needed: impl Fn(&Vault) -> usize,
) -> Result<Target> {
    match open_or_alone(vaults, vault, input, copy_files, needed)? {
        Opened::Vault(t) => Ok(*t),
        // Nothing to open with, and every share refused: the refusal says more than "no copy".
        Opened::SharesAlone(intake) => match intake.refused.first() {
            Some(r) if intake.offered.is_empty() => Err(Error::Usage(super::report::refusal(r))),
            _ => Err(no_copy()),
        },
    }
}

/// What [`open_or_alone`] found.
pub enum Opened {
    /// A vault or copy to check the shares against.
    Vault(Box<Target>),
    /// Shares read, with no vault file named and no recovery copy anywhere: only their own
    /// checksums can be checked (a custodian with page 1 of a kit alone).
    SharesAlone(Intake),
}

fn no_copy() -> Error {
    Error::Usage(
        "no vault file was named, and no share carries a recovery copy: name the vault file before the shares, or give a recovery copy with --copy FILE (the owner's .copy file, or a photo of page 2 of your kit)."
            .into(),
    )
}

/// As [`open`], but shares read with no vault and no copy anywhere are given back as they are.
pub fn open_or_alone(
    vaults: &Vaults,
    vault: Option<&Path>,
    input: &ShareInput,
    copy_files: &[PathBuf],
    needed: impl Fn(&Vault) -> usize,
) -> Result<Opened> {
    let mut input_shares = input.shares.clone();
    match vault {
        Some(p) if vault_file(Some(p)).is_none() || p == Path::new("-") => {
            // A named path that is not a vault file is the first share.
            input_shares.insert(0, p.to_path_buf());
        }
        Some(p) => {
            if !copy_files.is_empty() {
                return Err(Error::Usage(
                    "--copy is for recovering without the vault file: leave it out when you name the vault."
                        .into(),
                ));
            }
            let v = vaults.load(p)?;
            let intake = read_shares(input, Some(&v), needed(&v))?;
            return Ok(Opened::Vault(Box::new(Target { vault: v, intake })));
        }
        None => {}
    }
    let input = ShareInput {
        shares: input_shares,
        identities: input.identities.clone(),
        share_passphrase_files: input.share_passphrase_files.clone(),
    };
    let mut copies = read_copy_files(copy_files)?;
    let mut intake = if input.shares.is_empty() {
        Intake::default()
    } else {
        read_shares(&input, None, 0)?
    };
    copies.append(&mut intake.copies);
    if copies.is_empty() && !(intake.offered.is_empty() && intake.refused.is_empty()) {
        return Ok(Opened::SharesAlone(intake));
    }
    let v = newest_copy(copies, &intake.offered)?;
    vaults.check_copy_pin(&v)?;
    if let Some(want) = vaults.expected_generation()
        && v.generation() < want
    {
        return Err(Error::Corrupt(format!(
            "the newest recovery copy given ({}) is older than the expected generation {want}: ask the owner for a newer copy.",
            describe_copy(&v)
        )));
    }
    if input.shares.is_empty() {
        intake = read_shares(&input, Some(&v), needed(&v))?;
    }
    Ok(Opened::Vault(Box::new(Target { vault: v, intake })))
}

/// The newest valid copy (by generation) of the vault the shares belong to; the others are
/// named on stderr. Copies of one vault must be on one line of history: a fork (a copy signed
/// by someone who once held an old vault key) is refused, never chosen.
fn newest_copy(copies: Vec<FoundCopy>, shares: &[gsl_vault::vault::Offered]) -> Result<Vault> {
    let shares_fp = shares.first().map(|o| o.code.fingerprint);
    if copies.is_empty() {
        return Err(no_copy());
    }
    let mut valid: Vec<Vault> = Vec::new();
    let mut errors: Vec<Error> = Vec::new();
    for (source, bytes) in copies {
        let parsed = bytes
            .map_err(|why| match why {
                NO_COPY => Error::Corrupt(format!(
                    "{source} holds no recovery copy: give a share file that carries one, or the copy the owner issued."
                )),
                why => Error::Corrupt(format!(
                    "the recovery copy in {source} {why}; use another custodian's copy."
                )),
            })
            .and_then(|b| Vault::parse_copy(&b, &source));
        match parsed {
            Ok(v) => valid.push(v),
            Err(e) => errors.push(e),
        }
    }
    // Copies of another vault than the shares' are set aside, never chosen.
    if let Some(fp) = shares_fp
        && valid.iter().any(|v| v.fingerprint().0 == fp)
    {
        for other in valid.iter().filter(|v| v.fingerprint().0 != fp) {
            errln!(
                "gsl-vault: the recovery copy in {} is of another vault ({}) than the shares: it is set aside.",
                other.path,
                other.fingerprint()
            );
        }
        valid.retain(|v| v.fingerprint().0 == fp);
    }
    // A format 3 copy at hand rules out copies of the older formats, which anyone holding an
    // old copy could have written (FORMAT.md, "Reading versions 1 and 2 after version 3").
    if valid.iter().any(|v| v.version >= 3) {
        for old in valid.iter().filter(|v| v.version < 3) {
            errln!(
                "gsl-vault: the recovery copy in {} is of an older format than another copy given: it is set aside (an old-format copy cannot be told from a forgery once a format 3 copy exists).",
                old.path
            );
        }
        valid.retain(|v| v.version >= 3);
    }
    // (After the format rule: an old-format copy, which anyone with an old copy could write,
    // must not win by fitting a share crafted for it.)
    // Issue 28, item 5: a copy is chosen by what the shares open, not by its 40-bit name
    // alone. A copy of another vault whose name matches (a look-alike: 40 bits can be found)
    // checks none of the shares' commitments: it is set aside when a copy at hand checks some.
    // A copy of the same vault for another share set (newer or older) stays among the copies
    // compared (a fork among them is still refused), but is not chosen.
    let scored: Vec<(Vault, usize)> = valid
        .into_iter()
        .map(|v| {
            let n = shares
                .iter()
                .filter(|o| v.check_share(&o.source, &o.code).is_ok())
                .count();
            (v, n)
        })
        .collect();
    let best_fit = scored.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let fits = |n: usize| best_fit == 0 || n == best_fit;
    let fit_names: Vec<[u8; 32]> = scored
        .iter()
        .filter(|(_, n)| fits(*n))
        .map(|(v, _)| v.name_key())
        .collect();
    let mut scored: Vec<(Vault, usize)> = scored
        .into_iter()
        .filter(|(v, n)| {
            let keep = fits(*n) || fit_names.contains(&v.name_key());
            if !keep {
                errln!(
                    "gsl-vault: the recovery copy in {} does not match the shares given (it is of another vault with the same name): it is set aside.",
                    v.path
                );
            }
            keep
        })
        .collect();
    // Among the copies the shares open, the newest generation wins; then the later issue;
    // among equals, the first given.
    let Some(best) = (0..scored.len())
        .filter(|&i| fits(scored[i].1))
        .max_by_key(|&i| {
            (
                scored[i].0.generation(),
                scored[i].0.body.issued.unwrap_or(0),
                std::cmp::Reverse(i),
            )
        })
    else {
        // No copy to use: the first one's fault is the answer (one sentence).
        return Err(errors
            .into_iter()
            .next()
            .unwrap_or_else(|| Error::Other("no recovery copy.".into())));
    };
    for e in &errors {
        errln!("gsl-vault: warning: {}", super::report::sentence(e));
    }
    let mut v = scored.swap_remove(best).0;
    let valid: Vec<Vault> = scored.into_iter().map(|(v, _)| v).collect();
    for other in valid.iter().filter(|o| o.name_key() == v.name_key()) {
        if !other.same_line(&v) {
            return Err(Error::Corrupt(format!(
                "the recovery copies in {} and {} disagree about the vault's history (its identity {} against {}): one of them was signed by someone who once held an old vault key. Nothing was recovered: ask the owner which pin is current, and give only that copy with --expect-fingerprint PIN.",
                other.path,
                v.path,
                other.long_fingerprint(),
                v.long_fingerprint()
            )));
        }
        if other.generation() < v.generation() {
            errln!(
                "gsl-vault: the recovery copy in {} is older (generation {}, issued {}) than the one used: it is set aside.",
                other.path,
                other.generation(),
                gsl_vault::dates::date(other.body.issued.unwrap_or(0))
            );
        }
    }
    // Issue 28, item 1: a newer copy of the same vault, of a later share set, says that these
    // shares were replaced, and when (the retirement date when the copy carries it, else by
    // the day that copy was issued).
    if let Some(newer) = valid.iter().find(|o| {
        o.name_key() == v.name_key()
            && o.generation() > v.generation()
            && o.body.epoch > v.body.epoch
    }) {
        let when = match newer.body.retired.iter().find(|r| r.epoch == v.body.epoch) {
            Some(r) => format!("on {}", gsl_vault::dates::date(r.at)),
            None => format!(
                "by {}",
                gsl_vault::dates::date(newer.body.issued.unwrap_or(0))
            ),
        };
        errln!(
            "gsl-vault: warning: the shares given are of epoch {}, which the owner replaced {when}, says the newer recovery copy in {} (of epoch {}): if so, their holders are no longer custodians, and what they open is the vault as it was then.",
            v.body.epoch,
            newer.path,
            newer.body.epoch
        );
    }
    // Messages name the vault by its label, and where its copy came from.
    v.path = format!("{} (recovery copy in {})", v.body.label, v.path);
    Ok(v)
}
