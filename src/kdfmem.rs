//! Argon2's working memory as an anonymous, page-aligned mapping: the only `unsafe` code in the
//! crate (issue "Performance" allows it here and nowhere else).
//!
//! Why: `argon2`'s own `hash_password_into` allocates its matrix with `Vec` and zeroes all of
//! it on one thread before hashing (RustCrypto/password-hashes#566): at 2 GiB that is most of
//! the gap to the C reference. A fresh anonymous mapping is already zero, page by page, on
//! first touch, so the pages are faulted in by the parallel lanes as they fill them. We ask for
//! transparent huge pages (fewer faults and TLB misses); the kernel may decline.
//!
//! The memory holds state derived from the passphrase: it is wiped (in parallel) before it is
//! unmapped.
#![allow(unsafe_code)]

use std::ptr::NonNull;

use argon2::Block;
use rayon::prelude::*;
use zeroize::Zeroize;

use crate::error::{Error, Result};

/// From this size on, the mapping is populated up front, in parallel (BENCHMARKS.md, "The slow
/// mode"): below it, faulting pages in as the lanes first write them is as fast.
const POPULATE_FROM: usize = 512 << 20;

/// Faults every page of the mapping at `base` (of `len` bytes) in, zeroed, with
/// `MADV_POPULATE_WRITE` on 64 MiB chunks from all cores at once: the kernel's zeroing of the
/// (huge) pages, which on a virtual machine sometimes takes three times as long, is spread over
/// every core before hashing starts instead of falling on the lanes one fault at a time. A
/// kernel without it (before Linux 5.14) refuses, and the pages fault in on first write.
#[cfg(target_os = "linux")]
fn populate(base: usize, len: usize) {
    const CHUNK: usize = 64 << 20;
    (0..len.div_ceil(CHUNK)).into_par_iter().for_each(|i| {
        let start = i * CHUNK;
        let n = CHUNK.min(len - start);
        // SAFETY: advice on a sub-range of the mapping made in `new` (inside `base..base+len`);
        // MADV_POPULATE_WRITE only faults its pages in, zero-filled, as a first write would.
        let _ = unsafe {
            rustix::mm::madvise(
                (base + start) as *mut std::ffi::c_void,
                n,
                rustix::mm::Advice::LinuxPopulateWrite,
            )
        };
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
            // SAFETY: advice on the mapping just created, of exactly its length; MADV_HUGEPAGE
            // changes no contents. A refusal (THP disabled) is harmless and ignored.
            let _ = unsafe { rustix::mm::madvise(raw, len, rustix::mm::Advice::LinuxHugepage) };
            if len >= POPULATE_FROM {
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
        // Wipe before release: the matrix is derived from the passphrase.
        self.as_mut_slice()
            .par_chunks_mut(4096)
            .for_each(|c| c.iter_mut().for_each(Zeroize::zeroize));
        // SAFETY: unmaps exactly the mapping made in `new`, once; no reference into it
        // outlives `self`.
        let _ = unsafe { rustix::mm::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}
