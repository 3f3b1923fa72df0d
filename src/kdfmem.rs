//! Argon2's working memory as an anonymous, page-aligned mapping: the only `unsafe` code in the
//! crate (issue "Performance" allows it here and nowhere else).
//!
//! Why: `argon2`'s own `hash_password_into` allocates its matrix with `Vec` and zeroes all of
//! it on one thread before hashing (RustCrypto/password-hashes#566): at 2 GiB that is most of
//! the gap to the C reference. A fresh anonymous mapping is already zero: we fault it in, from
//! every core, before hashing starts.
//!
//! Huge or small pages (BENCHMARKS.md, "The slow mode"): transparent huge pages make hashing
//! faster (fewer TLB misses), and the kernel zeroes them at memory speed when the host still
//! backs them. But a virtual machine that reports free memory to its host (free page reporting,
//! a balloon) hands the host back exactly the large free blocks huge pages are cut from, and a
//! huge page made of them is zeroed five to thirteen times slower, the host faulting in every 4 KiB
//! under the guest's zeroing; small pages come first from the guest's fragmented free memory,
//! which stays backed. So the matrix is populated in chunks, with huge pages while they come
//! fast, and with small pages for the rest once they come slowly on average.
//!
//! The memory holds state derived from the passphrase: it is wiped (in parallel) before it is
//! unmapped.
#![allow(unsafe_code)]

use std::ptr::NonNull;

use argon2::Block;
use rayon::prelude::*;
use zeroize::Zeroize;

use crate::error::{Error, Result};

/// The matrix is populated, wiped and released in chunks of this many bytes, from every core:
/// small enough that finding huge pages slow costs a few milliseconds.
const CHUNK: usize = 4 << 20;

/// Once chunks of huge pages have taken longer than this each on average to populate (slower
/// than about 3.5 GB/s), they are being zeroed under host faults: the rest of the matrix takes
/// small pages. Per 4 MiB here, huge pages the host still backs take 0.4 to 0.5 ms, small
/// pages 0.9 to 1.5 ms, and huge pages the host took back 2 to 6 ms (BENCHMARKS.md, "The slow
/// mode"). An average, so that a few slow chunks among fast ones keep the huge pages.
#[cfg(target_os = "linux")]
const SLOW_HUGE_CHUNK: std::time::Duration = std::time::Duration::from_micros(1200);

/// Gives the kernel `advice` on `len` bytes at `addr`. A refusal (an old kernel, THP disabled)
/// only means the kernel goes on without the advice, so it is ignored.
///
/// # Safety
/// `addr..addr + len` lies inside a live mapping made by `BlockMemory::new`, and the advice does
/// not change what the program reads there: huge pages or not, populating with zeroes, or
/// `MADV_DONTNEED` on bytes that are already zero (a private anonymous mapping reads back zero).
#[cfg(target_os = "linux")]
unsafe fn advise(addr: usize, len: usize, advice: rustix::mm::Advice) -> rustix::io::Result<()> {
    // SAFETY: the caller's guarantee above.
    unsafe { rustix::mm::madvise(addr as *mut std::ffi::c_void, len, advice) }
}

