//! The command line: flags, their combinations, prompts, and the mapping of outcomes to exit
//! codes. Each command is a function from its parsed arguments to an exit code.

/// `println!` that does not panic when stdout is closed (`gsl-vault status | head -1`).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

mod calibrate;
mod demo;
mod init;
mod issue;
mod kit;
mod lifecycle;
mod shares;
mod status;
mod typed;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use gsl_vault::error::{Error, Exit, Result};
use gsl_vault::format::Policy;
use gsl_vault::secret::{MAX_PASSPHRASE, Passphrase, SecretBytes};
use gsl_vault::share::{self, MAX_SHARE_FILE};
use gsl_vault::vault::{Offered, Vault};
use gsl_vault::{custodian, fsio};

/// gsl-vault: an offline vault for your exchange's Global Settings Lock master key.
#[derive(Parser)]
#[command(name = "gsl-vault", version, about, long_about = None)]
pub struct Cli {
    /// Refuse any vault whose fingerprint is not this one (XXXX-XXXX). The signature only
    /// proves a file is internally consistent; pinning the fingerprint proves it is *your*
    /// vault, so a replaced file cannot pass `status --check` unnoticed.
    #[arg(long, global = true, value_name = "XXXX-XXXX")]
    expect_fingerprint: Option<String>,
    /// No progress display on stderr while the KDF runs.
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

static EXPECT_FINGERPRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();

#[derive(Clone, Copy, ValueEnum)]
enum PolicyArg {
    /// The passphrase alone, or a quorum of shares alone.
    Either,
    /// A quorum of shares and the passphrase together.
    Both,
    /// A quorum of shares only (no passphrase).
    Quorum,
}

impl From<PolicyArg> for Policy {
    fn from(p: PolicyArg) -> Self {
        match p {
            PolicyArg::Either => Policy::Either,
            PolicyArg::Both => Policy::Both,
            PolicyArg::Quorum => Policy::Quorum,
        }
    }
}

/// Where shares come from: files (plain or age-encrypted), `-` for standard input, and the keys
/// that open age-encrypted ones.
#[derive(clap::Args)]
pub struct ShareInput {
    /// Share files: NAME.share, NAME.share.age, or `-` for words typed on standard input.
    shares: Vec<PathBuf>,
    /// An age identity file that opens an age-encrypted share (repeatable).
    #[arg(short = 'i', long = "identity", value_name = "FILE")]
    identities: Vec<PathBuf>,
    /// A file holding the passphrase of a passphrase-protected share (repeatable).
    #[arg(long = "share-passphrase-file", value_name = "F")]
    share_passphrase_files: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Create a vault for a master key and write one share per custodian.
    Init(init::InitArgs),
    /// Show a vault's settings, custodians and drill state (needs no secret).
    Status {
        /// The vault file.
        vault: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Exit 6 when no drill has passed within the drill interval.
        #[arg(long)]
        check: bool,
    },
    /// Check one or more shares against the vault, each on its own (reveals nothing).
    CheckShare {
        /// The vault file.
        vault: PathBuf,
        #[command(flatten)]
        input: ShareInput,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rehearse recovery with shares or the passphrase; the master key is never shown.
    Drill {
        /// The vault file.
        vault: PathBuf,
        #[command(flatten)]
        input: ShareInput,
        /// Drill the passphrase instead of shares.
        #[arg(long)]
        passphrase: bool,
        /// Check every custodian's share (each on its own, then a quorum); exit 3 if any is
        /// missing or bad. Afterwards status shows every custodian verified.
        #[arg(long)]
        all: bool,
        /// Read the passphrase from this file (`-` = standard input) instead of a prompt.
        #[arg(long, value_name = "F")]
        passphrase_file: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reveal the master key from a quorum of shares.
    Recover {
        /// The vault file.
        vault: PathBuf,
        #[command(flatten)]
        input: ShareInput,
        /// Passphrase file, for a vault whose policy is `both`.
        #[arg(long, value_name = "F")]
        passphrase_file: Option<PathBuf>,
        /// Write the master key to this file (0600, never overwritten) instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Reveal the master key with the passphrase.
    Open {
        /// The vault file.
        vault: PathBuf,
        /// Read the passphrase from this file (`-` = standard input) instead of a prompt.
        #[arg(long, value_name = "F")]
        passphrase_file: Option<PathBuf>,
        /// Write the master key to this file (0600, never overwritten) instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write a printable HTML page (words, QR code, recovery steps) for each share.
    Kit {
        /// The vault file.
        vault: PathBuf,
        #[command(flatten)]
        input: ShareInput,
        /// Folder for the pages (one NAME.html per custodian).
        #[arg(short = 'o', long = "output", value_name = "DIR")]
        output: PathBuf,
        /// Replace existing pages.
        #[arg(long)]
        force: bool,
    },
    /// Issue a new share set (new custodians or threshold); confirm it to retire the old one.
    Reshare(lifecycle::ReshareArgs),
    /// Change the vault passphrase.
    Passwd {
        /// The vault file.
        vault: PathBuf,
        /// Shares (needed with policy both, or instead of the current passphrase).
        #[command(flatten)]
        input: ShareInput,
        /// Read the current passphrase from this file (`-` = standard input).
        #[arg(long, value_name = "F")]
        passphrase_file: Option<PathBuf>,
        /// Read the new passphrase from this file (`-` = standard input).
        #[arg(long, value_name = "F")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Replace the master key (after changing it at the exchange); shares stay valid.
    SetSecret {
        /// The vault file.
        vault: PathBuf,
        /// Shares, to authorise with a quorum instead of the passphrase.
        #[command(flatten)]
        input: ShareInput,
        /// Read the passphrase from this file (`-` = standard input).
        #[arg(long, value_name = "F")]
        passphrase_file: Option<PathBuf>,
        /// Read the new master key from this file (`-` = standard input).
        #[arg(long, value_name = "F", conflicts_with = "generate")]
        secret_file: Option<PathBuf>,
        /// Make a strong random master key and show it once.
        #[arg(long)]
        generate: bool,
    },
    /// Change who may open the vault: either, both or quorum.
    Policy {
        /// The vault file.
        vault: PathBuf,
        /// The new policy.
        #[arg(value_enum)]
        policy: PolicyArg,
        /// A quorum of current shares: every policy change proves one first.
        #[command(flatten)]
        input: ShareInput,
        /// Read the current passphrase from this file (`-` = standard input).
        #[arg(long, value_name = "F")]
        passphrase_file: Option<PathBuf>,
        /// A new passphrase, when a vault of policy quorum gets one.
        #[arg(long, value_name = "F")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Measure this machine and propose Argon2id costs for a target time.
    Calibrate {
        /// How long one derivation should take (e.g. 2s, 1500ms).
        #[arg(long, value_parser = humantime::parse_duration, default_value = "2s")]
        target: std::time::Duration,
        /// The most memory to propose, in MiB (never over half the RAM).
        #[arg(long, value_name = "MIB", default_value_t = calibrate::DEFAULT_MAX_MEMORY_MIB)]
        max_memory: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Walk through the whole story on a throwaway vault in a temporary folder.
    Demo,
}

/// Parses the command line, runs the command and returns the exit code.
pub fn run() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Exit::Ok
                }
                _ => Exit::Usage,
            };
        }
    };
    if let Some(f) = cli.expect_fingerprint {
        let _ = EXPECT_FINGERPRINT.set(f.trim().to_ascii_uppercase());
    }
    calibrate::install_spinner(cli.quiet);
    let result = match cli.command {
        Command::Init(a) => init::run(a),
        Command::Status { vault, json, check } => status::run(&vault, json, check),
        Command::CheckShare { vault, input, json } => shares::check(&vault, &input, json),
        Command::Drill {
            vault,
            input,
            passphrase,
            all,
            passphrase_file,
            json,
        } => shares::drill(
            &vault,
            &input,
            passphrase,
            passphrase_file.as_deref(),
            json,
            all,
        ),
        Command::Recover {
            vault,
            input,
            passphrase_file,
            output,
        } => shares::recover(
            &vault,
            &input,
            passphrase_file.as_deref(),
            output.as_deref(),
        ),
        Command::Open {
            vault,
            passphrase_file,
            output,
        } => shares::open(&vault, passphrase_file.as_deref(), output.as_deref()),
        Command::Kit {
            vault,
            input,
            output,
            force,
        } => kit::run(&vault, &input, &output, force),
        Command::Reshare(a) => lifecycle::reshare(a),
        Command::Passwd {
            vault,
            input,
            passphrase_file,
            new_passphrase_file,
        } => lifecycle::passwd(
            &vault,
            &input,
            passphrase_file.as_deref(),
            new_passphrase_file.as_deref(),
        ),
        Command::SetSecret {
            vault,
            input,
            passphrase_file,
            secret_file,
            generate,
        } => lifecycle::set_secret(
            &vault,
            &input,
            passphrase_file.as_deref(),
            secret_file.as_deref(),
            generate,
        ),
        Command::Policy {
            vault,
            policy,
            input,
            passphrase_file,
            new_passphrase_file,
        } => lifecycle::policy(
            &vault,
            policy,
            &input,
            passphrase_file.as_deref(),
            new_passphrase_file.as_deref(),
        ),
        Command::Calibrate {
            target,
            max_memory,
            json,
        } => calibrate::run(target, max_memory, json),
        Command::Demo => demo::run(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gsl-vault: {e}");
            e.exit()
        }
    }
}

/// Seconds since the Unix epoch.
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `YYYY-MM-DD` of a Unix time (UTC).
fn date(secs: u64) -> String {
    let secs = secs.min(gsl_vault::vault::MAX_TIME);
    let s = humantime::format_rfc3339_seconds(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs),
    )
    .to_string();
    s[..10].to_string()
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time (UTC).
fn datetime(secs: u64) -> String {
    let secs = secs.min(gsl_vault::vault::MAX_TIME);
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
        .to_string()
}

/// Reads and checks a vault file; sweeps temporary files a crash may have left.
fn load_vault(path: &Path) -> Result<Vault> {
    fsio::sweep_temps(path, false);
    read_vault(path)
}

/// Takes the folder lock, sweeps, and reads the vault: for commands that write it back.
fn load_vault_for_update(path: &Path) -> Result<(Vault, fsio::FolderLock)> {
    let lock = fsio::lock_folder(path)?;
    fsio::sweep_temps(path, true);
    Ok((read_vault(path)?, lock))
}

fn read_vault(path: &Path) -> Result<Vault> {
    let bytes = fsio::read_capped(path, gsl_vault::format::MAX_VAULT_FILE, "vault file")?;
    let v = Vault::parse(&bytes, &path.display().to_string())?;
    if let Some(want) = EXPECT_FINGERPRINT.get()
        && *want != v.fingerprint()
    {
        return Err(Error::Corrupt(format!(
            "vault {} has fingerprint {}, not the expected {want}: it is another vault or a replacement; restore your own from a backup copy.",
            path.display(),
            v.fingerprint()
        )));
    }
    Ok(v)
}

/// Whether a prompt can be shown: standard input is a terminal.
fn can_prompt() -> bool {
    std::io::stdin().is_terminal()
}

/// Terminal settings to put back if a signal arrives while a prompt has turned echo off
/// (rpassword alone would leave the terminal without echo after Ctrl-C).
static SAVED_TERMIOS: std::sync::Mutex<Option<rustix::termios::Termios>> =
    std::sync::Mutex::new(None);

/// Whether a hidden prompt is waiting (echo off): only then does the guard act.
static PROMPTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Saves the terminal's settings and, once per process, starts a thread that handles SIGINT,
/// SIGTERM and SIGHUP: during a hidden prompt it restores the terminal and exits (128 + signal
/// number); at any other moment it does what the signal would have done without it.
fn guard_terminal() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            std::thread::spawn(move || {
                for sig in signals.forever() {
                    if !PROMPTING.load(std::sync::atomic::Ordering::SeqCst) {
                        // Not at a prompt: the default action, as if no handler were here
                        // (writes are atomic, so a kill mid-write leaves the old or new file).
                        let _ = signal_hook::low_level::emulate_default_handler(sig);
                        continue;
                    }
                    if let Ok(saved) = SAVED_TERMIOS.lock()
                        && let Some(t) = saved.as_ref()
                    {
                        let _ = rustix::termios::tcsetattr(
                            std::io::stdin(),
                            rustix::termios::OptionalActions::Now,
                            t,
                        );
                    }
                    eprintln!("\ngsl-vault: interrupted at a prompt; nothing more was written.");
                    std::process::exit(128 + sig);
                }
            });
        }
    });
    if let Ok(t) = rustix::termios::tcgetattr(std::io::stdin())
        && let Ok(mut saved) = SAVED_TERMIOS.lock()
    {
        *saved = Some(t);
    }
}

