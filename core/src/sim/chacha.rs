//! ChaCha8 for the browser build: the same words as `rand_chacha::ChaCha8Rng` (same key,
//! stream, block counter and buffering), computed four blocks at a time with one WebAssembly
//! SIMD lane per block.
//!
//! `rand_chacha` has no wasm SIMD back end: in wasm its block function runs scalar over pairs of
//! words packed into 64-bit integers, and drawing random numbers took about 4% of the engine's
//! time in the browser against under 1% natively. Here each of the sixteen state words is one
//! vector holding that word of four consecutive blocks, so a round is sixteen vector additions,
//! xors and rotations for all four blocks at once. Natively `rand_chacha` stays (its AVX2 code
//! runs fewer instructions than these lanes do there), wrapped as [`Reference`]; this file's
//! portable lanes let the native tests hold both to the same words, and the golden corpus run in
//! both browsers holds the wasm lanes to them.

use rand_core::{Rng as _, SeedableRng};

/// The words of one stream: [`ChaCha8`] where wasm SIMD is on, `rand_chacha` elsewhere.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(super) type Words = ChaCha8;
/// The words of one stream: [`ChaCha8`] where wasm SIMD is on, `rand_chacha` elsewhere.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub(super) type Words = Reference;

/// `rand_chacha`'s ChaCha8 behind the same two calls as [`ChaCha8`].
#[derive(Clone, Debug)]
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
pub(super) struct Reference(rand_chacha::ChaCha8Rng);

#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
impl Reference {
    /// `ChaCha8Rng::seed_from_u64(seed)` on stream `stream`.
    pub(super) fn new(seed: u64, stream: u64) -> Reference {
        let mut inner = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        inner.set_stream(stream);
        Reference(inner)
    }

    /// The next 64 bits.
    pub(super) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
}

/// Words per ChaCha block.
const BLOCK_WORDS: usize = 16;
/// Blocks computed per refill, as `rand_chacha` does (its buffer is four blocks).
const BLOCKS: usize = 4;
/// Words in the buffer.
const BUFFER_WORDS: usize = BLOCK_WORDS * BLOCKS;
/// Double rounds of ChaCha8.
const DOUBLE_ROUNDS: usize = 4;
/// "expand 32-byte k".
const CONSTANTS: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// One ChaCha8 stream: key, 64-bit stream number and block counter, and the buffered words of
/// the last four blocks (read as `rand_core`'s `BlockRng` reads them).
#[derive(Clone)]
#[cfg_attr(not(all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
pub(super) struct ChaCha8 {
    key: [u32; 8],
    stream: u64,
    /// The block counter of the next refill's first block.
    block: u64,
    buffer: [u32; BUFFER_WORDS],
    /// The next word to read; `BUFFER_WORDS` when the buffer is used up.
    index: usize,
}

impl std::fmt::Debug for ChaCha8 {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("ChaCha8").field("stream", &self.stream).field("block", &self.block).finish()
    }
}

