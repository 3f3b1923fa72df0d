//! `gsl-vault init`.

use std::path::{Path, PathBuf};

use clap::Args;

use gsl_vault::custodian::{self, Delivery};
use gsl_vault::error::{Error, Exit, Result};
use gsl_vault::format::Policy;
use gsl_vault::fsio;
use gsl_vault::kdf::KdfParams;
use gsl_vault::secret::{MAX_MASTER_KEY, MasterKey, Passphrase, SecretBytes, fill_random};
use gsl_vault::share::{ShareHeader, render_share_text};
use gsl_vault::vault::{self, DEFAULT_DRILL_EVERY, Spec};

use super::{PolicyArg, can_prompt, date, now, passphrase};

#[derive(Args)]
pub struct InitArgs {
    /// The vault file to create.
    vault: PathBuf,
    /// Shares needed to recover (2..=number of custodians).
    #[arg(long, short = 't')]
    threshold: usize,
    /// A custodian, once per custodian (2..=255): NAME (a plain NAME.share), NAME=age1...
    /// (NAME.share.age for that age recipient) or NAME=ask (NAME.share.age under a passphrase
    /// of the custodian's own, asked now).
    #[arg(
        long = "custodian",
        value_name = "NAME[=age1...|=ask]",
        required = true
    )]
    custodians: Vec<String>,
    /// The share passphrase of a NAME=ask custodian, from a file: NAME=F (repeatable).
    #[arg(long = "custodian-passphrase-file", value_name = "NAME=F")]
    custodian_passphrase_files: Vec<String>,
    /// Folder for the share files (default: the vault's folder).
    #[arg(long, value_name = "DIR")]
    shares_dir: Option<PathBuf>,
    /// A label printed on every share (default: the vault's file name).
    #[arg(long)]
    label: Option<String>,
    /// Read the master key from this file (`-` = standard input) instead of a prompt.
    #[arg(long, value_name = "F", conflicts_with = "generate")]
    secret_file: Option<PathBuf>,
    /// Make a strong random master key and show it once.
    #[arg(long)]
    generate: bool,
    /// Read the passphrase from this file (`-` = standard input) instead of a prompt.
    #[arg(long, value_name = "F")]
    passphrase_file: Option<PathBuf>,
    /// Who may open the vault.
    #[arg(long, value_enum, default_value = "either")]
    policy: PolicyArg,
    /// Argon2id memory in MiB (at least 64).
    #[arg(long, value_name = "MIB")]
    kdf_memory: Option<u32>,
    /// Argon2id passes (memory x passes at least 192 MiB).
    #[arg(long, value_name = "N")]
    kdf_iterations: Option<u32>,
    /// Argon2id lanes.
    #[arg(long, value_name = "P")]
    kdf_parallelism: Option<u32>,
    /// How often a drill is due, e.g. 90d, 180d, 1y.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    drill_every: Option<std::time::Duration>,
    /// Also write a printable HTML kit (NAME.html) beside the share files, for each custodian
    /// with a plain share file (an age-delivered share stays encrypted).
    #[arg(long)]
    kit: bool,
    /// Replace an existing vault and share files.
    #[arg(long)]
    force: bool,
}

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

