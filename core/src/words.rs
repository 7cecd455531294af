//! How the engine writes an operation, its answer, a moment and a stretch of simulated time:
//! the one place these words live, for the feed, the checks' messages, the command line and
//! the page (which asks the engine through the wasm crate rather than writing them again).
//!
//! An operation has two forms. The *exact* form quotes every key and value as Rust writes a
//! string (`put "k" "v"`, `cas "k" "a"->"b"`): the feed, violation messages and listings,
//! where a value with spaces or an empty one must not be misread. The *short* form leaves a
//! plain value bare and quotes only what needs it (`put k v`, `cas k a→b`; a register, whose
//! key is empty, reads `write 3`, `read`): labels on the timeline, counterexample sentences,
//! the inspector and the page's notices.
//!
//! A leaf: it imports only the protocol's `Op` (`core/tests/integration/layers.rs`), so `raft`, `check`
//! and `sim` may all use it.

use crate::raft::Op;

/// The exact form, which is also `Op`'s `Display`: `put "k" "v"`, `cas "k" "a"->"b"`; an
/// empty key (a single register) is left out.
pub fn op_exact(op: &Op) -> String {
    let key = |key: &str| if key.is_empty() { String::new() } else { format!(" {key:?}") };
    match op {
        Op::Get { key: name } => format!("get{}", key(name)),
        Op::Put { key: name, value } => format!("put{} {value:?}", key(name)),
        Op::Append { key: name, value } => format!("append{} {value:?}", key(name)),
        Op::Cas { key: name, from, to } => format!("cas{} {from:?}->{to:?}", key(name)),
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&op_exact(self))
    }
}

/// The short form: `put x 3`, `get x`, `append x a`, `cas x 1→2`; a register's (empty key)
/// reads `write 3`, `read`, `cas 1→2`.
pub fn op_short(op: &Op) -> String {
    let key = op.key();
    let register = key.is_empty();
    let named = |verb: &str, rest: &str| {
        let mut text = if register { verb.to_string() } else { format!("{verb} {}", value(key)) };
        if !rest.is_empty() {
            text.push(' ');
            text.push_str(rest);
        }
        text
    };
    match op {
        Op::Get { .. } => named(if register { "read" } else { "get" }, ""),
        Op::Put { value: put, .. } => named(if register { "write" } else { "put" }, &value(put)),
        Op::Append { value: appended, .. } => named("append", &value(appended)),
        Op::Cas { from, to, .. } => named("cas", &format!("{}→{}", value(from), value(to))),
    }
}

/// A value as the short form shows it: bare when it is a plain word, quoted when it is empty
/// or holds spaces or quotes, so `""` and `"a b"` stay readable.
pub fn value(value: &str) -> String {
    let plain = !value.is_empty() && value.chars().all(|c| c.is_alphanumeric() || "-_.:".contains(c));
    if plain {
        value.to_string()
    } else {
        format!("{value:?}")
    }
}

/// What an operation's caller saw, as the checks and the history know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer<'a> {
    /// A read's value (`None`: no value).
    Value(Option<&'a str>),
    /// A write or append took effect.
    Done,
    /// A compare-and-set took effect (`true`) or found another value (`false`).
    Cas(bool),
    /// No answer: the call may or may not have taken effect.
    Unknown,
}

/// An answer in a word or a value, short: `ok`, `failed`, `3`, `nil`, `?` (no answer).
pub fn answer_short(answer: Answer) -> String {
    match answer {
        Answer::Value(Some(read)) => value(read),
        Answer::Value(None) => "nil".into(),
        Answer::Done | Answer::Cas(true) => "ok".into(),
        Answer::Cas(false) => "failed".into(),
        Answer::Unknown => "?".into(),
    }
}

/// An answer exactly, as listings print it: `"3"`, `nil`, `ok`, `failed`, `unknown`.
pub fn answer_exact(answer: Answer) -> String {
    match answer {
        Answer::Value(Some(read)) => format!("{read:?}"),
        Answer::Value(None) => "nil".into(),
        Answer::Done | Answer::Cas(true) => "ok".into(),
        Answer::Cas(false) => "failed".into(),
        Answer::Unknown => "unknown".into(),
    }
}

/// An operation and its answer, as a timeline labels it: `put x 3 → ok`, `get x → 3`.
pub fn op_label(op: &Op, answer: Answer) -> String {
    format!("{} → {}", op_short(op), answer_short(answer))
}

/// A moment of simulated time, to a tenth of a millisecond: `5.3123 s`, so that times line up
/// and compare at a glance.
pub fn instant(us: u64) -> String {
    format!("{}.{:04} s", us / 1_000_000, us % 1_000_000 / 100)
}

