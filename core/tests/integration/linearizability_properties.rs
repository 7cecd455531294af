//! Properties of the linearizability checker and the Jepsen reader.

use proptest::prelude::*;
use raftsim_core::check::jepsen::parse;
use raftsim_core::check::linearizability::model::{Kv, Register};
use raftsim_core::check::linearizability::{check, Call, Operation, Options, Return, Verdict};
use raftsim_core::raft::{Command, KvStore, OpResult};

/// An operation drawn for a sequential execution: (kind, key, value, from). Values are small
/// numbers, so compare-and-sets often match.
fn arbitrary_call() -> impl Strategy<Value = (u8, u8, u8, u8)> {
    (0u8..4, 0u8..3, 0u8..5, 0u8..5)
}

fn call_of((kind, key, value, from): (u8, u8, u8, u8), appends: bool) -> Call {
    let key = key.to_string();
    match kind {
        0 => Call::Get { key },
        1 => Call::Put { key, value: value.to_string() },
        2 if appends => Call::Append { key, value: value.to_string() },
        _ => Call::Cas { key, from: from.to_string(), to: value.to_string() },
    }
}

/// Runs calls one after another on the real state machine (`KvStore`), recording what each
/// returned, then gives each a window around its real time: invoked up to `before` slots early,
/// returned up to `after` slots late, some never answered (unknown). The real time of call `i` is
/// `10 * i + 5`, inside every window.
fn sequential_history(calls: Vec<Call>, windows: Vec<(u64, u64, bool)>) -> Vec<Operation> {
    let mut store = KvStore::default();
    let mut operations = Vec::new();
    for (position, (call, (before, after, lost))) in calls.into_iter().zip(windows).enumerate() {
        let op = call.clone();
        let (result, _) = store.apply(&Command { client: position as u64 + 1, seq: 1, op });
        let ret = match result {
            OpResult::Value(value) => Return::Value(value.as_deref().cloned()),
            OpResult::Done => Return::Done,
            OpResult::CasResult(applied) => Return::Cas(applied),
            OpResult::Stale => unreachable!("every request is a new client's first"),
        };
        let moment = 10 * position as u64 + 5;
        let invoke = moment.saturating_sub(before * 10);
        let (ret, complete) = if lost { (Return::Unknown, None) } else { (ret, Some(moment + after * 10)) };
        operations.push(Operation { process: position as u64, call, ret, invoke, complete });
    }
    operations
}

/// Cases per property: 300 in `./dev test`; run long by hand with `PROPTEST_CASES=N` (the
/// closing note of issue 12 reports a million).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(300)
}

