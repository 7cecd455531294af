//! `raftsim hunt`: a guided hunt (`raftsim_core::explore::hunt`). Rounds of runs on every core:
//! fresh seeds, and forks of worlds where an earlier run first reached an abstract state
//! (signature) no run had reached, continued under fresh sub-seeds. It stops on wall time or
//! a run budget, and reports the failures (each with a link that replays it, forks included),
//! the signatures reached over time and the runs done.

use std::collections::BTreeMap;
use std::time::Instant;

use raftsim_core::explore::hunt::{run_job, Failure as RunFailure, Found, Hunt};
use raftsim_core::scenario::share::encode;
use raftsim_core::scenario::RunSpec;
use rayon::prelude::*;
use serde::Serialize;

use crate::args::HuntArgs;
use crate::exit::{self, Failure};
use crate::inputs;
use crate::output::out;
use crate::panics;

/// The hunt's report (`--json`).
#[derive(Debug, Serialize)]
pub struct HuntReport {
    pub scenario: String,
    pub bug: Option<String>,
    /// Which checks reported (`full` or `damage`).
    pub checks: &'static str,
    pub guided: bool,
    pub runs: u64,
    /// Of the runs, how many were forks (the rest fresh seeds).
    pub forked_runs: u64,
    pub events: u64,
    pub wall_seconds: f64,
    /// Distinct signatures (abstract cluster states) the runs reached.
    pub signatures: u64,
    /// After each round: runs done, seconds, signatures reached.
    pub timeline: Vec<(u64, f64, u64)>,
    pub failures: Vec<HuntFailure>,
}

/// A failing run the hunt found.
#[derive(Debug, Serialize)]
pub struct HuntFailure {
    /// The run's number in the hunt (from 1).
    pub run: u64,
    /// Wall seconds into the hunt when its round ended.
    pub seconds: f64,
    pub seed: u64,
    /// How many forks lead to the run (0: a fresh seed).
    pub forks: usize,
    /// The check that fired, or `Panic` when the engine panicked (a bug in raftsim).
    pub check: String,
    pub event: u64,
    pub time_us: u64,
    pub message: String,
    /// The page link that replays the run to the violating event (to the event before a
    /// panic).
    pub link: String,
}

/// Runs the hunt and prints its report; exit status 1 if a run failed.
pub fn execute(args: &HuntArgs) -> Result<u8, Failure> {
    let scenario = inputs::searched_scenario(&args.searched)?;
    if args.round == 0 {
        return Err("--round must be at least 1".to_string().into());
    }
    let name = scenario.name.clone();
    let checks = scenario.checks.name();
    let mut hunt = Hunt::new(scenario, args.seeds_from, args.hunt_seed);
    hunt.set_guided(!args.unguided);
    let jobs = inputs::threads(args.output.jobs);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().expect("a thread pool");
    let started = Instant::now();
    let mut timeline = Vec::new();
    let mut failures = Vec::new();
    let mut printed_s = 0.0;
    while !done(&hunt, args, started.elapsed().as_secs_f64(), failures.is_empty()) {
        let found_before = hunt.found().len();
        let locations = run_round(&pool, &mut hunt, args);
        let seconds = started.elapsed().as_secs_f64();
        let link = |spec: &RunSpec| format!("{}#{}", args.output.base_url, encode(spec));
        failures.extend(hunt.found()[found_before..].iter().map(|found| reported(found, &locations, seconds, link)));
        timeline.push((hunt.runs(), seconds, hunt.hits().len() as u64));
        if !args.output.quiet && seconds - printed_s >= 1.0 {
            printed_s = seconds;
            eprintln!(
                "{:>7.1} s  {:>7} runs  {:>6} signatures  {} failing",
                seconds,
                hunt.runs(),
                hunt.hits().len(),
                failures.len()
            );
        }
    }
    let report = HuntReport {
        scenario: name,
        bug: args.searched.bug.clone(),
        checks,
        guided: !args.unguided,
        runs: hunt.runs(),
        forked_runs: hunt.forked_runs(),
        events: hunt.events(),
        wall_seconds: started.elapsed().as_secs_f64(),
        signatures: hunt.hits().len() as u64,
        timeline,
        failures,
    };
    inputs::write_json(&report, args.output.json.as_deref())?;
    print(&report);
    Ok(exit::status(!report.failures.is_empty()))
}

