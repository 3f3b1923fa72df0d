//! The command line's shape: every command, flag and argument (clap derive). Help texts are part
//! of the CLI contract; what each command does lives in its own file.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use gsl_vault::format::Policy;

use super::calibrate::DEFAULT_MAX_MEMORY_MIB;

/// gsl-vault: an offline vault for your exchange's Global Settings Lock master key.
#[derive(Parser)]
#[command(name = "gsl-vault", version, about, long_about = None)]
pub struct Cli {
    /// Refuse any vault but this one (the 26-character pin status shows)
    ///
    /// The pin is the vault's current identity; it changes when the vault key rotates, and the
    /// command that rotates it prints the new one. The 8-character name XXXX-XXXX is accepted
    /// as a convenience, but anyone can make a vault with the same name: it is not a pin.
    #[arg(long, global = true, value_name = "PIN")]
    pub expect_fingerprint: Option<String>,
    /// Refuse any vault older than this generation (status shows it)
    ///
    /// A copy put back from before a change, or by an attacker, is older.
    #[arg(long, global = true, value_name = "N")]
    pub expect_generation: Option<u64>,
    /// No progress display on stderr while Argon2id runs (commands that derive a key)
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PolicyArg {
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
    /// Share files: NAME.share, NAME.share.age, or `-` for words on standard input. Leave them
    /// out, on a terminal, to type each share's words (the first four letters are enough).
    pub shares: Vec<PathBuf>,
    /// An age identity file that opens an age-encrypted share (repeatable).
    #[arg(short = 'i', long = "identity", value_name = "FILE")]
    pub identities: Vec<PathBuf>,
    /// A file holding the passphrase of a passphrase-protected share (repeatable).
    #[arg(long = "share-passphrase-file", value_name = "F")]
    pub share_passphrase_files: Vec<PathBuf>,
}

/// Commands that read no existing vault file: the pin and generation checks mean nothing there.
const NO_VAULT_READ: [&str; 7] = [
    "init",
    "calibrate",
    "demo",
    "completions",
    "man",
    "recovery-page",
    "prove",
];
/// Commands that never run Argon2id: `--quiet` means nothing there.
const NO_KDF: [&str; 9] = [
    "status",
    "check-share",
    "kit",
    "prove",
    "attest",
    "recovery-page",
    "completions",
    "man",
    "demo",
];

/// The command line as users see it: the global flags are hidden from the help (and manual
/// pages) of the commands where they mean nothing; they are still accepted there.
pub fn command() -> clap::Command {
    use clap::CommandFactory as _;
    let mut cmd = Cli::command();
    cmd.build();
    // In place (`mut_args`), so that the built command keeps its arguments' order.
    let hide = |ids: &'static [&'static str]| {
        move |c: clap::Command| {
            c.mut_args(|a| {
                let hidden = ids.contains(&a.get_id().as_str()) || a.is_hide_set();
                a.hide(hidden)
            })
        }
    };
    for name in NO_VAULT_READ {
        let both = !NO_KDF.contains(&name);
        cmd = cmd.mut_subcommand(
            name,
            hide(if both {
                &["expect_fingerprint", "expect_generation"]
            } else {
                &["expect_fingerprint", "expect_generation", "quiet"]
            }),
        );
    }
    for name in NO_KDF.iter().filter(|n| !NO_VAULT_READ.contains(n)) {
        cmd = cmd.mut_subcommand(name, hide(&["quiet"]));
    }
    cmd
}

