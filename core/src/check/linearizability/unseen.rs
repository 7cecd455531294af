//! Unknown writes that no later operation can need, left out of the search.
//!
//! An operation with no answer may take effect anywhere after its call, last included, where
//! it changes nothing anyone saw. The search must try it earlier only if some later operation
//! needs its effect. Write `w` (a put, append or compare-and-set with no answer) of value `v`
//! is left out when:
//!
//! 1. **Nobody saw `v`**: no completed read returned, and no compare-and-set (whatever its
//!    outcome) expected, a value the key could hold with `w`'s effect in it: a value
//!    containing `v`. When every value of the key is unique and not empty, such a value that
//!    splits in exactly one way into at most one whole value followed by appends
//!    (`infer::Writers::split`) is made of the writes of that split, so it holds `w`'s effect
//!    only if its split names `w`; and
//! 2. **no failed compare-and-set can need it** (below).
//!
//! *Why that keeps the verdict.* A linearization of the history without `w` is one with `w`
//! placed last. Conversely take a linearization `L` with `w`, and let `P` be the first
//! operation after `w` in `L` that overwrites the key whatever it holds (a put; a
//! compare-and-set that wrote expected a value containing `v`, which (1) rules out). Between
//! `w` and `P` the key holds `v` followed by appends (or, for an append `w`, something, `v`,
//! then appends): every value there contains `v`. So no read is there, and no compare-and-set
//! that wrote (1); what remains are appends, puts and compare-and-sets with no answer, and
//! failed compare-and-sets. Remove `w`, and move the compare-and-sets with no answer that
//! stood there (they did not write: they expected no value containing `v`) to the end, where
//! an operation with no answer may always go. Appends only append; from `P` on the key holds
//! what it held in `L`. Only a failed compare-and-set `c` between `w` and `P` could now see
//! the value it expected, `c.from`: (2) rules that out. Removing several such writes one
//! after another keeps each one's conditions, which speak only of completed operations and
//! of what reads and compare-and-sets expected.
//!
//! *Condition 2.* A failed `c` can stand after `w` only if it returned at or after `w`'s call.
//! Without `w`, `c` sees `X + s`: `X` what the key held just before `w`, `s` appends. When
//! every value of the key is unique and not empty and `c.from` splits in exactly one way into
//! at most one whole value followed by appends (`infer::Writers::split`), `X + s = c.from`
//! forces that split: `X` began with the split's whole value, so its writer `B` was the last
//! overwrite before `w` — impossible if some completed overwrite `Q` was called after `B`
//! returned and returned before `w` was called. With no whole value in the split, no
//! overwrite came before `w` — impossible if a completed overwrite returned before `w`'s
//! call; and for the empty value, nothing at all was written before `w`. Each failed `c` so
//! gives one time, `needs_until`: `w` called after it cannot be needed by `c`. In every other
//! case (values not unique, a split not unique) `c` may need any `w` it can follow.

use std::collections::BTreeSet;

use super::infer::Splits;
use super::{Call, Operation, Return};

/// The unknown writes among `kept` (positions of one key) that nobody saw (condition 1), split
/// into those no operation can need (condition 2 too), and the others, which the search may
/// place only right before a failed compare-and-set, or last (see [`Unseen::floating`]);
/// `splits` when every value of the key is unique and not empty.
pub(super) fn unseen(operations: &[Operation], kept: &[usize], splits: Option<&Splits<'_>>) -> Unseen {
    let mut candidates: Vec<(usize, &str)> = kept
        .iter()
        .filter(|&&position| operations[position].complete.is_none())
        .filter_map(|&position| written(&operations[position]).map(|value| (position, value)))
        .filter(|(_, value)| !value.is_empty())
        .collect();
    if candidates.is_empty() {
        return Unseen::default();
    }
    let seen = seen_writers(operations, kept, splits, &candidates);
    candidates.retain(|(position, _)| !seen.contains(position));
    let returns = Returns::of(operations, kept);
    let needed_until =
        kept.iter().filter_map(|&position| failed_cas_needs_until(operations, &returns, splits, position)).max();
    let (unneeded, floating) = candidates
        .into_iter()
        .map(|(position, _)| position)
        .partition(|&position| needed_until.is_none_or(|until| operations[position].invoke > until));
    Unseen { unneeded, floating }
}

/// Unknown writes nobody saw, of one key.
#[derive(Default)]
pub(super) struct Unseen {
    /// Those no operation can need: left out of the search.
    pub(super) unneeded: BTreeSet<usize>,
    /// Those a failed compare-and-set may need. In some linearization, if there is one, each
    /// stands right before a failed compare-and-set or after every operation with an answer:
    /// take one where it stands elsewhere, and move it later, to right before the first failed
    /// compare-and-set before the next overwrite that would see its expected value without
    /// it, or to the end if none would. What stood between needs nothing of it, by the argument
    /// of the module's doc (compare-and-sets with no answer there go to the end); after the
    /// move the key holds a value containing its value until the next overwrite, so each
    /// failed compare-and-set there still fails. Every move takes a write later, so the moves
    /// end. The search therefore places such a write only right before a failed
    /// compare-and-set, and stops once every operation with an answer has a place.
    pub(super) floating: BTreeSet<usize>,
}

