//! Authenticator-app master keys at the command line (issue 25): the setup key read and checked
//! at `init` and `set-secret`, confirmed by the code the app shows now; at `open` and `recover`,
//! the codes instead of the key.

use std::path::Path;

use clap::Args;
use gsl_vault::error::{Error, Result};
use gsl_vault::format::MasterKind;
use gsl_vault::secret::{MasterKey, SecretBytes};
use gsl_vault::totp::{Algorithm, Totp};

use super::prompt::{can_prompt, prompt_secret};

/// The flags that store an authenticator-app (TOTP) master key instead of a password.
#[derive(Args, Clone, Default)]
pub struct TotpArgs {
    /// The master key is an authenticator-app key: its otpauth://totp/ URI, from this file (`-`
    /// = standard input).
    #[arg(long, value_name = "F", conflicts_with_all = ["secret_file", "generate", "totp_key_file", "totp_qr_file"])]
    pub totp_uri_file: Option<std::path::PathBuf>,
    /// The master key is an authenticator-app key: a screenshot or photo (PNG or JPEG) of the
    /// exchange's setup QR code.
    #[arg(long, value_name = "IMAGE", conflicts_with_all = ["secret_file", "generate", "totp_key_file"])]
    pub totp_qr_file: Option<std::path::PathBuf>,
    /// The master key is an authenticator-app key: its base32 setup key, from this file (`-` =
    /// standard input); with --totp-digits, --totp-algorithm, --totp-period.
    #[arg(long, value_name = "F", conflicts_with_all = ["secret_file", "generate"])]
    pub totp_key_file: Option<std::path::PathBuf>,
    /// Digits per code of the --totp-key-file key (default 6).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(6..=8))]
    pub totp_digits: Option<u32>,
    /// HMAC hash of the --totp-key-file key (default sha1).
    #[arg(long, value_name = "ALG", value_parser = ["sha1", "sha256", "sha512"])]
    pub totp_algorithm: Option<String>,
    /// Seconds per code of the --totp-key-file key (default 30).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=300))]
    pub totp_period: Option<u64>,
    /// The code the exchange's setup page or the authenticator app shows now, from this file
    /// (`-` = standard input); asked at a terminal otherwise. No key is sealed unconfirmed.
    #[arg(long, value_name = "F")]
    pub totp_code_file: Option<std::path::PathBuf>,
    /// Also keep the account's sign-in authenticator key (its otpauth://totp/ URI, from this
    /// file; `-` = standard input), shown as codes like the master key. Kraken asks that the
    /// Master Key be kept apart from sign-in 2FA: see README before using it.
    #[arg(long, value_name = "F")]
    pub sign_in_totp_uri_file: Option<std::path::PathBuf>,
}

impl TotpArgs {
    /// Whether a TOTP master key was asked for.
    pub fn given(&self) -> bool {
        self.totp_uri_file.is_some() || self.totp_key_file.is_some() || self.totp_qr_file.is_some()
    }
}

/// The TOTP master key the flags give, checked and confirmed, as the URI to seal and the kind
/// the body records; None when no TOTP flag was given.
pub fn read(a: &TotpArgs) -> Result<Option<(MasterKey, MasterKind)>> {
    if !a.given() {
        return Ok(None);
    }
    let settings = a.totp_digits.is_some() || a.totp_algorithm.is_some() || a.totp_period.is_some();
    if settings && a.totp_key_file.is_none() {
        return Err(Error::Usage(
            "--totp-digits, --totp-algorithm and --totp-period describe a base32 key given with --totp-key-file; a URI or a QR code carries its own settings.".into(),
        ));
    }
    let stdin = |f: &Option<std::path::PathBuf>| f.as_deref() == Some(Path::new("-"));
    if stdin(&a.totp_code_file)
        && (stdin(&a.totp_uri_file) || stdin(&a.totp_key_file) || stdin(&a.totp_qr_file))
    {
        return Err(Error::Usage(
            "only one of the authenticator key and its code can come from standard input (-)."
                .into(),
        ));
    }
    let t = match (&a.totp_uri_file, &a.totp_key_file) {
        _ if a.totp_qr_file.is_some() => {
            let f = a.totp_qr_file.as_deref().unwrap_or(Path::new("-"));
            // The picture shows the key: it is read like any other secret, and wiped after.
            let bytes = gsl_vault::fsio::read_capped_secret(f, 32 * 1024 * 1024, "image")?;
            let name = gsl_vault::fsio::shown(f).to_string();
            let uri = gsl_vault::totp::uri_from_image(bytes.expose(), &name)
                .map_err(|why| Error::Usage(format!("the authenticator key was refused: {why}")))?;
            Totp::from_uri(&uri)
        }
        (Some(f), _) => {
            let text = read_text(
                f,
                "the otpauth URI",
                "Authenticator setup URI (otpauth://totp/...): ",
            )?;
            Totp::from_uri(&text)
        }
        (None, Some(f)) => {
            let text = read_text(f, "the setup key", "Authenticator setup key (base32): ")?;
            let alg = a
                .totp_algorithm
                .as_deref()
                .and_then(Algorithm::parse)
                .unwrap_or(Algorithm::Sha1);
            Totp::from_base32(
                &text,
                a.totp_digits.unwrap_or(6),
                alg,
                a.totp_period.unwrap_or(30),
            )
        }
        (None, None) => return Ok(None),
    }
    .map_err(|why| Error::Usage(format!("the authenticator key was refused: {why}")))?;
    let code = match &a.totp_code_file {
        Some(f) => read_text(f, "the confirmation code", "")?,
        None if can_prompt() => {
            let typed = prompt_secret(
                "Type the code your authenticator app (or the exchange's setup page) shows now: ",
                16,
                "the code",
            )?;
            zeroize::Zeroizing::new(String::from_utf8_lossy(typed.expose()).into_owned())
        }
        None => {
            return Err(Error::Usage(
                "an authenticator key is sealed only once confirmed: give the code your app shows now with --totp-code-file FILE (or - for standard input), or run on a terminal.".into(),
            ));
        }
    };
    // The time the code was typed, not the time the command started.
    let now = gsl_vault::dates::now();
    if !t.matches(&code, now) {
        return Err(Error::Usage(format!(
            "the code you typed does not match this key at {} (UTC) nor in the windows before and after: check the key (or scan the QR code again) and this machine's clock; nothing was written.",
            gsl_vault::dates::datetime(now)
        )));
    }
    let uri = t.uri();
    let mut bytes = SecretBytes::with_capacity(uri.len());
    bytes.extend(uri.as_bytes())?;
    Ok(Some((
        MasterKey::new(bytes, "the authenticator key")?,
        t.kind(),
    )))
}