/// A drill interval: a duration with its unit (`180d`, `26w`, `1y`); a bare number is refused
/// with the unit it most likely meant (days), not humantime's "180sec or 180ms".
fn drill_interval(s: &str) -> Result<std::time::Duration, String> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "give the unit: {s}d for {s} days (or w for weeks, y for years)"
        ));
    }
    humantime::parse_duration(s)
        .map_err(|e| format!("{e}: use a number and a unit, for example 90d, 26w or 1y"))
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a vault for a master key and write one share per custodian.
    Init(InitArgs),
    /// Show a vault's settings, custodians and drill state (needs no secret).
    Status(StatusArgs),
    /// Check one or more shares against the vault, each on its own (reveals nothing).
    CheckShare(CheckShareArgs),
    /// Rehearse recovery with shares or the passphrase; the master key is never shown.
    Drill(DrillArgs),
    /// Reveal the master key from a quorum of shares.
    Recover(RecoverArgs),
    /// Reveal the master key with the passphrase.
    Open(OpenArgs),
    /// Write a printable HTML page (words, QR code, recovery steps) for each share.
    Kit(KitArgs),
    /// Issue a new share set (new custodians or threshold); confirm it to retire the old one.
    Reshare(ReshareArgs),
    /// Change the vault passphrase.
    Passwd(PasswdArgs),
    /// Replace the master key (after changing it at the exchange); shares stay valid.
    ///
    /// Kraken does not let a Master Key be changed while the Global Settings Lock is on: unlock
    /// with the old key first, change it at the exchange, then run set-secret. An
    /// authenticator-app key (--totp-uri-file, --totp-qr-file, --totp-key-file) is sealed only
    /// once the code your app shows now is typed.
    SetSecret(SetSecretArgs),
    /// Issue fresh recovery copies for every custodian (after the master key or the policy
    /// changed, or for a vault made before copies existed).
    Copies(CopiesArgs),
    /// Change who may open the vault: either, both or quorum.
    Policy(PolicyChangeArgs),
    /// Custodian: prove from home that your share still exists and is correct (prints two
    /// lines for the owner; reveals nothing about the share; no vault file needed).
    Prove(ProveArgs),
    /// Owner: check custodians' remote share proofs against the vault and record them (no
    /// secret needed).
    Attest(AttestArgs),
    /// Write recover.html: the offline recovery page custodians open in any web browser, with
    /// nothing installed (it holds no share; it may carry the vault's recovery copy).
    RecoveryPage(RecoveryPageArgs),
    /// Measure this machine and propose Argon2id costs for a target time.
    Calibrate(CalibrateArgs),
    /// Owner: after giving custodians their shares, overwrite and delete the share files and
    /// kits left on this computer (while they are here, this computer holds a quorum).
    HandedOut(HandedOutArgs),
    /// Walk through the whole story on a throwaway vault in a temporary folder.
    Demo(DemoArgs),
    /// Print a shell completion script (bash, zsh or fish) on standard output.
    Completions(CompletionsArgs),
    /// Write the manual pages (gsl-vault.1 and one per command) into a folder.
    Man(ManArgs),
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_parser = ["bash", "zsh", "fish"])]
    pub shell: String,
}

#[derive(Args)]
pub struct ManArgs {
    /// The folder to write the pages into (made if missing).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "DIR",
        default_value = "man"
    )]
    pub output: PathBuf,
    /// Replace pages that exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Run the demo in this new folder and keep it afterwards, to look at the files it made.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

