//! `gsl-vault calibrate`, the KDF spinner, and `init --kdf-time`.

use std::io::IsTerminal;

use serde_json::json;

use gsl_vault::error::{Error, Result};

use super::report::Exit;
use gsl_vault::kdf::{self, KdfParams};

/// Default memory cap, MiB.
pub const DEFAULT_MAX_MEMORY_MIB: u32 = 1024;

/// Half the machine's RAM in KiB (from /proc/meminfo), if known: never propose more.
fn half_ram_kib() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 = info
        .lines()
        .find(|l| l.starts_with("MemTotal:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kib / 2)
}

/// Costs for `target` under `max_mib` (and half the RAM).
pub fn propose(
    target: std::time::Duration,
    max_mib: u32,
) -> Result<(KdfParams, std::time::Duration)> {
    if target < std::time::Duration::from_millis(50) || target > std::time::Duration::from_secs(600)
    {
        return Err(Error::Usage(
            "the target must be between 50ms and 10m (for example 2s).".into(),
        ));
    }
    let mut cap = u64::from(max_mib)
        .saturating_mul(1024)
        .min(u64::from(kdf::MAX_MEMORY_KIB));
    if let Some(half) = half_ram_kib() {
        cap = cap.min(half);
    }
    if cap < u64::from(kdf::MIN_MEMORY_KIB) {
        return Err(Error::Usage(
            "the memory cap is under 64 MiB, RFC 9106's floor: allow more memory.".into(),
        ));
    }
    if SPINNER.load(std::sync::atomic::Ordering::Relaxed)
        && cap >= u64::from(kdf::IDLE_BEFORE_TIMING_FROM_KIB)
    {
        errln!(
            "Measuring this machine: one probe, then three timed runs at the proposed costs, each after 3 s idle from 512 MiB on, as an open comes after an idle while (up to about 20 s)."
        );
    }
    kdf::calibrate(target, cap as u32)
}

/// Whether progress is shown on stderr (a terminal, and not --quiet).
static SPINNER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn run(target: std::time::Duration, max_mib: u32, json: bool) -> Result<Exit> {
    let (p, took) = propose(target, max_mib)?;
    if json {
        super::output::print_json(&json!({
            "memory_kib": p.memory_kib(),
            "iterations": p.iterations(),
            "parallelism": p.parallelism(),
            "millis": took.as_millis() as u64,
        }));
    } else {
        outln!(
            "Argon2id at {} took at most {} ms here in three runs (target {} ms).",
            p.describe(),
            took.as_millis(),
            target.as_millis()
        );
        outln!(
            "Use: gsl-vault init ... --kdf-memory {} --kdf-iterations {} --kdf-parallelism {}",
            p.memory_kib() / 1024,
            p.iterations(),
            p.parallelism()
        );
    }
    Ok(Exit::Ok)
}

/// A spinner on stderr while the KDF runs, when stderr is a terminal and not --quiet.
pub fn install_spinner(quiet: bool) {
    if quiet || !std::io::stderr().is_terminal() {
        return;
    }
    SPINNER.store(true, std::sync::atomic::Ordering::Relaxed);
    kdf::set_progress(|p| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(format!(
            "Argon2id ({}): deriving the passphrase key...",
            p.describe()
        ));
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Box::new(Finish(bar))
    });
}

struct Finish(indicatif::ProgressBar);

impl Drop for Finish {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
