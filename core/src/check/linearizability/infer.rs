//! What a history's values fix before any search, so the search only explores what they leave
//! open. Every change here keeps the set of linearizations the same, so the verdict stays exact:
//!
//! - A read whose answer is unknown constrains nothing and changes nothing: it is left out.
//! - When every value written to a key is unique and not empty (the simulator's clients write
//!   `client.count` values, so a value names the one operation that wrote it), a completed read
//!   or successful compare-and-set that saw value `X` shows which writes built `X`, provided `X`
//!   splits into one written value followed by appended values in exactly one way. Each write
//!   of that split took effect before the reader returned: an unknown one among them is given
//!   the reader's return as its own (and an unknown compare-and-set that wrote is known to have
//!   succeeded). This is Gibbons & Korach's unique-writes observation, and for appends Elle's
//!   list-append inference (Kingsbury & Alvaro, VLDB 2020): the search then no longer tries
//!   every point after such a write's call, nor leaving it out.
//!
//! Nothing is inferred from a value that splits in two ways or none: the search judges it.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::{Call, Operation, Return};

/// Splits of one value counted up to this: two already means "ambiguous".
const SPLITS_MAX: u8 = 2;

/// The operations of one key, `positions` into `operations`, with what their values fix applied:
/// the positions left to search (unknown reads dropped) and the operations as the search should
/// judge them, and the unknown writes the search may place only right before a failed
/// compare-and-set (`unseen`). `operations` is changed (copied from `original`, whose calls
/// it keeps) only at `positions`. Unknown writes that no operation can need are left out too.
pub(super) fn tighten<'a>(
    original: &'a [Operation],
    operations: &mut Cow<'a, [Operation]>,
    positions: &[usize],
) -> (Vec<usize>, BTreeSet<usize>) {
    let kept: Vec<usize> =
        positions.iter().copied().filter(|&position| !is_unknown_read(&operations[position])).collect();
    // Of the original: its values are the judged operations' own, and stay borrowed as those
    // change.
    let splits = Writers::of(original, &kept).map(|writers| Splits::of(original, &kept, writers));
    if let Some(splits) = &splits {
        let bounds = bounds(operations, &kept, splits);
        if !bounds.is_empty() {
            bounds.apply(operations.to_mut());
        }
    }
    let unseen = super::unseen::unseen(operations, &kept, splits.as_ref());
    (kept.into_iter().filter(|position| !unseen.unneeded.contains(position)).collect(), unseen.floating)
}

/// A read that never returned: it may have happened anywhere, and saw nothing anyone knows.
fn is_unknown_read(op: &Operation) -> bool {
    matches!(op.call, Call::Get { .. }) && !matches!(op.ret, Return::Value(_))
}

/// Every written value of one key and the position of the operation that wrote it, when each is
/// unique and not empty; bases (whole values: puts and compare-and-sets) apart from appends.
pub(super) struct Writers<'a> {
    bases: BTreeMap<&'a str, usize>,
    appends: BTreeMap<&'a str, usize>,
    /// The longest append, in bytes: a split looks back no further for one.
    append_bytes_max: usize,
    /// The longest base, in bytes: no longer prefix is looked up.
    base_bytes_max: usize,
    /// The value split last, and its table ([`Writers::split`]).
    last: (String, Vec<Ways>),
}

