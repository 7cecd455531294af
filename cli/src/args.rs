//! The command line: every subcommand and flag `raftsim` accepts, with its help text. The
//! commands themselves live in `commands/`; this file only says what they take.
//!
//! Help that lists bugs or presets is built from the core's tables when the command line is
//! parsed, so that it cannot fall behind the catalogue the way a hand-written list does.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use raftsim_core::check::linearizability::MEMORY_BUDGET_NATIVE_BYTES;

use crate::commands::check_history;
use crate::exit;
use crate::inputs;

/// Reads the command line into the subcommand's name (for the commands' messages) and its
/// arguments. For `--help`, `--version` or a command line clap rejects, prints what clap says
/// and gives the exit code instead: 0 for help and version, 3 (bad input) for the rest.
pub fn parse() -> Result<(String, Command), ExitCode> {
    let reject = |error: clap::Error| {
        let _ = error.print();
        ExitCode::from(if error.use_stderr() { exit::BAD_INPUT } else { exit::SUCCESS })
    };
    let mut matches = Cli::command().try_get_matches().map_err(reject)?;
    let name = matches.subcommand_name().expect("clap requires a subcommand").to_string();
    let cli = Cli::from_arg_matches_mut(&mut matches).map_err(|error| reject(error.format(&mut Cli::command())))?;
    Ok((name, cli.command))
}

/// raftsim: a deterministic Raft simulator.
///
/// Exit status: 0 success; 1 a check failed (a violation, or a history that is not
/// linearizable); 2 the answer is unknown; 3 bad input (arguments, files, links).
#[derive(Parser)]
#[command(name = "raftsim", version = raftsim_core::ENGINE_VERSION)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run many seeds of a scenario on every core and report each failing seed with the check
    /// that fired and a page link that replays it. Exit status: 0 no failure, 1 failures found, 2 none failed but some seed's linearizability check ran out of budget,
    /// 3 bad arguments.
    Sweep(SweepArgs),
    /// A guided hunt: rounds of runs on every core, fresh seeds and forks of the worlds where
    /// a run first reached an abstract cluster state (signature) no run had, each fork
    /// continued under a fresh sub-seed and replayable from its link. Reports failures with
    /// links, the signatures reached over time and the runs done. Deterministic for a given
    /// --runs (and --round). Exit status: 0 no failure, 1 failures found, 3 bad arguments.
    Hunt(HuntArgs),
    /// For each catalogued bug, sweep several seed ranges with it on, on every core, and report
    /// the median seeds and wall time to the first failure. Exit status: 0 every bug found in
    /// every range, 1 some range's sweep gave up, 3 bad arguments.
    BenchBugs(BenchBugsArgs),
    /// Combine the JSON reports of sweep shards into one. Exit status: 0 no failure, 1 failures, 2 none failed but some linearizability went unanswered,
    /// 3 bad input.
    Merge(MergeArgs),
    /// Replay a share link (a URL or its fragment) and print the events before the point it
    /// stopped at, the violation if there is one, and the trace hash there. Exit status: 0 no
    /// violation, 1 a violation, 3 a bad link.
    Replay(ReplayArgs),
    /// Shrink a failing run: try fewer nodes, clients, user actions, scripted faults and fault
    /// kinds, a calmer network and an earlier stop, keep what still fails the same check, and
    /// print the smallest link found. Exit status: 0 shrunk, 2 the run does not fail, 3 a bad
    /// link.
    Shrink(ShrinkArgs),
    /// Check a Jepsen history for linearizability. Exit status: 0 linearizable, 1 not
    /// linearizable, 2 unknown (the step or memory budget ran out), 3 bad input.
    CheckHistory(CheckHistoryArgs),
    /// Time the checker on every labelled history of a directory (labels.tsv) and compare
    /// each verdict with its label. Exit status 1 if any verdict differs.
    BenchHistory(BenchHistoryArgs),
    /// Run one scenario to its end and print what the seed drew, what happened and whether
    /// every check passed.
    Run(RunArgs),
    /// Measure simulation speed with every check on: events per second on one core for the
    /// default scenario, and how the cost per event scales with nodes and simulated time.
    Bench(BenchArgs),
}

