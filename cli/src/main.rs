//! `raftsim`: the command-line face of raftsim-core.

mod bench;
mod history;
mod run;
mod sweep;

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
    /// Run many seeds of a scenario on every core and report each failing seed with the check
    /// that fired and a page link that replays it. Exit status: 0 no failure, 1 failures found,
    /// 3 bad arguments.
    Sweep {
        /// The preset to sweep (see `raftsim run --help`): by default `swarm`, where each seed
        /// also draws the cluster size and protocol options.
        #[arg(long, default_value = "swarm")]
        scenario: String,
        /// Sweep a scenario from a JSON file instead of a preset.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        /// Switch on a catalogued bug (figure8_commit, stale_vote_counted,
        /// lone_voter_no_reelect, vote_before_durable, stale_append_truncates,
        /// leader_counts_unsynced_self, prevote_low_term_deadlock).
        #[arg(long)]
        bug: Option<String>,
        /// Seeds, inclusive: A..B.
        #[arg(long, default_value = "1..1000")]
        seeds: String,
        /// Threads (default: every core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Run only shard I of N (I from 0), every N-th seed of the range: give each machine of
        /// a batch job its own index, then combine the reports with `raftsim merge`.
        #[arg(long)]
        shard: Option<String>,
        /// Write the report as JSON to this file.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
        /// The page the replay links point at.
        #[arg(long, default_value = "http://127.0.0.1:8080/")]
        base_url: String,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// For each catalogued bug, hunt it with the random sweep in several seed ranges, on every
    /// core, and report the median seeds and wall time to the first failure. Exit status: 0
    /// every bug found in every range, 1 some hunt gave up, 3 bad arguments.
    BenchBugs {
        /// The preset swept.
        #[arg(long, default_value = "swarm")]
        scenario: String,
        /// Threads (default: every core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Seed ranges per bug.
        #[arg(long, default_value_t = 5)]
        ranges: u64,
        /// Give up on a range after this many seconds.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
    },
    /// Combine the JSON reports of sweep shards into one. Exit status: 0 no failure, 1 failures,
    /// 3 bad input.
    Merge {
        /// Shard reports written by `raftsim sweep --json`.
        #[arg(required = true)]
        reports: Vec<std::path::PathBuf>,
        /// Write the merged report as JSON to this file.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    /// Replay a share link (a URL or its fragment) and print the events before the point it
    /// stopped at, and the violation if there is one. Exit status: 0 no violation, 1 a
    /// violation, 3 a bad link.
    Replay {
        /// The link.
        link: String,
        /// How many events to print before the stop.
        #[arg(long, default_value_t = 30)]
        context: u64,
    },
    /// Shrink a failing run: try fewer nodes, clients, user actions, scripted faults and fault
    /// kinds, a calmer network and an earlier stop, keep what still fails the same check, and
    /// print the smallest link found. Exit status: 0 shrunk, 2 the run does not fail, 3 a bad
    /// link.
    Shrink {
        /// The failing run's link (a URL or its fragment).
        link: String,
        /// Give up simplifying after this many reruns.
        #[arg(long, default_value_t = 2_000)]
        runs: u64,
        /// The page the printed link points at.
        #[arg(long, default_value = "http://127.0.0.1:8080/")]
        base_url: String,
    },
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
        Command::Sweep { scenario, file, bug, seeds, jobs, shard, json, base_url, quiet } => {
            match run::load(&scenario, file.as_deref(), None).and_then(|scenario| {
                run_sweep(scenario, bug.as_deref(), &seeds, jobs, shard.as_deref(), json.as_deref(), &base_url, quiet)
            }) {
                Ok(failed) => ExitCode::from(u8::from(failed)),
                Err(problem) => {
                    eprintln!("raftsim sweep: {problem}");
                    ExitCode::from(3)
                }
            }
        }
        Command::BenchBugs { scenario, jobs, ranges, seconds } => {
            let preset = match run::load(&scenario, None, None) {
                Ok(preset) => preset,
                Err(problem) => {
                    eprintln!("raftsim bench-bugs: {problem}");
                    return ExitCode::from(3);
                }
            };
            let jobs = threads(jobs);
            let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().expect("a thread pool");
            println!(
                "bug hunts: scenario {scenario}, {ranges} seed ranges per bug, {jobs} threads, at most {seconds} s per range"
            );
            println!("{:<28} {:>6} {:>14} {:>12}  checks that fired", "bug", "found", "median seeds", "median s");
            let mut all_found = true;
            for bug in raftsim_core::raft::BUG_CATALOGUE {
                let hunts = bench::hunt(&pool, &preset, bug.name, ranges.max(1), seconds);
                let found = hunts.iter().filter(|hunt| hunt.check.is_some()).count();
                all_found &= found == hunts.len();
                let mut checks: Vec<&str> = hunts.iter().filter_map(|hunt| hunt.check.as_deref()).collect();
                checks.sort_unstable();
                checks.dedup();
                println!(
                    "{:<28} {:>3}/{:<2} {:>14.0} {:>12.2}  {}",
                    bug.name,
                    found,
                    hunts.len(),
                    bench::median(hunts.iter().map(|hunt| hunt.seeds as f64).collect()),
                    bench::median(hunts.iter().map(|hunt| hunt.seconds).collect()),
                    checks.join(", ")
                );
            }
            ExitCode::from(u8::from(!all_found))
        }
        Command::Merge { reports, json } => {
            let merged = reports
                .iter()
                .map(|path| sweep::read_report(path))
                .collect::<Result<Vec<_>, _>>()
                .and_then(sweep::merge);
            match merged.and_then(|report| write_report(&report, json.as_deref()).map(|()| report)) {
                Ok(report) => {
                    sweep::print(&report);
                    ExitCode::from(u8::from(!report.failures.is_empty()))
                }
                Err(problem) => {
                    eprintln!("raftsim merge: {problem}");
                    ExitCode::from(3)
                }
            }
        }
        Command::Replay { link, context } => match replay(&link, context) {
            Ok(failed) => ExitCode::from(u8::from(failed)),
            Err(problem) => {
                eprintln!("raftsim replay: {problem}");
                ExitCode::from(3)
            }
        },
        Command::Shrink { link, runs, base_url } => shrink(&link, runs, &base_url),
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

/// `A..B`, inclusive.
fn parse_range(text: &str) -> Result<(u64, u64), String> {
    let (first, last) = text.split_once("..").ok_or_else(|| format!("--seeds takes A..B, not {text:?}"))?;
    let number = |part: &str| {
        part.trim().parse::<u64>().map_err(|_| format!("--seeds takes A..B with whole numbers, not {text:?}"))
    };
    let (first, last) = (number(first)?, number(last)?);
    if first > last {
        return Err(format!("--seeds {text}: the first seed is after the last"));
    }
    Ok((first, last))
}

/// `I/N`, with I from 0.
fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let (index, count) = text.split_once('/').ok_or_else(|| format!("--shard takes I/N, not {text:?}"))?;
    let number = |part: &str| {
        part.trim().parse::<u64>().map_err(|_| format!("--shard takes I/N with whole numbers, not {text:?}"))
    };
    let (index, count) = (number(index)?, number(count)?);
    if count == 0 || index >= count {
        return Err(format!("--shard {text}: I must be from 0 to N-1"));
    }
    Ok((index, count))
}

fn write_report(report: &sweep::Report, path: Option<&std::path::Path>) -> Result<(), String> {
    let Some(path) = path else { return Ok(()) };
    let text = serde_json::to_string_pretty(report).expect("a report serializes");
    std::fs::write(path, text).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

#[allow(clippy::too_many_arguments)]
fn run_sweep(
    mut scenario: raftsim_core::scenario::Scenario,
    bug: Option<&str>,
    seeds: &str,
    jobs: Option<usize>,
    shard: Option<&str>,
    json: Option<&std::path::Path>,
    base_url: &str,
    quiet: bool,
) -> Result<bool, String> {
    if let Some(bug) = bug {
        let known: Vec<&str> = raftsim_core::raft::BUG_CATALOGUE.iter().map(|info| info.name).collect();
        scenario.protocol.bugs = raftsim_core::raft::Bugs::only(bug)
            .ok_or_else(|| format!("no bug named {bug:?}; the catalogue has {}", known.join(", ")))?;
    }
    let (first, last) = parse_range(seeds)?;
    if last - first >= 100_000_000 {
        return Err("--seeds: at most 100,000,000 seeds in one sweep; use --shard to spread more".into());
    }
    let (index, count) = shard.map(parse_shard).transpose()?.unwrap_or((0, 1));
    let seeds = sweep::shard_seeds(first, last, index, count);
    let report = sweep::sweep(&scenario, bug, &seeds, threads(jobs), base_url, !quiet);
    write_report(&report, json)?;
    sweep::print(&report);
    Ok(!report.failures.is_empty())
}

/// The threads a parallel command uses: `--jobs` if given, else every core.
fn threads(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).max(1)
}

fn shrink(link: &str, runs_max: u64, base_url: &str) -> ExitCode {
    let decoded = match raftsim_core::scenario::share::decode(link) {
        Ok(decoded) => decoded,
        Err(error) => {
            eprintln!("raftsim shrink: {error}");
            return ExitCode::from(3);
        }
    };
    if !decoded.engine_matches() {
        eprintln!(
            "raftsim shrink: the link was made by engine {}; this is engine {}, so the run may differ from its author's",
            decoded.engine_version,
            raftsim_core::ENGINE_VERSION
        );
    }
    let started = std::time::Instant::now();
    match raftsim_core::sim::shrink::shrink(&decoded.spec, runs_max.max(1)) {
        Ok(shrunk) => {
            use raftsim_core::sim::shrink::size;
            println!("original: {}", size(&decoded.spec, &shrunk.original));
            for step in &shrunk.steps {
                println!("  kept: {step}");
            }
            println!("smallest: {}", size(&shrunk.spec, &shrunk.violation));
            println!("  {}", shrunk.violation);
            println!("  {} runs in {:.1} s", shrunk.runs, started.elapsed().as_secs_f64());
            println!("replay: {base_url}#{}", raftsim_core::scenario::share::encode(&shrunk.spec));
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("raftsim shrink: {problem}");
            ExitCode::from(2)
        }
    }
}

fn replay(link: &str, context: u64) -> Result<bool, String> {
    let decoded = raftsim_core::scenario::share::decode(link).map_err(|error| error.to_string())?;
    if !decoded.engine_matches() {
        eprintln!(
            "raftsim replay: the link was made by engine {}; this is engine {}, so the replay may differ",
            decoded.engine_version,
            raftsim_core::ENGINE_VERSION
        );
    }
    let stop = decoded.spec.stop_at_event;
    let mut session = raftsim_core::sim::session::Session::new(decoded.spec.clone(), context.clamp(1, 10_000) as usize)
        .map_err(|error| error.to_string())?;
    match stop {
        Some(event) => session.seek(event),
        None => while session.step() {},
    }
    let simulation = session.simulation();
    let scenario = simulation.scenario();
    println!(
        "{} seed {}, {} user actions; stopped after event {} at {} us",
        scenario.name,
        scenario.seed,
        decoded.spec.actions.len(),
        simulation.events(),
        simulation.now_us()
    );
    let first_shown = simulation.events().saturating_sub(context);
    for record in simulation.events_since(0).into_iter().filter(|record| record.number > first_shown) {
        println!("  #{:<8} {:>10} us  {}", record.number, record.time_us, record.text);
    }
    match simulation.violation() {
        Some(violation) => {
            println!("{violation}");
            Ok(true)
        }
        None => {
            println!("no violation up to here; trace hash {:016x}", simulation.trace_hash());
            Ok(false)
        }
    }
}