impl<'a> Writers<'a> {
    /// The writers of `positions`; `None` if some value is written twice or is empty.
    fn of(operations: &'a [Operation], positions: &[usize]) -> Option<Writers<'a>> {
        let mut writers = Writers {
            bases: BTreeMap::new(),
            appends: BTreeMap::new(),
            append_bytes_max: 0,
            base_bytes_max: 0,
            last: Default::default(),
        };
        for &position in positions {
            let (value, is_append) = match &operations[position].call {
                Call::Get { .. } => continue,
                Call::Put { value, .. } => (value.as_str(), false),
                Call::Cas { to, .. } => (to.as_str(), false),
                Call::Append { value, .. } => (value.as_str(), true),
            };
            let (mine, other) =
                if is_append { (&mut writers.appends, &writers.bases) } else { (&mut writers.bases, &writers.appends) };
            if value.is_empty() || other.contains_key(value) || mine.insert(value, position).is_some() {
                return None;
            }
            let bytes_max = if is_append { &mut writers.append_bytes_max } else { &mut writers.base_bytes_max };
            *bytes_max = (*bytes_max).max(value.len());
        }
        Some(writers)
    }

    /// The writes that built `value`, if it splits into at most one base followed by appends in
    /// exactly one way (counting an append used twice as a way too, which can only make a value
    /// look ambiguous). Positions of the writers, base first.
    fn split(&mut self, value: &str) -> Option<Vec<usize>> {
        let bytes = value.len();
        // ways[end]: how many ways value[..end] splits (capped), and the last piece of the one way.
        // A row depends only on value[..end]: the rows of the value split before, up to the
        // prefix the two share, are this one's (values split in order share long prefixes: a
        // list read as it grows).
        let (mut last_value, mut ways) = std::mem::take(&mut self.last);
        let shared = last_value.bytes().zip(value.bytes()).take_while(|(a, b)| a == b).count();
        ways.truncate(shared + 1);
        if ways.is_empty() {
            ways.push((1, None));
        }
        for end in ways.len()..=bytes {
            let row = self.ways_to(value, end, &ways);
            ways.push(row);
        }
        last_value.clear();
        last_value.push_str(value);
        let split = (ways[bytes].0 == 1).then(|| unwind(&ways, bytes));
        self.last = (last_value, ways);
        split
    }

    /// Row `end` of [`Writers::split`]'s table for `value`, from the rows before it.
    fn ways_to(&self, value: &str, end: usize, ways: &[Ways]) -> Ways {
        let mut count = 0u8;
        let mut last = None;
        let base = (end <= self.base_bytes_max).then(|| value.get(..end)).flatten();
        if let Some(&writer) = base.and_then(|prefix| self.bases.get(prefix)) {
            (count, last) = (1, Some((0, writer)));
        }
        let first = end.saturating_sub(self.append_bytes_max);
        // Only from where a split can reach: most positions are inside a piece.
        for (start, &(ways_to_start, _)) in ways.iter().enumerate().take(end).skip(first) {
            if ways_to_start == 0 {
                continue;
            }
            let Some(&writer) = value.get(start..end).and_then(|piece| self.appends.get(piece)) else { continue };
            count = count.saturating_add(ways_to_start).min(SPLITS_MAX);
            last = Some((start, writer));
        }
        (count, last)
    }
}

/// A row of a split's table: the ways to split a prefix (capped), and the last piece of the one
/// way, as (start, writer).
type Ways = (u8, Option<(usize, usize)>);

/// The writers of the one split that `ways` records up to `end`, in order.
fn unwind(ways: &[Ways], mut end: usize) -> Vec<usize> {
    let mut writers = Vec::new();
    while let Some((start, writer)) = ways[end].1 {
        assert_eq!(ways[end].0, 1, "a piece of a unique split has one way to reach it");
        writers.push(writer);
        end = start;
    }
    writers.reverse();
    writers
}

/// What a completed operation saw of the key's whole value: a read's answer, or a successful
/// compare-and-set's expected value (the key held it).
fn observed(op: &Operation) -> Option<&str> {
    op.complete?;
    match (&op.call, &op.ret) {
        (Call::Get { .. }, Return::Value(value)) => Some(value.as_deref().unwrap_or("")),
        (Call::Cas { from, .. }, Return::Cas(true)) => Some(from.as_str()),
        _ => None,
    }
}

/// The unique split of every value a key's operations saw ([`Writers::split`]), each split once,
/// in sorted order so that each value reuses the rows of the one before (a list read as it
/// grows), for the bounds here and for `unseen` to look up.
pub(super) struct Splits<'a> {
    /// (value, the writers of its one split if it has one), sorted by value, each value once.
    splits: Vec<(&'a str, Option<Vec<usize>>)>,
}

impl<'a> Splits<'a> {
    fn of(operations: &'a [Operation], positions: &[usize], mut writers: Writers<'a>) -> Splits<'a> {
        let mut values: Vec<&str> = positions.iter().filter_map(|&position| seen(&operations[position])).collect();
        values.sort_unstable();
        values.dedup();
        Splits { splits: values.into_iter().map(|value| (value, writers.split(value))).collect() }
    }

    /// The writers of the one split of `value`, a value some operation saw (a completed read's
    /// answer or any compare-and-set's expected value), base first; `None` if it splits in two
    /// ways or none.
    pub(super) fn get(&self, value: &str) -> Option<&[usize]> {
        let index = self.splits.binary_search_by(|(split, _)| (*split).cmp(value)).expect("every seen value is split");
        self.splits[index].1.as_deref()
    }
}

