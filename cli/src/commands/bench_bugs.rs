//! `raftsim bench-bugs`: how quickly the random sweep finds each catalogued bug.

use std::ops::Range;
use std::time::Instant;

use raftsim_core::explore::sweep::{judge_seed, Verdict};
use raftsim_core::raft::{Bugs, BUG_CATALOGUE};
use raftsim_core::scenario::{Checks, Scenario};
use rayon::prelude::*;
use serde::Serialize;

use crate::args::BenchBugsArgs;
use crate::exit::{self, Failure};
use crate::inputs;
use crate::output::out;
use crate::panics;

/// Sweeps for every catalogued bug and prints a row per bug, with a column group per check mode
/// (both modes side by side unless `--checks` names one); exit status 1 if some sweep gave up.
pub fn execute(args: &BenchBugsArgs) -> Result<u8, Failure> {
    let preset = inputs::scenario(&args.scenario, None, None)?;
    let modes = match &args.checks {
        Some(name) => vec![inputs::checks(name)?],
        None => Checks::ALL.to_vec(),
    };
    let jobs = inputs::threads(args.jobs);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().expect("a thread pool");
    out!(
        "bug sweeps: scenario {}, {} seed ranges per bug, {jobs} threads, at most {} s per range",
        args.scenario,
        args.ranges,
        args.seconds
    );
    let mut header = format!("{:<28}", "bug");
    for checks in &modes {
        header += &format!(" | {:<6} checks: {:>5} {:>9} {:>9}", checks.name(), "found", "med seeds", "med s");
    }
    out!("{header}  | checks that fired");
    let mut all_found = true;
    for bug in BUG_CATALOGUE {
        let mut row = format!("{:<28}", bug.name);
        let mut fired = Vec::new();
        for &checks in &modes {
            let mode_preset = Scenario { checks, ..preset.clone() };
            let sweeps = sweep_ranges(&pool, &mode_preset, bug.name, args.ranges.max(1), args.seconds);
            all_found &= sweeps.iter().all(|sweep| sweep.check.is_some());
            row += &cells(&sweeps);
            fired.push(format!("{}: {}", checks.name(), fired_checks(&sweeps)));
        }
        out!("{row}  | {}", fired.join("; "));
    }
    Ok(exit::status(!all_found))
}

/// One mode's cells of a bug's row: how many sweeps found it, and the median seeds and seconds
/// it took.
fn cells(sweeps: &[RangeSweep]) -> String {
    let found = sweeps.iter().filter(|sweep| sweep.check.is_some()).count();
    format!(
        " | {:<14} {:>3}/{:<2} {:>9.0} {:>9.2}",
        "",
        found,
        sweeps.len(),
        median(sweeps.iter().map(|sweep| sweep.seeds as f64).collect()),
        median(sweeps.iter().map(|sweep| sweep.seconds).collect()),
    )
}

/// The checks that fired in some sweep, each once.
fn fired_checks(sweeps: &[RangeSweep]) -> String {
    let mut checks: Vec<&str> = sweeps.iter().filter_map(|sweep| sweep.check.as_deref()).collect();
    checks.sort_unstable();
    checks.dedup();
    if checks.is_empty() {
        return "none".into();
    }
    checks.join(", ")
}

/// How a sweep for a bug went over one seed range.
#[derive(Debug, Serialize)]
pub struct RangeSweep {
    pub first_seed: u64,
    /// Seeds up to and including the first failing one (all seeds run if none failed in time).
    pub seeds: u64,
    pub seconds: f64,
    /// The check that fired, if the bug was found within the time limit.
    pub check: Option<String>,
}

/// Sweeps `ranges` seed ranges of `preset` with `bug` on (each starting a million seeds after
/// the previous), on `pool`'s threads as `raftsim sweep` does, each sweep stopped after
/// `seconds_max`. Seeds run in rounds of a few per thread; the first failure is the lowest
/// failing seed of the first round with one, so the seed found does not depend on scheduling.
fn sweep_ranges(
    pool: &rayon::ThreadPool,
    preset: &Scenario,
    bug: &str,
    ranges: u64,
    seconds_max: f64,
) -> Vec<RangeSweep> {
    let mut buggy = preset.clone();
    buggy.protocol.bugs = Bugs::only(bug).expect("catalogued");
    (0..ranges).map(|range| sweep_range(pool, &buggy, 1 + range * 1_000_000, seconds_max)).collect()
}

/// One sweep: rounds of seeds from `first_seed` on, until a round has a failing seed or
/// `seconds_max` has passed.
fn sweep_range(pool: &rayon::ThreadPool, scenario: &Scenario, first_seed: u64, seconds_max: f64) -> RangeSweep {
    let round = 4 * pool.current_num_threads() as u64;
    let started = Instant::now();
    let mut next = first_seed;
    loop {
        let failure = pool.install(|| first_failure(scenario, next..next + round));
        next += round;
        let seconds = started.elapsed().as_secs_f64();
        if failure.is_some() || seconds > seconds_max {
            let last_seed = failure.as_ref().map_or(next - 1, |(seed, _)| *seed);
            return RangeSweep {
                first_seed,
                seeds: last_seed - first_seed + 1,
                seconds,
                check: failure.map(|(_, check)| check),
            };
        }
    }
}

/// The lowest of `seeds` whose run fails, with the check that fired (`Panic` if the engine
/// panicked: a failure, though no check fired), each seed judged as `raftsim sweep` judges it.
fn first_failure(scenario: &Scenario, seeds: Range<u64>) -> Option<(u64, String)> {
    seeds.into_par_iter().find_map_first(|seed| {
        let (outcome, _) = panics::judging(|| judge_seed(scenario, seed));
        match outcome.verdict {
            Verdict::Fails(violation) => Some((seed, violation.invariant.name().to_string())),
            Verdict::Panic(_) => Some((seed, "Panic".to_string())),
            Verdict::Pass | Verdict::LinearizabilityUnknown => None,
        }
    })
}

/// The median of some values (the lower middle for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[(values.len() - 1) / 2]
}
