//! The replicated log held in memory by a node (§5.3).
//!
//! Index 0 is the empty prefix with term 0, so `term_at(0) == Some(0)` and every AppendEntries
//! consistency check has a base case. Entries are stored densely from index 1.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::shared_vec::SharedVec;

use super::kv::Command;
use super::types::{slot, Index, Term};

/// What an entry carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Payload {
    /// The entry a new leader appends at the start of its term (thesis §6.4): committing it
    /// commits everything before it, because the Figure 8 rule only lets a leader commit entries
    /// of its own term by counting replicas.
    Noop,
    /// A client command for the state machine. Shared: every copy of the entry (in logs,
    /// messages and duplicates) points at one command, so copying an entry never copies strings.
    Command(Arc<Command>),
}

/// One log entry: the term it was created in, its position and its payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// The leader's term when it appended the entry.
    pub term: Term,
    /// The entry's position in the log, from 1.
    pub index: Index,
    /// What the entry carries.
    pub payload: Payload,
}

/// A node's log. Invariant: `entries[i].index == i + 1` and terms never decrease along the log.
/// The entries are a [`SharedVec`]: the log can be handed to the disk and copied into a
/// checkpoint without copying its past.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RaftLog {
    entries: SharedVec<Entry>,
}

impl RaftLog {
    /// Shares the chunks of entries this log holds in common with `entries` (another log, a
    /// disk): memory only, see [`SharedVec::share_chunks_with`].
    pub fn share_chunks_with(&mut self, entries: &SharedVec<Entry>) {
        self.entries.share_chunks_with(entries);
    }

    /// A log holding `entries`, which must start at index 1 and be contiguous with
    /// non-decreasing terms (what a restart reads back from disk). Release builds check the
    /// ends (the first and last entries sit at their indexes); test builds walk the whole log,
    /// which would make every restart cost the log's length.
    pub fn from_entries(entries: impl Into<SharedVec<Entry>>) -> Self {
        let log = RaftLog { entries: entries.into() };
        let ends_in_place = [
            log.entries.get(0).map(|first| first.index == 1),
            log.entries.last().map(|last| last.index == log.entries.len() as Index),
        ];
        assert!(ends_in_place.iter().all(|in_place| in_place.unwrap_or(true)), "log entries must be dense from 1");
        if cfg!(debug_assertions) {
            log.assert_well_formed();
        }
        log
    }

    fn assert_well_formed(&self) {
        let mut term_before = 0;
        for (position, entry) in self.entries.iter().enumerate() {
            assert_eq!(entry.index, position as Index + 1, "log entries must be dense from 1");
            assert!(term_before <= entry.term, "log terms must not decrease: {term_before} then {entry:?}");
            term_before = entry.term;
        }
    }

    /// The index of the last entry, 0 for an empty log.
    pub fn last_index(&self) -> Index {
        self.entries.len() as Index
    }