/// Asks for a secret at the terminal without echo; the terminal is restored even on Ctrl-C.
fn prompt_hidden(prompt: &str) -> Result<zeroize::Zeroizing<String>> {
    guard_terminal();
    PROMPTING.store(true, std::sync::atomic::Ordering::SeqCst);
    let answer = rpassword::prompt_password(prompt);
    PROMPTING.store(false, std::sync::atomic::Ordering::SeqCst);
    match answer {
        Ok(s) => Ok(zeroize::Zeroizing::new(s)),
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
            // A signal arrived: the guard thread restores the terminal and exits with the
            // signal's code; wait for it rather than report an error of our own.
            std::thread::sleep(std::time::Duration::from_secs(2));
            std::process::exit(130)
        }
        Err(e) => Err(Error::io("the terminal", e)),
    }
}

/// Reads a passphrase as typed (no normalisation) from `file` or the terminal. `confirm` asks
/// twice (when setting it). `flag` names the flag to use when there is no terminal.
fn passphrase_raw(
    file: Option<&Path>,
    confirm: bool,
    what: &str,
    flag: &str,
) -> Result<(SecretBytes, String)> {
    if let Some(f) = file {
        let name = if f == Path::new("-") {
            "standard input".to_string()
        } else {
            f.display().to_string()
        };
        return Ok((fsio::read_secret_path(f, MAX_PASSPHRASE)?, name));
    }
    if !can_prompt() {
        return Err(Error::Usage(format!(
            "no terminal to ask for {what}: give it with {flag} (FILE may be - for standard input)."
        )));
    }
    let first = prompt_hidden(&format!("{what}: "))?;
    if confirm {
        let again = prompt_hidden(&format!("{what} again: "))?;
        if !gsl_vault::crypto::ct_eq(first.as_bytes(), again.as_bytes()) {
            return Err(Error::Usage(
                "the two passphrases differ; nothing was written. Run the command again.".into(),
            ));
        }
    }
    let mut out = SecretBytes::with_capacity(first.len());
    out.extend(first.as_bytes())?;
    Ok((out, "the terminal".to_string()))
}

