//! `gsl-vault init`.

use std::path::Path;

use gsl_vault::dates::now;
use gsl_vault::error::{Bound, Error, Result};
use gsl_vault::format::Policy;
use gsl_vault::fsio;
use gsl_vault::intake::source_name;
use gsl_vault::kdf::{
    Costs, DEFAULT_ITERATIONS, DEFAULT_MEMORY_KIB, DEFAULT_PARALLELISM, KdfParams,
};
use gsl_vault::secret::{MAX_MASTER_KEY, MasterKey, SecretBytes, fill_random};
use gsl_vault::vault::{self, DEFAULT_DRILL_EVERY, FIRST_EPOCH, Spec};

use super::args::InitArgs;
use super::issue::Plan;
use super::prompt::{can_prompt, prompt_secret};
use super::report::Exit;

/// Crockford's base32 alphabet: 32 symbols, no I, L, O or U to misread.
const GEN_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Generated key: 26 characters of 5 bits each (130 bits), in groups for typing.
const GEN_CHARS: usize = 26;

fn generate_key() -> Result<SecretBytes> {
    let mut raw = zeroize::Zeroizing::new([0u8; GEN_CHARS]);
    fill_random(&mut raw[..])?;
    let mut s = SecretBytes::with_capacity(GEN_CHARS + GEN_CHARS / 5);
    for (i, b) in raw.iter().enumerate() {
        if i > 0 && i % 5 == 0 {
            s.extend(b".")?;
        }
        let c = GEN_ALPHABET[usize::from(b & 31)];
        s.extend(&[c])?;
    }
    Ok(s)
}

/// The Argon2id costs: measured for `--kdf-time`, else the flags over the defaults. Their
/// bounds are checked later, after the names and threshold (their errors come first).
fn kdf_costs(a: &mut InitArgs, policy: Policy) -> Result<Costs> {
    if let Some(target) = a.kdf_time
        && policy != Policy::Quorum
    {
        let cap = a
            .kdf_memory
            .unwrap_or(super::calibrate::DEFAULT_MAX_MEMORY_MIB);
        let (p, took) = super::calibrate::propose(target, cap)?;
        errln!(
            "Argon2id calibrated: {} ({} ms here).",
            p.describe(),
            took.as_millis()
        );
        a.kdf_memory = Some(p.memory_kib() / 1024);
        a.kdf_iterations = Some(p.iterations());
        a.kdf_parallelism = Some(p.parallelism());
    }
    Ok(Costs {
        memory_kib: a
            .kdf_memory
            .map(|m| m.saturating_mul(1024))
            .unwrap_or(DEFAULT_MEMORY_KIB),
        iterations: a.kdf_iterations.unwrap_or(DEFAULT_ITERATIONS),
        parallelism: a.kdf_parallelism.unwrap_or(DEFAULT_PARALLELISM),
    })
}

/// Refuses flags that do not go together.
fn check_flags(a: &InitArgs, policy: Policy) -> Result<()> {
    if policy == Policy::Quorum
        && (a.passphrase_file.is_some() || a.kdf_memory.is_some() || a.kdf_time.is_some())
    {
        return Err(Error::Usage(
            "policy quorum has no passphrase: drop --passphrase-file and the --kdf-* flags, or choose --policy either or both.".into(),
        ));
    }
    let stdin_users = [a.secret_file.as_deref(), a.passphrase_file.as_deref()]
        .iter()
        .filter(|f| **f == Some(Path::new("-")))
        .count();
    if stdin_users > 1 {
        return Err(Error::Usage(
            "only one of --secret-file and --passphrase-file can read standard input (-).".into(),
        ));
    }
    Ok(())
}

