//! Seeded randomness: one root seed, one ChaCha8 stream per concern.
//!
//! Every stream is the same ChaCha8 key (from the root seed) with its own stream number, so
//! turning one knob (say, more clients) does not reshuffle the draws of another concern (say, the
//! network). Sampling is integer-only and written here, not taken from `rand`, so that no
//! library release can change which value a seed draws: ChaCha8 gives the same words natively
//! and in wasm, and integer arithmetic does too.

use super::chacha::Words;

use crate::raft::NodeId;

/// A named stream of random numbers.
#[derive(Clone, Debug)]
pub struct Rng {
    inner: Words,
}

/// The concerns that draw randomness, each with its own stream number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Latency, jitter, drops, duplicates, stragglers.
    Network,
    /// Random faults: when, which, where, how long.
    Nemesis,
    /// Client operations, keys, values, think times.
    Clients,
    /// Fsync latencies and torn writes.
    Disks,
    /// The swarm parameters a seed draws for itself.
    Swarm,
    /// Clock drift of each node.
    Clocks,
    /// The nemesis's faults aimed at protocol moments (a leader's append or commit, a vote):
    /// a stream of their own, so runs without those kinds draw as before.
    Aim,
    /// A guided hunt's choices (which world to fork, under which sub-seed): never a run's.
    Hunt,
    /// One node's timer delays.
    Node(NodeId),
}

impl Stream {
    fn number(self) -> u64 {
        match self {
            Stream::Network => 1,
            Stream::Nemesis => 2,
            Stream::Clients => 3,
            Stream::Disks => 4,
            Stream::Swarm => 5,
            Stream::Clocks => 6,
            Stream::Aim => 7,
            Stream::Hunt => 8,
            Stream::Node(id) => 100 + u64::from(id),
        }
    }
}

/// The world's own streams, one per concern it draws for (each node's timer delays come from
/// the node's own stream, and the swarm draw and the clocks are drawn once, at the start): all
/// started from one seed, at the start of a run and again at each of its forks.
#[derive(Clone, Debug)]
pub struct Streams {
    /// [`Stream::Network`].
    pub network: Rng,
    /// [`Stream::Nemesis`].
    pub nemesis: Rng,
    /// [`Stream::Aim`].
    pub aim: Rng,
    /// [`Stream::Clients`].
    pub clients: Rng,
    /// [`Stream::Disks`].
    pub disks: Rng,
}

impl Streams {
    /// Every stream of the world from `seed`.
    pub fn new(seed: u64) -> Streams {
        Streams {
            network: Rng::new(seed, Stream::Network),
            nemesis: Rng::new(seed, Stream::Nemesis),
            aim: Rng::new(seed, Stream::Aim),
            clients: Rng::new(seed, Stream::Clients),
            disks: Rng::new(seed, Stream::Disks),
        }
    }
}

/// Parts per million: probabilities as integers (a float here would make runs host-dependent).
pub const MILLION: u32 = 1_000_000;

impl Rng {
    /// The stream `stream` of root seed `seed`.
    pub fn new(seed: u64, stream: Stream) -> Rng {
        Rng { inner: Words::new(seed, stream.number()) }
    }

    /// A uniformly random word.
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// Uniform in `0..bound` (Lemire's multiply-and-reject, exact for every bound).
    /// The threshold (`2^64 mod bound`) is below `bound`, so a low half at or above `bound`
    /// passes without it: the division that computes it runs only for the rare low halves below
    /// `bound`. The same words give the same values as testing every draw against it.
    pub fn below(&mut self, bound: u64) -> u64 {
        assert!(bound > 0, "below(0) has no values");
        let mut threshold = None;
        loop {
            let (high, low) = multiply_wide(self.next_u64(), bound);
            if low >= bound || low >= *threshold.get_or_insert_with(|| bound.wrapping_neg() % bound) {
                return high;
            }
        }
    }

    /// Uniform in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        assert!(low <= high, "empty range {low}..={high}");
        if high - low == u64::MAX {
            return self.next_u64();
        }
        low + self.below(high - low + 1)
    }

    /// Uniform in `low..=high` for 32-bit values: the draw [`Rng::between`] makes over them.
    pub fn between_u32(&mut self, low: u32, high: u32) -> u32 {
        let value = self.between(u64::from(low), u64::from(high));
        u32::try_from(value).expect("a draw between two u32 values is one")
    }

    /// Uniform in `0..len`, a position in a list of `len` items: the draw [`Rng::below`] makes.
    pub fn position_below(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).expect("a draw below a usize is one")
    }

    /// One of `items`, uniformly: the one at [`Rng::position_below`] their number.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.position_below(items.len())]
    }

    /// Uniform in `low..=high` for signed values.
    pub fn between_signed(&mut self, low: i64, high: i64) -> i64 {
        assert!(low <= high);
        let span = high.abs_diff(low);
        low.wrapping_add(self.between(0, span) as i64)
    }

    /// True with probability `ppm` parts per million.
    pub fn chance(&mut self, ppm: u32) -> bool {
        assert!(ppm <= MILLION, "a probability above one: {ppm} ppm");
        ppm > 0 && self.below(u64::from(MILLION)) < u64::from(ppm)
    }

    /// An index into `weights` drawn in proportion to them (all-zero weights are refused).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&weight| u64::from(weight)).sum();
        assert!(total > 0, "weights must not all be zero");
        let mut draw = self.below(total);
        for (position, &weight) in weights.iter().enumerate() {
            if draw < u64::from(weight) {
                return position;
            }
            draw -= u64::from(weight);
        }
        unreachable!("the draw is below the total")
    }
}

