//! What a leader knows of one follower's log (Figure 2's nextIndex and matchIndex), and the flow
//! control that decides when to send it more (etcd-raft's `tracker.Progress`, simplified).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::types::Index;

/// How the leader sends to a follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// The leader does not yet know where the logs agree: one AppendEntries at a time, each
    /// answered (or a heartbeat answered) before the next.
    Probe,
    /// The logs agree up to `match_index`: the leader streams entries, with up to the window's
    /// worth of AppendEntries in flight, advancing `next_index` optimistically.
    Replicate,
}

/// One follower's replication state, kept by the leader. The fields are private so that every
/// change goes through a method that ends by checking the invariants below.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The follower durably holds the leader's entries up to here.
    /// Invariant: `match_index < next_index`; never decreases.
    match_index: Index,
    /// The next entry to send.
    /// Invariant: `match_index < next_index`.
    next_index: Index,
    /// The sending mode.
    mode: Mode,
    /// In `Probe`: an AppendEntries is outstanding, so wait.
    /// Invariant: `false` in `Replicate`.
    probe_sent: bool,
    /// In `Replicate`: the last index of each unacknowledged AppendEntries.
    /// Invariant: strictly increasing, each in `match_index + 1 .. next_index`; empty in `Probe`.
    inflight: VecDeque<Index>,
    /// The follower answered since the last CheckQuorum round (set by any answer, cleared by
    /// [`Progress::take_recent_active`]).
    recent_active: bool,
    /// The highest commit index the follower can have learned from what the leader sent:
    /// `min(leader commit, last index the message vouches for)` over everything sent.
    /// Invariant: never decreases.
    commit_sent: Index,
}

impl Progress {
    /// A follower the leader knows nothing about yet: probe from just past the leader's log.
    pub fn new(next_index: Index) -> Self {
        assert!(next_index >= 1);
        Progress {
            match_index: 0,
            next_index,
            mode: Mode::Probe,
            probe_sent: false,
            inflight: VecDeque::new(),
            recent_active: false,
            commit_sent: 0,
        }
    }

    fn assert_invariants(&self) {
        assert!(self.match_index < self.next_index, "match {} < next {}", self.match_index, self.next_index);
        match self.mode {
            Mode::Probe => assert!(self.inflight.is_empty(), "probing keeps no window"),
            Mode::Replicate => assert!(!self.probe_sent, "replicating never waits on a probe"),
        }
        let mut previous = self.match_index;
        for &last in &self.inflight {
            assert!(last > previous && last < self.next_index, "in-flight window out of order");
            previous = last;
        }
    }

    /// After a change to a field no invariant above reads (`commit_sent`, `recent_active`): the
    /// invariants cannot have broken, so the check runs in test builds only, off the hot path.
    fn assert_invariants_unchanged(&self) {
        if cfg!(debug_assertions) {
            self.assert_invariants();
        }
    }

    /// The follower durably holds the leader's entries up to here (Figure 2's matchIndex).
    pub fn match_index(&self) -> Index {
        self.match_index
    }

    /// The next entry to send (Figure 2's nextIndex).
    pub fn next_index(&self) -> Index {
        self.next_index
    }

    /// How the leader sends to this follower now.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// In `Probe`: whether an AppendEntries is outstanding.
    pub fn probe_sent(&self) -> bool {
        self.probe_sent
    }