/// Reads the vault passphrase from `file` or the terminal, normalised (NFKD).
fn passphrase(file: Option<&Path>, confirm: bool, what: &str) -> Result<Passphrase> {
    let (raw, source) = passphrase_raw(file, confirm, what, "--passphrase-file FILE")?;
    Passphrase::new(raw.expose(), &source)
}

/// Standard input can carry one secret per run: refuses `-` as both a share and the passphrase.
fn one_stdin(pass_file: Option<&Path>, shares: &ShareInput) -> Result<()> {
    if pass_file == Some(Path::new("-"))
        && shares.shares.iter().any(|s| s.as_path() == Path::new("-"))
    {
        return Err(Error::Usage(
            "standard input (-) cannot give both a share and the passphrase.".into(),
        ));
    }
    Ok(())
}

/// Shares that could not be read or decoded, with why.
type Unreadable = Vec<(String, Error)>;

/// Reads share arguments: files (plain or age), or `-` for typed words on standard input.
/// Shares that cannot be read or decoded are returned apart, with why; an age share that no
/// key opens is an error (exit 4) naming it.
/// With no share named, on a terminal, shares are typed word by word until `typed.1` valid
/// shares of vault `typed.0` are in.
fn read_shares(input: &ShareInput, typed: (&Vault, usize)) -> Result<(Vec<Offered>, Unreadable)> {
    let paths = &input.shares;
    if paths.is_empty() {
        if !can_prompt() {
            return Err(Error::Usage(
                "name the share files (or - to read one from standard input), or run on a terminal to type the shares.".into(),
            ));
        }
        return Ok((typed::type_shares(typed.0, typed.1)?, Vec::new()));
    }
    if paths
        .iter()
        .filter(|p| p.as_path() == Path::new("-"))
        .count()
        > 1
    {
        return Err(Error::Usage(
            "standard input (-) can be given as a share only once.".into(),
        ));
    }
    let mut keys = custodian::Keys::default();
    for f in &input.identities {
        keys.add_identity_file(f)?;
    }
    for f in &input.share_passphrase_files {
        let raw = fsio::read_secret_path(f, MAX_PASSPHRASE)?;
        let text = std::str::from_utf8(raw.expose())
            .map_err(|_| Error::Usage(format!("{} is not UTF-8 text.", f.display())))?;
        keys.add_passphrase(zeroize::Zeroizing::new(text.to_owned()));
    }
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for p in paths {
        let (source, mut text) = if p.as_path() == Path::new("-") {
            let raw = fsio::read_secret(
                std::io::stdin().lock(),
                MAX_SHARE_FILE as usize,
                "standard input",
            )?;
            (
                "standard input".to_string(),
                zeroize::Zeroizing::new(raw.expose().to_vec()),
            )
        } else {
            let bytes = match fsio::read_capped(p, MAX_SHARE_FILE, "share file") {
                Ok(b) => b,
                Err(e) => {
                    let m = format!("share {e}").replace("share share ", "share ");
                    bad.push((p.display().to_string(), Error::Shares(m)));
                    continue;
                }
            };
            (p.display().to_string(), zeroize::Zeroizing::new(bytes))
        };
        if custodian::is_age(&text) {
            let mut opened = custodian::decrypt(&text, &keys, &source);
            // A passphrase-protected share the known passphrases do not open: ask for its own
            // (each custodian has theirs), at the terminal.
            if opened.is_err() && custodian::needs_passphrase(&text) {
                if !can_prompt() && !keys.has_passphrase() {
                    return Err(Error::Usage(format!(
                        "share {source} is protected by its custodian's passphrase and there is no terminal to ask for it: give --share-passphrase-file F."
                    )));
                }
                if can_prompt() {
                    keys.add_passphrase(prompt_hidden(&format!("Passphrase of share {source}: "))?);
                    opened = custodian::decrypt(&text, &keys, &source);
                }
            }
            match opened {
                Ok(t) => text = t,
                Err(e) => {
                    // Counted as a bad share: other shares may still make a quorum.
                    bad.push((source, name_custodian(e, p, typed.0)));
                    continue;
                }
            }
        }
        let parsed = std::str::from_utf8(&text)
            .map_err(|_| {
                Error::Shares(format!(
                    "share {source} is not text: check that it is the share file you were given."
                ))
            })
            .and_then(|t| share::parse_share_text(t, &source));
        match parsed {
            Ok(code) => ok.push(Offered { source, code }),
            Err(e) => bad.push((source, e)),
        }
    }
    Ok((ok, bad))
}