/// Plans a round, runs its jobs on `pool`'s threads and merges them; returns where each run that
/// panicked did so, by run number.
fn run_round(pool: &rayon::ThreadPool, hunt: &mut Hunt, args: &HuntArgs) -> BTreeMap<u64, String> {
    let known = hunt.hits().clone();
    let round = hunt.plan(hunt.round_size(args.round, args.runs));
    let results: Vec<_> =
        pool.install(|| round.into_par_iter().map(|job| panics::judging(|| run_job(job, &known))).collect());
    let mut locations = BTreeMap::new();
    let runs_before = hunt.runs();
    let results = (1..)
        .zip(results)
        .map(|(number, (result, location))| {
            if let Some(location) = location {
                locations.insert(runs_before + number, location);
            }
            result
        })
        .collect();
    hunt.merge(results);
    locations
}

/// A failure the hunt found, as reported; `link` writes a run's page link.
fn reported(
    found: &Found,
    locations: &BTreeMap<u64, String>,
    seconds: f64,
    link: impl Fn(&RunSpec) -> String,
) -> HuntFailure {
    let (check, event, time_us, message) = match &found.failure {
        RunFailure::Violation(violation) => {
            (violation.invariant.name().to_string(), violation.event, violation.time_us, violation.message.clone())
        }
        RunFailure::Panic(panicked) => {
            let message = panics::described(&panicked.message, locations.get(&found.run).map(String::as_str));
            ("Panic".to_string(), panicked.event, panicked.time_us, message)
        }
    };
    HuntFailure {
        run: found.run,
        seconds,
        seed: found.spec.scenario.seed,
        forks: found.spec.scenario.forks.len(),
        check,
        event,
        time_us,
        message,
        link: link(&found.spec),
    }
}

/// Whether the hunt stops before another round: the run budget or the wall time is spent, or
/// a failure was found under `--stop-at-first`.
fn done(hunt: &Hunt, args: &HuntArgs, seconds: f64, none_failed: bool) -> bool {
    args.runs.is_some_and(|runs| hunt.runs() >= runs)
        || seconds >= seconds_max(args)
        || (args.stop_at_first && !none_failed)
}

/// The wall time the hunt may take: `--seconds`, else 30 s, or no limit with `--runs`.
fn seconds_max(args: &HuntArgs) -> f64 {
    args.seconds.unwrap_or(if args.runs.is_some() { f64::INFINITY } else { 30.0 })
}

fn print(report: &HuntReport) {
    out!(
        "{} hunt of {}{}, {} checks: {} runs ({} of them forks), {} events in {:.1} s; {} distinct signatures (abstract cluster states) reached; {} failing",
        if report.guided { "guided" } else { "unguided" },
        report.scenario,
        report.bug.as_ref().map_or(String::new(), |bug| format!(" with bug {bug}")),
        report.checks,
        report.runs,
        report.forked_runs,
        report.events,
        report.wall_seconds,
        report.signatures,
        report.failures.len()
    );
    for failure in &report.failures {
        let origin = if failure.forks == 0 { "fresh".to_string() } else { format!("{} forks", failure.forks) };
        out!(
            "  run {} (seed {}, {origin}, {:.1} s): {} at event {} ({} ms): {}",
            failure.run,
            failure.seed,
            failure.seconds,
            failure.check,
            failure.event,
            failure.time_us / 1000,
            failure.message
        );
        out!("    replay: {}", failure.link);
    }
}