/// A value an operation may have seen, to split: a completed read's answer, or any
/// compare-and-set's expected value (what a successful one saw, what a failed one missed).
fn seen(op: &Operation) -> Option<&str> {
    match (&op.call, &op.ret) {
        (Call::Get { .. }, Return::Value(value)) if op.complete.is_some() => Some(value.as_deref().unwrap_or("")),
        (Call::Cas { from, .. }, _) => Some(from.as_str()),
        _ => None,
    }
}

/// The windows the values fix, as (position, earliest call, latest return) bounds: each write of
/// a unique split of what an operation saw took effect before that operation returned, and each
/// after the one before it in the split (Elle's order of appends); the operation that saw them
/// took effect after the last was called.
fn bounds(operations: &[Operation], positions: &[usize], splits: &Splits<'_>) -> Bounds {
    let mut bounds = Bounds::default();
    for &position in positions {
        let op = &operations[position];
        let (Some(value), Some(complete)) = (observed(op), op.complete) else { continue };
        let Some(split) = splits.get(value) else { continue };
        // Each write went before the next one of the split, and the last before this operation.
        let mut later_complete = complete;
        for &writer in split.iter().rev() {
            bounds.return_by.push((writer, later_complete));
            later_complete = later_complete.min(operations[writer].complete.unwrap_or(u64::MAX));
        }
        let mut earlier_invoke = 0;
        for &writer in split {
            bounds.call_from.push((writer, earlier_invoke));
            earlier_invoke = earlier_invoke.max(operations[writer].invoke);
        }
        bounds.call_from.push((position, earlier_invoke));
    }
    bounds
}

/// Tighter windows for some operations, as (position, time) pairs, a position possibly more than
/// once: latest returns (the earliest counts) and earliest calls (the latest counts).
#[derive(Default)]
struct Bounds {
    return_by: Vec<(usize, u64)>,
    call_from: Vec<(usize, u64)>,
}

impl Bounds {
    fn is_empty(&self) -> bool {
        self.return_by.is_empty() && self.call_from.is_empty()
    }

    /// Narrows each operation's window to its bounds. A bound that would leave a window empty
    /// (a value seen before its write was called) is not applied: no order exists then, and
    /// the search finds that by itself.
    fn apply(mut self, operations: &mut [Operation]) {
        // Sorted, the latest call of a position comes last and its earliest return first.
        self.call_from.sort_unstable();
        for pair in self.call_from.windows(2).filter(|pair| pair[0].0 != pair[1].0) {
            Self::call_from(&mut operations[pair[0].0], pair[0].1);
        }
        if let Some(&(position, invoke)) = self.call_from.last() {
            Self::call_from(&mut operations[position], invoke);
        }
        self.return_by.sort_unstable();
        self.return_by.dedup_by_key(|&mut (position, _)| position);
        for (position, complete) in self.return_by {
            let op = &mut operations[position];
            if complete >= op.invoke && complete < op.complete.unwrap_or(u64::MAX) {
                resolve(op, complete);
            }
        }
    }

    fn call_from(op: &mut Operation, invoke: u64) {
        if invoke > op.invoke && invoke <= op.complete.unwrap_or(u64::MAX) {
            op.invoke = invoke;
        }
    }
}