/// The sign-in authenticator key to keep as an entry, checked, as its canonical URI.
pub fn read_sign_in(a: &TotpArgs) -> Result<Option<gsl_vault::vault::entries::Entry>> {
    let Some(f) = &a.sign_in_totp_uri_file else {
        return Ok(None);
    };
    let text = read_text(
        f,
        "the sign-in otpauth URI",
        "Sign-in authenticator setup URI (otpauth://totp/...): ",
    )?;
    let t = Totp::from_uri(&text)
        .map_err(|why| Error::Usage(format!("the sign-in authenticator key was refused: {why}")))?;
    let uri = t.uri();
    let mut bytes = SecretBytes::with_capacity(uri.len());
    bytes.extend(uri.as_bytes())?;
    gsl_vault::vault::entries::entry_from(
        gsl_vault::vault::entries::SIGN_IN_TOTP,
        bytes,
        &gsl_vault::fsio::shown(f),
    )
    .map(Some)
}

/// After the key was sealed from a screenshot: the picture holds the key too.
pub fn report_screenshot(a: &TotpArgs) {
    if let Some(f) = &a.totp_qr_file {
        errln!(
            "The picture {} holds the authenticator key: delete it now, with any copy in photo backups or cloud sync (the vault keeps the key).",
            gsl_vault::fsio::shown(f)
        );
    }
}

/// A small secret text from a file, standard input or a hidden prompt, trimmed.
fn read_text(f: &Path, what: &str, prompt: &str) -> Result<zeroize::Zeroizing<String>> {
    let bytes = if super::prompt::typed_stdin(f) && can_prompt() && !prompt.is_empty() {
        prompt_secret(prompt, 4096, what)?
    } else {
        gsl_vault::fsio::read_secret_path(f, 4096)?
    };
    let text = std::str::from_utf8(bytes.expose()).map_err(|_| {
        Error::Usage(format!(
            "{what} from {} is not text.",
            gsl_vault::fsio::shown(f)
        ))
    })?;
    Ok(zeroize::Zeroizing::new(text.trim().to_string()))
}

/// The codes kept current on one terminal line until Ctrl-C (`--watch`).
pub fn watch_codes(uri: &[u8]) -> Result<()> {
    use std::io::{IsTerminal, Write};
    if !std::io::stdout().is_terminal() {
        return Err(Error::Usage(
            "--watch keeps the code current on a terminal: run it at one, or leave --watch out to print the code once.".into(),
        ));
    }
    let t = totp_of(uri)?;
    // Ctrl-C is how a watch ends: it is caught, the line closed, and the command ends well.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, stop.clone());
    errln!("Press Ctrl-C when done.");
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let now = gsl_vault::dates::now();
        let c = t.codes(now);
        let mut out = std::io::stdout().lock();
        let line = zeroize::Zeroizing::new(format!(
            "\r{}  ({:>3} s left; next {}; {} UTC) ",
            c.code.as_str(),
            c.valid_for_seconds,
            c.next_code.as_str(),
            gsl_vault::dates::datetime(now)
        ));
        if out
            .write_all(line.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return Ok(());
        }
        drop(out);
        for _ in 0..5 {
            if stop.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    outln!();
    Ok(())
}

fn totp_of(uri: &[u8]) -> Result<Totp> {
    let text = std::str::from_utf8(uri).unwrap_or("");
    Totp::from_uri(text).map_err(|why| {
        Error::Corrupt(format!(
            "the vault's authenticator key does not read back ({why}); restore the vault from a backup copy."
        ))
    })
}

/// The codes of a TOTP master key at `now`: to stdout, one line (or `--json`), with the UTC
/// time they depend on.
pub fn show_codes(uri: &[u8], now: u64, json: bool) -> Result<()> {
    let t = totp_of(uri)?;
    let c = t.codes(now);
    let at = gsl_vault::dates::datetime(now);
    if json {
        super::output::print_json(&serde_json::json!({
            "code": c.code.as_str(),
            "valid_for_seconds": c.valid_for_seconds,
            "next_code": c.next_code.as_str(),
            "utc": at,
        }));
    } else {
        outln!(
            "{}  (for {} more seconds; next {}; machine time {at} UTC: if the exchange refuses the code, check this clock)",
            c.code.as_str(),
            c.valid_for_seconds,
            c.next_code.as_str()
        );
    }
    Ok(())
}