#[derive(Args)]
pub struct HandedOutArgs {
    /// The vault file.
    pub vault: PathBuf,
    /// The custodians who now hold their share (their NAME.share and NAME.html are deleted
    /// from the folders gsl-vault wrote them into).
    #[arg(required = true, value_name = "NAME")]
    pub custodians: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct StatusArgs {
    /// The vault file.
    pub vault: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Exit 6 when no drill has passed within the drill interval.
    #[arg(long)]
    pub check: bool,
    /// With --check: also exit 8 when a custodian's share has neither passed a drill nor been
    /// proved remotely (gsl-vault attest) within the drill interval.
    #[arg(long, requires = "check")]
    pub every_share: bool,
}

#[derive(Args)]
pub struct CheckShareArgs {
    /// The vault file. Leave it out to use the recovery copy the share files carry (the
    /// newest valid one), or one given with --copy.
    pub vault: Option<PathBuf>,
    #[command(flatten)]
    pub input: ShareInput,
    /// A recovery copy (a file, or - for standard input: pasted or scanned from a kit's QR
    /// code), used when no vault file is named (repeatable).
    #[arg(long = "copy", value_name = "FILE")]
    pub copies: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct DrillArgs {
    /// The vault file. Leave it out to use the recovery copy the share files carry (the
    /// newest valid one), or one given with --copy.
    pub vault: Option<PathBuf>,
    #[command(flatten)]
    pub input: ShareInput,
    /// A recovery copy (a file, or - for standard input: pasted or scanned from a kit's QR
    /// code), used when no vault file is named (repeatable).
    #[arg(long = "copy", value_name = "FILE")]
    pub copies: Vec<PathBuf>,
    /// Drill the passphrase instead of shares.
    #[arg(long)]
    pub passphrase: bool,
    /// Check every custodian's share (each on its own, then a quorum); exit 3 if any is
    /// missing or bad. Afterwards status shows every custodian verified.
    #[arg(long)]
    pub all: bool,
    /// Read the passphrase from this file (`-` = standard input) instead of a prompt.
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
    /// Also check that the stored master key is the one you type (or give with --secret-file):
    /// compared in constant time; a mismatch says only that they differ (exit 1). For an
    /// authenticator-app key, type the code your app shows now.
    #[arg(long)]
    pub check_key: bool,
    /// With --check-key: read the key to compare from this file (`-` = standard input).
    #[arg(long, value_name = "F", requires = "check_key")]
    pub secret_file: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct RecoverArgs {
    /// The vault file. Leave it out to use the recovery copy the share files carry (the
    /// newest valid one), or one given with --copy.
    pub vault: Option<PathBuf>,
    #[command(flatten)]
    pub input: ShareInput,
    /// A recovery copy (a file, or - for standard input: pasted or scanned from a kit's QR
    /// code), used when no vault file is named (repeatable).
    #[arg(long = "copy", value_name = "FILE")]
    pub copies: Vec<PathBuf>,
    /// Passphrase file, for a vault whose policy is `both`.
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
    /// Write the master key to this file (0600, never overwritten) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// What to reveal: the master key (default), recovery-codes, note, or all of them,
    /// labelled.
    #[arg(long, value_name = "WHICH", default_value = "master", value_parser = ["master", "totp-key", "recovery-codes", "note", "sign-in-totp", "sign-in-totp-key", "all"])]
    pub entry: String,
    /// For an authenticator-app master key: the codes as JSON (`code`, `valid_for_seconds`,
    /// `next_code`, `utc`), never the key.
    #[arg(long)]
    pub json: bool,
    /// For an authenticator-app master key, at a terminal: keep the code current until Ctrl-C.
    #[arg(long, conflicts_with_all = ["json", "output"])]
    pub watch: bool,
}

#[derive(Args)]
pub struct OpenArgs {
    /// The vault file.
    pub vault: PathBuf,
    /// Read the passphrase from this file (`-` = standard input) instead of a prompt.
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
    /// Write the master key to this file (0600, never overwritten) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// What to reveal: the master key (default), recovery-codes, note, or all of them,
    /// labelled.
    #[arg(long, value_name = "WHICH", default_value = "master", value_parser = ["master", "totp-key", "recovery-codes", "note", "sign-in-totp", "sign-in-totp-key", "all"])]
    pub entry: String,
    /// For an authenticator-app master key: the codes as JSON (`code`, `valid_for_seconds`,
    /// `next_code`, `utc`), never the key.
    #[arg(long)]
    pub json: bool,
    /// For an authenticator-app master key, at a terminal: keep the code current until Ctrl-C.
    #[arg(long, conflicts_with_all = ["json", "output"])]
    pub watch: bool,
}

#[derive(Args)]
pub struct KitArgs {
    /// The vault file.
    pub vault: PathBuf,
    #[command(flatten)]
    pub input: ShareInput,
    /// Folder for the pages (one NAME.html per custodian).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// Replace existing pages.
    #[arg(long)]
    pub force: bool,
    /// Print JSON on standard output (the keys are in README.md, "--json keys").
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct PasswdArgs {
    /// The vault file.
    pub vault: PathBuf,
    /// Shares (needed with policy both, or instead of the current passphrase).
    #[command(flatten)]
    pub input: ShareInput,
    /// Read the current passphrase from this file (`-` = standard input).
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
    /// Read the new passphrase from this file (`-` = standard input).
    #[arg(long, value_name = "F")]
    pub new_passphrase_file: Option<PathBuf>,
    /// Make a strong passphrase (8 random words, 80 bits), show it once on the terminal and
    /// ask for it back.
    #[arg(long, conflicts_with = "new_passphrase_file")]
    pub generate_passphrase: bool,
    /// Keep a passphrase zxcvbn rates as guessable (a warning is printed; not recommended).
    #[arg(long)]
    pub accept_weak_passphrase: bool,
    /// Print JSON on standard output (the keys are in README.md, "--json keys").
    #[arg(long, conflicts_with = "generate_passphrase")]
    pub json: bool,
}

#[derive(Args)]
pub struct SetSecretArgs {
    /// The vault file.
    pub vault: PathBuf,
    /// Shares, to authorise with a quorum instead of the passphrase.
    #[command(flatten)]
    pub input: ShareInput,
    /// Read the passphrase from this file (`-` = standard input).
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
    /// Read the new master key from this file (`-` = standard input).
    #[arg(long, value_name = "F", conflicts_with = "generate")]
    pub secret_file: Option<PathBuf>,
    /// Make a strong random master key and show it once.
    #[arg(long)]
    pub generate: bool,
    #[command(flatten)]
    pub totp: super::totp::TotpArgs,
    /// The account's 2FA recovery codes, from this file (`-` = standard input), kept with the
    /// master key.
    #[arg(long, value_name = "F")]
    pub recovery_codes_file: Option<PathBuf>,
    /// A note kept with the master key (your recovery procedure: exchange, account e-mail, whom
    /// to call), from this file (`-` = standard input).
    #[arg(long, value_name = "F")]
    pub note_file: Option<PathBuf>,
    /// Print JSON on standard output (the keys are in README.md, "--json keys").
    #[arg(long, conflicts_with = "generate")]
    pub json: bool,
}

#[derive(Args)]
pub struct PolicyChangeArgs {
    /// The vault file.
    pub vault: PathBuf,
    /// The new policy.
    #[arg(value_enum)]
    pub policy: PolicyArg,
    /// A quorum of current shares: every policy change proves one first.
    #[command(flatten)]
    pub input: ShareInput,
    /// Read the current passphrase from this file (`-` = standard input).
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
    /// A new passphrase, when a vault of policy quorum gets one.
    #[arg(long, value_name = "F")]
    pub new_passphrase_file: Option<PathBuf>,
    /// Keep a passphrase zxcvbn rates as guessable (a warning is printed; not recommended).
    #[arg(long)]
    pub accept_weak_passphrase: bool,
    /// Print JSON on standard output (the keys are in README.md, "--json keys").
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct CopiesArgs {
    /// The vault file.
    pub vault: PathBuf,
    /// A quorum of current shares (needed under policies both and quorum, and once for a vault
    /// with no copy authority; under policy either the passphrase alone issues copies).
    #[command(flatten)]
    pub input: ShareInput,
    /// Read the passphrase from this file (`-` = standard input).
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
    /// Folder for the copies (one NAME.copy per custodian; default: copies-generation-N
    /// beside the vault).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replace existing copy files.
    #[arg(long)]
    pub force: bool,
    /// Print JSON on standard output (the keys are in README.md, "--json keys").
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ProveArgs {
    /// Your share (one): NAME.share, NAME.share.age, or `-` for words typed on standard input.
    #[command(flatten)]
    pub input: ShareInput,
    /// A recovery copy of the vault, when the share comes without one (typed words): it names
    /// your custodian and checks the share against its commitment first.
    #[arg(long, value_name = "FILE")]
    pub copy: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct AttestArgs {
    /// The vault file.
    pub vault: PathBuf,
    /// Files holding proofs (an e-mail saved as text is fine; several proofs per file too), or
    /// `-` for pasted text on standard input.
    #[arg(required = true)]
    pub proofs: Vec<PathBuf>,
    /// Refuse proofs older than this (e.g. 30d, 2w).
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, default_value = "30d")]
    pub window: std::time::Duration,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct RecoveryPageArgs {
    /// Where to write the page.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        default_value = "recover.html"
    )]
    pub output: PathBuf,
    /// Carry this recovery copy in the page, so that custodians only type their words: a share
    /// file (it carries one), a NAME.copy file from `gsl-vault copies`, or the text of a kit's
    /// page-2 QR code (`-` = standard input).
    #[arg(long, value_name = "FILE")]
    pub copy: Option<PathBuf>,
    /// Replace an existing page.
    #[arg(long)]
    pub force: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct CalibrateArgs {
    /// How long one derivation should take (e.g. 2s, 1500ms).
    #[arg(long, value_parser = humantime::parse_duration, default_value = "2s")]
    pub target: std::time::Duration,
    /// The most memory to propose, in MiB (never over half the RAM).
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_MEMORY_MIB)]
    pub max_memory: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct InitArgs {
    /// The vault file to create.
    pub vault: PathBuf,
    #[command(flatten)]
    pub who: CustodianArgs,
    /// A label printed on every share (default: the vault's file name).
    #[arg(long)]
    pub label: Option<String>,
    /// Read the master key from this file (`-` = standard input) instead of a prompt.
    #[arg(long, value_name = "F", conflicts_with = "generate")]
    pub secret_file: Option<PathBuf>,
    /// Make a strong random master key and show it once.
    #[arg(long)]
    pub generate: bool,
    #[command(flatten)]
    pub totp: super::totp::TotpArgs,
    /// The account's 2FA recovery codes, from this file (`-` = standard input), kept with the
    /// master key.
    #[arg(long, value_name = "F")]
    pub recovery_codes_file: Option<PathBuf>,
    /// A note kept with the master key (your recovery procedure: exchange, account e-mail, whom
    /// to call), from this file (`-` = standard input).
    #[arg(long, value_name = "F")]
    pub note_file: Option<PathBuf>,
    /// Read the passphrase from this file (`-` = standard input) instead of a prompt.
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
    /// Make a strong passphrase (8 random words, 80 bits), show it once on the terminal and
    /// ask for it back.
    #[arg(long, conflicts_with = "passphrase_file")]
    pub generate_passphrase: bool,
    /// Keep a passphrase zxcvbn rates as guessable (a warning is printed; not recommended).
    #[arg(long)]
    pub accept_weak_passphrase: bool,
    /// Who may open the vault.
    #[arg(long, value_enum, default_value = "either")]
    pub policy: PolicyArg,
    /// Argon2id memory in MiB (at least 64).
    #[arg(long, value_name = "MIB")]
    pub kdf_memory: Option<u32>,
    /// Choose Argon2id costs by measuring this machine: one derivation takes about this long
    /// (e.g. 2s); --kdf-memory is then the memory cap (default 1024 MiB).
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, conflicts_with_all = ["kdf_iterations", "kdf_parallelism"])]
    pub kdf_time: Option<std::time::Duration>,
    /// Argon2id passes (memory x passes at least 192 MiB).
    #[arg(long, value_name = "N")]
    pub kdf_iterations: Option<u32>,
    /// Argon2id lanes.
    #[arg(long, value_name = "P")]
    pub kdf_parallelism: Option<u32>,
    /// How often a drill is due, e.g. 90d, 180d, 1y.
    #[arg(long, value_name = "DURATION", value_parser = drill_interval)]
    pub drill_every: Option<std::time::Duration>,
    /// Replace an existing vault and share files.
    #[arg(long)]
    pub force: bool,
    /// Print JSON on standard output (the keys are in README.md, "--json keys").
    #[arg(long, conflicts_with = "generate")]
    pub json: bool,
    /// File format: 3 (the default): X-Wing slots that only the vault's owner and custodians can
    /// write, and copies that always print (SECURITY.md, "Format 3"); 2 for older readers
    #[arg(long, value_name = "VERSION", value_parser = clap::value_parser!(u8).range(2..=3), default_value_t = 3)]
    pub format: u8,
}

#[derive(Args)]
pub struct ReshareArgs {
    /// The vault file.
    pub vault: PathBuf,
    /// Shares: current ones to authorise a new set (or --cancel), new ones with --confirm.
    #[command(flatten)]
    pub input: ShareInput,
    /// Read the vault passphrase from this file (`-` = standard input) instead of a prompt.
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
    /// Prove a quorum of the new shares; then they replace the old ones, which are retired.
    #[arg(long, conflicts_with = "cancel")]
    pub confirm: bool,
    /// Drop the pending new shares; the current ones stay as they are.
    #[arg(long)]
    pub cancel: bool,
    /// Shares needed in the new set.
    #[arg(long, short = 't')]
    pub threshold: Option<usize>,
    /// A custodian of the new set (as for init: NAME, NAME=age1... or NAME=ask).
    #[arg(long = "custodian", value_name = "NAME[=age1...|=ask]")]
    pub custodians: Vec<String>,
    /// The share passphrase of a NAME=ask custodian, from a file: NAME=F (repeatable).
    #[arg(long = "custodian-passphrase-file", value_name = "NAME=F")]
    pub custodian_passphrase_files: Vec<String>,
    /// Folder for the new share files (default: shares-epoch-N beside the vault). Existing
    /// files are never replaced: they may hold the current shares.
    #[arg(long, value_name = "DIR")]
    pub shares_dir: Option<PathBuf>,
    /// Also write a printable kit per new plain-file share.
    #[arg(long)]
    pub kit: bool,
    /// Print JSON on standard output (the keys are in README.md, "--json keys").
    #[arg(long)]
    pub json: bool,
}

/// Who receives the shares, and how.
#[derive(Args)]
pub struct CustodianArgs {
    /// Shares needed to recover (2..=number of custodians).
    #[arg(long, short = 't')]
    pub threshold: usize,
    /// A custodian, once per custodian (2..=255): NAME (a plain NAME.share), NAME=age1...
    /// (NAME.share.age for that age recipient) or NAME=ask (NAME.share.age under a passphrase
    /// of the custodian's own, asked now).
    #[arg(
        long = "custodian",
        value_name = "NAME[=age1...|=ask]",
        required = true
    )]
    pub custodians: Vec<String>,
    /// The share passphrase of a NAME=ask custodian, from a file: NAME=F (repeatable).
    #[arg(long = "custodian-passphrase-file", value_name = "NAME=F")]
    pub custodian_passphrase_files: Vec<String>,
    /// Folder for the share files (default: the vault's folder).
    #[arg(long, value_name = "DIR")]
    pub shares_dir: Option<PathBuf>,
    /// Also write a printable HTML kit (NAME.html) beside the share files, for each custodian
    /// with a plain share file (an age-delivered share stays encrypted).
    #[arg(long)]
    pub kit: bool,
}