/// What a sweep or a hunt searches: a preset or a file, with a bug switched on and a check
/// mode (`#[command(flatten)]`ed into both, so they take the same flags in the same words).
#[derive(Args)]
pub struct SearchedScenario {
    /// The preset to search: by default `swarm`, where each seed also draws the cluster size
    /// and protocol options.
    #[arg(long, default_value = "swarm", value_parser = inputs::preset_parser())]
    pub scenario: String,
    /// Search a scenario from a JSON file instead of a preset.
    #[arg(long)]
    pub file: Option<PathBuf>,
    // The help lists the catalogue's names. (Clap drops a doc comment's final period, so the
    // built text has none either.)
    #[arg(long, help = format!("Switch on a catalogued bug ({})", inputs::bug_names()))]
    pub bug: Option<String>,
    /// Which checks report: `full` (every check) or `damage` (only what a bug breaks: the
    /// rule checks stay silent). Default: what the scenario says (presets: full).
    #[arg(long, value_parser = inputs::checks_parser())]
    pub checks: Option<String>,
}

/// How a sweep or a hunt runs and reports (flattened into both).
#[derive(Args)]
pub struct SearchOutput {
    /// Threads (default: every core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Write the report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// The page the replay links point at.
    #[arg(long, default_value = "http://127.0.0.1:8080/")]
    pub base_url: String,
    /// No progress on stderr.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub searched: SearchedScenario,
    /// Seeds, inclusive: A..B.
    #[arg(long, default_value = "1..1000")]
    pub seeds: String,
    /// Run only shard I of N (I from 0), every N-th seed of the range: give each machine of
    /// a batch job its own index, then combine the reports with `raftsim merge`.
    #[arg(long)]
    pub shard: Option<String>,
    /// Also count the distinct abstract cluster states (signatures) the seeds reach (slower).
    #[arg(long)]
    pub coverage: bool,
    #[command(flatten)]
    pub output: SearchOutput,
}

#[derive(Args)]
pub struct HuntArgs {
    #[command(flatten)]
    pub searched: SearchedScenario,
    /// The first fresh seed; fresh runs take the seeds from here on.
    #[arg(long, default_value_t = 1)]
    pub seeds_from: u64,
    /// The seed of the hunt's own choices (which world to fork, the sub-seeds).
    #[arg(long, default_value_t = 1)]
    pub hunt_seed: u64,
    /// Stop after this much wall time, in seconds (at the end of a round); by default 30,
    /// or no limit when --runs is given.
    #[arg(long)]
    pub seconds: Option<f64>,
    /// Stop after exactly this many runs (the last round is cut short): with it, the hunt is
    /// the same every time.
    #[arg(long)]
    pub runs: Option<u64>,
    /// Runs per round.
    #[arg(long, default_value_t = 64)]
    pub round: usize,
    /// Stop at the end of the round that found the first failure.
    #[arg(long)]
    pub stop_at_first: bool,
    /// No guidance: every run a fresh seed (a sweep with the hunt's rounds, to compare with).
    #[arg(long)]
    pub unguided: bool,
    #[command(flatten)]
    pub output: SearchOutput,
}

#[derive(Args)]
pub struct BenchBugsArgs {
    /// The preset swept, with each catalogued bug switched on in turn.
    #[arg(long, default_value = "swarm", value_parser = inputs::preset_parser())]
    pub scenario: String,
    /// Threads (default: every core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Seed ranges per bug.
    #[arg(long, default_value_t = 5)]
    pub ranges: u64,
    /// Give up on a range after this many seconds.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Sweep with only these checks (`full` or `damage`); by default both, side by side.
    #[arg(long, value_parser = inputs::checks_parser())]
    pub checks: Option<String>,
}