/// A history of any shape: calls with random results and random, overlapping windows, some
/// never answered. Mostly not linearizable.
fn random_history(calls: Vec<(u8, u8, u8, u8)>, windows: Vec<(u64, u64, bool)>, results: Vec<u8>) -> Vec<Operation> {
    let returned = |call: &Call, result: u8| match call {
        Call::Get { .. } if result == 0 => Return::Value(None),
        Call::Get { .. } => Return::Value(Some((result % 5).to_string())),
        Call::Cas { .. } => Return::Cas(result % 2 == 0),
        _ => Return::Done,
    };
    let triples = calls.into_iter().zip(windows).zip(results);
    let operations = triples.enumerate().map(|(position, ((call, (start, length, lost)), result))| {
        let call = call_of(call, true);
        let ret = if lost { Return::Unknown } else { returned(&call, result) };
        let complete = (!lost).then_some(start * 10 + length * 10 + 5);
        Operation { process: position as u64, call, ret, invoke: start * 10, complete }
    });
    operations.collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn the_checker_answers_any_history_within_its_budgets(
        calls in proptest::collection::vec(arbitrary_call(), 1..30),
        windows in proptest::collection::vec((0u64..20, 0u64..6, proptest::bool::weighted(0.1)), 30),
        results in proptest::collection::vec(0u8..6, 30),
        memory_budget_kib in 16usize..4096,
        partition_by_key in any::<bool>(),
    ) {
        let history = random_history(calls, windows, results);
        let options = Options {
            partition_by_key,
            step_budget: 200_000,
            memory_budget_bytes: memory_budget_kib << 10,
        };
        let result = check(&Kv, &history, options).unwrap();
        prop_assert_eq!(result.partition_results.len(), result.partitions);
        prop_assert_eq!(result.verdict == Verdict::NotLinearizable, result.counterexample.is_some());
        prop_assert!(result.steps <= options.step_budget);
        prop_assert!(result.memo_bytes_peak <= options.memory_budget_bytes);
        prop_assert_eq!(check(&Kv, &history, options).unwrap(), result, "the same answer every time");
    }

    #[test]
    fn a_register_history_from_a_sequential_run_is_linearizable(
        calls in proptest::collection::vec(arbitrary_call(), 1..40),
        windows in proptest::collection::vec((0u64..4, 0u64..4, proptest::bool::weighted(0.1)), 40),
    ) {
        let calls: Vec<Call> = calls.into_iter().map(|call| call_of(call, false)).collect();
        let history = sequential_history(calls, windows);
        let result = check(&Register, &history, Options::default()).unwrap();
        prop_assert_eq!(result.verdict, Verdict::Linearizable);
    }

    #[test]
    fn a_kv_history_from_a_sequential_run_is_linearizable(
        calls in proptest::collection::vec(arbitrary_call(), 1..40),
        windows in proptest::collection::vec((0u64..4, 0u64..4, proptest::bool::weighted(0.1)), 40),
    ) {
        let calls: Vec<Call> = calls.into_iter().map(|call| call_of(call, true)).collect();
        let history = sequential_history(calls, windows);
        let result = check(&Kv, &history, Options::default()).unwrap();
        prop_assert_eq!(result.verdict, Verdict::Linearizable);
    }

    #[test]
    fn the_reader_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn the_reader_never_panics_on_mutated_lines(
        position in 0usize..400,
        replacement in "[\\t :\\[\\]{}\",0-9a-z-]{0,6}",
        line in 0usize..6,
        edn in any::<bool>(),
    ) {
        let etcd = "INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2]\nINFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:fail\t:cas\t[1 2]\nINFO  jepsen.util - 1\t:ok\t:read\t3\nINFO  jepsen.util - 2\t:invoke\t:write\t4\nINFO  jepsen.util - 2\t:info\t:write\t:timed-out\n";
        let kv = "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x\"}\n{:process 0, :type :ok, :f :append, :key \"0\", :value \"x\"}\n{:process 1, :type :invoke, :f :get, :key \"0\", :value nil}\n{:process 1, :type :ok, :f :get, :key \"0\", :value \"x\"}\n{:process 2, :type :invoke, :f :put, :key \"1\", :value \"y\"}\n{:process 2, :type :fail, :f :put, :key \"1\", :value \"y\"}\n";
        let source = if edn { kv } else { etcd };
        let mut lines: Vec<String> = source.lines().map(String::from).collect();
        let target = &mut lines[line];
        let mut characters: Vec<char> = target.chars().collect();
        let cut = position.min(characters.len());
        let end = (cut + replacement.len() % 4).min(characters.len());
        characters.splice(cut..end, replacement.chars());
        *target = characters.into_iter().collect();
        match parse(&lines.join("\n")) {
            Ok(_) => {}
            Err(error) => prop_assert!(error.line >= 1 && error.line <= 6 && !error.message.is_empty()),
        }
    }
}

#[test]
fn the_reader_rejects_every_truncation_of_a_line_without_panicking() {
    let line = "{:process 12, :type :invoke, :f :append, :key \"0\", :value \"x 9 0 y\"}";
    for end in 0..line.len() {
        let _ = parse(&line[..end]);
    }
}