/// The value a write puts into the key (`None` for a read).
fn written(op: &Operation) -> Option<&str> {
    match &op.call {
        Call::Get { .. } => None,
        Call::Put { value, .. } | Call::Append { value, .. } => Some(value),
        Call::Cas { to, .. } => Some(to),
    }
}

/// Values operations saw or expected of the whole key: completed reads' answers (nil as the
/// empty value) and every compare-and-set's expected value.
fn seen_values<'a>(operations: &'a [Operation], kept: &[usize]) -> BTreeSet<&'a str> {
    let value = |op: &'a Operation| match (&op.call, &op.ret) {
        (Call::Get { .. }, Return::Value(value)) if op.complete.is_some() => Some(value.as_deref().unwrap_or("")),
        (Call::Cas { from, .. }, _) => Some(from.as_str()),
        _ => None,
    };
    kept.iter().filter_map(|&position| value(&operations[position])).collect()
}

/// The candidates whose value some seen value contains. With unique values, a value that splits
/// in one way contains (as a state) exactly the writes of its split; any other is searched.
fn seen_writers(
    operations: &[Operation],
    kept: &[usize],
    splits: Option<&Splits<'_>>,
    candidates: &[(usize, &str)],
) -> BTreeSet<usize> {
    let mut seen = BTreeSet::new();
    for value in seen_values(operations, kept) {
        match splits.and_then(|splits| splits.get(value)) {
            // A value the key held with a candidate's effect in it splits into writes that
            // include the candidate; this one splits in one way only, so it was such a value
            // only if its split names the candidate.
            Some(split) => seen.extend(split.iter().copied()),
            None => seen.extend(
                candidates.iter().filter(|(_, written)| value.contains(written)).map(|(position, _)| *position),
            ),
        }
    }
    seen
}

/// When the key's completed writes returned, gathered once for every failed compare-and-set.
struct Returns {
    /// The first return of a write that is no failed compare-and-set.
    first_write: Option<u64>,
    /// The first return of an overwrite (a put, a successful compare-and-set).
    first_overwrite: Option<u64>,
    /// The completed overwrites' (call, return), by call, with the first return from each on.
    overwrites: Vec<(u64, u64)>,
}

impl Returns {
    fn of(operations: &[Operation], kept: &[usize]) -> Returns {
        let completed = || kept.iter().map(|&position| &operations[position]).filter(|op| op.complete.is_some());
        let first_write = completed()
            .filter(|op| written(op).is_some() && op.ret != Return::Cas(false))
            .filter_map(|op| op.complete)
            .min();
        let mut overwrites: Vec<(u64, u64)> =
            completed().filter(|op| is_overwrite(op)).filter_map(|op| Some((op.invoke, op.complete?))).collect();
        overwrites.sort_unstable();
        let first_overwrite = overwrites.iter().map(|&(_, complete)| complete).min();
        // From the last on, each holds the first return of those called at or after it.
        for index in (0..overwrites.len().saturating_sub(1)).rev() {
            overwrites[index].1 = overwrites[index].1.min(overwrites[index + 1].1);
        }
        Returns { first_write, first_overwrite, overwrites }
    }

    /// The first return of an overwrite called after `time`.
    fn first_overwrite_called_after(&self, time: u64) -> Option<u64> {
        let from = self.overwrites.partition_point(|&(invoke, _)| invoke <= time);
        self.overwrites.get(from).map(|&(_, complete)| complete)
    }
}

/// A put, or a compare-and-set that wrote.
fn is_overwrite(op: &Operation) -> bool {
    matches!(op.call, Call::Put { .. }) || op.ret == Return::Cas(true)
}

/// For a failed compare-and-set at `position`, the latest call of an unknown write it may need
/// (`None`: it is no failed compare-and-set).
fn failed_cas_needs_until(
    operations: &[Operation],
    returns: &Returns,
    splits: Option<&Splits<'_>>,
    position: usize,
) -> Option<u64> {
    let op = &operations[position];
    let (Call::Cas { from, .. }, Return::Cas(false), Some(complete)) = (&op.call, &op.ret, op.complete) else {
        return None;
    };
    let Some(split) = splits.and_then(|splits| splits.get(from)) else { return Some(complete) };
    let ruled_out_after = match split.first() {
        None => returns.first_write,
        Some(&first) if matches!(operations[first].call, Call::Append { .. }) => returns.first_overwrite,
        Some(&base) => {
            operations[base].complete.and_then(|base_complete| returns.first_overwrite_called_after(base_complete))
        }
    };
    // A write called after `ruled_out_after` (some overwrite, or write, returned before it)
    // cannot be needed.
    Some(ruled_out_after.map_or(complete, |after| complete.min(after)))
}
