//! Health samples: the world's counters at regular moments of simulated time, kept cumulative
//! so that any interval's rates are one subtraction, and so that thinning (merging pairs of
//! intervals when the buffer is full) is dropping every other sample.

use crate::raft::MessageKind;
use crate::sim::telemetry::Histogram;
use crate::sim::World;

/// Samples kept at most; when full, every other one goes and the period doubles.
pub const SAMPLES_MAX: usize = 2_048;
/// The first sampling period: 10 ms of simulated time (a 20-second run keeps it).
const PERIOD_US_INITIAL: u64 = 10_000;
/// Commit-latency buckets: four per power of two from 64 µs (what is faster shares the first)
/// to 67 s (what is slower shares the last), each within 19% of its values.
pub const LATENCY_BUCKETS: usize = 80;
/// The power of two the first latency bucket starts at (64 µs).
const LATENCY_OCTAVE_FIRST: usize = 6;
const KINDS: usize = MessageKind::ALL.len();

/// The counters at one moment, each cumulative since the start of the run (the 32-bit ones
/// wrap: differences between samples stay exact while an interval counts fewer than 2³²).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    /// The moment: every event due by then has run, none after.
    pub time_us: u64,
    /// The highest commit index of a running node.
    pub commit_index: u64,
    /// Client operations completed: ok, failed (a refused compare-and-set), unknown (the client
    /// gave up).
    pub ops: [u32; 3],
    /// Messages sent, by kind ([`MessageKind::ALL`] order).
    pub sent: [u32; KINDS],
    /// Messages lost, by kind.
    pub lost: [u32; KINDS],
    /// Commit latencies recorded, by bucket (see [`latency_bucket_floor_us`]).
    pub latency: [u32; LATENCY_BUCKETS],
}

/// The lower bound of commit-latency bucket `bucket`, in microseconds.
pub fn latency_bucket_floor_us(bucket: usize) -> u64 {
    assert!(bucket < LATENCY_BUCKETS, "bucket {bucket} out of range");
    let octave = LATENCY_OCTAVE_FIRST + bucket / 4;
    ((4 + (bucket % 4)) as u64) << (octave - 2)
}

/// The latency bucket of `value_us`. A bucket of the world's histogram (sixteen per power of
/// two) never straddles two of ours, so its lower bound falls in the bucket of all its values:
/// latencies counted one by one and a histogram coarsened at a fork agree.
fn latency_bucket(value_us: u64) -> usize {
    if value_us < 1 << LATENCY_OCTAVE_FIRST {
        return 0;
    }
    let octave = 63 - value_us.leading_zeros() as usize;
    let quarter = ((value_us >> (octave - 2)) & 3) as usize;
    ((octave - LATENCY_OCTAVE_FIRST) * 4 + quarter).min(LATENCY_BUCKETS - 1)
}

/// The low 32 bits of a count: what a sample's 32-bit counter holds (it wraps, see [`Sample`]).
#[expect(clippy::cast_possible_truncation, reason = "a sample's 32-bit counters wrap by design")]
fn wrapped(count: u64) -> u32 {
    count as u32
}

fn coarsen(histogram: &Histogram) -> [u32; LATENCY_BUCKETS] {
    let mut buckets = [0u32; LATENCY_BUCKETS];
    for (floor_us, count) in histogram.buckets() {
        let bucket = &mut buckets[latency_bucket(floor_us)];
        *bucket = bucket.wrapping_add(wrapped(count));
    }
    buckets
}

impl Sample {
    /// The counters of `world` now, at `time_us`; `latency` is the commit-latency
    /// histogram, coarsened.
    fn of(world: &World, time_us: u64, latency: [u32; LATENCY_BUCKETS]) -> Sample {
        let telemetry = world.telemetry();
        let counts = world.history().outcome_counts();
        let running = world.servers().iter().filter_map(|server| server.node.as_ref());
        let commit_index = running.map(|node| node.commit_index()).max().unwrap_or(0);
        Sample {
            time_us,
            commit_index,
            ops: [wrapped(counts.ok), wrapped(counts.failed), wrapped(counts.unknown)],
            sent: telemetry.messages.map(|counts| wrapped(counts.sent)),
            lost: telemetry.messages.map(|counts| wrapped(counts.dropped)),
            latency,
        }
    }
}

/// What happened between two samples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interval {
    /// From.
    pub from_us: u64,
    /// To.
    pub to_us: u64,
    /// The highest commit index at its end.
    pub commit_index: u64,
    /// Operations completed in it: ok, failed, unknown.
    pub ops: [u64; 3],
    /// Messages sent in it, by kind.
    pub sent: [u64; KINDS],
    /// Messages lost in it, by kind.
    pub lost: [u64; KINDS],
    /// Commit latencies recorded in it, by bucket.
    pub latency: [u32; LATENCY_BUCKETS],
}

