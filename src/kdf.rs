//! Argon2id: the passphrase-to-key function, with its cost bounds.

use argon2::{Algorithm, Argon2, Version};

pub use crate::costs::*;
use crate::error::{Error, Result};
use crate::secret::{PassKey, Passphrase};

/// Argon2id costs within gsl-vault's bounds: RFC 9106's floor below, a cap above that keeps a
/// forged file from exhausting the machine. Made only by [`KdfParams::new`] (or
/// [`KdfParams::DEFAULT`]), so a value of this type is always safe to derive with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams(Costs);

impl KdfParams {
    /// The default for `init`: RFC 9106's second recommendation scaled up four times in memory.
    pub const DEFAULT: KdfParams = KdfParams(Costs {
        memory_kib: DEFAULT_MEMORY_KIB,
        iterations: DEFAULT_ITERATIONS,
        parallelism: DEFAULT_PARALLELISM,
    });

    /// Costs within the bounds.
    ///
    /// # Errors
    /// Which bound fails: over the cap, under RFC 9106's floor, or too little memory per lane.
    pub fn new(
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
    ) -> std::result::Result<Self, KdfBoundError> {
        Self::from_costs(Costs {
            memory_kib,
            iterations,
            parallelism,
        })
    }

    /// [`KdfParams::new`] for costs already gathered.
    ///
    /// # Errors
    /// As [`KdfParams::new`].
    pub fn from_costs(c: Costs) -> std::result::Result<Self, KdfBoundError> {
        let (m, t, p) = (c.memory_kib, c.iterations, c.parallelism);
        if m > MAX_MEMORY_KIB || t > MAX_ITERATIONS || p > MAX_PARALLELISM {
            return Err(KdfBoundError::OverCap(c));
        }
        if m < MIN_MEMORY_KIB
            || u64::from(m) * u64::from(t) < MIN_MEMORY_TIMES_ITERATIONS_KIB
            || t == 0
            || p == 0
        {
            return Err(KdfBoundError::UnderFloor(c));
        }
        if m < 8 * p {
            return Err(KdfBoundError::LaneTooSmall(c));
        }
        Ok(KdfParams(c))
    }

    /// Memory in KiB.
    pub fn memory_kib(&self) -> u32 {
        self.0.memory_kib
    }

    /// Passes over memory (t).
    pub fn iterations(&self) -> u32 {
        self.0.iterations
    }

    /// Lanes (p).
    pub fn parallelism(&self) -> u32 {
        self.0.parallelism
    }

    /// The costs.
    pub fn costs(&self) -> Costs {
        self.0
    }

    /// "256 MiB, t=3, p=4".
    pub fn describe(&self) -> String {
        self.0.describe()
    }
}

/// Something that shows progress while the KDF runs; dropping it ends the display.
pub type Progress = Box<dyn std::any::Any>;

static PROGRESS: std::sync::OnceLock<fn(&Costs) -> Progress> = std::sync::OnceLock::new();

/// Registers what to show while the KDF runs (the CLI's spinner). Once per process.
pub fn set_progress(show: fn(&Costs) -> Progress) {
    let _ = PROGRESS.set(show);
}

/// Derives a 32-byte key from `pass` and `salt` with these costs.
///
/// The working memory is a buffer this function owns: it is wiped before it is freed (argon2's
/// own `hash_password_into` frees it unwiped), and its allocation is fallible, so a cost the
/// machine cannot afford is an error, not an abort.
///
/// # Errors
/// `Error::Other` if memory cannot be had.
pub fn derive(params: &KdfParams, pass: &Passphrase, salt: &[u8]) -> Result<PassKey> {
    derive_raw(&params.costs(), pass.expose(), salt, &[], &[])
}

