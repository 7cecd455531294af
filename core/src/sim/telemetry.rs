//! Counters a run keeps for the page and the CLI: messages by kind and fate, leader changes,
//! operation outcomes and latencies, and a sample of them every simulated second.

use serde::{Deserialize, Serialize};

use crate::check::history::OutcomeCounts;
use crate::raft::{Index, MessageKind, NodeId, Term, Write, WriteRequest};
use crate::scenario::Scripted;

/// What happened to messages of one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageCounts {
    /// Handed to the network.
    pub sent: u64,
    /// Delivered to a running node.
    pub delivered: u64,
    /// Lost: by the network, a cut link, or a crashed receiver.
    pub dropped: u64,
    /// Delivered a second time.
    pub duplicated: u64,
}

/// A latency histogram with bounded memory: 64 power-of-two ranges of 16 buckets each, so a
/// percentile is exact to within 1/16 of its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histogram {
    buckets: Vec<u64>,
    count: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { buckets: vec![0; 64 * 16], count: 0 }
    }
}

impl Histogram {
    fn bucket(value: u64) -> usize {
        if value < 16 {
            return usize::try_from(value).expect("below 16");
        }
        let magnitude = 63 - value.leading_zeros() as usize;
        let sub = ((value >> (magnitude - 4)) & 15) as usize;
        (magnitude - 3) * 16 + sub
    }

    fn lower_bound(bucket: usize) -> u64 {
        if bucket < 16 {
            return bucket as u64;
        }
        let magnitude = bucket / 16 + 3;
        let sub = (bucket % 16) as u64;
        (16 + sub) << (magnitude - 4)
    }

    /// Records one value.
    pub fn record(&mut self, value: u64) {
        self.buckets[Self::bucket(value)] += 1;
        self.count += 1;
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Each bucket holding values, in order: its lower bound and its count (for a reader that
    /// coarsens the histogram, as the page's health plots do).
    pub fn buckets(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        let held = self.buckets.iter().enumerate().filter(|&(_, &count)| count > 0);
        held.map(|(bucket, &count)| (Self::lower_bound(bucket), count))
    }

    /// The value at `per_mille` thousandths (500 for the median), as its bucket's lower bound.
    pub fn percentile(&self, per_mille: u64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let rank = (self.count * per_mille).div_ceil(1000).max(1);
        let mut seen = 0;
        for (bucket, &count) in self.buckets.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Some(Self::lower_bound(bucket));
            }
        }
        unreachable!("the ranks add up to the count")
    }
}

/// One sample of the counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// When.
    pub time_us: u64,
    /// Leader changes so far.
    pub leader_changes: u64,
    /// Messages sent so far.
    pub messages_sent: u64,
    /// Messages dropped so far.
    pub messages_dropped: u64,
    /// Operations by outcome so far.
    pub ops: OutcomeCounts,
}

/// The run's telemetry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Telemetry {
    /// Per message kind, in [`MessageKind::ALL`] order.
    pub messages: [MessageCounts; 8],
    /// Times a node became leader of a new term.
    pub leader_changes: u64,
    /// Random faults the nemesis injected (a targeted crash when it strikes). The
    /// script's faults are [`super::World::scripted_faults_due`].
    pub faults_injected: u64,
    /// Client-observed latency of completed operations: invocation to answer (the commit
    /// latency a client sees, retries included).
    pub op_latency_us: Histogram,
    /// Commit latency: from a leader appending an entry to that leader committing it.
    pub commit_latency_us: Histogram,
    /// A sample every simulated second.
    pub samples: Vec<Sample>,
}

impl Telemetry {
    /// The counts for one message kind.
    pub fn messages_of(&mut self, kind: MessageKind) -> &mut MessageCounts {
        &mut self.messages[kind.slot()]
    }

    /// All messages sent, of every kind.
    pub fn total(&self) -> MessageCounts {
        self.messages.iter().fold(MessageCounts::default(), |total, counts| MessageCounts {
            sent: total.sent + counts.sent,
            delivered: total.delivered + counts.delivered,
            dropped: total.dropped + counts.dropped,
            duplicated: total.duplicated + counts.duplicated,
        })
    }
}

impl super::World {
    /// How many faults of the scenario's script ([`crate::scenario::Action::is_fault`]) the
    /// run has reached. The nemesis counts only its random faults
    /// ([`Telemetry::faults_injected`]), so without this a preset whose leader crashes on cue
    /// would report no faults at all. Read off the script rather than counted as applied,
    /// because a scripted crash reaches the world as the same event as a targeted random one;
    /// exact, except that a run stopped part-way through the microsecond of a scripted fault
    /// (a check failing at that very time) counts it.
    pub fn scripted_faults_due(&self) -> u64 {
        let now_us = self.now_us();
        let due = |scripted: &&Scripted| scripted.at_us <= now_us && scripted.action.is_fault();
        self.scenario().script.iter().filter(due).count() as u64
    }
}

/// Commit latency: remembers when a leader appends its own entries and records the delay when
/// that same leader commits them. A new leader (or term) starts a new watch.
#[derive(Clone, Debug, Default)]
pub struct CommitWatch {
    /// Entries the current leader appended and has not yet committed, in index order:
    /// (leader, term, index, time appended).
    appended: std::collections::VecDeque<(NodeId, Term, Index, u64)>,
}

impl CommitWatch {
    /// Takes in one step of `leader` in `term`: the appends it issued at `now_us`. Then
    /// [`CommitWatch::next_committed`] hands out what the step committed.
    pub fn take_appends(&mut self, (leader, term): (NodeId, Term), writes: &[WriteRequest], now_us: u64) {
        if self.appended.front().is_some_and(|&(id, id_term, ..)| (id, id_term) != (leader, term)) {
            self.appended.clear();
        }
        for request in writes {
            if let Write::Append(entries) = &request.write {
                self.appended.extend(entries.iter().map(|entry| (leader, term, entry.index, now_us)));
            }
        }
    }

    /// The latency of the next watched entry the leader's commit index `commit` covers at
    /// `now_us`, which stops being watched; `None` when none is left.
    pub fn next_committed(&mut self, commit: Index, now_us: u64) -> Option<u64> {
        let &(_, _, index, appended_us) = self.appended.front()?;
        if index > commit {
            return None;
        }
        assert!(now_us >= appended_us, "an entry commits after it is appended");
        self.appended.pop_front();
        Some(now_us - appended_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_within_a_sixteenth() {
        let mut histogram = Histogram::default();
        for value in 1..=10_000 {
            histogram.record(value);
        }
        let median = histogram.percentile(500).unwrap();
        assert!((4_700..=5_000).contains(&median), "median {median}");
        let p99 = histogram.percentile(990).unwrap();
        assert!((9_300..=9_900).contains(&p99), "p99 {p99}");
        assert_eq!(Histogram::default().percentile(500), None);
    }

    #[test]
    fn buckets_cover_small_and_huge_values() {
        let mut histogram = Histogram::default();
        histogram.record(0);
        histogram.record(u64::MAX);
        assert_eq!(histogram.percentile(1), Some(0));
        assert!(histogram.percentile(1000).unwrap() > 1 << 62);
    }
}