pub fn run(a: InitArgs) -> Result<Exit> {
    let policy: Policy = a.policy.into();
    let kdf = KdfParams {
        memory_kib: a
            .kdf_memory
            .map(|m| m.saturating_mul(1024))
            .unwrap_or(KdfParams::DEFAULT.memory_kib),
        iterations: a.kdf_iterations.unwrap_or(KdfParams::DEFAULT.iterations),
        parallelism: a.kdf_parallelism.unwrap_or(KdfParams::DEFAULT.parallelism),
    };
    if policy == Policy::Quorum && (a.passphrase_file.is_some() || a.kdf_memory.is_some()) {
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
    let label = match &a.label {
        Some(l) => l.clone(),
        None => a
            .vault
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "gsl-vault".into()),
    };
    let mut names = Vec::new();
    let mut deliveries = Vec::new();
    for c in &a.custodians {
        let (name, d) = custodian::parse_custodian(c)?;
        names.push(name);
        deliveries.push(d);
    }
    let spec = Spec {
        label,
        threshold: a.threshold,
        custodians: names,
        deliveries: deliveries.iter().map(|d| d.as_str().to_string()).collect(),
        policy,
        kdf,
        drill_every: a
            .drill_every
            .map(|d| d.as_secs())
            .unwrap_or(DEFAULT_DRILL_EVERY),
        now: now(),
    };
    // Check names, threshold and costs before asking for any secret.
    vault::check_spec(&spec)?;
    let shares_dir = a
        .shares_dir
        .clone()
        .unwrap_or_else(|| match a.vault.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        });
    let share_paths: Vec<PathBuf> = spec
        .custodians
        .iter()
        .zip(&deliveries)
        .map(|(n, d)| shares_dir.join(d.file_name(n)))
        .collect();
    for f in &a.custodian_passphrase_files {
        let known = f.split_once('=').is_some_and(|(n, _)| {
            spec.custodians
                .iter()
                .zip(&deliveries)
                .any(|(c, d)| c == n && matches!(d, Delivery::Passphrase))
        });
        if !known {
            return Err(Error::Usage(format!(
                "--custodian-passphrase-file {f:?}: give NAME=FILE for a custodian declared as --custodian NAME=ask."
            )));
        }
    }
    let kit_paths: Vec<PathBuf> = if a.kit {
        spec.custodians
            .iter()
            .map(|n| shares_dir.join(format!("{n}.html")))
            .collect()
    } else {
        Vec::new()
    };
    let mut outputs: Vec<PathBuf> = std::iter::once(&a.vault)
        .chain(&share_paths)
        .chain(&kit_paths)
        .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
        .collect();
    outputs.sort();
    if let Some(w) = outputs.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::Usage(format!(
            "{} would be written twice (the vault, a share and a kit must be different files): choose another vault name or --shares-dir.",
            w[0].display()
        )));
    }
    if !a.force {
        for p in std::iter::once(&a.vault)
            .chain(&share_paths)
            .chain(&kit_paths)
        {
            if p.exists() {
                return Err(Error::Exists(p.display().to_string()));
            }
        }
    }

    let (secret, source) = if a.generate {
        (generate_key()?, "the generator".to_string())
    } else if let Some(f) = &a.secret_file {
        let name = if f == Path::new("-") {
            "standard input".into()
        } else {
            f.display().to_string()
        };
        (fsio::read_secret_path(f, MAX_MASTER_KEY)?, name)
    } else if can_prompt() {
        let typed = super::prompt_hidden("GSL master key: ")?;
        let mut s = SecretBytes::with_capacity(MAX_MASTER_KEY);
        s.extend(typed.as_bytes()).map_err(|_| {
            Error::Usage(format!(
                "the master key is longer than {MAX_MASTER_KEY} bytes."
            ))
        })?;
        (s, "the terminal".to_string())
    } else {
        return Err(Error::Usage(
            "no terminal to ask for the master key: give it with --secret-file FILE (or - for standard input), or use --generate.".into(),
        ));
    };
    let master = MasterKey::new(secret, &source)?;
    let pass = if policy == Policy::Quorum {
        None
    } else {
        let p = passphrase(a.passphrase_file.as_deref(), true, "New vault passphrase")?;
        p.check_new()?;
        Some(p)
    };

    // Each NAME=ask custodian's own passphrase, asked before anything is written.
    let mut share_pass: Vec<Option<SecretBytes>> = Vec::new();
    for (name, d) in spec.custodians.iter().zip(&deliveries) {
        if !matches!(d, Delivery::Passphrase) {
            share_pass.push(None);
            continue;
        }
        let file = a.custodian_passphrase_files.iter().find_map(|f| {
            f.split_once('=')
                .filter(|(n, _)| n == name)
                .map(|(_, p)| PathBuf::from(p))
        });
        let flag = format!("--custodian-passphrase-file {name}=FILE");
        let (raw, source) = super::passphrase_raw(
            file.as_deref(),
            true,
            &format!("share passphrase for {name}"),
            &flag,
        )?;
        // Kept exactly as typed: the reference age CLI does not normalise passphrases, and the
        // custodian may one day open the file with it.
        Passphrase::new(raw.expose(), &source)?.check_new()?;
        let b = raw;
        share_pass.push(Some(b));
    }

    let (bytes, issued) = vault::create(&spec, &master, pass.as_ref())?;
    let fingerprint = vault::Vault::parse(&bytes, &a.vault.display().to_string())?.fingerprint();
    std::fs::create_dir_all(&shares_dir).map_err(|e| Error::io(shares_dir.display(), e))?;
    // Shares first, vault last: a vault file only exists once all its shares do.
    let n = issued.len();
    for (i, (share, path)) in issued.iter().zip(&share_paths).enumerate() {
        let header = ShareHeader {
            label: &spec.label,
            fingerprint: &fingerprint,
            custodian: &share.name,
            index: share.code.point.x,
            count: n,
            threshold: spec.threshold,
            epoch: 1,
            date: &date(spec.now),
        };
        let text = render_share_text(&header, &share.code);
        let out = custodian::encrypt(
            text.as_bytes(),
            &deliveries[i],
            share_pass[i].as_ref().map(|p| p.expose()),
        )?;
        let out = zeroize::Zeroizing::new(out);
        fsio::write_atomic(path, &out, a.force)?;
    }
    fsio::write_atomic(&a.vault, &bytes, a.force)?;
    if a.kit {
        let v = vault::Vault::parse(&bytes, &a.vault.display().to_string())?;
        for (share, _) in issued
            .iter()
            .zip(&deliveries)
            .filter(|(_, d)| matches!(d, Delivery::File))
        {
            let p = super::kit::write_kit(
                &v,
                &a.vault,
                &share.name,
                &share.code,
                &shares_dir,
                a.force,
            )?;
            eprintln!("  kit for {}: {}", share.name, p.display());
        }
    }

    if a.generate {
        outln!("Your new GSL master key (shown once; set it at your exchange now):");
        outln!("{}", String::from_utf8_lossy(master.expose()));
    }
    eprintln!(
        "Vault {} ({fingerprint}) created: policy {}, any {} of {} shares recover.",
        a.vault.display(),
        policy.as_str(),
        spec.threshold,
        n
    );
    for (share, path) in issued.iter().zip(&share_paths) {
        eprintln!(
            "  share {} of {n} for {}: {}",
            share.code.point.x,
            share.name,
            path.display()
        );
    }
    eprintln!(
        "Give each custodian their share, then rehearse: gsl-vault drill {} SHARE...",
        a.vault.display()
    );
    Ok(Exit::Ok)
}
