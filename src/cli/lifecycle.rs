//! Keeping a vault alive for years: `reshare` (with confirmation before the old shares are
//! retired), `passwd`, `set-secret` and `policy`. Each is authorised by the passphrase or a
//! quorum of the current shares, and writes the vault once, atomically, under the folder lock.

use std::path::{Path, PathBuf};

use clap::Args;

use gsl_vault::error::{Error, Exit, Result};
use gsl_vault::format::Policy;
use gsl_vault::fsio;
use gsl_vault::kdf::KdfParams;
use gsl_vault::secret::{Passphrase, QuorumKey, VaultKey};
use gsl_vault::vault::Vault;

use super::issue::{CustodianArgs, Plan};
use super::{PolicyArg, ShareInput, load_vault_for_update, now, passphrase, read_shares};

/// What authorises a change: the vault key, and the quorum key and passphrase when they were
/// given (some changes need them).
struct Auth {
    vk: VaultKey,
    qk: Option<QuorumKey>,
    pass: Option<Passphrase>,
}

/// Opens the vault with a quorum of current shares (policy `both`: and the passphrase), or, when
/// no share is named and the policy allows it, with the passphrase alone.
/// With `quorum_only`, shares are required even where the passphrase alone would open it.
fn authorize(
    v: &Vault,
    input: &ShareInput,
    pass_file: Option<&Path>,
    quorum_only: bool,
) -> Result<Auth> {
    super::one_stdin(pass_file, input)?;
    if input.shares.is_empty() && v.body.policy == Policy::Either && !quorum_only {
        let pass = passphrase(pass_file, false, "Vault passphrase")?;
        let vk = v.unlock_passphrase(&pass)?;
        return Ok(Auth {
            vk,
            qk: None,
            pass: Some(pass),
        });
    }
    let (offered, unreadable) = read_shares(input, (v, usize::from(v.body.threshold)))?;
    let pass = if v.body.policy == Policy::Both {
        Some(passphrase(pass_file, false, "Vault passphrase")?)
    } else {
        None
    };
    for (_, e) in &unreadable {
        eprintln!("gsl-vault: warning: {e}");
    }
    let out = v.unlock_quorum(&offered, pass.as_ref())?;
    for r in &out.rejected {
        eprintln!("gsl-vault: warning: {}", r.reason);
    }
    Ok(Auth {
        vk: out.vk,
        qk: out.qk,
        pass,
    })
}

/// The epoch a new reshare of the vault at `path` would get (for the default folder name).
fn epoch_next(path: &Path) -> u32 {
    super::read_vault(path)
        .map(|v| v.body.epoch + 1)
        .unwrap_or(2)
}

