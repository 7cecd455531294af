//! `raftsim check-history`: a Jepsen history through the linearizability checker.

use std::path::Path;
use std::time::Instant;

use raftsim_core::check::jepsen::{parse, Format};
use raftsim_core::check::linearizability::model::{Kv, Register};
use raftsim_core::check::linearizability::{check, describe_counterexample, CheckResult, Operation, Options, Verdict};

use crate::args::CheckHistoryArgs;
use crate::exit::{self, Failure};

/// Exit status of `check-history` when the step budget ran out before a verdict.
const UNKNOWN: u8 = 2;

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

/// Checks `operations` against `model`'s sequential specification.
pub fn run_check(model: ModelName, operations: &[Operation], options: Options) -> Result<CheckResult, String> {
    match model {
        ModelName::Register => check(&Register, operations, options),
        ModelName::Kv => check(&Kv, operations, options),
    }
}

/// Checks the history and prints the verdict; exit status 0 linearizable, 1 not, 2 unknown.
pub fn execute(args: &CheckHistoryArgs) -> Result<u8, Failure> {
    let path = &args.file;
    let (_, operations) = read(path)?;
    let options = Options { partition_by_key: !args.no_partition, step_budget: args.budget };
    let started = Instant::now();
    let result = run_check(args.model, &operations, options)
        .map_err(|problem| Failure::bad_input(format!("{}: {problem}", path.display())))?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        print_json(path, args.model, seconds, &result);
    } else {
        print_verdict(path, &operations, seconds, &result);
    }
    Ok(match result.verdict {
        Verdict::Linearizable => exit::SUCCESS,
        Verdict::NotLinearizable => exit::CHECK_FAILED,
        Verdict::Unknown => UNKNOWN,
    })
}

fn print_json(path: &Path, model: ModelName, seconds: f64, result: &CheckResult) {
    let report = serde_json::json!({ "file": path, "model": format!("{model:?}").to_lowercase(), "seconds": seconds, "result": result });
    println!("{}", serde_json::to_string_pretty(&report).expect("serializable"));
}

/// The verdict in words, with the counterexample if the history is not linearizable.
fn print_verdict(path: &Path, operations: &[Operation], seconds: f64, result: &CheckResult) {
    let verdict = match result.verdict {
        Verdict::Linearizable => "linearizable",
        Verdict::NotLinearizable => "NOT linearizable",
        Verdict::Unknown => "unknown (the step budget ran out; raise --budget)",
    };
    println!(
        "{}: {verdict}\n  {} operations in {} independent sub-histories, {} model steps, {:.1} ms",
        path.display(),
        result.operations,
        result.partitions,
        result.steps,
        seconds * 1e3
    );
    if let Some(counterexample) = &result.counterexample {
        println!("  operations are numbered from 0 in file order; times are line numbers");
        println!("  {}", describe_counterexample(operations, counterexample).replace('\n', "\n  "));
    }
}