/// A stretch of simulated time, exactly, in the largest unit that writes it briefly: `800 µs`,
/// `250 ms`, `1.5 s`, `2 s`, `1234.567 ms`.
pub fn duration(us: u64) -> String {
    match us {
        0..=999 => format!("{us} µs"),
        _ if us % 1_000_000 == 0 => format!("{} s", us / 1_000_000),
        1_000_000.. if us % 100_000 == 0 => format!("{}.{} s", us / 1_000_000, us % 1_000_000 / 100_000),
        _ if us % 1_000 == 0 => format!("{} ms", us / 1_000),
        _ => format!("{}.{:03} ms", us / 1_000, us % 1_000),
    }
}

/// A moment rounded for a glance (list entries, axis ends): `250 ms` below a second, then
/// seconds to a tenth: `1.5 s`, `130 s`.
pub fn instant_rounded(us: u64) -> String {
    if us < 1_000_000 {
        return format!("{} ms", (us + 500) / 1_000);
    }
    let tenths = (us + 50_000) / 100_000;
    if tenths % 10 == 0 {
        format!("{} s", tenths / 10)
    } else {
        format!("{}.{} s", tenths / 10, tenths % 10)
    }
}

/// A moment on an axis whose ticks are `step_us` apart, with as many decimals as the step
/// needs: `3 s`, `1.25 s`, `1.234 s`.
pub fn instant_to_step(us: u64, step_us: u64) -> String {
    let decimals = match step_us {
        1_000_000.. => 0,
        100_000.. => 1,
        10_000.. => 2,
        1_000.. => 3,
        _ => 4,
    };
    let whole = us / 1_000_000;
    if decimals == 0 {
        return format!("{whole} s");
    }
    let fraction = us % 1_000_000 / 10u64.pow(6 - decimals);
    format!("{whole}.{fraction:0width$} s", width = decimals as usize)
}

/// A count with its thousands grouped: `12,345`.
pub fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::new();
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A count with its noun, singular or plural as given: `1 message`, `1,204 messages`.
pub fn counted(value: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(value), if value == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(key: &str, value: &str) -> Op {
        Op::Put { key: key.into(), value: value.into() }
    }

    #[test]
    fn the_exact_form_quotes_everything_and_the_short_form_only_what_needs_it() {
        assert_eq!(op_exact(&put("k", "hello")), "put \"k\" \"hello\"");
        assert_eq!(put("k", "hello").to_string(), "put \"k\" \"hello\"");
        let cas = Op::Cas { key: "x".into(), from: "1".into(), to: "2".into() };
        assert_eq!(op_exact(&cas), "cas \"x\" \"1\"->\"2\"");
        assert_eq!(op_short(&cas), "cas x 1→2");
        assert_eq!(op_short(&put("x", "3")), "put x 3");
        assert_eq!(op_short(&put("x", "a b")), "put x \"a b\"");
        assert_eq!(op_short(&put("", "4")), "write 4");
        assert_eq!(op_short(&Op::Get { key: String::new() }), "read");
        assert_eq!(op_exact(&Op::Get { key: String::new() }), "get");
        assert_eq!(op_label(&put("x", "3"), Answer::Done), "put x 3 → ok");
        assert_eq!(op_label(&Op::Get { key: "x".into() }, Answer::Value(None)), "get x → nil");
        assert_eq!(answer_exact(Answer::Value(Some("3"))), "\"3\"");
        assert_eq!(answer_short(Answer::Unknown), "?");
        assert_eq!(answer_exact(Answer::Unknown), "unknown");
    }

    #[test]
    fn times_read_in_their_units() {
        assert_eq!(duration(800), "800 µs");
        assert_eq!(duration(250_000), "250 ms");
        assert_eq!(duration(2_000_000), "2 s");
        assert_eq!(duration(1_500_000), "1.5 s");
        assert_eq!(duration(1_234_567), "1234.567 ms");
        assert_eq!(instant(5_312_345), "5.3123 s");
        assert_eq!(instant(67_600_000), "67.6000 s");
        assert_eq!(instant_rounded(250_400), "250 ms");
        assert_eq!(instant_rounded(1_500_000), "1.5 s");
        assert_eq!(instant_rounded(130_000_000), "130 s");
        assert_eq!(instant_to_step(1_250_000, 50_000), "1.25 s");
        assert_eq!(instant_to_step(3_000_000, 1_000_000), "3 s");
        assert_eq!(instant_to_step(1_234_567, 1_000), "1.234 s");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(counted(1, "message", "messages"), "1 message");
        assert_eq!(counted(1_204, "message", "messages"), "1,204 messages");
    }
}
