//! The checker on wide histories made by the simulator's own clients (50 clients over 16 keys,
//! 4,000 operations), written out in both Jepsen formats and read back: verdicts, memory kept
//! within the budget, and a bad key found without finishing the hard one. These histories are
//! generated here, not kept in the labelled set.

use raftsim_core::check::jepsen::{parse, write_kv_edn, write_register_log, Format};
use raftsim_core::check::linearizability::model::{Kv, Register};
use raftsim_core::check::linearizability::{check, CheckResult, Operation, Options, PartitionVerdict, Verdict};
use raftsim_core::explore::histories::{kv_history, register_history, with_stale_read};

/// The wide key-value history, as its EDN text reads back.
fn wide_kv(bad_key: Option<&str>) -> Vec<Operation> {
    // Seed 2: since engine 0.5.0 (snapshots) seed 1's hot key needs more memo than the default
    // budget and is judged unknown; `raftsim bench-history` times the same history.
    let operations = kv_history(2, 50, 16, 4_000);
    let operations = match bad_key {
        Some(key) => with_stale_read(&operations, key).expect("a get to make stale"),
        None => operations,
    };
    let (format, read) = parse(&write_kv_edn(&operations).expect("gets, puts and appends")).expect("reads back");
    assert_eq!((format, read.len()), (Format::KvEdn, operations.len()));
    read
}

fn partition<'a>(result: &'a CheckResult, key: &str) -> &'a raftsim_core::check::linearizability::PartitionResult {
    result.partition_results.iter().find(|partition| partition.key == key).expect("the key has a partition")
}

#[test]
fn a_wide_kv_history_from_the_simulator_is_linearizable() {
    let result = check(&Kv, &wide_kv(None), Options::default()).expect("the kv model judges it");
    assert_eq!(result.verdict, Verdict::Linearizable);
    assert_eq!(result.partitions, 16);
    assert!(result.partition_results.iter().all(|partition| partition.verdict == PartitionVerdict::Linearizable));
    let hot = partition(&result, "0");
    assert!(hot.operations > 500, "key 0 is hot: {} operations", hot.operations);
    assert!(hot.memo_entries > 1_000 && hot.memo_bytes_peak <= result.memo_bytes_peak);
    assert!(result.memo_bytes_peak <= Options::default().memory_budget_bytes);
}

#[test]
fn one_stale_read_is_found_without_finishing_the_hard_key() {
    let good = check(&Kv, &wide_kv(None), Options::default()).expect("judged");
    let bad = check(&Kv, &wide_kv(Some("7")), Options::default()).expect("judged");
    assert_eq!(bad.verdict, Verdict::NotLinearizable);
    assert_eq!(bad.counterexample.as_ref().map(|counterexample| counterexample.key.as_str()), Some("7"));
    assert_eq!(partition(&bad, "7").verdict, PartitionVerdict::NotLinearizable);
    assert_eq!(partition(&bad, "0").verdict, PartitionVerdict::Unfinished, "the hard key is left unfinished");
    assert!(
        bad.steps * 10 < partition(&good, "0").steps,
        "{} steps, against {} for key 0 alone",
        bad.steps,
        partition(&good, "0").steps
    );
    let again = check(&Kv, &wide_kv(Some("7")), Options::default()).expect("judged");
    assert_eq!(again, bad, "the same history gives the same answer and counterexample");
}

#[test]
fn a_register_history_reads_back_from_log_lines_separated_by_spaces() {
    let operations = register_history(1, 10, 2_000);
    let text = write_register_log(&operations).expect("integer values");
    assert!(text.lines().all(|line| line.starts_with("INFO  jepsen.util - ") && !line.contains('\t')));
    let (format, read) = parse(&text).expect("reads back");
    assert_eq!((format, read.len()), (Format::EtcdLog, operations.len()));
    assert_eq!(check(&Register, &read, Options::default()).expect("judged").verdict, Verdict::Linearizable);
    let stale = with_stale_read(&operations, "0").expect("a get to make stale");
    let (_, read) = parse(&write_register_log(&stale).expect("integers")).expect("reads back");
    assert_eq!(check(&Register, &read, Options::default()).expect("judged").verdict, Verdict::NotLinearizable);
}

#[test]
fn a_history_too_hard_for_the_memory_budget_answers_unknown_within_it() {
    // Forty clients on one register: the search's memo grows far past 16 MiB before an answer
    // (twenty are answered since an observer that can go next goes first, and thirty under
    // engine 0.7.0's traces).
    let operations = register_history(1, 40, 2_000);
    let budget_bytes = 16 << 20;
    let options = Options { step_budget: u64::MAX, memory_budget_bytes: budget_bytes, ..Options::default() };
    let result = check(&Register, &operations, options).expect("judged");
    assert_eq!(result.verdict, Verdict::Unknown);
    let register = partition(&result, "0");
    assert_eq!(register.verdict, PartitionVerdict::OutOfMemory);
    assert!(register.memo_entries > 10_000, "it searched: {} configurations", register.memo_entries);
    assert!(result.memo_bytes_peak <= budget_bytes, "{} bytes", result.memo_bytes_peak);
    assert!(result.memo_bytes_peak > budget_bytes / 4, "the budget, not something else, stopped it");
}
