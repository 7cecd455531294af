//! `raftsim`: the command-line face of raftsim-core.

mod bench;
mod history;
mod run;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// raftsim: a deterministic Raft simulator.
///
/// Exit status: 0 success; 1 a check failed (a violation, or a history that is not
/// linearizable); 2 the answer is unknown; 3 bad input (arguments, files, links).
#[derive(Parser)]
#[command(name = "raftsim", version = raftsim_core::ENGINE_VERSION)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a Jepsen history for linearizability. Exit status: 0 linearizable, 1 not
    /// linearizable, 2 unknown (the step budget ran out), 3 bad input.
    CheckHistory {
        /// A Jepsen log (INFO  jepsen.util - ...) or EDN history ({:process ...}).
        file: std::path::PathBuf,
        /// The sequential specification.
        #[arg(long, value_enum)]
        model: history::ModelName,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Check the whole history as one instead of key by key (slower; for comparison).
        #[arg(long)]
        no_partition: bool,
        /// Model steps allowed before the answer is "unknown".
        #[arg(long, default_value_t = 100_000_000)]
        budget: u64,
    },
    /// Time the checker on every labelled history of a directory (labels.tsv) and compare
    /// each verdict with its label. Exit status 1 if any verdict differs.
    BenchHistory {
        /// The directory holding labels.tsv.
        #[arg(long, default_value = "../shared/data/histories")]
        dir: std::path::PathBuf,
    },
    /// Run one scenario to its end and print what the seed drew, what happened and whether
    /// every check passed.
    Run {
        /// A preset: default, calm-election, leader-crash, minority-partition,
        /// majority-partition, flaky-network, clock-drift, disk-loss-on-crash.
        #[arg(long, default_value = "default")]
        scenario: String,
        /// A scenario as JSON instead of a preset.
        #[arg(long, conflicts_with = "scenario")]
        file: Option<std::path::PathBuf>,
        /// Replace the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Measure simulation speed with every check on: events per second on one core for the
    /// default scenario, and how the cost per event scales with nodes and simulated time.
    Bench {
        /// Seeds per measurement of the standard workload.
        #[arg(long, default_value_t = 40)]
        seeds: u64,
        /// Also write the figures as JSON to this file.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
        /// Measure only the standard workload (no scaling tables).
        #[arg(long)]
        standard_only: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 3 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::CheckHistory { file, model, json, no_partition, budget } => {
            let options =
                raftsim_core::check::linearizability::Options { partition_by_key: !no_partition, step_budget: budget };
            ExitCode::from(history::check_history(&file, model, options, json))
        }
        Command::BenchHistory { dir } => match history::bench_history(&dir) {
            Ok(all_right) => ExitCode::from(u8::from(!all_right)),
            Err(problem) => {
                eprintln!("raftsim bench-history: {problem}");
                ExitCode::from(3)
            }
        },
        Command::Run { scenario, file, seed, json } => match run::load(&scenario, file.as_deref(), seed) {
            Ok(scenario) => ExitCode::from(u8::from(run::run(scenario, json))),
            Err(problem) => {
                eprintln!("raftsim run: {problem}");
                ExitCode::from(3)
            }
        },
        Command::Bench { seeds, json, standard_only } => {
            if seeds == 0 {
                eprintln!("raftsim bench: --seeds must be at least 1");
                return ExitCode::from(3);
            }
            let text = if standard_only {
                let measurement = bench::measure(5, 10_000_000, seeds);
                println!(
                    "{:.0} events/s, {:.1} ms per seed ({} events, {} violations)",
                    measurement.events_per_second,
                    measurement.milliseconds_per_seed,
                    measurement.events,
                    measurement.violations
                );
                serde_json::to_string_pretty(&measurement).expect("the measurement serializes")
            } else {
                let report = bench::run(seeds);
                bench::print(&report);
                serde_json::to_string_pretty(&report).expect("the report serializes")
            };
            if let Some(path) = json {
                if let Err(error) = std::fs::write(&path, text) {
                    eprintln!("raftsim bench: cannot write {}: {error}", path.display());
                    return ExitCode::from(3);
                }
            }
            ExitCode::SUCCESS
        }
    }
}