    /// The term of the last entry, 0 for an empty log.
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(0, |entry| entry.term)
    }

    /// The term of the entry at `index`; `Some(0)` for index 0, `None` past the end.
    pub fn term_at(&self, index: Index) -> Option<Term> {
        if index == 0 {
            return Some(0);
        }
        self.entry(index).map(|entry| entry.term)
    }

    /// The entry at `index`, if the log has one there.
    pub fn entry(&self, index: Index) -> Option<&Entry> {
        let position = usize::try_from(index.checked_sub(1)?).ok()?;
        self.entries.get(position)
    }

    /// All entries, in order.
    pub fn entries(&self) -> &SharedVec<Entry> {
        &self.entries
    }

    /// Up to `count_max` entries starting at `from` (which may be one past the end).
    pub fn slice(&self, from: Index, count_max: usize) -> Vec<Entry> {
        assert!(from >= 1 && from <= self.last_index() + 1, "slice from {from} out of range");
        let start = slot(from);
        self.entries.range_to_vec(start, start + count_max)
    }

    /// Whether a log ending at (`last_term`, `last_index`) is at least as up-to-date as this one:
    /// the election restriction of §5.4.1 (compare last terms, then lengths).
    pub fn is_up_to_date(&self, last_index: Index, last_term: Term) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }

    /// Whether this log has an entry at `index` with `term` (the AppendEntries consistency check).
    pub fn matches(&self, index: Index, term: Term) -> bool {
        self.term_at(index) == Some(term)
    }

    /// The first index holding the term of the entry at `index`: the conflict hint a follower
    /// returns so the leader can skip a whole term of mismatching entries at once (§5.3, the
    /// optimisation described after Figure 7; thesis §5.3). Terms never decrease along a log,
    /// so this is a binary search.
    pub fn first_index_of_term_ending_at(&self, index: Index) -> Index {
        let term = self.term_at(index).expect("the hint is taken inside the log");
        self.entries.partition_point(|entry| entry.term < term) as Index + 1
    }

    /// The last index holding `term`, or `None` if the log has no entry of that term: where a
    /// leader resumes after a follower reported a conflicting term. A binary search.
    pub fn last_index_of_term(&self, term: Term) -> Option<Index> {
        let after = self.entries.partition_point(|entry| entry.term <= term);
        (after > 0 && self.entries[after - 1].term == term).then_some(after as Index)
    }

    /// Appends one entry at the end; it must be the next index and not lower the last term.
    pub fn push(&mut self, entry: Entry) {
        assert_eq!(entry.index, self.last_index() + 1, "appended entry must be next");
        assert!(entry.term >= self.last_term(), "appended entry must not lower the term");
        self.entries.push(entry);
    }

    /// Removes every entry at `from` and after. Callers must never truncate committed entries.
    pub fn truncate_from(&mut self, from: Index) {
        assert!(from >= 1, "index 0 is never truncated");
        self.entries.truncate(slot(from));
    }

    /// Finds the first of `entries` that conflicts with this log (same index, other term) or
    /// lies past its end; `None` if the log already holds them all. Entries already present are
    /// skipped, so a stale or duplicated AppendEntries never truncates (§5.3: "If an existing
    /// entry conflicts with a new one ... delete the existing entry and all that follow it").
    pub fn first_new_or_conflicting(&self, entries: &[Entry]) -> Option<usize> {
        entries.iter().position(|entry| !self.matches(entry.index, entry.term))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_with_terms(terms: &[Term]) -> RaftLog {
        let entries: Vec<Entry> = terms
            .iter()
            .enumerate()
            .map(|(position, &term)| Entry { term, index: position as Index + 1, payload: Payload::Noop })
            .collect();
        RaftLog::from_entries(entries)
    }

    #[test]
    fn index_zero_is_the_empty_prefix() {
        let log = RaftLog::default();
        assert_eq!(log.term_at(0), Some(0));
        assert!(log.matches(0, 0));
        assert_eq!(log.term_at(1), None);
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let log = log_with_terms(&[1, 1, 2]);
        assert!(log.is_up_to_date(1, 3), "a higher last term wins even when shorter");
        assert!(!log.is_up_to_date(9, 1), "a lower last term loses even when longer");
        assert!(log.is_up_to_date(3, 2), "equal logs are up to date");
        assert!(!log.is_up_to_date(2, 2), "same term and shorter loses");
    }

    #[test]
    fn conflict_hints_span_whole_terms() {
        let log = log_with_terms(&[1, 2, 2, 2, 3]);
        assert_eq!(log.first_index_of_term_ending_at(4), 2);
        assert_eq!(log.first_index_of_term_ending_at(1), 1);
        assert_eq!(log.last_index_of_term(2), Some(4));
        assert_eq!(log.last_index_of_term(7), None);
    }

    #[test]
    fn present_entries_are_not_new() {
        let log = log_with_terms(&[1, 1, 2]);
        let same = log.slice(2, 2);
        assert_eq!(log.first_new_or_conflicting(&same), None);
        let mut other = same.clone();
        other[1].term = 3;
        assert_eq!(log.first_new_or_conflicting(&other), Some(1));
    }
}