pub fn run(mut a: InitArgs) -> Result<Exit> {
    let policy: Policy = a.policy.into();
    let costs = kdf_costs(&mut a, policy)?;
    check_flags(&a, policy)?;
    if (a.totp.given() || a.totp.sign_in_totp_uri_file.is_some()) && a.format < 3 {
        return Err(Error::Usage(
            "an authenticator key needs format 3: leave out --format 2.".into(),
        ));
    }
    let label = match &a.label {
        Some(l) => l.clone(),
        None => a
            .vault
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "gsl-vault".into()),
    };
    if a.vault.is_dir() {
        return Err(Error::Usage(format!(
            "{} is a folder: name the vault file to create (for example {}).",
            fsio::shown(&a.vault),
            fsio::shown(&a.vault.join("kraken.vault"))
        )));
    }
    let plan = Plan::new(&a.who, &a.vault, Some(&a.vault), a.force)?;
    let mut spec = Spec {
        label,
        threshold: a.who.threshold,
        custodians: plan.names.clone(),
        deliveries: plan.delivery_kinds(),
        policy,
        kdf: KdfParams::DEFAULT,
        drill_every: a
            .drill_every
            .map(|d| d.as_secs())
            .unwrap_or(DEFAULT_DRILL_EVERY),
        now: now(),
    };
    // Check names, threshold and costs before asking for any secret.
    vault::check_spec(&spec)?;
    if policy != Policy::Quorum {
        spec.kdf = KdfParams::from_costs(costs).map_err(|k| Error::OutOfBounds(Bound::Kdf(k)))?;
    }

    let (master, kind) = match super::totp::read(&a.totp)? {
        Some((m, k)) => (m, Some(k)),
        None => (read_master(a.secret_file.as_deref(), a.generate)?, None),
    };
    let mut entries = read_entries(a.recovery_codes_file.as_deref(), a.note_file.as_deref())?;
    entries.extend(super::totp::read_sign_in(&a.totp)?);

    let pass = if policy == Policy::Quorum {
        None
    } else {
        let how = super::newpass::NewPassphrase {
            file: a.passphrase_file.as_deref(),
            generate: a.generate_passphrase,
            accept_weak: a.accept_weak_passphrase,
        };
        let mut inputs: Vec<&str> = plan.names.iter().map(String::as_str).collect();
        inputs.push(&spec.label);
        Some(super::newpass::read_new(&how, &inputs)?)
    };

    let share_pass = plan.ask_passphrases()?;

    let _lock = fsio::lock_folder(&a.vault)?;
    let started = std::time::Instant::now();
    let create = if a.format >= 3 {
        vault::create_v3
    } else {
        vault::create
    };
    let (mut v, vk, qk, issued) = create(
        &spec,
        &master,
        pass.as_ref().map(|(p, _)| p),
        &gsl_vault::fsio::shown(&a.vault).to_string(),
    )?;
    // The one derivation of the passphrase key (about all of create's time): one guess.
    let secs_per_guess = started.elapsed().as_secs_f64();
    v.body.master = kind;
    if !entries.is_empty() {
        v.seal_items(&vk, &master, entries)?;
    }
    v.record_copies_issued(&plan.names);
    let bytes = v.to_bytes(&vk)?;
    let copy = v.recovery_copy(&vk, Some(&qk), now())?;
    // Shares first, vault last: a vault file only exists once all its shares do; and if the
    // vault cannot be written, its shares are removed again (they would open nothing).
    let written = plan
        .write_shares(
            &issued,
            &share_pass,
            &v,
            spec.threshold,
            FIRST_EPOCH,
            &copy,
            a.force,
        )
        .and_then(|()| fsio::write_vault_atomic(&a.vault, &bytes, a.force));
    if let Err(e) = written {
        let removed = plan.remove_shares();
        errln!(
            "gsl-vault: the vault was not created; {removed} share file(s) written for it were removed."
        );
        return Err(e);
    }
    super::state::record(&v);
    let set = super::kit::KitSet {
        epoch: FIRST_EPOCH,
        threshold: spec.threshold,
        names: &plan.names,
        copy: Some((&copy, v.generation())),
        page_sha256: None,
    };
    let page = plan.write_kits(&v, &a.vault, &issued, &set, a.force)?;
    report_created(&a, &v, &plan, &issued, &master, policy, spec.threshold);
    plan.report_handout(
        &a.vault,
        &issued,
        spec.threshold,
        policy == Policy::Both,
        page.as_deref(),
    );
    super::output::report_sign_in_material(
        &a.vault,
        a.recovery_codes_file.is_some() || a.totp.sign_in_totp_uri_file.is_some(),
    );
    super::totp::report_screenshot(&a.totp);
    if a.json {
        super::output::print_outcome(
            &v,
            &a.vault,
            serde_json::json!({
                "policy": policy.as_str(),
                "threshold": spec.threshold,
                "shares": plan.shares_json(&issued),
                "kits": a.who.kit,
                "entries": v.body.entries,
            }),
        );
    }
    if let Some((_, e)) = &pass {
        super::newpass::report(e, &spec.kdf.costs(), Some(secs_per_guess));
    }
    Ok(Exit::Ok)
}

