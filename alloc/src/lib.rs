//! The browser build's global allocator: small blocks come from size classes with free lists,
//! everything else from the system allocator (dlmalloc in wasm32).
//!
//! Why: the engine allocates about once per event (a message's entry list, a quorum's match
//! indexes, a command's strings), and in the browser dlmalloc's bins, chunk headers and
//! coalescing cost a larger share of an event than glibc's thread caches do natively. A small
//! block here is a pop from its class's free list, and a free is a push: a few loads and
//! stores.
//!
//! Memory stays bounded: a freed small block goes back to its class's list and is reused by the
//! next block of that class, never returned to the system allocator (wasm memory never shrinks
//! anyway). So the small blocks' memory is at most, per class, the most blocks of that class
//! ever live at once, plus one partly carved chunk: a long run or a hunt of many seeds reaches
//! its classes' peaks and reuses them from then on. Blocks larger than [`SMALL_BYTES_MAX`] or
//! aligned beyond [`GRAIN`] go to the system allocator unchanged.
//!
//! Single-threaded only: the state lives in `Cell`s, with no lock. The browser build has no
//! threads (each Web Worker has its own instance and memory); a build with wasm threads
//! (`target_feature = "atomics"`) is refused at compile time.
#![allow(unsafe_code)]
#![deny(missing_docs)]

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::ptr;

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("raftsim-alloc has no lock: it is for single-threaded wasm only");

/// Size classes are multiples of this many bytes, and so is every small block's alignment.
pub const GRAIN: usize = 16;
/// The largest block served from a size class; larger ones go to the system allocator.
pub const SMALL_BYTES_MAX: usize = 1024;
/// How many size classes there are: 16, 32, …, 1024 bytes.
const CLASSES: usize = SMALL_BYTES_MAX / GRAIN;
/// Small blocks are carved from chunks of this many bytes, taken from the system allocator.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// Size classes with free lists over an inner allocator (see the crate's doc).
pub struct SizeClasses<A> {
    inner: A,
    /// Per class, the first free block; each free block holds the address of the next.
    free: [Cell<*mut u8>; CLASSES],
    /// The part of the current chunk not carved yet: `[next, end)`.
    chunk_next: Cell<*mut u8>,
    chunk_end: Cell<*mut u8>,
}

// SAFETY: no two threads can reach the allocator: on wasm32 without the atomics feature (the
// only target this impl exists for) a program has one thread.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl<A: Sync> Sync for SizeClasses<A> {}

impl<A> SizeClasses<A> {
    /// An allocator with empty classes over `inner`.
    pub const fn new(inner: A) -> Self {
        SizeClasses {
            inner,
            free: [const { Cell::new(ptr::null_mut()) }; CLASSES],
            chunk_next: Cell::new(ptr::null_mut()),
            chunk_end: Cell::new(ptr::null_mut()),
        }
    }
}

/// The class of a block of `layout`, if it is small: class `c` holds blocks of `(c + 1) * GRAIN`
/// bytes. (A zero-sized layout never reaches an allocator; it would take class 0.)
#[inline(always)]
fn class_of(layout: Layout) -> Option<usize> {
    if layout.size() <= SMALL_BYTES_MAX && layout.align() <= GRAIN {
        Some(layout.size().saturating_sub(1) / GRAIN)
    } else {
        None
    }
}

impl<A: GlobalAlloc> SizeClasses<A> {
    /// A block of class `class`: the head of its free list, or carved from the chunk.
    #[inline(always)]
    unsafe fn alloc_small(&self, class: usize) -> *mut u8 {
        let head = self.free[class].get();
        if !head.is_null() {
            // SAFETY: a free block is at least GRAIN bytes, aligned to GRAIN, and its first
            // word holds the next free block of its class (written by `dealloc_small`).
            self.free[class].set(unsafe { head.cast::<*mut u8>().read() });
            return head;
        }
        unsafe { self.carve((class + 1) * GRAIN) }
    }

