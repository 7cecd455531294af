//! `raftsim check-history` and `raftsim bench-history`: Jepsen histories through the
//! linearizability checker.

use std::path::{Path, PathBuf};
use std::time::Instant;

use raftsim_core::check::jepsen::{parse, Format};
use raftsim_core::check::linearizability::model::{Kv, Register};
use raftsim_core::check::linearizability::{check, describe_counterexample, CheckResult, Operation, Options, Verdict};

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

pub fn run_check(model: ModelName, operations: &[Operation], options: Options) -> Result<CheckResult, String> {
    match model {
        ModelName::Register => check(&Register, operations, options),
        ModelName::Kv => check(&Kv, operations, options),
    }
}

/// `check-history`: `Ok` holds the exit status: 0 linearizable, 1 not, 2 unknown.
pub fn check_history(path: &Path, model: ModelName, options: Options, json: bool) -> Result<u8, Failure> {
    let (_, operations) = read(path)?;
    let started = Instant::now();
    let result = run_check(model, &operations, options)
        .map_err(|problem| Failure::bad_input(format!("{}: {problem}", path.display())))?;
    let seconds = started.elapsed().as_secs_f64();
    if json {
        let report = serde_json::json!({ "file": path, "model": format!("{model:?}").to_lowercase(), "seconds": seconds, "result": result });
        println!("{}", serde_json::to_string_pretty(&report).expect("serializable"));
    } else {
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
            println!("  {}", describe_counterexample(&operations, counterexample).replace('\n', "\n  "));
        }
    }
    Ok(match result.verdict {
        Verdict::Linearizable => exit::SUCCESS,
        Verdict::NotLinearizable => exit::CHECK_FAILED,
        Verdict::Unknown => UNKNOWN,
    })
}

/// `bench-history`: every history of `labels.tsv` under `directory`, timed one by one, with
/// each verdict compared to its label; then the 10-client kv histories without partitioning.
pub fn bench_history(directory: &Path) -> Result<bool, String> {
    let labels_path = directory.join("labels.tsv");
    let labels =
        std::fs::read_to_string(&labels_path).map_err(|error| format!("{}: {error}", labels_path.display()))?;
    let mut total_seconds = 0.0;
    let mut all_right = true;
    let mut rows = Vec::new();
    for row in labels.lines().filter(|row| !row.trim().is_empty()) {
        let (file, label) =
            row.split_once('\t').ok_or_else(|| format!("{}: row {row:?} has no tab", labels_path.display()))?;
        let path: PathBuf = directory.join(file);
        let (format, operations) = read(&path)?;
        let model = if format == Format::EtcdLog { ModelName::Register } else { ModelName::Kv };
        let started = Instant::now();
        let result = run_check(model, &operations, Options::default())?;
        let seconds = started.elapsed().as_secs_f64();
        total_seconds += seconds;
        let expected = if label.trim() == "linearizable" { Verdict::Linearizable } else { Verdict::NotLinearizable };
        all_right &= result.verdict == expected;
        rows.push((file.to_string(), operations.len(), seconds, result.verdict, expected));
    }
    println!("{:<28} {:>5} {:>10}  verdict", "history", "ops", "ms");
    for (file, operations, seconds, verdict, expected) in &rows {
        let mark = if verdict == expected { "" } else { "   <- WRONG" };
        println!("{file:<28} {operations:>5} {:>10.3}  {verdict:?}{mark}", seconds * 1e3);
    }
    println!(
        "\n{} histories in {:.1} ms in all ({:.3} ms each on average), every verdict {}",
        rows.len(),
        total_seconds * 1e3,
        total_seconds * 1e3 / rows.len() as f64,
        if all_right { "as labelled" } else { "NOT as labelled" }
    );
    for file in ["kv/c10-ok.txt", "kv/c10-bad.txt"] {
        let (_, operations) = read(&directory.join(file))?;
        let started = Instant::now();
        let result = run_check(ModelName::Kv, &operations, Options { partition_by_key: false, ..Options::default() })?;
        println!(
            "{file} without partitioning by key: {:?} in {:.1} ms ({} model steps)",
            result.verdict,
            started.elapsed().as_secs_f64() * 1e3,
            result.steps
        );
    }
    Ok(all_right)
}