fn check_size(path: &Path, bytes: &[u8]) -> Result<()> {
    if bytes.len() as u64 > gsl_vault::format::MAX_VAULT_FILE {
        return Err(Error::Other(format!(
            "vault {} would grow past what gsl-vault reads back; nothing was written.",
            path.display()
        )));
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    check_size(path, bytes)?;
    fsio::write_atomic(path, bytes, true)
}

#[derive(Args)]
pub struct ReshareArgs {
    /// The vault file.
    vault: PathBuf,
    /// Shares: current ones to authorise a new set (or --cancel), new ones with --confirm.
    #[command(flatten)]
    input: ShareInput,
    /// Read the vault passphrase from this file (`-` = standard input) instead of a prompt.
    #[arg(long, value_name = "F")]
    passphrase_file: Option<PathBuf>,
    /// Prove a quorum of the new shares; then they replace the old ones, which are retired.
    #[arg(long, conflicts_with = "cancel")]
    confirm: bool,
    /// Drop the pending new shares; the current ones stay as they are.
    #[arg(long)]
    cancel: bool,
    /// Shares needed in the new set.
    #[arg(long, short = 't')]
    threshold: Option<usize>,
    /// A custodian of the new set (as for init: NAME, NAME=age1... or NAME=ask).
    #[arg(long = "custodian", value_name = "NAME[=age1...|=ask]")]
    custodians: Vec<String>,
    /// The share passphrase of a NAME=ask custodian, from a file: NAME=F (repeatable).
    #[arg(long = "custodian-passphrase-file", value_name = "NAME=F")]
    custodian_passphrase_files: Vec<String>,
    /// Folder for the new share files (default: shares-epoch-N beside the vault). Existing
    /// files are never replaced: they may hold the current shares.
    #[arg(long, value_name = "DIR")]
    shares_dir: Option<PathBuf>,
    /// Also write a printable kit per new plain-file share.
    #[arg(long)]
    kit: bool,
}

pub fn reshare(a: ReshareArgs) -> Result<Exit> {
    let path = a.vault.as_path();
    let new_set = a.threshold.is_some() || !a.custodians.is_empty();
    if (a.confirm || a.cancel) && new_set {
        return Err(Error::Usage(
            "--confirm and --cancel take no new custodians: run them on their own.".into(),
        ));
    }
    if a.confirm {
        if a.input.shares.is_empty() {
            return Err(Error::Usage(format!(
                "name a quorum of the new shares: gsl-vault reshare {} --confirm SHARE...",
                path.display()
            )));
        }
        let (mut v, _lock) = load_vault_for_update(path)?;
        let pending = v
            .body
            .pending
            .as_ref()
            .map(|p| usize::from(p.threshold))
            .unwrap_or(2);
        let (offered, unreadable) = read_shares(&a.input, (&v, pending))?;
        for (_, e) in &unreadable {
            eprintln!("gsl-vault: warning: {e}");
        }
        let pass = if v.body.policy == Policy::Both {
            Some(passphrase(
                a.passphrase_file.as_deref(),
                false,
                "Vault passphrase",
            )?)
        } else {
            None
        };
        let old_epoch = v.body.epoch;
        let (bytes, out) = v.reshare_confirm(&offered, pass.as_ref(), now())?;
        for r in &out.rejected {
            eprintln!("gsl-vault: warning: {}", r.reason);
        }
        write(path, &bytes)?;
        eprintln!(
            "Confirmed: the new shares of {} open vault {} (epoch {}). The shares of epoch {old_epoch} are retired: they no longer open this file, so ask their holders to destroy them.",
            out.accepted.join(", "),
            path.display(),
            v.body.epoch
        );
        eprintln!(
            "A copy of the vault file made before today still opens with the old shares: replace every copy you keep, and change the master key at the exchange if an old share may have leaked."
        );
        return Ok(Exit::Ok);
    }
    if a.cancel {
        let (mut v, _lock) = load_vault_for_update(path)?;
        if v.body.pending.is_none() {
            return Err(Error::Usage(format!(
                "no reshare is pending on vault {}: there is nothing to cancel.",
                path.display()
            )));
        }
        let auth = authorize(&v, &a.input, a.passphrase_file.as_deref(), false)?;
        let bytes = v.reshare_cancel(&auth.vk)?;
        write(path, &bytes)?;
        eprintln!(
            "The pending reshare of vault {} was cancelled; the current shares are unchanged.",
            path.display()
        );
        return Ok(Exit::Ok);
    }
    let Some(threshold) = a.threshold else {
        return Err(Error::Usage(
            "give the new set (--threshold T --custodian NAME...), or --confirm NEW-SHARE..., or --cancel.".into(),
        ));
    };
    let who = CustodianArgs {
        threshold,
        custodians: a.custodians.clone(),
        custodian_passphrase_files: a.custodian_passphrase_files.clone(),
        shares_dir: Some(a.shares_dir.clone().unwrap_or_else(|| {
            let folder = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            folder.join(format!("shares-epoch-{}", epoch_next(path)))
        })),
        kit: a.kit,
    };
    // Never replace a share file: it may hold a current share, and a reshare that failed after
    // overwriting it would leave a vault no one can open.
    let plan = Plan::new(&who, path, None, false).map_err(|e| match e {
        Error::Exists(p) => Error::Usage(format!(
            "{p} already exists, and a reshare never replaces share files (they may be the current set): choose a new --shares-dir."
        )),
        e => e,
    })?;
    let (mut v, _lock) = load_vault_for_update(path)?;
    let auth = authorize(&v, &a.input, a.passphrase_file.as_deref(), false)?;
    let share_pass = plan.ask_passphrases()?;
    let (bytes, issued) = v.reshare_begin(
        &auth.vk,
        threshold,
        &plan.names,
        &plan.delivery_names(),
        auth.pass.as_ref(),
        now(),
    )?;
    let epoch = v
        .body
        .pending
        .as_ref()
        .map(|p| p.epoch)
        .unwrap_or(v.body.epoch + 1);
    check_size(path, &bytes)?;
    // New shares first, vault last: the pending set is recorded only once its shares exist.
    plan.write_shares(&issued, &share_pass, &v, threshold, epoch, false)?;
    write(path, &bytes)?;
    plan.write_kits(&v, path, &issued, threshold, epoch, false)?;
    eprintln!(
        "New shares (epoch {epoch}, any {threshold} of {} recover) are written and pending:",
        issued.len()
    );
    plan.report(&issued);
    eprintln!(
        "The current shares keep working until a quorum of the new ones proves itself: gsl-vault reshare {} --confirm NEW-SHARE...",
        path.display()
    );
    Ok(Exit::Ok)
}

pub fn passwd(
    path: &Path,
    input: &ShareInput,
    pass_file: Option<&Path>,
    new_file: Option<&Path>,
) -> Result<Exit> {
    if pass_file.is_some() && pass_file == new_file {
        return Err(Error::Usage(
            "--passphrase-file and --new-passphrase-file must be different files.".into(),
        ));
    }
    let (mut v, _lock) = load_vault_for_update(path)?;
    if v.body.policy == Policy::Quorum {
        return Err(Error::Usage(format!(
            "vault {} has policy quorum: it has no passphrase (gsl-vault policy {} either adds one).",
            path.display(),
            path.display()
        )));
    }
    let auth = authorize(&v, input, pass_file, false)?;
    let new = passphrase(new_file, true, "New vault passphrase")?;
    new.check_new()?;
    let bytes = v.change_passphrase(&auth.vk, auth.qk.as_ref(), &new, None)?;
    write(path, &bytes)?;
    eprintln!(
        "The passphrase of vault {} is changed; the shares are unchanged.",
        path.display()
    );
    Ok(Exit::Ok)
}

pub fn set_secret(
    path: &Path,
    input: &ShareInput,
    pass_file: Option<&Path>,
    secret_file: Option<&Path>,
    generate: bool,
) -> Result<Exit> {
    let stdin = |f: Option<&Path>| f == Some(Path::new("-"));
    if stdin(pass_file) && stdin(secret_file) {
        return Err(Error::Usage(
            "only one of --secret-file and --passphrase-file can read standard input (-).".into(),
        ));
    }
    let (mut v, _lock) = load_vault_for_update(path)?;
    let auth = authorize(&v, input, pass_file, false)?;
    let master = super::init::read_master(secret_file, generate)?;
    let bytes = v.set_secret(&auth.vk, &master)?;
    write(path, &bytes)?;
    if generate {
        outln!("Your new GSL master key (shown once; set it at your exchange now):");
        outln!("{}", String::from_utf8_lossy(master.expose()));
    }
    eprintln!(
        "The master key in vault {} is replaced; the passphrase and the shares are unchanged.",
        path.display()
    );
    Ok(Exit::Ok)
}

pub fn policy(
    path: &Path,
    to: PolicyArg,
    input: &ShareInput,
    pass_file: Option<&Path>,
    new_file: Option<&Path>,
) -> Result<Exit> {
    let to: Policy = to.into();
    let (mut v, _lock) = load_vault_for_update(path)?;
    if v.body.policy == to {
        return Err(Error::Usage(format!(
            "vault {} already has policy {}.",
            path.display(),
            to.as_str()
        )));
    }
    // Every policy change proves a quorum of shares: the quorum slot is kept (or made) by it,
    // and a slot nobody has tested must never become the only way in.
    if input.shares.is_empty() && !super::can_prompt() {
        return Err(Error::Usage(format!(
            "changing vault {} from {} to {} needs a quorum of its shares (so the shares are proven before the change): name them.",
            path.display(),
            v.body.policy.as_str(),
            to.as_str()
        )));
    }
    let auth = authorize(&v, input, pass_file, true)?;
    let pass = match (to, v.body.kdf.is_some(), auth.pass) {
        (Policy::Quorum, _, _) => None,
        (_, true, Some(p)) => Some(p),
        (_, true, None) => Some(passphrase(pass_file, false, "Vault passphrase")?),
        (_, false, _) => {
            let p = passphrase(new_file, true, "New vault passphrase")?;
            p.check_new()?;
            Some(p)
        }
    };
    let bytes = v.set_policy(
        &auth.vk,
        to,
        auth.qk.as_ref(),
        pass.as_ref(),
        KdfParams::DEFAULT,
    )?;
    write(path, &bytes)?;
    eprintln!("Vault {} now has policy {}.", path.display(), to.as_str());
    Ok(Exit::Ok)
}