/// What `init` says once everything is written.
fn report_created(
    a: &InitArgs,
    v: &vault::Vault,
    plan: &Plan,
    issued: &[vault::Issued],
    master: &MasterKey,
    policy: Policy,
    threshold: usize,
) {
    let n = issued.len();
    let fingerprint = v.fingerprint();

    if a.generate {
        outln!("Your new GSL master key (shown once; set it at your exchange now):");
        outln!("{}", String::from_utf8_lossy(master.expose()));
    }
    errln!(
        "Vault {} ({fingerprint}) created: policy {}, any {} of {} shares recover.",
        gsl_vault::fsio::shown(&a.vault),
        policy.as_str(),
        threshold,
        n
    );
    plan.report(issued);
    errln!(
        "Give each custodian their share, then rehearse: gsl-vault drill {} SHARE...",
        gsl_vault::fsio::shown(&a.vault)
    );
}

/// The recovery sheet's entries from their files (`-` = standard input), in payload order.
pub(super) fn read_entries(
    codes: Option<&Path>,
    note: Option<&Path>,
) -> Result<Vec<vault::entries::Entry>> {
    let mut out = Vec::new();
    for (name, file) in [("recovery-codes", codes), ("note", note)] {
        if let Some(f) = file {
            let bytes = fsio::read_secret_path(f, vault::entries::MAX_ENTRY + 1)?;
            out.push(vault::entries::entry_from(name, bytes, &source_name(f))?);
        }
    }
    Ok(out)
}

/// Reads the master key from `--secret-file`, the terminal, or makes one (`--generate`).
pub(super) fn read_master(secret_file: Option<&Path>, generate: bool) -> Result<MasterKey> {
    let (secret, source) = if generate {
        (generate_key()?, "the generator".to_string())
    } else if let Some(f) = secret_file.filter(|f| !super::prompt::typed_stdin(f)) {
        (fsio::read_secret_path(f, MAX_MASTER_KEY)?, source_name(f))
    } else if can_prompt() {
        (typed_twice()?, "the terminal".to_string())
    } else {
        return Err(Error::Usage(
            "no terminal to ask for the master key: give it with --secret-file FILE (or - for standard input), or use --generate.".into(),
        ));
    };
    MasterKey::new(secret, &source)
}

/// The new master key typed twice, hidden: a typo sealed into the vault would pass every drill
/// for years. An empty key or two that differ are asked again, up to three times.
fn typed_twice() -> Result<SecretBytes> {
    for _ in 0..3 {
        let first = prompt_secret("New GSL master key: ", MAX_MASTER_KEY, "the master key")?;
        if first.is_empty() {
            errln!("The key is empty: type the master key, as the exchange shows it.");
            continue;
        }
        let again = prompt_secret(
            "New GSL master key again: ",
            MAX_MASTER_KEY,
            "the master key",
        )?;
        if gsl_vault::crypto::ct_eq(first.expose(), again.expose()) {
            return Ok(first);
        }
        errln!("The two keys typed differ: type the master key again, twice.");
    }
    Err(Error::Usage(
        "the master key was not typed the same twice in three tries; nothing was written.".into(),
    ))
}