#[derive(Args)]
pub struct MergeArgs {
    /// Shard reports written by `raftsim sweep --json`.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Write the merged report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

#[derive(Args)]
pub struct ReplayArgs {
    /// The link.
    pub link: String,
    /// How many events to print before the stop.
    #[arg(long, default_value_t = 30)]
    pub context: u64,
    /// Instead, print a Rust test module for core/tests/integration/ that runs the link's run to
    /// its end and asserts how it ends (the check that fails, or that every check holds).
    #[arg(long)]
    pub rust_test: bool,
}

#[derive(Args)]
pub struct ShrinkArgs {
    /// The failing run's link (a URL or its fragment).
    pub link: String,
    /// Give up simplifying after this many reruns.
    #[arg(long, default_value_t = raftsim_core::explore::shrink::SHRINK_RUNS_DEFAULT)]
    pub runs: u64,
    /// The page the printed link points at.
    #[arg(long, default_value = "http://127.0.0.1:8080/")]
    pub base_url: String,
    /// Then print, instead of the usual report, a Rust test module for core/tests/integration/
    /// that runs the smallest run and asserts its violation.
    #[arg(long)]
    pub rust_test: bool,
}

#[derive(Args)]
pub struct CheckHistoryArgs {
    /// A Jepsen log (INFO  jepsen.util - ...) or EDN history ({:process ...}).
    pub file: PathBuf,
    /// The sequential specification.
    #[arg(long, value_enum)]
    pub model: check_history::ModelName,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Check the whole history as one instead of key by key (slower; for comparison).
    #[arg(long)]
    pub no_partition: bool,
    /// Model steps allowed before the answer is "unknown".
    #[arg(long, default_value_t = 100_000_000)]
    pub budget: u64,
    /// Memory the search's memo tables may hold in all, in MiB, before the partition that
    /// would outgrow it answers "unknown" (the checker then holds at most about 1.5 times this).
    #[arg(long, default_value_t = MEMORY_BUDGET_NATIVE_BYTES >> 20)]
    pub memory_budget_mib: usize,
}

#[derive(Args)]
pub struct BenchHistoryArgs {
    /// The directory holding labels.tsv.
    #[arg(long, default_value = "../shared/data/histories")]
    pub dir: PathBuf,
}

#[derive(Args)]
pub struct RunArgs {
    /// The preset to run (`--preset` is the same): a guided tour's prints its captions.
    #[arg(long, visible_alias = "preset", default_value = "default", value_parser = inputs::preset_parser())]
    pub scenario: String,
    /// A scenario as JSON instead of a preset.
    #[arg(long, conflicts_with = "scenario")]
    pub file: Option<PathBuf>,
    /// Replace the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct BenchArgs {
    /// Seeds per measurement of the standard workload.
    #[arg(long, default_value_t = 40)]
    pub seeds: u64,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Measure only the standard workload (no scaling tables).
    #[arg(long)]
    pub standard_only: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The help of one subcommand's flag, as `raftsim <subcommand> --help` shows it.
    fn flag_help(subcommand: &str, flag: &str) -> String {
        let command = Cli::command();
        let subcommand = command.find_subcommand(subcommand).expect("a subcommand");
        let argument = subcommand.get_arguments().find(|argument| argument.get_id() == flag).expect("a flag");
        argument.get_help().expect("help text").to_string()
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_lists_every_catalogued_bug_and_preset() {
        let bug_help = flag_help("sweep", "bug");
        for bug in raftsim_core::raft::BUG_CATALOGUE {
            assert!(bug_help.contains(bug.name), "{bug_help}");
        }
    }

    /// Every subcommand that takes `--scenario` lists every preset, the bugs' included, in
    /// its help, and accepts each.
    #[test]
    fn every_scenario_flag_lists_and_accepts_every_preset() {
        let presets = raftsim_core::scenario::all_preset_names();
        assert!(presets.iter().any(|name| name.starts_with(raftsim_core::scenario::BUG_PRESET_PREFIX)));
        let mut command = Cli::command();
        let mut flags = 0;
        for subcommand in command.get_subcommands_mut() {
            let name = subcommand.get_name().to_string();
            if subcommand.get_arguments().all(|argument| argument.get_id() != "scenario") {
                continue;
            }
            flags += 1;
            let help = subcommand.render_long_help().to_string();
            for preset in &presets {
                assert!(help.contains(&format!("- {preset}: ")), "raftsim {name} --help lacks {preset}:\n{help}");
                let line = ["raftsim", &name, "--scenario", preset];
                assert!(Cli::try_parse_from(line).is_ok(), "raftsim {name} refuses --scenario {preset}");
            }
            assert!(Cli::try_parse_from(["raftsim", &name, "--scenario", "no-such-preset"]).is_err());
        }
        assert_eq!(flags, 4, "run, sweep, hunt and bench-bugs take --scenario");
    }
}
