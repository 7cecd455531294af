//! The checker's picture of one log: cumulative prefix fingerprints and terms, so that whether
//! two logs agree up to an index is one integer comparison.

use crate::fingerprint::Fingerprint;
use crate::raft::{slot, Command, Entry, Index, Term, Write};
use crate::shared_vec::SharedVec;

use super::chunked::ChunkedMap;

/// A log as prefix fingerprints: `prefix[i]` fingerprints entries `1..=i+1`, `terms[i]` is the
/// term of entry `i+1`.
#[derive(Clone, Debug, Default)]
pub(super) struct LogShadow {
    prefix: SharedVec<u64>,
    terms: SharedVec<Term>,
}

impl LogShadow {
    /// Shares the chunks this shadow holds in common with `other`: memory only.
    pub(super) fn share_chunks_with(&mut self, other: &LogShadow) {
        self.prefix.share_chunks_with(&other.prefix);
        self.terms.share_chunks_with(&other.terms);
    }

    /// The shadow of a log held in full (a disk read at a crash).
    pub(super) fn of<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Self {
        let mut shadow = LogShadow::default();
        for entry in entries {
            shadow.push(entry);
        }
        shadow
    }

    pub(super) fn last_index(&self) -> Index {
        self.prefix.len() as Index
    }

    pub(super) fn last_term(&self) -> Term {
        self.terms.last().copied().unwrap_or(0)
    }

    /// The fingerprint of entries `1..=index` (0 for the empty prefix), if the log reaches `index`.
    pub(super) fn prefix_at(&self, index: Index) -> Option<u64> {
        match index {
            0 => Some(0),
            _ => self.prefix.get(slot(index)).copied(),
        }
    }

    /// The term of the entry at `index`, if the log reaches it.
    pub(super) fn term_at(&self, index: Index) -> Option<Term> {
        match index {
            0 => None,
            _ => self.terms.get(slot(index)).copied(),
        }
    }

    /// Whether this log holds the prefix `1..=index` fingerprinted by `prefix_hash`.
    pub(super) fn holds(&self, index: Index, prefix_hash: u64) -> bool {
        index == 0 || self.prefix_at(index) == Some(prefix_hash)
    }

    /// Adds `entry`, which must follow the last one; returns the new prefix fingerprint.
    pub(super) fn push(&mut self, entry: &Entry) -> u64 {
        assert_eq!(entry.index, self.last_index() + 1, "a log grows one index at a time");
        let prefix = chain(self.prefix.last().copied().unwrap_or(0), entry);
        self.prefix.push(prefix);
        self.terms.push(entry.term);
        prefix
    }

    /// Adds an entry known only by its prefix fingerprint and term (copied from another shadow).
    pub(super) fn extend_with(&mut self, prefix: u64, term: Term) {
        self.prefix.push(prefix);
        self.terms.push(term);
    }

    /// Whether this shadow fingerprints the same log as `other` (the test builds' cross-check of
    /// an incremental re-read against a whole one).
    pub(super) fn same_as(&self, other: &LogShadow) -> bool {
        self.last_index() == other.last_index()
            && self.prefix.last() == other.prefix.last()
            && self.terms.last() == other.terms.last()
    }

    /// Removes the entries from index `from` on.
    pub(super) fn truncate(&mut self, from: Index) {
        assert!(from >= 1, "index 0 is never removed");
        self.prefix.truncate(slot(from));
        self.terms.truncate(slot(from));
    }

    /// Applies one write that changes the log (a term and vote change nothing here).
    pub(super) fn apply(&mut self, write: &Write) {
        match write {
            Write::HardState(_) | Write::Snapshot(_) => {}
            Write::Truncate { from } => self.truncate(*from),
            Write::Append(entries) => {
                for entry in entries {
                    self.push(entry);
                }
            }
        }
    }
}

/// The fingerprint of a log prefix (`previous`, 0 for the empty one) extended by `entry`.
pub(super) fn chain(previous: u64, entry: &Entry) -> u64 {
    let mut hash = Fingerprint::default();
    hash.word(previous);
    hash.entry(entry);
    hash.value()
}

/// [`chain`] for an entry given by its parts (`None` for a no-op), as an applied entry comes.
pub(super) fn chain_parts(previous: u64, index: Index, term: Term, command: Option<&Command>) -> u64 {
    let mut hash = Fingerprint::default();
    hash.word(previous);
    hash.entry_parts(index, term, command);
    hash.value()
}

/// Every (index, term) ever appended anywhere, with the prefix fingerprint it first ended.
/// Nearly every index is only ever appended in one term, so that first term lives inline in a
/// dense vector (a log appends index `i` only once it holds `i - 1`), and the other terms an
/// index was appended in (after a leader's uncommitted entries were overwritten) in a map: no
/// heap block per index, which a long run would allocate and free by the hundred thousand.
#[derive(Clone, Debug, Default)]
pub(super) struct Positions {
    /// `first[index - 1]`: the first term seen at `index` and its prefix.
    first: SharedVec<(Term, u64)>,
    /// The later terms seen at an index, each with its prefix, in the order seen.
    others: ChunkedMap<Vec<(Term, u64)>>,
}

impl Positions {
    /// The prefix fingerprint first seen at (`index`, `term`) in any log; records `prefix` if
    /// this is the first time.
    pub(super) fn first_prefix(&mut self, index: Index, term: Term, prefix: u64) -> u64 {
        let position = slot(index);
        assert!(position <= self.first.len(), "index {index} appended before any log held {}", index - 1);
        if position == self.first.len() {
            self.first.push((term, prefix));
            return prefix;
        }
        let (first_term, first) = self.first[position];
        if first_term == term {
            return first;
        }
        let others = self.others.entry_or_default(index);
        if let Some(&(_, first)) = others.iter().find(|(seen, _)| *seen == term) {
            return first;
        }
        others.push((term, prefix));
        prefix
    }
}
