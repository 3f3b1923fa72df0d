//! What commands print: JSON on stdout, and a revealed master key to a file or stdout.

use std::path::Path;

use gsl_vault::error::{Error, Result};
use gsl_vault::fsio;
use gsl_vault::vault::Vault;

/// Prints a JSON value on stdout.
pub fn print_json(v: &serde_json::Value) {
    outln!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

/// After the vault key rotated: what no longer opens the vault, what still does, and the new
/// pin for scripts (the identity changed; the 8-character name people read did not).
/// What every command that changes a vault reports with `--json`: the vault, its name, its
/// pin (which a rotation changes) and its generation.
pub fn vault_json(v: &Vault, path: &Path) -> serde_json::Value {
    serde_json::json!({
        "vault": gsl_vault::fsio::shown(path),
        "fingerprint": v.fingerprint().to_string(),
        "pin": v.long_fingerprint(),
        "generation": v.generation(),
    })
}

/// `vault_json` with more keys.
pub fn print_outcome(v: &Vault, path: &Path, more: serde_json::Value) {
    let mut o = vault_json(v, path);
    if let (Some(o), serde_json::Value::Object(m)) = (o.as_object_mut(), more) {
        o.extend(m);
    }
    print_json(&o);
}

pub fn report_rotation(v: &Vault, path: &Path, revoked: &str) {
    errln!(
        "The vault key of {} was rotated: {revoked} opens no copy of this file written from now on, and cannot sign one.",
        gsl_vault::fsio::shown(path)
    );
    errln!(
        "Copies of the vault file made before now still open with {revoked}: delete them, or replace them with this file."
    );
    errln!(
        "Its identity changed (the name {} did not): pin the new one in scripts and cron lines:",
        v.fingerprint()
    );
    errln!(
        "  gsl-vault --expect-fingerprint {} status --check {}",
        v.long_fingerprint(),
        gsl_vault::fsio::shown(path)
    );
}

/// After `revoked` was retired: it could read the copy authority, whose certificate the current
/// shares accept until the next confirmed reshare (nothing offline can revoke it).
pub fn report_copy_authority_residual(v: &Vault, path: &Path, revoked: &str) {
    if v.has_copy_authority() {
        errln!(
            "Whoever has {revoked} and an old copy of {} can still issue recovery copies that the current shares accept, until the next confirmed reshare: if it may have leaked, reshare (gsl-vault reshare {}).",
            gsl_vault::fsio::shown(path),
            gsl_vault::fsio::shown(path)
        );
    }
}

/// Before a key is shown from a version 1 or 2 vault file that neither a pin nor this machine's
/// memory vouches for: such a file cannot be told from a forgery (FORMAT.md, "Reading versions 1
/// and 2 after version 3").
pub fn warn_old_format(v: &Vault, pinned: bool) {
    if v.version >= 3
        || v.kind != gsl_vault::format::FileKind::Vault
        || pinned
        || super::state::seen(v).is_some()
    {
        return;
    }
    let example = match v.body.policy {
        gsl_vault::format::Policy::Quorum => "set-secret",
        _ => "passwd",
    };
    errln!(
        "gsl-vault: warning: vault {} is format {}, which anyone can imitate: before you use the key below, check it with the pin the owner wrote down (gsl-vault --expect-fingerprint PIN; its name {} alone does not tell a look-alike apart), or recover from a custodian's format 3 recovery copy instead. The owner upgrades it to format 3 with a change made with every unlock secret (for example gsl-vault {example} {} SHARE...).",
        v.path,
        v.version,
        v.fingerprint(),
        v.path
    );
}

/// What a change started from: the format, and whether this machine had written the vault.
pub struct Before {
    version: u8,
    known: bool,
}

impl Before {
    pub fn of(v: &Vault) -> Before {
        Before {
            version: v.version,
            known: super::state::seen(v).is_some(),
        }
    }
}

/// After a change: a vault that became version 3 (every copy stale, older readers left out),
/// or one still version 1 or 2 (how to upgrade it).
pub fn report_format(before: &Before, v: &Vault, path: &Path) {
    let shown = gsl_vault::fsio::shown(path);
    let was = before.version;
    if was < 3 && v.version >= 3 {
        errln!(
            "Vault {shown} is upgraded to format 3: only its own passphrase and shares can now write a file that opens with them, and its vault key is sealed for the quantum era. Every recovery copy is stale (format {was} copies are sealed with X25519 alone): issue fresh ones with gsl-vault copies {shown}. A gsl-vault or recovery page older than format 3 cannot open it."
        );
        errln!(
            "The master key stays readable to a future quantum computer from the format {was} copies already handed out: when you next change it at the exchange, run gsl-vault set-secret {shown}."
        );
        if !before.known {
            // The contents came from a format 1/2 file no pin or memory vouched for.
            errln!(
                "This machine had not written vault {shown} before: check that the key and entries it holds are yours (gsl-vault open {shown}), since a format {was} file cannot be told from a look-alike."
            );
        }
    } else if v.version < 3 {
        if v.body.pending.is_some() {
            errln!(
                "Vault {shown} is still format {was}, which a forger can imitate: confirming or cancelling the pending reshare, with the passphrase too under policy either, upgrades it to format 3."
            );
            return;
        }
        let (secrets, example) = match v.body.policy {
            gsl_vault::format::Policy::Quorum => ("a quorum of shares", "set-secret"),
            _ => ("the passphrase and a quorum of shares", "passwd"),
        };
        errln!(
            "Vault {shown} is still format {}, which a forger can imitate: a change made with {secrets} upgrades it to format 3 (for example gsl-vault {example} {shown} SHARE...).",
            v.version
        );
    }
}

/// Once, when a command stored the account's 2FA recovery codes beside the master key: Kraken
/// asks that the Master Key be kept apart from sign-in credentials and other 2FA.
pub fn report_sign_in_material(path: &Path, stored: bool) {
    if stored {
        errln!(
            "Vault {} keeps the account's sign-in 2FA (recovery codes or authenticator key) beside the master key: whoever opens it gets both, and Kraken asks that the Master Key be kept apart from sign-in credentials and other 2FA. The alternative is a second vault, with its own label, passphrase and custodians, for the sign-in material (README, \"Authenticator-app master keys\").",
            gsl_vault::fsio::shown(path)
        );
    }
}

/// Names the custodians whose recovery copy is stale, and how to issue fresh ones.
pub fn report_stale_copies(v: &Vault, path: &Path) {
    let stale = v.stale_copies();
    if stale.is_empty() {
        return;
    }
    let names: Vec<&str> = stale.iter().map(|s| s.custodian.as_str()).collect();
    errln!(
        "The recovery copies of {} are now stale (they recover the vault as it was): issue fresh ones with gsl-vault copies {} and give one to each custodian.",
        names.join(", "),
        gsl_vault::fsio::shown(path)
    );
}

/// How `open` and `recover` show an authenticator-app master key's codes.
#[derive(Clone, Copy)]
pub struct Show {
    /// As JSON.
    pub json: bool,
    /// Kept current at a terminal.
    pub watch: bool,
    /// Whether the long pin vouches for the vault file (else a format 1/2 file gets its warning).
    pub pinned: bool,
}

impl Show {
    pub fn new(json: bool, watch: bool, vaults: &super::load::Vaults) -> Show {
        Show {
            json,
            watch,
            pinned: vaults.pinned(),
        }
    }
}

/// Writes a revealed secret to `out` (0600, no clobber) or stdout.
/// Reveals what `which` names (`master`, an entry's name, or `all`, labelled) of the vault
/// opened with `vk`.
pub fn reveal_which(
    v: &gsl_vault::vault::Vault,
    vk: &gsl_vault::secret::VaultKey,
    which: &str,
    out: Option<&Path>,
    show: Show,
) -> Result<()> {
    use gsl_vault::vault::entries::{SIGN_IN_TOTP, entry_title};
    let (master, entries) = v.open_sheet(vk)?;
    let totp = v.body.master.as_ref().is_some_and(|m| m.kind == "totp");
    let entry = |name: &str| {
        entries
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.text.expose())
    };
    // An authenticator key is shown as its codes; its setup URI only when asked by name.
    let codes_of: Option<&[u8]> = match which {
        "master" if totp => Some(master.expose()),
        "sign-in-totp" => entry(SIGN_IN_TOTP),
        _ => None,
    };
    let mut all = gsl_vault::secret::SecretBytes::with_capacity(
        // Room for each item's title, and for a code line in place of a short URI.
        320 + master.expose().len() + entries.iter().map(|e| e.text.len() + 320).sum::<usize>(),
    );
    if which == "all" {
        // An authenticator key shows as its code here too: its setup URI only by name.
        let now = gsl_vault::dates::now();
        let code_line = |uri: &[u8]| -> zeroize::Zeroizing<String> {
            match gsl_vault::totp::Totp::from_uri(std::str::from_utf8(uri).unwrap_or("")) {
                Ok(t) => {
                    let c = t.codes(now);
                    zeroize::Zeroizing::new(format!(
                        "code {} (for {} more seconds; next {}; {} UTC)",
                        c.code.as_str(),
                        c.valid_for_seconds,
                        c.next_code.as_str(),
                        gsl_vault::dates::datetime(now)
                    ))
                }
                Err(_) => zeroize::Zeroizing::new(
                    "(its authenticator key does not read back)".to_string(),
                ),
            }
        };
        all.extend(b"== master key\n")?;
        if totp {
            all.extend(code_line(master.expose()).as_bytes())?;
        } else {
            all.extend(master.expose())?;
        }
        for e in &entries {
            all.extend(format!("\n== {}\n", entry_title(e.name)).as_bytes())?;
            if e.name == SIGN_IN_TOTP {
                all.extend(code_line(e.text.expose()).as_bytes())?;
            } else {
                all.extend(e.text.expose())?;
            }
        }
    }
    let text_of: Option<&[u8]> = match which {
        "master" if !totp => Some(master.expose()),
        "totp-key" if totp => Some(master.expose()),
        "sign-in-totp-key" => entry(SIGN_IN_TOTP),
        "recovery-codes" | "note" => entry(which),
        "all" => Some(all.expose()),
        _ => None,
    };
    let refusal = match (codes_of, text_of) {
        (Some(_), _) if out.is_some() => Some(
            "an authenticator code changes every few seconds, so it is shown, not written to a file: leave out -o, or write the setup key itself (--entry totp-key or sign-in-totp-key) with -o FILE.".to_string(),
        ),
        (None, Some(_)) if show.json || show.watch => Some(format!(
            "--json and --watch show an authenticator key's codes; the {} of vault {} is printed as it is without them.",
            if which == "all" { "content" } else { entry_title(which) },
            v.path
        )),
        (None, None) if which == "totp-key" => Some(format!(
            "vault {} holds a password master key, not an authenticator-app key: use --entry master.",
            v.path
        )),
        (None, None) => Some(format!(
            "vault {} holds no {} (gsl-vault status lists what it holds).",
            v.path,
            entry_title(which.trim_end_matches("-key"))
        )),
        _ => None,
    };
    if let Some(why) = refusal {
        return Err(Error::Usage(why));
    }
    if let Some(o) = out
        && o.parent()
            .is_some_and(|p| !p.as_os_str().is_empty() && !p.is_dir())
    {
        return Err(Error::Other(format!(
            "{} cannot be written: its folder does not exist; nothing was written.",
            fsio::shown(o)
        )));
    }
    // The warnings come last before the key, once nothing else can fail first.
    warn_old_format(v, show.pinned);
    // Issue 28, item 2: a copy is the vault as it was when it was issued; the owner may have
    // changed the key since (set-secret without new copies).
    if v.kind == gsl_vault::format::FileKind::Copy && !show.json {
        errln!(
            "gsl-vault: this recovery copy is the vault as it was on {} (generation {}, shares of epoch {}): the owner may have changed the key, or replaced these shares with a reshare, since. If the exchange refuses it, ask the owner or the other custodians for a newer copy (given together, the newest one is used); if your shares were replaced, you are no longer custodians: destroy them.",
            gsl_vault::dates::date(v.body.issued.unwrap_or(0)),
            v.generation(),
            v.body.epoch
        );
    }
    match (codes_of, text_of) {
        (Some(uri), _) if show.watch => super::totp::watch_codes(uri)?,
        (Some(uri), _) => super::totp::show_codes(uri, gsl_vault::dates::now(), show.json)?,
        (None, Some(text)) => reveal(text, out)?,
        (None, None) => {}
    }
    // Everything asked for, and nothing else kept: say so rather than print the key alone.
    if which == "all" && entries.is_empty() && !show.json {
        errln!(
            "{} holds no 2FA recovery codes and no note, only the master key{}.",
            if v.kind == gsl_vault::format::FileKind::Copy {
                "This recovery copy"
            } else {
                "This vault"
            },
            if v.kind == gsl_vault::format::FileKind::Copy {
                " (none were stored when it was issued; a newer copy may hold them)"
            } else {
                ""
            }
        );
    }
    // After the master key: what else the vault keeps, and how to see it.
    if which == "master" && !entries.is_empty() && !show.json {
        let titles: Vec<&str> = entries.iter().map(|e| entry_title(e.name)).collect();
        errln!(
            "Vault {} also keeps the {}: show {} with --entry all (or --entry {}).",
            v.path,
            titles.join(" and "),
            if titles.len() == 1 { "it" } else { "them" },
            entries
                .iter()
                .map(|e| e.name)
                .collect::<Vec<_>>()
                .join(", --entry ")
        );
    }
    Ok(())
}

pub fn reveal(bytes: &[u8], out: Option<&Path>) -> Result<()> {
    use std::io::Write;
    match out {
        Some(p) => {
            fsio::write_atomic(p, bytes, false)?;
            errln!(
                "It is in {} (mode 0600). Delete it once you have used it.",
                gsl_vault::fsio::shown(p)
            );
            Ok(())
        }
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(bytes)
                .and_then(|_| o.write_all(b"\n"))
                .and_then(|_| o.flush())
                .map_err(|e| Error::io("standard output", e))
        }
    }
}