#[cfg_attr(not(all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
impl ChaCha8 {
    /// The stream `ChaCha8Rng::seed_from_u64(seed)` followed by `set_stream(stream)` gives.
    pub(super) fn new(seed: u64, stream: u64) -> ChaCha8 {
        let key_bytes = rand_chacha::ChaCha8Rng::seed_from_u64(seed).get_seed();
        let mut key = [0u32; 8];
        for (word, bytes) in key.iter_mut().zip(key_bytes.chunks_exact(4)) {
            *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        ChaCha8 { key, stream, block: 0, buffer: [0; BUFFER_WORDS], index: BUFFER_WORDS }
    }

    /// The next 64 bits: two words, low first, as `BlockRng::next_u64_from_u32` reads them
    /// (across a refill when one word is left).
    pub(super) fn next_u64(&mut self) -> u64 {
        let (low, high);
        if self.index < BUFFER_WORDS - 1 {
            low = self.buffer[self.index];
            high = self.buffer[self.index + 1];
            self.index += 2;
        } else if self.index == BUFFER_WORDS - 1 {
            low = self.buffer[BUFFER_WORDS - 1];
            self.refill();
            high = self.buffer[0];
            self.index = 1;
        } else {
            self.refill();
            low = self.buffer[0];
            high = self.buffer[1];
            self.index = 2;
        }
        (u64::from(high) << 32) | u64::from(low)
    }

    fn refill(&mut self) {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        blocks::<wasm::Lanes>(&self.key, self.block, self.stream, &mut self.buffer);
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        blocks::<Portable>(&self.key, self.block, self.stream, &mut self.buffer);
        self.block = self.block.wrapping_add(BLOCKS as u64);
    }
}

/// Four 32-bit lanes, one per block.
trait Lanes: Copy {
    fn splat(word: u32) -> Self;
    fn from_words(words: [u32; 4]) -> Self;
    fn to_words(self) -> [u32; 4];
    fn add(self, other: Self) -> Self;
    fn xor(self, other: Self) -> Self;
    fn rotate_left_16(self) -> Self;
    fn rotate_left_12(self) -> Self;
    fn rotate_left_8(self) -> Self;
    fn rotate_left_7(self) -> Self;
}

/// Plain arrays: the reference the native tests compare with `rand_chacha`.
#[derive(Clone, Copy)]
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
struct Portable([u32; 4]);

impl Lanes for Portable {
    fn splat(word: u32) -> Self {
        Portable([word; 4])
    }
    fn from_words(words: [u32; 4]) -> Self {
        Portable(words)
    }
    fn to_words(self) -> [u32; 4] {
        self.0
    }
    fn add(self, other: Self) -> Self {
        Portable(std::array::from_fn(|lane| self.0[lane].wrapping_add(other.0[lane])))
    }
    fn xor(self, other: Self) -> Self {
        Portable(std::array::from_fn(|lane| self.0[lane] ^ other.0[lane]))
    }
    fn rotate_left_16(self) -> Self {
        Portable(self.0.map(|word| word.rotate_left(16)))
    }
    fn rotate_left_12(self) -> Self {
        Portable(self.0.map(|word| word.rotate_left(12)))
    }
    fn rotate_left_8(self) -> Self {
        Portable(self.0.map(|word| word.rotate_left(8)))
    }
    fn rotate_left_7(self) -> Self {
        Portable(self.0.map(|word| word.rotate_left(7)))
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm {
    use core::arch::wasm32::{
        i8x16_shuffle, u32x4, u32x4_add, u32x4_extract_lane, u32x4_shl, u32x4_shr, u32x4_splat, v128, v128_or, v128_xor,
    };

    /// One v128 of four u32 lanes.
    #[derive(Clone, Copy)]
    pub(super) struct Lanes(v128);

    impl super::Lanes for Lanes {
        fn splat(word: u32) -> Self {
            Lanes(u32x4_splat(word))
        }
        fn from_words(words: [u32; 4]) -> Self {
            Lanes(u32x4(words[0], words[1], words[2], words[3]))
        }
        fn to_words(self) -> [u32; 4] {
            [
                u32x4_extract_lane::<0>(self.0),
                u32x4_extract_lane::<1>(self.0),
                u32x4_extract_lane::<2>(self.0),
                u32x4_extract_lane::<3>(self.0),
            ]
        }
        fn add(self, other: Self) -> Self {
            Lanes(u32x4_add(self.0, other.0))
        }
        fn xor(self, other: Self) -> Self {
            Lanes(v128_xor(self.0, other.0))
        }
        /// Whole bytes move: one shuffle (little-endian lanes).
        fn rotate_left_16(self) -> Self {
            Lanes(i8x16_shuffle::<2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13>(self.0, self.0))
        }
        fn rotate_left_12(self) -> Self {
            Lanes(v128_or(u32x4_shl(self.0, 12), u32x4_shr(self.0, 20)))
        }
        fn rotate_left_8(self) -> Self {
            Lanes(i8x16_shuffle::<3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14>(self.0, self.0))
        }
        fn rotate_left_7(self) -> Self {
            Lanes(v128_or(u32x4_shl(self.0, 7), u32x4_shr(self.0, 25)))
        }
    }
}

#[inline(always)]
fn quarter_round<L: Lanes>(state: &mut [L; BLOCK_WORDS], a: usize, b: usize, c: usize, d: usize) {
    state[a] = state[a].add(state[b]);
    state[d] = state[d].xor(state[a]).rotate_left_16();
    state[c] = state[c].add(state[d]);
    state[b] = state[b].xor(state[c]).rotate_left_12();
    state[a] = state[a].add(state[b]);
    state[d] = state[d].xor(state[a]).rotate_left_8();
    state[c] = state[c].add(state[d]);
    state[b] = state[b].xor(state[c]).rotate_left_7();
}

/// Blocks `block`..`block + 4` of the stream into `out`, block after block.
#[inline(always)]
fn blocks<L: Lanes>(key: &[u32; 8], block: u64, stream: u64, out: &mut [u32; BUFFER_WORDS]) {
    let counters: [u64; BLOCKS] = std::array::from_fn(|offset| block.wrapping_add(offset as u64));
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the 64-bit block counter and stream number are two state words each: low 32 bits, then high"
    )]
    let initial: [L; BLOCK_WORDS] = std::array::from_fn(|word| match word {
        0..4 => L::splat(CONSTANTS[word]),
        4..12 => L::splat(key[word - 4]),
        12 => L::from_words(counters.map(|counter| counter as u32)),
        13 => L::from_words(counters.map(|counter| (counter >> 32) as u32)),
        14 => L::splat(stream as u32),
        _ => L::splat((stream >> 32) as u32),
    });
    let mut state = initial;
    for _ in 0..DOUBLE_ROUNDS {
        quarter_round(&mut state, 0, 4, 8, 12);
        quarter_round(&mut state, 1, 5, 9, 13);
        quarter_round(&mut state, 2, 6, 10, 14);
        quarter_round(&mut state, 3, 7, 11, 15);
        quarter_round(&mut state, 0, 5, 10, 15);
        quarter_round(&mut state, 1, 6, 11, 12);
        quarter_round(&mut state, 2, 7, 8, 13);
        quarter_round(&mut state, 3, 4, 9, 14);
    }
    for word in 0..BLOCK_WORDS {
        let lanes = state[word].add(initial[word]).to_words();
        for (lane, value) in lanes.into_iter().enumerate() {
            out[lane * BLOCK_WORDS + word] = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_are_rand_chachas() {
        let streams = [0, 1, 6, 100, 104, u64::from(u32::MAX) + 3, u64::MAX];
        for seed in [0, 1, 42, 0xdead_beef, u64::MAX] {
            for stream in streams {
                let mut reference = Reference::new(seed, stream);
                let mut ours = ChaCha8::new(seed, stream);
                for draw in 0..500 {
                    assert_eq!(ours.next_u64(), reference.next_u64(), "seed {seed} stream {stream} draw {draw}");
                }
            }
        }
    }

    #[test]
    fn a_word_left_over_is_read_across_the_refill() {
        let mut reference = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let mut ours = ChaCha8::new(9, 0);
        assert_eq!(reference.next_u32(), ours.buffer_word_for_test());
        for draw in 0..300 {
            assert_eq!(ours.next_u64(), reference.next_u64(), "draw {draw}");
        }
    }

    #[test]
    fn the_block_counter_carries_into_its_high_word() {
        let mut reference = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        reference.set_stream(3);
        reference.set_word_pos(u128::from(u32::MAX - 1) * 16);
        let mut ours = ChaCha8::new(5, 3);
        ours.block = u64::from(u32::MAX - 1);
        for draw in 0..200 {
            assert_eq!(ours.next_u64(), reference.next_u64(), "draw {draw}");
        }
    }

    impl ChaCha8 {
        /// Reads one word, as `next_u32` would, so that later draws straddle refills.
        fn buffer_word_for_test(&mut self) -> u32 {
            if self.index >= BUFFER_WORDS {
                self.refill();
                self.index = 0;
            }
            self.index += 1;
            self.buffer[self.index - 1]
        }
    }
}
