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
//! huge page made of them is zeroed at a fifth of that speed, the host faulting in every 4 KiB
//! under the guest's zeroing; small pages come first from the guest's fragmented free memory,
//! which stays backed. So the matrix is populated in chunks, with huge pages while they come
//! fast, and with small pages for the rest once one huge-page chunk comes slowly.
//!
//! The memory holds state derived from the passphrase: it is wiped (in parallel) before it is
//! unmapped.
#![allow(unsafe_code)]

use std::ptr::NonNull;

use argon2::Block;
use rayon::prelude::*;
use zeroize::Zeroize;

use crate::error::{Error, Result};

/// The matrix is populated, wiped and released in chunks of this many bytes, from every core.
const CHUNK: usize = 16 << 20;

/// A chunk of huge pages that takes longer than this to populate (slower than about 2.7 GB/s)
/// was zeroed under host faults: the rest of the matrix takes small pages. Backed huge pages
/// take about 2 ms per chunk here, small pages 4 to 5 ms, huge pages the host took back 14 to
/// 23 ms (BENCHMARKS.md); bare metal zeroes at 10 GB/s or more and never falls back.
#[cfg(target_os = "linux")]
const SLOW_HUGE_CHUNK: std::time::Duration = std::time::Duration::from_millis(6);

/// Gives the kernel `advice` on `len` bytes at `addr`. A refusal (an old kernel, THP disabled)
/// only means the kernel goes on without the advice, so it is ignored.
///
/// # Safety
/// `addr..addr + len` lies inside a live mapping made by `BlockMemory::new`, and the advice does
/// not change what the program reads there: huge pages or not, populating with zeroes, or
/// `MADV_DONTNEED` on bytes that are already zero (a private anonymous mapping reads back zero).
#[cfg(target_os = "linux")]
unsafe fn advise(addr: usize, len: usize, advice: rustix::mm::Advice) {
    // SAFETY: the caller's guarantee above.
    let _ = unsafe { rustix::mm::madvise(addr as *mut std::ffi::c_void, len, advice) };
}

/// Faults every page of the mapping at `base` (of `len` bytes) in, zeroed, with
/// `MADV_POPULATE_WRITE`, chunk by chunk in address order from all cores at once: huge pages
/// while they come fast, small pages for the rest once a huge-page chunk comes slowly (see the
/// module's documentation). The switch is one `MADV_NOHUGEPAGE` on the unclaimed tail, so the
/// mapping is split once and the cores do not queue on its lock chunk after chunk. A kernel
/// without `MADV_POPULATE_WRITE` (before Linux 5.14) refuses, and the pages fault in as the
/// lanes first write them.
///
/// # Safety
/// `base..base + len` is a whole live mapping made by `BlockMemory::new`, not yet written.
#[cfg(target_os = "linux")]
unsafe fn populate(base: usize, len: usize) {
    use rustix::mm::Advice;
    /// The next chunk to claim, and whether the rest take small pages.
    struct Claims {
        next: usize,
        small_pages: bool,
    }
    let chunks = len.div_ceil(CHUNK);
    let claims = std::sync::Mutex::new(Claims {
        next: 0,
        small_pages: false,
    });
    // A poisoned lock only means another core panicked between two plain field updates.
    let lock = || {
        claims
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    rayon::broadcast(|_| {
        loop {
            let i = {
                let mut c = lock();
                c.next += 1;
                c.next - 1
            };
            if i >= chunks {
                break;
            }
            let start = base + i * CHUNK;
            let n = CHUNK.min(len - i * CHUNK);
            let began = std::time::Instant::now();
            // SAFETY: chunk `i` of the mapping at `base` (the caller's guarantee); populating
            // writes the zeroes it already reads as.
            unsafe { advise(start, n, Advice::LinuxPopulateWrite) };
            if n == CHUNK && began.elapsed() > SLOW_HUGE_CHUNK {
                let mut c = lock();
                if !c.small_pages && c.next < chunks {
                    // The first slow chunk: every chunk not yet claimed takes small pages, in
                    // one advice under the lock, so no core claims one meanwhile.
                    c.small_pages = true;
                    let tail = base + c.next * CHUNK;
                    // SAFETY: the mapping's unclaimed tail, still zero; no huge pages there
                    // changes nothing it reads.
                    unsafe { advise(tail, base + len - tail, Advice::LinuxNoHugepage) };
                }
            }
        }
    });
}

/// Argon2 blocks in an anonymous private mapping, unmapped (after wiping) on drop.
pub struct BlockMemory {
    ptr: NonNull<Block>,
    blocks: usize,
    len: usize,
}

impl BlockMemory {
    /// Maps `blocks` zeroed Argon2 blocks.
    ///
    /// # Errors
    /// `Error::Other` when the system refuses the mapping (not enough memory or address space).
    pub fn new(blocks: usize) -> Result<Self> {
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
        #[cfg(target_os = "linux")]
        {
            // SAFETY: the mapping just made, whole and not yet written; asking for huge pages
            // and faulting them in leaves it all zero.
            unsafe {
                advise(raw as usize, len, rustix::mm::Advice::LinuxHugepage);
                populate(raw as usize, len);
            }
        }
        let ptr = NonNull::new(raw.cast::<Block>()).ok_or_else(oom)?;
        Ok(Self { ptr, blocks, len })
    }

    /// The blocks.
    pub fn as_mut_slice(&mut self) -> &mut [Block] {
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
        self.as_mut_slice()
            .par_chunks_mut(CHUNK / std::mem::size_of::<Block>())
            .for_each(|c| {
                c.iter_mut().for_each(Zeroize::zeroize);
                // SAFETY: `c` is part of this mapping and now all zero, which is what its pages
                // read back as once dropped.
                #[cfg(target_os = "linux")]
                unsafe {
                    advise(
                        c.as_mut_ptr() as usize,
                        std::mem::size_of_val(c),
                        rustix::mm::Advice::LinuxDontNeed,
                    )
                };
            });
        // SAFETY: unmaps exactly the mapping made in `new`, once; no reference into it
        // outlives `self`.
        let _ = unsafe { rustix::mm::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}