    /// In `Replicate`: the last index of each unacknowledged AppendEntries, oldest first.
    pub fn inflight(&self) -> impl Iterator<Item = Index> + '_ {
        self.inflight.iter().copied()
    }

    /// Whether the follower answered since the last CheckQuorum round.
    pub fn recent_active(&self) -> bool {
        self.recent_active
    }

    /// The highest commit index the follower can have learned from what the leader sent.
    pub fn commit_sent(&self) -> Index {
        self.commit_sent
    }

    /// Whether the leader may send another AppendEntries carrying entries now.
    pub fn can_send(&self, inflight_appends_max: usize) -> bool {
        match self.mode {
            Mode::Probe => !self.probe_sent,
            Mode::Replicate => self.inflight.len() < inflight_appends_max,
        }
    }

    /// Records that the follower was told `commit`, vouched for up to `covered_index`.
    pub fn on_commit_sent(&mut self, commit: Index, covered_index: Index) {
        self.commit_sent = self.commit_sent.max(commit.min(covered_index));
        self.assert_invariants_unchanged();
    }

    /// The follower answered something: it counts as active for the current CheckQuorum round.
    pub fn mark_active(&mut self) {
        self.recent_active = true;
        self.assert_invariants_unchanged();
    }

    /// Ends a CheckQuorum round for this follower: returns whether it answered during the round
    /// and clears the mark for the next one.
    pub fn take_recent_active(&mut self) -> bool {
        let recent_active = std::mem::take(&mut self.recent_active);
        self.assert_invariants_unchanged();
        recent_active
    }

    /// Records an AppendEntries sent with entries ending at `last_index` (or none, if `None`).
    pub fn on_sent(&mut self, last_index: Option<Index>) {
        assert!(last_index.is_none_or(|last| last >= self.next_index), "entries sent start at next_index");
        match self.mode {
            Mode::Probe => self.probe_sent = true,
            Mode::Replicate => {
                if let Some(last) = last_index {
                    self.next_index = last + 1;
                    self.inflight.push_back(last);
                }
            }
        }
        self.assert_invariants();
    }

    /// The follower holds entries up to `match_index`. Returns whether that is news.
    pub fn on_accepted(&mut self, match_index: Index) -> bool {
        let match_before = self.match_index;
        let news = match_index > self.match_index;
        if news {
            self.match_index = match_index;
        }
        self.next_index = self.next_index.max(self.match_index + 1);
        while self.inflight.front().is_some_and(|&last| last <= self.match_index) {
            self.inflight.pop_front();
        }
        if self.mode == Mode::Probe {
            self.mode = Mode::Replicate;
            self.probe_sent = false;
            self.next_index = self.match_index + 1;
        }
        assert!(self.match_index >= match_before.max(match_index), "match_index never decreases");
        self.assert_invariants();
        news
    }

    /// The follower rejected the AppendEntries whose `prev_log_index` was `rejected_prev`; the
    /// leader wants to resume from `next_hint`. Returns `false` (and changes nothing) when the
    /// rejection is stale: answered to an older request than the one the leader is waiting on,
    /// or about an index the follower has already acknowledged holding (etcd-raft's
    /// `MaybeDecrTo`). Without the second test a probe at `match_index + 1` that is rejected
    /// leaves `next_index` where it was, so every duplicate of the rejection passes as fresh
    /// and sends another probe, whose rejections are duplicated in turn.
    pub fn on_rejected(&mut self, rejected_prev: Index, next_hint: Index) -> bool {
        let stale = rejected_prev <= self.match_index
            || match self.mode {
                Mode::Replicate => false,
                Mode::Probe => rejected_prev + 1 != self.next_index,
            };
        if stale {
            return false;
        }
        // Step back at least one entry and never behind what the follower is known to hold.
        self.next_index = next_hint.min(rejected_prev).max(self.match_index + 1);
        self.mode = Mode::Probe;
        self.probe_sent = false;
        self.inflight.clear();
        assert!(self.next_index <= rejected_prev.max(self.match_index + 1), "a rejection steps back");
        self.assert_invariants();
        true
    }

    /// The follower answered a heartbeat: it is alive, so resume probing, and free one slot of
    /// a full window in case an AppendEntries was lost (etcd-raft does the same).
    pub fn on_heartbeat_answered(&mut self, inflight_appends_max: usize) {
        self.mark_active();
        self.probe_sent = false;
        if self.mode == Mode::Replicate && self.inflight.len() >= inflight_appends_max {
            self.inflight.pop_front();
        }
        self.assert_invariants();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_sends_one_at_a_time_then_replicates_after_a_match() {
        let mut progress = Progress::new(5);
        assert!(progress.can_send(4));
        progress.on_sent(None);
        assert!(!progress.can_send(4), "a probe waits for its answer");
        assert!(progress.on_accepted(4));
        assert_eq!(progress.mode(), Mode::Replicate);
        assert_eq!(progress.next_index(), 5);
    }

    #[test]
    fn replicate_pipelines_up_to_the_window() {
        let mut progress = Progress::new(1);
        progress.on_accepted(0);
        for last in [2, 4] {
            assert!(progress.can_send(2));
            progress.on_sent(Some(last));
        }
        assert!(!progress.can_send(2), "window of two is full");
        assert_eq!(progress.next_index(), 5);
        progress.on_accepted(2);
        assert!(progress.can_send(2));
        assert_eq!(progress.inflight().collect::<Vec<_>>(), [4]);
    }

    #[test]
    fn stale_rejections_are_ignored() {
        let mut progress = Progress::new(10);
        progress.on_sent(None);
        assert!(!progress.on_rejected(3, 2), "probe waits on prev 9, not 3");
        assert!(progress.on_rejected(9, 4));
        assert_eq!(progress.next_index(), 4);
        assert!(!progress.probe_sent());
    }

    #[test]
    fn a_rejection_of_an_acknowledged_index_is_stale_in_probe_too() {
        let mut progress = Progress::new(1);
        progress.on_accepted(6);
        progress.on_sent(Some(9));
        assert!(progress.on_rejected(9, 2), "the follower lacks 7..=9: probe from 7");
        assert_eq!((progress.mode(), progress.next_index()), (Mode::Probe, 7));
        progress.on_sent(None);
        assert!(!progress.on_rejected(6, 1), "index 6 was acknowledged: stale (or a lost disk), not a reason to probe");
        assert!(progress.probe_sent(), "the outstanding probe is still awaited");
        assert_eq!(progress.next_index(), 7);
    }

    #[test]
    fn rejection_never_goes_below_match() {
        let mut progress = Progress::new(1);
        progress.on_accepted(6);
        progress.on_sent(Some(9));
        assert!(progress.on_rejected(9, 2));
        assert_eq!(progress.next_index(), 7);
        assert_eq!(progress.mode(), Mode::Probe);
    }

    #[test]
    fn heartbeat_answer_frees_a_full_window() {
        let mut progress = Progress::new(1);
        progress.on_accepted(0);
        progress.on_sent(Some(1));
        progress.on_sent(Some(2));
        progress.on_heartbeat_answered(2);
        assert!(progress.can_send(2));
        assert!(progress.recent_active());
    }
}