/// A write that returned (or took effect) by `complete`: an unknown one is then known to have
/// taken effect, and a compare-and-set that wrote to have succeeded.
fn resolve(op: &mut Operation, complete: u64) {
    assert!(complete >= op.invoke, "a window is never left empty");
    op.complete = Some(complete);
    if op.ret == Return::Unknown {
        op.ret = if matches!(op.call, Call::Cas { .. }) { Return::Cas(true) } else { Return::Done };
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::Kv;
    use super::super::{check, check_inferred, Options, Verdict};
    use super::*;

    fn op(call: Call, ret: Return, invoke: u64, complete: Option<u64>) -> Operation {
        Operation { process: invoke, call, ret, invoke, complete }
    }
    fn put(value: &str) -> Call {
        Call::Put { key: "k".into(), value: value.into() }
    }
    fn append(value: &str) -> Call {
        Call::Append { key: "k".into(), value: value.into() }
    }
    fn get() -> Call {
        Call::Get { key: "k".into() }
    }
    fn seen(value: &str) -> Return {
        Return::Value(Some(value.into()))
    }
    fn tightened(operations: Vec<Operation>) -> (Vec<Operation>, Vec<usize>) {
        let positions: Vec<usize> = (0..operations.len()).collect();
        let mut judged = Cow::Borrowed(&operations[..]);
        let (kept, _) = tighten(&operations, &mut judged, &positions);
        let operations = judged.into_owned();
        (operations, kept)
    }

    #[test]
    fn a_seen_unknown_write_took_effect_before_its_reader_returned() {
        let history = vec![
            op(put("1.1"), Return::Unknown, 0, None),
            op(append("2.1 "), Return::Unknown, 1, None),
            op(get(), seen("1.12.1 "), 5, Some(9)),
            op(get(), Return::Unknown, 6, None),
        ];
        let (judged, kept) = tightened(history);
        assert_eq!(kept, vec![0, 1, 2], "the unknown read is left out");
        assert_eq!((judged[0].ret.clone(), judged[0].complete), (Return::Done, Some(9)));
        assert_eq!((judged[1].ret.clone(), judged[1].complete), (Return::Done, Some(9)));
        assert_eq!(judged[2].invoke, 5, "the reader was called after both writes already");
    }

    #[test]
    fn appends_seen_in_order_are_ordered_and_their_reader_follows_the_last() {
        let history = vec![
            op(append("1.1 "), Return::Done, 0, Some(20)),
            op(append("2.1 "), Return::Done, 10, Some(12)),
            op(get(), seen("1.1 2.1 "), 3, Some(30)),
        ];
        let (judged, _) = tightened(history);
        assert_eq!(judged[0].complete, Some(12), "the first append went before the second returned");
        assert_eq!(judged[2].invoke, 10, "the read took effect after the last append was called");
    }

    #[test]
    fn a_value_that_splits_two_ways_fixes_nothing() {
        // "1.123.4 " is "1.1" then "23.4 ", or "1.12" then "3.4 ".
        let history = vec![
            op(put("1.1"), Return::Unknown, 0, None),
            op(put("1.12"), Return::Unknown, 0, None),
            op(append("23.4 "), Return::Unknown, 0, None),
            op(append("3.4 "), Return::Unknown, 0, None),
            op(get(), seen("1.123.4 "), 5, Some(9)),
        ];
        let (judged, _) = tightened(history.clone());
        assert_eq!(judged, history, "the search must judge it");
        let result = check_inferred(&Kv, &history, Options::default()).unwrap();
        assert_eq!(result.verdict, Verdict::Linearizable);
    }

    #[test]
    fn values_written_twice_fix_nothing() {
        let history = vec![
            op(put("1"), Return::Unknown, 0, None),
            op(put("1"), Return::Done, 1, Some(2)),
            op(get(), seen("1"), 5, Some(9)),
        ];
        let (judged, _) = tightened(history.clone());
        assert_eq!(judged, history);
    }

    #[test]
    fn a_stale_read_after_a_seen_unknown_write_is_still_a_counterexample() {
        let history = vec![
            op(put("1.1"), Return::Done, 0, Some(1)),
            op(put("2.1"), Return::Unknown, 2, None),
            op(get(), seen("2.1"), 3, Some(4)),
            op(get(), seen("1.1"), 5, Some(6)),
        ];
        let result = check_inferred(&Kv, &history, Options::default()).unwrap();
        assert_eq!(result.verdict, Verdict::NotLinearizable);
        let counterexample = result.counterexample.expect("a counterexample");
        assert_eq!(counterexample.longest_prefix, vec![0, 1, 2]);
        assert_eq!(counterexample.cannot_go_next, vec![3], "the read of the overwritten value cannot go next");
    }

    #[test]
    fn a_value_seen_before_its_write_was_called_is_left_to_the_search() {
        let history = vec![op(get(), seen("1.1"), 0, Some(1)), op(put("1.1"), Return::Unknown, 2, None)];
        let (judged, _) = tightened(history.clone());
        assert_eq!(judged, history, "no window is left empty");
        assert_eq!(check_inferred(&Kv, &history, Options::default()).unwrap().verdict, Verdict::NotLinearizable);
    }

    /// Whether some order of `operations` (each unknown one placed anywhere after its call, or
    /// left out) explains every result, by trying every order.
    fn linearizable_by_brute_force(operations: &[Operation]) -> bool {
        fn extend(
            operations: &[Operation],
            placed: &mut Vec<bool>,
            state: &super::super::model::Kv,
            value: &<Kv as super::super::model::Model>::State,
        ) -> bool {
            use super::super::model::Model;
            if operations.iter().zip(placed.iter()).all(|(op, &placed)| placed || op.complete.is_none()) {
                return true;
            }
            for next in 0..operations.len() {
                let must_wait = (0..operations.len()).any(|other| {
                    !placed[other]
                        && other != next
                        && operations[other].complete.is_some_and(|c| c < operations[next].invoke)
                });
                if placed[next] || must_wait {
                    continue;
                }
                let step = (operations[next].call.clone(), operations[next].ret.clone());
                let Some(after) = state.step(value, &step) else { continue };
                placed[next] = true;
                let found = extend(operations, placed, state, &after);
                placed[next] = false;
                if found {
                    return true;
                }
            }
            false
        }
        use super::super::model::Model;
        extend(operations, &mut vec![false; operations.len()], &Kv, &Kv.init())
    }

    /// A small random history of one key with unique values, its read results drawn from the
    /// values a sequential run passed through (so some are linearizable and some not).
    /// `length` operations, each with no answer one time in `unknown_one_in`.
    fn random_history(seed: &mut u64, length: u64, unknown_one_in: usize) -> Vec<Operation> {
        let mut draw = |below: usize| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            usize::try_from(*seed % below as u64).expect("below a usize")
        };
        let mut states = vec![String::new()];
        let mut history = Vec::new();
        for index in 0..length {
            let value = format!("{}.{}", draw(3) + 1, index);
            let current = states[states.len() - 1].clone();
            let (call, ret) = match draw(4) {
                0 => (get(), seen(&states[draw(states.len())])),
                1 => (put(&value), Return::Done),
                2 => (append(&format!("{value} ")), Return::Done),
                _ => {
                    let from = states[draw(states.len())].clone();
                    let applied = from == current;
                    (Call::Cas { key: "k".into(), from, to: value.clone() }, Return::Cas(applied))
                }
            };
            match &call {
                Call::Put { value, .. } => states.push(value.clone()),
                Call::Append { value, .. } => states.push(format!("{current}{value}")),
                Call::Cas { from, to, .. } if *from == current => states.push(to.clone()),
                _ => {}
            }
            let ret = if draw(unknown_one_in) == 0 { Return::Unknown } else { ret };
            let invoke = draw(20) as u64;
            let complete = (ret != Return::Unknown).then(|| invoke + draw(10) as u64);
            let ret = if matches!(call, Call::Get { .. }) && complete.is_none() { Return::Unknown } else { ret };
            history.push(op(call, ret, invoke, complete));
        }
        history
    }

    /// Checks `history` and asserts the verdict is brute force's; returns whether it is linearizable.
    fn assert_verdict_as_brute_force(history: &[Operation]) -> bool {
        let expected = linearizable_by_brute_force(history);
        let inferred = check_inferred(&Kv, history, Options::default()).unwrap();
        let expected_verdict = if expected { Verdict::Linearizable } else { Verdict::NotLinearizable };
        assert_eq!(inferred.verdict, expected_verdict, "{history:#?}");
        // With the plain pass first, the same verdict.
        let checked = check(&Kv, history, Options::default()).unwrap();
        assert_eq!(checked.verdict, expected_verdict, "{history:#?}");
        expected
    }

    #[test]
    fn what_the_values_fix_never_changes_a_verdict() {
        let mut seed = 0x2545_f491_4f6c_dd1d;
        let mut counted = [0; 2];
        for _ in 0..3_000 {
            let history = random_history(&mut seed, 6, 3);
            let expected = assert_verdict_as_brute_force(&history);
            counted[usize::from(expected)] += 1;
        }
        assert!(counted[0] > 300 && counted[1] > 300, "both verdicts are tried: {counted:?}");
    }

    /// Operations `tighten` leaves out of `history` besides its unknown reads.
    fn left_out(history: &[Operation]) -> usize {
        let (_, kept) = tightened(history.to_vec());
        history.iter().filter(|op| !is_unknown_read(op)).count() - kept.len()
    }

    /// Unknown writes left out (`unseen`) never change a verdict: histories with many of them,
    /// against brute force.
    #[test]
    fn unknown_writes_left_out_never_change_a_verdict() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        let (mut counted, mut with_left_out) = ([0; 2], [0; 2]);
        for _ in 0..3_000 {
            let history = random_history(&mut seed, 7, 2);
            let expected = assert_verdict_as_brute_force(&history);
            counted[usize::from(expected)] += 1;
            if left_out(&history) > 0 {
                with_left_out[usize::from(expected)] += 1;
            }
        }
        assert!(counted[0] > 300 && counted[1] > 300, "both verdicts are tried: {counted:?}");
        assert!(with_left_out[0] > 100 && with_left_out[1] > 100, "writes are left out in both: {with_left_out:?}");
    }

    /// Floating puts and appends placed only in call order (`search::Role::Floating`) never
    /// change a verdict: histories with several of them and failed compare-and-sets, against
    /// brute force.
    #[test]
    fn floating_writes_in_call_order_never_change_a_verdict() {
        let mut seed = 0x5851_f42d_4c95_7f2d;
        let (mut counted, mut taking_turns) = ([0; 2], [0; 2]);
        for _ in 0..4_000 {
            let history = random_history(&mut seed, 8, 2);
            let positions: Vec<usize> = (0..history.len()).collect();
            let (_, floating) = tighten(&history, &mut Cow::Borrowed(&history[..]), &positions);
            let turns = floating
                .iter()
                .filter(|&&position| matches!(history[position].call, Call::Put { .. } | Call::Append { .. }))
                .count();
            if turns < 2 {
                continue;
            }
            let expected = assert_verdict_as_brute_force(&history);
            counted[usize::from(expected)] += 1;
            taking_turns[usize::from(expected)] += turns;
        }
        assert!(counted[0] > 50 && counted[1] > 50, "both verdicts are tried: {counted:?}");
        assert!(taking_turns[1] > 2 * counted[1], "several take turns: {taking_turns:?}");
    }

    fn cas(from: &str, to: &str) -> Call {
        Call::Cas { key: "k".into(), from: from.into(), to: to.into() }
    }

    /// A floating compare-and-set may stand before a failed compare-and-set that fails without
    /// it: later, where it is needed, it may no longer apply.
    #[test]
    fn a_floating_cas_may_be_needed_early() {
        let history = vec![
            op(put("1.1"), Return::Done, 0, Some(1)),
            op(cas("1.1", "2.1"), Return::Unknown, 2, None),
            op(cas("3.1", "4.1"), Return::Cas(false), 3, Some(4)),
            op(append("5.1 "), Return::Done, 5, Some(6)),
            op(cas("1.15.1 ", "6.1"), Return::Cas(false), 7, Some(8)),
        ];
        assert!(linearizable_by_brute_force(&history), "2.1 replaced 1.1 before the append");
        assert_eq!(left_out(&history), 0);
        assert_eq!(check_inferred(&Kv, &history, Options::default()).unwrap().verdict, Verdict::Linearizable);
    }

    #[test]
    fn an_unseen_unknown_write_is_left_out_unless_a_failed_cas_may_need_it() {
        let unseen = vec![
            op(put("1.1"), Return::Done, 0, Some(1)),
            op(put("2.1"), Return::Unknown, 2, None),
            op(get(), seen("1.1"), 3, Some(4)),
            op(put("3.1"), Return::Done, 5, Some(6)),
            op(get(), seen("3.1"), 7, Some(8)),
        ];
        assert_eq!(tightened(unseen).1, vec![0, 2, 3, 4], "nothing saw 2.1");
        // The compare-and-set from 1.1 failed: only the unknown put of 2.1 explains that.
        let needed = vec![
            op(put("1.1"), Return::Done, 0, Some(1)),
            op(put("2.1"), Return::Unknown, 2, None),
            op(cas("1.1", "4.1"), Return::Cas(false), 3, Some(4)),
            op(put("3.1"), Return::Done, 5, Some(6)),
        ];
        assert_eq!(left_out(&needed), 0);
        assert_eq!(check_inferred(&Kv, &needed, Options::default()).unwrap().verdict, Verdict::Linearizable);
        let mut without = needed.clone();
        without.remove(1);
        assert_eq!(check_inferred(&Kv, &without, Options::default()).unwrap().verdict, Verdict::NotLinearizable);
        // Put 3.1 returned before the unknown put was called, after put 1.1 returned: the key
        // could not hold 1.1 just before it, so the failed compare-and-set cannot need it.
        let overwritten = vec![
            op(put("1.1"), Return::Done, 0, Some(1)),
            op(put("3.1"), Return::Done, 2, Some(3)),
            op(put("2.1"), Return::Unknown, 4, None),
            op(cas("1.1", "4.1"), Return::Cas(false), 5, Some(6)),
        ];
        assert_eq!(tightened(overwritten).1, vec![0, 1, 3]);
        let seen_by_cas =
            vec![op(put("2.1"), Return::Unknown, 0, None), op(cas("2.1", "4.1"), Return::Unknown, 1, None)];
        assert_eq!(left_out(&seen_by_cas), 1, "the unknown cas is left out, the put it expected is not");
    }
}
