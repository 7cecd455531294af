//! `raftsim`: the command-line face of raftsim-core.

mod args;
mod bench;
mod exit;
mod history;
mod run;
mod sweep;

use std::process::ExitCode;

use args::{
    BenchArgs, BenchBugsArgs, BenchHistoryArgs, CheckHistoryArgs, Command, MergeArgs, ReplayArgs, RunArgs, ShrinkArgs,
    SweepArgs,
};
use exit::Failure;

fn main() -> ExitCode {
    let (command_name, command) = match args::parse() {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    exit::finish(&command_name, dispatch(command))
}

/// Runs the command; `Ok` holds its exit status.
fn dispatch(command: Command) -> Result<u8, Failure> {
    match command {
        Command::Sweep(SweepArgs { scenario, file, bug, seeds, jobs, shard, json, base_url, quiet }) => {
            let scenario = run::load(&scenario, file.as_deref(), None)?;
            let failed =
                run_sweep(scenario, bug.as_deref(), &seeds, jobs, shard.as_deref(), json.as_deref(), &base_url, quiet)?;
            Ok(exit::status(failed))
        }
        Command::BenchBugs(BenchBugsArgs { scenario, jobs, ranges, seconds }) => {
            let preset = run::load(&scenario, None, None)?;
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
            Ok(exit::status(!all_found))
        }
        Command::Merge(MergeArgs { reports, json }) => {
            let reports = reports.iter().map(|path| sweep::read_report(path)).collect::<Result<Vec<_>, _>>()?;
            let report = sweep::merge(reports)?;
            write_report(&report, json.as_deref())?;
            sweep::print(&report);
            Ok(exit::status(!report.failures.is_empty()))
        }
        Command::Replay(ReplayArgs { link, context }) => Ok(exit::status(replay(&link, context)?)),
        Command::Shrink(ShrinkArgs { link, runs, base_url }) => shrink(&link, runs, &base_url),
        Command::CheckHistory(CheckHistoryArgs { file, model, json, no_partition, budget }) => {
            let options =
                raftsim_core::check::linearizability::Options { partition_by_key: !no_partition, step_budget: budget };
            history::check_history(&file, model, options, json)
        }
        Command::BenchHistory(BenchHistoryArgs { dir }) => Ok(exit::status(!history::bench_history(&dir)?)),
        Command::Run(RunArgs { scenario, file, seed, json }) => {
            let scenario = run::load(&scenario, file.as_deref(), seed)?;
            Ok(exit::status(run::run(scenario, json)))
        }
        Command::Bench(BenchArgs { seeds, json, standard_only }) => {
            if seeds == 0 {
                return Err(Failure::bad_input("--seeds must be at least 1"));
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
                std::fs::write(&path, text)
                    .map_err(|error| Failure::bad_input(format!("cannot write {}: {error}", path.display())))?;
            }
            Ok(exit::SUCCESS)
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

/// Exit status of `raftsim shrink` when the link's run passes every check.
const NOTHING_TO_SHRINK: u8 = 2;

fn shrink(link: &str, runs_max: u64, base_url: &str) -> Result<u8, Failure> {
    let decoded = raftsim_core::scenario::share::decode(link).map_err(Failure::bad_input)?;
    if !decoded.engine_matches() {
        exit::say(
            "shrink",
            format!(
                "the link was made by engine {}; this is engine {}, so the run may differ from its author's",
                decoded.engine_version,
                raftsim_core::ENGINE_VERSION
            ),
        );
    }
    let started = std::time::Instant::now();
    let shrunk = raftsim_core::sim::shrink::shrink(&decoded.spec, runs_max.max(1))
        .map_err(|problem| Failure::new(problem, NOTHING_TO_SHRINK))?;
    use raftsim_core::sim::shrink::size;
    println!("original: {}", size(&decoded.spec, &shrunk.original));
    for step in &shrunk.steps {
        println!("  kept: {step}");
    }
    println!("smallest: {}", size(&shrunk.spec, &shrunk.violation));
    println!("  {}", shrunk.violation);
    println!("  {} runs in {:.1} s", shrunk.runs, started.elapsed().as_secs_f64());
    println!("replay: {base_url}#{}", raftsim_core::scenario::share::encode(&shrunk.spec));
    Ok(exit::SUCCESS)
}

fn replay(link: &str, context: u64) -> Result<bool, String> {
    let decoded = raftsim_core::scenario::share::decode(link).map_err(|error| error.to_string())?;
    if !decoded.engine_matches() {
        exit::say(
            "replay",
            format!(
                "the link was made by engine {}; this is engine {}, so the replay may differ",
                decoded.engine_version,
                raftsim_core::ENGINE_VERSION
            ),
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