    /// `bytes` (a multiple of GRAIN) from the current chunk, starting a new chunk when it is
    /// used up (the old one's rest, under SMALL_BYTES_MAX bytes, is left unused).
    #[inline(never)]
    unsafe fn carve(&self, bytes: usize) -> *mut u8 {
        let next = self.chunk_next.get();
        if (self.chunk_end.get() as usize) - (next as usize) >= bytes {
            // SAFETY: `next + bytes` stays inside the current chunk.
            self.chunk_next.set(unsafe { next.add(bytes) });
            return next;
        }
        let chunk_layout = Layout::from_size_align(CHUNK_BYTES, GRAIN).expect("a valid chunk layout");
        // SAFETY: the chunk's layout has a non-zero size.
        let chunk = unsafe { self.inner.alloc(chunk_layout) };
        if chunk.is_null() {
            return chunk;
        }
        // SAFETY: the chunk is CHUNK_BYTES long, and bytes <= SMALL_BYTES_MAX < CHUNK_BYTES.
        unsafe {
            self.chunk_end.set(chunk.add(CHUNK_BYTES));
            self.chunk_next.set(chunk.add(bytes));
        }
        chunk
    }

    /// Returns a block of class `class` to its free list.
    #[inline(always)]
    unsafe fn dealloc_small(&self, block: *mut u8, class: usize) {
        // SAFETY: the block came from this class, so it is at least GRAIN bytes and aligned to
        // GRAIN: its first word can hold the link.
        unsafe { block.cast::<*mut u8>().write(self.free[class].get()) };
        self.free[class].set(block);
    }
}