/// Adds the custodian's name to an age decryption error when the file is named after one of
/// them (NAME.share.age, as init and reshare write it).
fn name_custodian(e: Error, path: &Path, v: &Vault) -> Error {
    let Error::Unlock(m) = e else { return e };
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file
        .strip_suffix(".share.age")
        .or_else(|| file.strip_suffix(".age"))
        .unwrap_or(&file);
    let set = v
        .body
        .custodians
        .iter()
        .chain(v.body.pending.iter().flat_map(|p| p.custodians.iter()));
    match set.map(|c| c.name.as_str()).find(|n| *n == stem) {
        Some(name) => {
            let src = path.display().to_string();
            Error::Unlock(m.replacen(
                &format!("share {src}"),
                &format!("share {src} (custodian {name})"),
                1,
            ))
        }
        None => Error::Unlock(m),
    }
}

/// Writes a revealed secret to `out` (0600, no clobber) or stdout.
fn reveal(bytes: &[u8], out: Option<&Path>) -> Result<()> {
    use std::io::Write;
    match out {
        Some(p) => {
            fsio::write_atomic(p, bytes, false)?;
            eprintln!(
                "The master key is in {} (mode 0600). Delete it once you have used it.",
                p.display()
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

/// Prints a JSON value on stdout.
fn print_json(v: &serde_json::Value) {
    outln!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}