/// The 128-bit product of two words as (high word, low word). A 64-bit machine multiplies
/// them in one instruction; elsewhere (wasm32) a 128-bit multiplication is a library call, so
/// the product is made of four 32-bit products. Both give the same words (tested).
fn multiply_wide(a: u64, b: u64) -> (u64, u64) {
    if cfg!(target_pointer_width = "64") {
        // Two u64 never overflow a u128.
        let product = u128::from(a).wrapping_mul(u128::from(b));
        #[expect(clippy::cast_possible_truncation, reason = "the product's low word is its low 64 bits")]
        let low = product as u64;
        return ((product >> 64) as u64, low);
    }
    multiply_wide_by_halves(a, b)
}

fn multiply_wide_by_halves(a: u64, b: u64) -> (u64, u64) {
    const LOW: u64 = 0xffff_ffff;
    let (a_low, a_high, b_low, b_high) = (a & LOW, a >> 32, b & LOW, b >> 32);
    // Each factor is below 2^32, so no product wraps.
    let low_low = a_low.wrapping_mul(b_low);
    let low_high = a_low.wrapping_mul(b_high);
    let high_low = a_high.wrapping_mul(b_low);
    let high_high = a_high.wrapping_mul(b_high);
    // Three terms below 2^32 each: no overflow.
    let middle = (low_low >> 32) + (low_high & LOW) + (high_low & LOW);
    let low = (middle << 32) | (low_low & LOW);
    let high = high_high + (low_high >> 32) + (high_low >> 32) + (middle >> 32);
    (high, low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let mut first = Rng::new(7, Stream::Network);
        let mut again = Rng::new(7, Stream::Network);
        let mut other = Rng::new(7, Stream::Clients);
        let words: Vec<u64> = (0..4).map(|_| first.next_u64()).collect();
        assert_eq!(words, (0..4).map(|_| again.next_u64()).collect::<Vec<_>>());
        assert_ne!(words, (0..4).map(|_| other.next_u64()).collect::<Vec<_>>());
    }

    #[test]
    fn below_draws_what_testing_every_draw_against_the_threshold_draws() {
        let plain = |rng: &mut Rng, bound: u64| {
            let threshold = bound.wrapping_neg() % bound;
            loop {
                let (high, low) = multiply_wide(rng.next_u64(), bound);
                if low >= threshold {
                    return high;
                }
            }
        };
        let (mut ours, mut reference) = (Rng::new(3, Stream::Clients), Rng::new(3, Stream::Clients));
        let mut bounds = Rng::new(4, Stream::Swarm);
        let edges = [1, 2, 3, 7, 1_000_000, (1 << 63) + 1, u64::MAX - 1, u64::MAX];
        let random = (0..20_000).map(|_| bounds.next_u64() >> (bounds.next_u64() % 64)).map(|bound| bound.max(1));
        for bound in edges.into_iter().cycle().take(800).chain(random) {
            assert_eq!(ours.below(bound), plain(&mut reference, bound), "below({bound})");
        }
        assert_eq!(ours.next_u64(), reference.next_u64(), "both drew as many words");
    }

    #[test]
    fn multiply_wide_is_the_128_bit_product() {
        let mut rng = Rng::new(11, Stream::Swarm);
        let edges = [0, 1, 2, u64::from(u32::MAX), 1 << 32, u64::MAX - 1, u64::MAX];
        let pairs = edges.iter().flat_map(|&a| edges.iter().map(move |&b| (a, b)));
        let random = (0..10_000).map(|_| (rng.next_u64(), rng.next_u64() >> (rng.next_u64() % 64)));
        for (a, b) in pairs.chain(random) {
            let product = u128::from(a) * u128::from(b);
            #[expect(clippy::cast_possible_truncation, reason = "the product's low word is its low 64 bits")]
            let expected = ((product >> 64) as u64, product as u64);
            assert_eq!(multiply_wide(a, b), expected, "{a} × {b}");
            assert_eq!(multiply_wide_by_halves(a, b), expected, "{a} × {b} by halves");
        }
    }

    #[test]
    fn the_first_word_of_a_seed_never_changes() {
        // A golden value: if a dependency update changes it, every trace hash changes with it.
        assert_eq!(Rng::new(1, Stream::Network).next_u64(), 0xda16_ea55_e3f5_ade7);
    }

    #[test]
    fn ranges_stay_in_bounds_and_cover_them() {
        let mut rng = Rng::new(3, Stream::Swarm);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let value = rng.between(10, 14);
            assert!((10..=14).contains(&value));
            seen[usize::try_from(value - 10).expect("below 5")] = true;
        }
        assert!(seen.iter().all(|&hit| hit));
        assert!((0..1000).all(|_| (-3..=3).contains(&rng.between_signed(-3, 3))));
    }

    #[test]
    fn chance_follows_its_rate() {
        let mut rng = Rng::new(5, Stream::Nemesis);
        let hits = (0..100_000).filter(|_| rng.chance(100_000)).count();
        assert!((9_000..11_000).contains(&hits), "{hits} hits for 10%");
        assert!(!(0..1000).any(|_| rng.chance(0)));
        assert!((0..1000).all(|_| rng.chance(MILLION)));
    }
}