/// The raw Argon2id computation, without the policy floor; `secret` (K) and `ad` (X) are empty
/// in vaults and exist for RFC 9106's test vector.
pub fn derive_raw(
    params: &Costs,
    pwd: &[u8],
    salt: &[u8],
    secret: &[u8],
    ad: &[u8],
) -> Result<PassKey> {
    let bad = |e: argon2::Error| Error::Other(format!("Argon2id at {}: {e}.", params.describe()));
    let mut builder = argon2::ParamsBuilder::new();
    builder
        .m_cost(params.memory_kib)
        .t_cost(params.iterations)
        .p_cost(params.parallelism)
        .output_len(32)
        .data(argon2::AssociatedData::new(ad).map_err(bad)?);
    let argon_params = builder.build().map_err(bad)?;
    let blocks = argon_params.block_count();
    let argon = if secret.is_empty() {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params)
    } else {
        Argon2::new_with_secret(secret, Algorithm::Argon2id, Version::V0x13, argon_params)
            .map_err(bad)?
    };
    let mut memory = crate::kdfmem::BlockMemory::new(blocks)?;
    let mut out = [0u8; 32];
    let _progress = PROGRESS.get().map(|show| show(params));
    let r = argon.hash_password_into_with_memory(pwd, salt, &mut out, memory.as_mut_slice());
    // Wiped (in parallel) and unmapped here, before the result is looked at.
    drop(memory);
    r.map_err(bad)?;
    Ok(PassKey::from_bytes(&mut out))
}

/// From this memory cost on, `calibrate` waits before each timed derivation (see there).
pub const IDLE_BEFORE_TIMING_FROM_KIB: u32 = 512 * 1024;

/// Proposes costs that take about `target` on this machine with at most `max_memory_kib`:
/// as much memory as allowed first (memory is what an attacker pays for), then passes. Returns
/// the costs and the slowest of three derivations with them, each after an idle pause from
/// 512 MiB on.
pub fn calibrate(
    target: std::time::Duration,
    max_memory_kib: u32,
) -> Result<(KdfParams, std::time::Duration)> {
    let parallelism = 4;
    let time = |p: &Costs| -> Result<std::time::Duration> {
        let start = std::time::Instant::now();
        derive_raw(
            p,
            b"gsl-vault calibration",
            b"gsl-vault calibration salt",
            &[],
            &[],
        )?;
        Ok(start.elapsed())
    };
    let cap = max_memory_kib.max(MIN_MEMORY_KIB);
    let probe = Costs {
        memory_kib: cap,
        iterations: 1,
        parallelism,
    };
    let one = time(&probe)?.max(std::time::Duration::from_millis(1));
    let ratio = target.as_secs_f64() / one.as_secs_f64();
    let (memory_kib, iterations) = if ratio >= 1.0 {
        (cap, (ratio.floor() as u32).clamp(1, MAX_ITERATIONS))
    } else {
        let m = ((f64::from(cap) * ratio) as u32 / 1024 * 1024).max(MIN_MEMORY_KIB);
        (m, 1)
    };
    // RFC 9106's floor: memory x passes at least 192 MiB.
    let floor = MIN_MEMORY_TIMES_ITERATIONS_KIB.div_ceil(u64::from(memory_kib)) as u32;
    let params = KdfParams::new(memory_kib, iterations.max(floor), parallelism)
        .map_err(|m| Error::Other(format!("calibration proposed invalid costs: {m}.")))?;
    // The time a user will meet: the slowest of three derivations. A user's `open` comes after
    // an idle while, when a virtual machine has handed the memory freed last back to its host
    // and gets it back slowly; a derivation right after another reuses the pages just freed
    // and is faster (BENCHMARKS.md, "The slow mode"). So from 512 MiB on, where it shows, each
    // timed run waits 3 s first, as long as the guest takes to hand freed memory back.
    let mut slowest = std::time::Duration::ZERO;
    for _ in 0..3 {
        if params.memory_kib() >= IDLE_BEFORE_TIMING_FROM_KIB {
            std::thread::sleep(std::time::Duration::from_secs(3));
        }
        slowest = slowest.max(time(&params.costs())?);
    }
    Ok((params, slowest))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 9106's own test vector is in tests/kdf_reference.rs, with the reference CLI.

    #[test]
    fn bounds_follow_rfc9106_and_the_cap() {
        let m = 64 * 1024;
        assert!(KdfParams::new(m, 3, 4).is_ok());
        assert!(matches!(
            KdfParams::new(m, 2, 4),
            Err(KdfBoundError::UnderFloor(_))
        ));
        assert!(KdfParams::new(96 * 1024, 2, 4).is_ok());
        assert!(KdfParams::new(32 * 1024, 8, 4).is_err());
        assert!(matches!(
            KdfParams::new(MAX_MEMORY_KIB + 1, 3, 4),
            Err(KdfBoundError::OverCap(_))
        ));
        assert!(KdfParams::new(m, 65, 4).is_err());
        assert!(KdfParams::new(m, 3, 17).is_err());
        assert!(KdfParams::new(m, 3, 0).is_err());
    }
}