/// Faults every page of the mapping at `base` (of `len` bytes) in, zeroed, with
/// `MADV_POPULATE_WRITE`, chunk by chunk in address order from all cores at once: huge pages
/// while they come fast, small pages for the rest once huge-page chunks come slowly on average
/// (see the module's documentation). The switch is one `MADV_NOHUGEPAGE` on the unclaimed tail, so the
/// mapping is split once and the cores do not queue on its lock chunk after chunk. A kernel
/// without `MADV_POPULATE_WRITE` (before Linux 5.14) refuses, and the pages fault in as the
/// lanes first write them.
///
/// Returns false when the kernel has no memory for a chunk (the caller reports it then, rather
/// than hash into memory the kernel may not find later).
///
/// # Safety
/// `base..base + len` is a whole live mapping made by `BlockMemory::new`, not yet written.
#[cfg(target_os = "linux")]
unsafe fn populate(base: usize, len: usize, slow_huge_chunk: std::time::Duration) -> bool {
    use rustix::mm::Advice;
    /// The next chunk to claim, whether the rest take small pages, the time the whole chunks
    /// of huge pages have taken so far, and whether the kernel ran out of memory.
    struct Claims {
        next: usize,
        small_pages: bool,
        huge_chunks: u32,
        huge_time: std::time::Duration,
        out_of_memory: bool,
    }
    let chunks = len.div_ceil(CHUNK);
    let claims = std::sync::Mutex::new(Claims {
        next: 0,
        small_pages: false,
        huge_chunks: 0,
        huge_time: std::time::Duration::ZERO,
        out_of_memory: false,
    });
    // A poisoned lock only means another core panicked between two plain field updates.
    let lock = || {
        claims
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    rayon::broadcast(|_| {
        loop {
            let (i, huge) = {
                let mut c = lock();
                if c.out_of_memory {
                    break;
                }
                c.next += 1;
                (c.next - 1, !c.small_pages)
            };
            if i >= chunks {
                break;
            }
            let start = base + i * CHUNK;
            let n = CHUNK.min(len - i * CHUNK);
            let began = std::time::Instant::now();
            // SAFETY: chunk `i` of the mapping at `base` (the caller's guarantee); populating
            // writes the zeroes it already reads as.
            let populated = unsafe { advise(start, n, Advice::LinuxPopulateWrite) };
            if populated == Err(rustix::io::Errno::NOMEM) {
                lock().out_of_memory = true;
                break;
            }
            if huge && n == CHUNK {
                let took = began.elapsed();
                let mut c = lock();
                c.huge_chunks += 1;
                c.huge_time += took;
                if !c.small_pages && c.huge_time >= slow_huge_chunk.saturating_mul(c.huge_chunks) {
                    // Huge pages come slowly: every chunk not yet claimed takes small pages,
                    // in one advice under the lock, so no core claims one meanwhile.
                    c.small_pages = true;
                    if c.next < chunks {
                        let tail = base + c.next * CHUNK;
                        // SAFETY: the mapping's unclaimed tail, still zero; no huge pages
                        // there changes nothing it reads.
                        let _ = unsafe { advise(tail, base + len - tail, Advice::LinuxNoHugepage) };
                    }
                }
            }
        }
    });
    !lock().out_of_memory
}

/// Argon2 blocks in an anonymous private mapping, unmapped (after wiping, once handed out) on
/// drop.
pub struct BlockMemory {
    ptr: NonNull<Block>,
    blocks: usize,
    len: usize,
    /// Whether the blocks have been handed out (and may hold secrets to wipe).
    handed_out: bool,
}

impl BlockMemory {
    /// Maps `blocks` zeroed Argon2 blocks.
    ///
    /// # Errors
    /// `Error::Other` when the system refuses the mapping (not enough memory or address space).
    pub fn new(blocks: usize) -> Result<Self> {
        #[cfg(target_os = "linux")]
        return Self::map(blocks, SLOW_HUGE_CHUNK);
        #[cfg(not(target_os = "linux"))]
        return Self::map(blocks, std::time::Duration::ZERO);
    }

    /// `new`, with huge pages given up once their chunks take longer than `slow_huge_chunk` on
    /// average (Linux).
    #[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
    fn map(blocks: usize, slow_huge_chunk: std::time::Duration) -> Result<Self> {
        let oom = || {
            Error::Other(format!(
                "not enough memory for Argon2id ({} MiB); close other programs or use a machine with more memory.",
                blocks / 1024
            ))
        };
        let len = blocks
            .checked_mul(std::mem::size_of::<Block>())
            .filter(|&l| l > 0)
            .ok_or_else(oom)?;
        // SAFETY: a fresh anonymous private mapping with a null hint never aliases existing
        // memory; `len` is non-zero. The kernel returns it page-aligned (>= 4096, which is more
        // than `Block`'s 64-byte alignment) and zero-filled, and all-zero bytes are a valid
        // `Block` (an array of u64).
        let raw = unsafe {
            rustix::mm::mmap_anonymous(
                std::ptr::null_mut(),
                len,
                rustix::mm::ProtFlags::READ | rustix::mm::ProtFlags::WRITE,
                rustix::mm::MapFlags::PRIVATE,
            )
        }
        .map_err(|_| oom())?;
        let ptr = NonNull::new(raw.cast::<Block>()).ok_or_else(oom)?;
        // Owned from here, so that it is unmapped on every way out, a panic included.
        let memory = Self {
            ptr,
            blocks,
            len,
            handed_out: false,
        };
        #[cfg(target_os = "linux")]
        {
            // SAFETY: the mapping just made, whole and not yet written; asking for huge pages
            // and faulting them in leaves it all zero.
            let populated = unsafe {
                let _ = advise(raw as usize, len, rustix::mm::Advice::LinuxHugepage);
                populate(raw as usize, len, slow_huge_chunk)
            };
            if !populated {
                return Err(oom());
            }
        }
        Ok(memory)
    }

    /// The blocks.
    pub fn as_mut_slice(&mut self) -> &mut [Block] {
        self.handed_out = true;
        self.blocks_mut()
    }

    /// The blocks, without marking them handed out.
    fn blocks_mut(&mut self) -> &mut [Block] {
        // SAFETY: `ptr` points to `blocks` initialised (zero or written) `Block`s, valid for
        // `len` bytes, exclusively owned by `self` until drop; `&mut self` makes this the only
        // live reference.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.blocks) }
    }
}

impl Drop for BlockMemory {
    fn drop(&mut self) {
        // Wipe before release: the matrix is derived from the passphrase. Each core gives back
        // the pages it has just wiped, so the kernel's freeing is spread over the cores too.
        // Memory never handed out holds nothing to wipe (and wiping it would fault it all in).
        if self.handed_out {
            self.blocks_mut()
                .par_chunks_mut(CHUNK / std::mem::size_of::<Block>())
                .for_each(|c| {
                    c.iter_mut().for_each(Zeroize::zeroize);
                    // SAFETY: `c` is part of this mapping and now all zero, which is what its
                    // pages read back as once dropped.
                    #[cfg(target_os = "linux")]
                    let _ = unsafe {
                        advise(
                            c.as_mut_ptr() as usize,
                            std::mem::size_of_val(c),
                            rustix::mm::Advice::LinuxDontNeed,
                        )
                    };
                });
        }
        // SAFETY: unmaps exactly the mapping made in `new`, once; no reference into it
        // outlives `self`.
        let _ = unsafe { rustix::mm::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The mappings (start, end, VmFlags) that overlap `addr..addr + len`, from
    /// /proc/self/smaps (the advice may have split the range in two).
    fn mappings(addr: usize, len: usize) -> Vec<(usize, usize, String)> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut found = Vec::new();
        let mut current = None;
        for line in smaps.lines() {
            if let Some(flags) = line.strip_prefix("VmFlags:") {
                if let Some((a, b)) = current.take() {
                    found.push((a, b, flags.trim().to_string()));
                }
            } else if let Some((range, _)) = line.split_once(' ')
                && let Some((a, b)) = range.split_once('-')
                && let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16))
            {
                current = (a < addr + len && b > addr).then_some((a, b));
            }
        }
        found
    }

    /// Maps 256 MiB in a pool of two threads, huge pages given up at `slow`, and gives `then`
    /// the memory and the flags of the mappings from its third chunk to its end.
    fn with_two_threads<R: Send>(
        slow: std::time::Duration,
        then: impl FnOnce(&mut BlockMemory, Vec<String>) -> R + Send,
    ) -> R {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        pool.install(|| {
            let mut memory = BlockMemory::map(256 * 1024, slow).unwrap();
            // Two threads claim at most two chunks before the first is timed: from the third
            // chunk on, the fallback decides the pages.
            let addr = memory.ptr.as_ptr() as usize + 2 * CHUNK;
            let flags = mappings(addr, memory.len - 2 * CHUNK);
            then(&mut memory, flags.into_iter().map(|(_, _, f)| f).collect())
        })
    }

    /// When huge pages come slowly (here: any time counts as slow), the rest of the matrix
    /// takes small pages (`nh`); when they come fast, it keeps asking for huge pages (`hg`).
    /// Flags, not pages, so the test does not depend on free huge pages.
    #[test]
    fn slow_huge_pages_give_way_to_small_pages_and_fast_ones_stay() {
        if !std::path::Path::new("/sys/kernel/mm/transparent_hugepage").exists() {
            return; // no THP in this kernel: no advice to check
        }
        let has = |flags: &[String], f: &str| {
            !flags.is_empty() && flags.iter().all(|v| v.split(' ').any(|x| x == f))
        };
        let slow = with_two_threads(std::time::Duration::ZERO, |_, flags| flags);
        assert!(has(&slow, "nh"), "after slow chunks: {slow:?}");
        let fast = with_two_threads(std::time::Duration::MAX, |_, flags| flags);
        assert!(
            has(&fast, "hg") && !fast.iter().any(|v| v.contains("nh")),
            "fast: {fast:?}"
        );
    }

    /// Argon2id over a matrix partly in small pages after the fallback gives the same key as
    /// argon2's own allocating call.
    #[test]
    fn the_fallback_matrix_gives_the_same_key() {
        use argon2::{Algorithm, Argon2, Params, Version};
        let params = Params::new(256 * 1024, 1, 4, Some(32)).unwrap();
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let got = with_two_threads(std::time::Duration::ZERO, |memory, _| {
            let mut got = [0u8; 32];
            argon
                .hash_password_into_with_memory(
                    b"pw",
                    b"sixteen byte salt!",
                    &mut got,
                    memory.as_mut_slice(),
                )
                .unwrap();
            got
        });
        let mut want = [0u8; 32];
        argon
            .hash_password_into(b"pw", b"sixteen byte salt!", &mut want)
            .unwrap();
        assert_eq!(got, want);
    }
}