// SAFETY: every block handed out is either the inner allocator's (for layouts that are not
// small, passed through unchanged) or a block of the layout's class: `(class + 1) * GRAIN >=
// size` bytes, aligned to GRAIN >= align (chunks are GRAIN-aligned and carved in multiples of
// GRAIN), owned by one caller at a time (a block is on a free list or handed out, never both).
// `dealloc` and `realloc` receive the layout the block was allocated with, so they find the
// same class, or the inner allocator, as `alloc` did.
//
// The entry points are not inlined: inlined into every allocation and drop site (the wasm build
// inlines up to a cost of 1000) the module grew by 40 kB gzipped and ran more V8 instructions
// per event (4,105 against 3,992 out of line).
unsafe impl<A: GlobalAlloc> GlobalAlloc for SizeClasses<A> {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match class_of(layout) {
            Some(class) => unsafe { self.alloc_small(class) },
            None => unsafe { self.inner.alloc(layout) },
        }
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match class_of(layout) {
            Some(class) => {
                let block = unsafe { self.alloc_small(class) };
                if !block.is_null() {
                    // SAFETY: the block holds at least `layout.size()` bytes.
                    unsafe { block.write_bytes(0, layout.size()) };
                }
                block
            }
            None => unsafe { self.inner.alloc_zeroed(layout) },
        }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        match class_of(layout) {
            Some(class) => unsafe { self.dealloc_small(block, class) },
            None => unsafe { self.inner.dealloc(block, layout) },
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY (of the layout): the caller guarantees that `new_size`, rounded up to
        // `layout.align()`, does not overflow isize.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class_of(layout), class_of(new_layout)) {
            (Some(class), Some(new_class)) if class == new_class => block,
            (None, None) => unsafe { self.inner.realloc(block, layout, new_size) },
            _ => {
                // SAFETY: `new_layout` has a non-zero size (the caller's contract).
                let moved = unsafe { self.alloc(new_layout) };
                if !moved.is_null() {
                    // SAFETY: both blocks hold at least the smaller size, and are distinct
                    // (the old one is still allocated).
                    unsafe {
                        ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                        self.dealloc(block, layout);
                    }
                }
                moved
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn classes_round_up_to_the_grain_and_large_or_over_aligned_blocks_pass_through() {
        assert_eq!(class_of(layout(1, 1)), Some(0));
        assert_eq!(class_of(layout(16, 8)), Some(0));
        assert_eq!(class_of(layout(17, 8)), Some(1));
        assert_eq!(class_of(layout(SMALL_BYTES_MAX, 16)), Some(CLASSES - 1));
        assert_eq!(class_of(layout(SMALL_BYTES_MAX + 1, 1)), None);
        assert_eq!(class_of(layout(8, 32)), None);
    }

    #[test]
    fn a_freed_block_is_reused_by_its_own_class_only() {
        let heap = SizeClasses::new(System);
        unsafe {
            let a = heap.alloc(layout(40, 8));
            heap.dealloc(a, layout(40, 8));
            let other_class = heap.alloc(layout(16, 8));
            assert_ne!(other_class, a, "a 16-byte block does not take a 48-byte class's block");
            let same_class = heap.alloc(layout(33, 1));
            assert_eq!(same_class, a, "the next block of the class is the one freed last");
            heap.dealloc(other_class, layout(16, 8));
            heap.dealloc(same_class, layout(33, 1));
        }
    }

    /// Blocks of every class, over several chunks, are aligned, hold their size, never
    /// overlap, and keep what was written in them while others come and go.
    #[test]
    fn live_blocks_are_aligned_disjoint_and_keep_their_contents() {
        let heap = SizeClasses::new(System);
        let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..20_000u32 {
            let draw = next();
            if live.len() > 300 && draw % 3 == 0 {
                let (block, layout, fill) = live.swap_remove((draw as usize / 3) % live.len());
                unsafe {
                    assert!((0..layout.size()).all(|i| *block.add(i) == fill), "a block kept its bytes");
                    heap.dealloc(block, layout);
                }
                continue;
            }
            let size = 1 + (draw >> 8) as usize % (SMALL_BYTES_MAX + 200);
            let align = [1, 2, 4, 8, 16, 32][(draw >> 40) as usize % 6];
            let layout = layout(size, align);
            let block = unsafe { heap.alloc(layout) };
            assert!(!block.is_null());
            assert_eq!(block as usize % align, 0, "aligned to {align}");
            let fill = round as u8;
            unsafe { block.write_bytes(fill, size) };
            live.push((block, layout, fill));
        }
        let mut spans: Vec<(usize, usize)> =
            live.iter().map(|(b, l, _)| (*b as usize, *b as usize + l.size())).collect();
        spans.sort_unstable();
        assert!(spans.windows(2).all(|pair| pair[0].1 <= pair[1].0), "no two live blocks overlap");
        for (block, layout, fill) in live {
            unsafe {
                assert!((0..layout.size()).all(|i| *block.add(i) == fill));
                heap.dealloc(block, layout);
            }
        }
    }

    #[test]
    fn realloc_keeps_the_contents_across_classes_and_to_and_from_the_system_allocator() {
        let heap = SizeClasses::new(System);
        unsafe {
            let mut size = 3;
            let mut block = heap.alloc(layout(size, 8));
            block.write_bytes(7, size);
            for new_size in [10, 16, 17, 200, 1024, 1025, 5000, 900, 8, 1] {
                block = heap.realloc(block, layout(size, 8), new_size);
                assert!(!block.is_null());
                let kept = size.min(new_size);
                assert!((0..kept).all(|i| *block.add(i) == 7), "{size} -> {new_size} kept the bytes");
                block.write_bytes(7, new_size);
                size = new_size;
            }
            heap.dealloc(block, layout(size, 8));
            let zeroed = heap.alloc_zeroed(layout(48, 8));
            assert!((0..48).all(|i| *zeroed.add(i) == 0));
            heap.dealloc(zeroed, layout(48, 8));
        }
    }

    /// Allocating and freeing the same mix again and again takes no new chunk: memory stays at
    /// the classes' peaks.
    #[test]
    fn repeated_rounds_reuse_the_same_memory() {
        let heap = SizeClasses::new(System);
        let round = |heap: &SizeClasses<System>| unsafe {
            let blocks: Vec<(*mut u8, Layout)> = (1..=500)
                .map(|i| {
                    let layout = layout(1 + i * 7 % 1000, 8);
                    (heap.alloc(layout), layout)
                })
                .collect();
            for (block, layout) in blocks.into_iter().rev() {
                heap.dealloc(block, layout);
            }
        };
        round(&heap);
        let carved_to = heap.chunk_next.get();
        for _ in 0..50 {
            round(&heap);
        }
        assert_eq!(heap.chunk_next.get(), carved_to, "later rounds carve nothing new");
    }
}