impl Interval {
    /// From sample `earlier` to sample `later`.
    pub fn between(earlier: &Sample, later: &Sample) -> Interval {
        assert!(earlier.time_us <= later.time_us, "an interval runs forward");
        let minus = |later: u32, earlier: u32| u64::from(later.wrapping_sub(earlier));
        Interval {
            from_us: earlier.time_us,
            to_us: later.time_us,
            commit_index: later.commit_index,
            ops: std::array::from_fn(|slot| minus(later.ops[slot], earlier.ops[slot])),
            sent: std::array::from_fn(|slot| minus(later.sent[slot], earlier.sent[slot])),
            lost: std::array::from_fn(|slot| minus(later.lost[slot], earlier.lost[slot])),
            latency: std::array::from_fn(|slot| later.latency[slot].wrapping_sub(earlier.latency[slot])),
        }
    }

    /// The commit latency at `per_mille` thousandths (500: the median), as the lower bound of
    /// its bucket; `None` if nothing committed in the interval.
    pub fn latency_us(&self, per_mille: u64) -> Option<u64> {
        let count: u64 = self.latency.iter().map(|&count| u64::from(count)).sum();
        if count == 0 {
            return None;
        }
        let rank = (count * per_mille).div_ceil(1_000).max(1);
        let mut seen = 0;
        for (bucket, &bucket_count) in self.latency.iter().enumerate() {
            seen += u64::from(bucket_count);
            if seen >= rank {
                return Some(latency_bucket_floor_us(bucket));
            }
        }
        unreachable!("the ranks add up to the count")
    }
}

/// The samples of a run, one every `period_us` from time zero.
#[derive(Clone, Debug)]
pub struct Samples {
    list: Vec<Sample>,
    period_us: u64,
    /// The next moment to sample.
    next_us: u64,
    /// The commit latencies so far, by bucket: counted as commits are reported, and coarsened
    /// from the world's histogram once at a fork.
    latency: [u32; LATENCY_BUCKETS],
}

impl Default for Samples {
    fn default() -> Self {
        Samples { list: Vec::new(), period_us: PERIOD_US_INITIAL, next_us: 0, latency: [0; LATENCY_BUCKETS] }
    }
}

impl Samples {
    /// The samples, in time order.
    pub fn list(&self) -> &[Sample] {
        &self.list
    }

    /// The time between samples now.
    pub fn period_us(&self) -> u64 {
        self.period_us
    }

    /// Takes the samples due before an event at `next_event_us` runs: the state now is the one
    /// after every event due by each of them.
    pub fn take_before(&mut self, next_event_us: u64, world: &World) {
        if self.next_us >= next_event_us {
            return;
        }
        let sample = Sample::of(world, self.next_us, self.latency);
        while self.next_us < next_event_us {
            if self.list.len() == SAMPLES_MAX {
                self.merge_pairs();
            }
            self.list.push(Sample { time_us: self.next_us, ..sample.clone() });
            self.next_us += self.period_us;
        }
    }

    /// Counts a commit latency reported now.
    pub fn count_latency(&mut self, latency_us: u64) {
        let bucket = &mut self.latency[latency_bucket(latency_us)];
        *bucket = bucket.wrapping_add(1);
    }

    /// Halves the samples: every other one goes, and the period doubles.
    fn merge_pairs(&mut self) {
        self.period_us *= 2;
        let period_us = self.period_us;
        self.list.retain(|sample| sample.time_us % period_us == 0);
        self.next_us = self.list.last().map_or(0, |last| last.time_us + period_us);
        assert!(self.list.len() <= SAMPLES_MAX / 2 + 1, "merging halves the samples");
    }

    /// Forgets the samples at or after `now_us` (they saw events of a dropped future); the
    /// latencies counted so far are the world's `latency_us` histogram then.
    pub fn truncate(&mut self, now_us: u64, latency_us: &Histogram) {
        self.list.retain(|sample| sample.time_us < now_us);
        self.next_us = self.list.last().map_or(0, |last| last.time_us + self.period_us);
        self.latency = coarsen(latency_us);
    }

    /// The index of the last sample at or before `time_us`, if any.
    pub fn at_or_before(&self, time_us: u64) -> Option<usize> {
        self.list.partition_point(|sample| sample.time_us <= time_us).checked_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_buckets_tile_the_range() {
        assert_eq!(latency_bucket_floor_us(0), 64);
        assert_eq!(latency_bucket_floor_us(1), 80);
        assert_eq!(latency_bucket_floor_us(4), 128);
        for bucket in 0..LATENCY_BUCKETS {
            assert_eq!(latency_bucket(latency_bucket_floor_us(bucket)), bucket);
        }
        assert_eq!(latency_bucket(3), 0);
        assert_eq!(latency_bucket(u64::MAX / 2), LATENCY_BUCKETS - 1);
    }

    #[test]
    fn the_histogram_coarsens_without_losing_a_count() {
        let mut histogram = Histogram::default();
        for value in [5, 100, 950, 1_000, 30_000, 5_000_000, u64::MAX / 3] {
            histogram.record(value);
        }
        let buckets = coarsen(&histogram);
        assert_eq!(buckets.iter().map(|&count| u64::from(count)).sum::<u64>(), 7);
        assert_eq!(buckets[latency_bucket(992)], 2, "0.95 ms and 1 ms share a quarter octave");
    }
}
