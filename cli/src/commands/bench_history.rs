//! `raftsim bench-history`: the linearizability checker timed on a directory of labelled
//! Jepsen histories, each verdict compared with its label.

use std::path::Path;
use std::time::Instant;

use raftsim_core::check::jepsen::{parse, write_kv_edn, write_register_log, Format};
use raftsim_core::check::linearizability::{Options, Verdict};
use raftsim_core::explore::histories::{kv_history, register_history, with_stale_read};

use crate::args::BenchHistoryArgs;
use crate::commands::check_history::{read, run_check, ModelName};
use crate::exit::{self, Failure};
use crate::output::out;

/// One labelled history, checked and timed.
struct Timing {
    file: String,
    operations: usize,
    seconds: f64,
    verdict: Verdict,
    /// The verdict its label gives.
    expected: Verdict,
}

/// Every history of `labels.tsv` under `--dir`, timed one by one, with each verdict compared to
/// its label; then the 10-client kv histories without partitioning. Exit status 1 if any verdict
/// differs from its label.
pub fn execute(args: &BenchHistoryArgs) -> Result<u8, Failure> {
    let timings = time_labelled(&args.dir)?;
    let all_right = timings.iter().all(|timing| timing.verdict == timing.expected);
    print_table(&timings, all_right);
    time_unpartitioned(&args.dir)?;
    let wide = time_wide()?;
    out!();
    print_table(&wide, wide.iter().all(|timing| timing.verdict == timing.expected));
    Ok(exit::status(!all_right || wide.iter().any(|timing| timing.verdict != timing.expected)))
}

/// Checks and times each history that `directory/labels.tsv` lists (`file<TAB>label` rows).
fn time_labelled(directory: &Path) -> Result<Vec<Timing>, String> {
    let labels_path = directory.join("labels.tsv");
    let labels =
        std::fs::read_to_string(&labels_path).map_err(|error| format!("{}: {error}", labels_path.display()))?;
    let mut timings = Vec::new();
    for row in labels.lines().filter(|row| !row.trim().is_empty()) {
        let (file, label) =
            row.split_once('\t').ok_or_else(|| format!("{}: row {row:?} has no tab", labels_path.display()))?;
        let expected = if label.trim() == "linearizable" { Verdict::Linearizable } else { Verdict::NotLinearizable };
        timings.push(time_history(directory, file, expected)?);
    }
    Ok(timings)
}

/// Checks one history against the model its format implies: etcd logs hold one register, EDN
/// histories a key-value store.
fn time_history(directory: &Path, file: &str, expected: Verdict) -> Result<Timing, String> {
    let (format, operations) = read(&directory.join(file))?;
    let model = if format == Format::EtcdLog { ModelName::Register } else { ModelName::Kv };
    let started = Instant::now();
    let result = run_check(model, &operations, Options::default())?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Timing { file: file.to_string(), operations: operations.len(), seconds, verdict: result.verdict, expected })
}

fn print_table(timings: &[Timing], all_right: bool) {
    out!("{:<28} {:>5} {:>10}  verdict", "history", "ops", "ms");
    for Timing { file, operations, seconds, verdict, expected } in timings {
        let mark = if verdict == expected { "" } else { "   <- WRONG" };
        out!("{file:<28} {operations:>5} {:>10.3}  {verdict:?}{mark}", seconds * 1e3);
    }
    let total_seconds = timings.iter().fold(0.0, |total, timing| total + timing.seconds);
    out!(
        "\n{} histories in {:.1} ms in all ({:.3} ms each on average), every verdict {}",
        timings.len(),
        total_seconds * 1e3,
        total_seconds * 1e3 / timings.len() as f64,
        if all_right { "as labelled" } else { "NOT as labelled" }
    );
}

/// Times the wide histories the simulator makes (not in the labelled set): 50 clients over 16
/// keys, with and without one stale read, and a 10-client register, each written in its Jepsen
/// format and read back.
fn time_wide() -> Result<Vec<Timing>, String> {
    // Seed 2, as core/tests/integration/wide_histories.rs (seed 1's hot key is judged unknown since 0.5.0).
    let kv = kv_history(2, 50, 16, 4_000);
    let stale = with_stale_read(&kv, "7").ok_or("no get to make stale")?;
    let register = register_history(1, 10, 2_000);
    let cases = [
        ("wide: kv, 50 clients", write_kv_edn(&kv)?, ModelName::Kv, Verdict::Linearizable),
        ("wide: kv, one stale read", write_kv_edn(&stale)?, ModelName::Kv, Verdict::NotLinearizable),
        ("wide: register, 10 clients", write_register_log(&register)?, ModelName::Register, Verdict::Linearizable),
    ];
    let mut timings = Vec::new();
    for (name, text, model, expected) in cases {
        let (_, operations) = parse(&text).map_err(|error| format!("{name}: {error}"))?;
        let started = Instant::now();
        let result = run_check(model, &operations, Options::default())?;
        let seconds = started.elapsed().as_secs_f64();
        timings.push(Timing {
            file: name.into(),
            operations: operations.len(),
            seconds,
            verdict: result.verdict,
            expected,
        });
    }
    Ok(timings)
}

/// Times the two 10-client kv histories checked as one history rather than key by key, to show
/// what partitioning by key saves.
fn time_unpartitioned(directory: &Path) -> Result<(), String> {
    for file in ["kv/c10-ok.txt", "kv/c10-bad.txt"] {
        let (_, operations) = read(&directory.join(file))?;
        let started = Instant::now();
        let result = run_check(ModelName::Kv, &operations, Options { partition_by_key: false, ..Options::default() })?;
        out!(
            "{file} without partitioning by key: {:?} in {:.1} ms ({} model steps)",
            result.verdict,
            started.elapsed().as_secs_f64() * 1e3,
            result.steps
        );
    }
    Ok(())
}
