//! A counterexample told as a person would tell it, and operations in the short form a timeline
//! labels its bars with (`put x 3 → ok`, `get x → 3`). The page shows both; the command line
//! keeps the longer listing of [`super::describe_counterexample`].

use super::{Call, Counterexample, Operation, Return};
use crate::words::{self, value as value_text};

/// The call in a few words (`crate::words`' short form): `put x 3`, `get x`, `cas x 1→2`; a
/// register's (empty key) reads `write 3`, `read`, `cas 1→2`.
pub fn call_text(call: &Call) -> String {
    words::op_short(call)
}

/// What came back, in a word or a value: `ok`, `failed`, `3`, `nil`, `?` (no answer).
pub fn return_text(ret: &Return) -> String {
    words::answer_short(ret.answer())
}

/// The operation as a timeline labels it: `put x 3 → ok`, `get x → 3`, `put x 5 → ?`.
pub fn op_label(op: &Operation) -> String {
    words::op_label(&op.call, op.ret.answer())
}

/// Whether the call changes what it touches (everything but a read).
fn writes(call: &Call) -> bool {
    !matches!(call, Call::Get { .. })
}

/// Why the history is not linearizable, in one or two sentences, naming operations by their
/// labels and times (`time` writes a time of the history: seconds for a run, lines for a log).
/// For a read that cannot go next it names the last write ordered before it when that write had
/// returned before the read was called: the classic stale read.
pub fn counterexample_sentence(
    operations: &[Operation],
    counterexample: &Counterexample,
    time: &dyn Fn(u64) -> String,
) -> String {
    let blocked = &counterexample.cannot_go_next;
    assert!(!blocked.is_empty(), "a counterexample names at least one operation that cannot go next");
    let subject = if counterexample.key.is_empty() {
        "the register".to_string()
    } else {
        format!("key {}", value_text(&counterexample.key))
    };
    let last_write = counterexample.longest_prefix.iter().rev().copied().find(|&op| writes(&operations[op].call));
    let first = &operations[blocked[0]];
    let reason = match (&first.call, last_write) {
        (Call::Get { .. }, Some(write)) if operations[write].complete.is_some_and(|done| done < first.invoke) => {
            let done = operations[write].complete.expect("checked in the guard");
            format!(
                "{} returned {} (called at {}), after {} had completed at {}",
                call_text(&first.call),
                return_text(&first.ret),
                time(first.invoke),
                call_text(&operations[write].call),
                time(done)
            )
        }
        _ => format!("{} (called at {}) cannot take effect next", op_label(first), time(first.invoke)),
    };
    let fits = match blocked.len() {
        1 => "the one operation that could go next does not fit it".to_string(),
        count => format!("none of the {count} operations that could go next fits it"),
    };
    format!(
        "Not linearizable at {subject}: {reason}. The longest order found places {} of its operations; then {}, and {fits}.",
        counterexample.longest_prefix.len(),
        counterexample.state_after_prefix
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(call: Call, ret: Return, invoke: u64, complete: Option<u64>) -> Operation {
        Operation { process: 0, call, ret, invoke, complete }
    }

    #[test]
    fn labels_are_short_and_quote_only_what_needs_it() {
        let put = op(Call::Put { key: "x".into(), value: "3".into() }, Return::Done, 0, Some(1));
        assert_eq!(op_label(&put), "put x 3 → ok");
        let get = op(Call::Get { key: "x".into() }, Return::Value(None), 0, None);
        assert_eq!(op_label(&get), "get x → nil");
        let spaced = op(Call::Append { key: "k".into(), value: "a b".into() }, Return::Unknown, 0, None);
        assert_eq!(op_label(&spaced), "append k \"a b\" → ?");
        let cas =
            op(Call::Cas { key: String::new(), from: "1".into(), to: "2".into() }, Return::Cas(false), 0, Some(1));
        assert_eq!(op_label(&cas), "cas 1→2 → failed");
        let write = op(Call::Put { key: String::new(), value: "4".into() }, Return::Done, 0, Some(1));
        assert_eq!(op_label(&write), "write 4 → ok");
    }

    #[test]
    fn a_stale_read_is_told_against_the_write_it_missed() {
        let operations = [
            op(Call::Put { key: "x".into(), value: "3".into() }, Return::Done, 0, Some(10)),
            op(Call::Put { key: "x".into(), value: "4".into() }, Return::Done, 20, Some(30)),
            op(Call::Get { key: "x".into() }, Return::Value(Some("3".into())), 40, Some(50)),
        ];
        let counterexample = Counterexample {
            key: "x".into(),
            longest_prefix: vec![0, 1],
            state_after_prefix: "the store holds \"x\" = \"4\"".into(),
            cannot_go_next: vec![2],
        };
        let sentence = counterexample_sentence(&operations, &counterexample, &|t| format!("{t} µs"));
        assert!(
            sentence.starts_with(
                "Not linearizable at key x: get x returned 3 (called at 40 µs), after put x 4 had completed at 30 µs."
            ),
            "{sentence}"
        );
        assert!(sentence.contains("places 2 of its operations"), "{sentence}");
    }

    #[test]
    fn other_blocked_operations_are_named_by_label() {
        let operations = [
            op(Call::Cas { key: "x".into(), from: "1".into(), to: "2".into() }, Return::Cas(true), 0, Some(5)),
            op(Call::Get { key: "x".into() }, Return::Value(Some("9".into())), 1, Some(6)),
        ];
        let counterexample = Counterexample {
            key: "x".into(),
            longest_prefix: vec![],
            state_after_prefix: "every key is empty".into(),
            cannot_go_next: vec![0, 1],
        };
        let sentence = counterexample_sentence(&operations, &counterexample, &|t| format!("line {t}"));
        assert!(sentence.contains("cas x 1→2 → ok (called at line 0) cannot take effect next"), "{sentence}");
        assert!(sentence.contains("none of the 2 operations that could go next fits it"), "{sentence}");
    }
}
