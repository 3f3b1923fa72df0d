//! Argon2id costs and their bounds, as data: what a file or a flag asks for, and which bound it
//! fails. A leaf (the KDF itself is `kdf`), so that errors can carry these without a cycle.

/// Argon2id costs as written in a file or given on the command line, before any bound is
/// checked. Only [`KdfParams::new`] turns them into costs a vault may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Costs {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory (t).
    pub iterations: u32,
    /// Lanes (p).
    pub parallelism: u32,
}

impl Costs {
    /// "256 MiB, t=3, p=4".
    pub fn describe(&self) -> String {
        let m = self.memory_kib;
        let mem = if m.is_multiple_of(1024) {
            format!("{} MiB", m / 1024)
        } else {
            format!("{m} KiB")
        };
        format!("{mem}, t={}, p={}", self.iterations, self.parallelism)
    }
}

/// RFC 9106 §4, second recommended option: 64 MiB is the least memory we accept.
pub const MIN_MEMORY_KIB: u32 = 64 * 1024;
/// RFC 9106 §4, second recommended option (64 MiB, t=3): memory x iterations at least 192 MiB.
pub const MIN_MEMORY_TIMES_ITERATIONS_KIB: u64 = 192 * 1024;
/// Cap on read: a vault asking for more than 4 GiB is refused before any allocation, so a
/// forged file cannot exhaust the machine.
pub const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
/// Cap on read: more passes than this is a denial of service, not protection.
pub const MAX_ITERATIONS: u32 = 64;
/// Cap on read: more lanes than this gains nothing on the machines this runs on.
pub const MAX_PARALLELISM: u32 = 16;
/// Default memory: RFC 9106's second recommendation scaled up four times.
pub const DEFAULT_MEMORY_KIB: u32 = 256 * 1024;
/// Default passes: RFC 9106's second recommendation.
pub const DEFAULT_ITERATIONS: u32 = 3;
/// Default lanes: the cores of a common laptop.
pub const DEFAULT_PARALLELISM: u32 = 4;
/// Salt length, bytes (RFC 9106 recommends 16; 32 costs nothing).
pub const SALT_LEN: usize = 32;

/// Which bound a set of Argon2id costs fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KdfBoundError {
    /// Over [`MAX_MEMORY_KIB`], [`MAX_ITERATIONS`] or [`MAX_PARALLELISM`].
    OverCap(Costs),
    /// Under RFC 9106's floor ([`MIN_MEMORY_KIB`], [`MIN_MEMORY_TIMES_ITERATIONS_KIB`]).
    UnderFloor(Costs),
    /// Less than 8 KiB of memory per lane (Argon2's own minimum).
    LaneTooSmall(Costs),
}

impl std::fmt::Display for KdfBoundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KdfBoundError::OverCap(k) => write!(
                f,
                "Argon2id costs {} are over the cap (at most {} MiB, t={MAX_ITERATIONS}, p={MAX_PARALLELISM})",
                k.describe(),
                MAX_MEMORY_KIB / 1024
            ),
            KdfBoundError::UnderFloor(k) => write!(
                f,
                "Argon2id costs {} are under RFC 9106's floor (at least 64 MiB, and memory x iterations at least 192 MiB, p >= 1)",
                k.describe()
            ),
            KdfBoundError::LaneTooSmall(k) => {
                write!(
                    f,
                    "Argon2id costs {} give less than 8 KiB per lane",
                    k.describe()
                )
            }
        }
    }
}
