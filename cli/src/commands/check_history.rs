//! `raftsim check-history`: a Jepsen history through the linearizability checker.

use std::path::Path;
use std::time::Instant;

use raftsim_core::check::jepsen::{parse, Format};
use raftsim_core::check::linearizability::model::{Kv, Register};
use raftsim_core::check::linearizability::{
    check_timed, describe_counterexample, CheckResult, Operation, Options, PartitionVerdict, Verdict,
};

use crate::args::CheckHistoryArgs;
use crate::exit::{self, Failure};
use crate::output::out;

/// Which sequential specification to check against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ModelName {
    /// Read, write and compare-and-set on one register (Jepsen's etcd test).
    Register,
    /// Get, put and append (and compare-and-set) per key.
    Kv,
}

/// Reads a history file; the error names the file, the line and what was expected.
pub fn read(path: &Path) -> Result<(Format, Vec<Operation>), String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    parse(&text).map_err(|error| format!("{}: {error}", path.display()))
}

/// Checks `operations` against `model`'s sequential specification, timing each partition.
pub fn run_check(model: ModelName, operations: &[Operation], options: Options) -> Result<CheckResult, String> {
    let started = Instant::now();
    let mut clock = || u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    match model {
        ModelName::Register => check_timed(&Register, operations, options, &mut clock),
        ModelName::Kv => check_timed(&Kv, operations, options, &mut clock),
    }
}

/// Checks the history and prints the verdict; exit status 0 linearizable, 1 not, 2 unknown.
pub fn execute(args: &CheckHistoryArgs) -> Result<u8, Failure> {
    let path = &args.file;
    let (_, operations) = read(path)?;
    let options = Options {
        partition_by_key: !args.no_partition,
        step_budget: args.budget,
        memory_budget_bytes: args.memory_budget_mib.saturating_mul(1 << 20),
    };
    let started = Instant::now();
    let result = run_check(args.model, &operations, options).map_err(|problem| {
        // The only refusal is the register's of an append: name the model that reads it.
        let hint = if args.model == ModelName::Register { "; use --model kv" } else { "" };
        Failure::bad_input(format!("{}: {problem}{hint}", path.display()))
    })?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        print_json(path, args.model, seconds, &result);
    } else {
        print_verdict(path, &operations, seconds, &result);
    }
    Ok(match result.verdict {
        Verdict::Linearizable => exit::SUCCESS,
        Verdict::NotLinearizable => exit::CHECK_FAILED,
        Verdict::Unknown => exit::UNKNOWN,
    })
}

fn print_json(path: &Path, model: ModelName, seconds: f64, result: &CheckResult) {
    let report = serde_json::json!({
        "file": path,
        "model": format!("{model:?}").to_lowercase(),
        "seconds": seconds,
        "memo_bytes_peak": result.memo_bytes_peak,
        "result": result,
    });
    out!("{}", serde_json::to_string_pretty(&report).expect("serializable"));
}

/// The verdict in words, with the counterexample if the history is not linearizable.
fn print_verdict(path: &Path, operations: &[Operation], seconds: f64, result: &CheckResult) {
    let verdict = match result.verdict {
        Verdict::Linearizable => "linearizable",
        Verdict::NotLinearizable => "NOT linearizable",
        Verdict::Unknown => "unknown (a budget ran out: raise --budget or --memory-budget-mib)",
    };
    out!(
        "{}: {verdict}\n  {} operations in {} independent sub-histories, {} model steps, memo peak {:.1} MiB, {:.1} ms",
        path.display(),
        result.operations,
        result.partitions,
        result.steps,
        result.memo_bytes_peak as f64 / f64::from(1 << 20),
        seconds * 1e3
    );
    print_partitions(result);
    if let Some(counterexample) = &result.counterexample {
        out!("  operations are numbered from 0 in file order; times are line numbers");
        out!("  {}", describe_counterexample(operations, counterexample).replace('\n', "\n  "));
    }
}

/// A line for each partition that is not linearizable or has no answer, and a count of those
/// left unfinished once another failed.
fn print_partitions(result: &CheckResult) {
    let mut unfinished = 0;
    for partition in &result.partition_results {
        let what = match partition.verdict {
            PartitionVerdict::Linearizable => continue,
            PartitionVerdict::Unfinished => {
                unfinished += 1;
                continue;
            }
            PartitionVerdict::NotLinearizable => "NOT linearizable",
            PartitionVerdict::OutOfSteps => "unknown: the step budget ran out",
            PartitionVerdict::OutOfMemory => "unknown: its memo reached the memory budget and was freed",
        };
        out!(
            "  key {:?}: {what} ({} operations, {} steps, {} memo entries, {:.1} MiB, {:.1} ms)",
            partition.key,
            partition.operations,
            partition.steps,
            partition.memo_entries,
            partition.memo_bytes_peak as f64 / f64::from(1 << 20),
            partition.time_us as f64 / 1e3
        );
    }
    if unfinished > 0 {
        out!("  {unfinished} other sub-histories left unfinished: one that fails is enough");
    }
}
