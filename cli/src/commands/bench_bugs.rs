//! `raftsim bench-bugs`: how quickly the random sweep finds each catalogued bug.

use std::ops::Range;
use std::time::Instant;

use raftsim_core::raft::{Bugs, BUG_CATALOGUE};
use raftsim_core::scenario::Scenario;
use raftsim_core::sim::Simulation;
use rayon::prelude::*;
use serde::Serialize;

use crate::args::BenchBugsArgs;
use crate::exit::{self, Failure};
use crate::inputs;
use crate::output::out;

/// Hunts every catalogued bug and prints a row per bug; exit status 1 if some hunt gave up.
pub fn execute(args: &BenchBugsArgs) -> Result<u8, Failure> {
    let preset = inputs::scenario(&args.scenario, None, None)?;
    let jobs = inputs::threads(args.jobs);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().expect("a thread pool");
    out!(
        "bug hunts: scenario {}, {} seed ranges per bug, {jobs} threads, at most {} s per range",
        args.scenario,
        args.ranges,
        args.seconds
    );
    out!("{:<28} {:>6} {:>14} {:>12}  checks that fired", "bug", "found", "median seeds", "median s");
    let mut all_found = true;
    for bug in BUG_CATALOGUE {
        let hunts = hunt(&pool, &preset, bug.name, args.ranges.max(1), args.seconds);
        all_found &= hunts.iter().all(|hunt| hunt.check.is_some());
        print_row(bug.name, &hunts);
    }
    Ok(exit::status(!all_found))
}

/// One bug's row: how many hunts found it, the median seeds and seconds it took, and the
/// checks that fired.
fn print_row(bug: &str, hunts: &[Hunt]) {
    let found = hunts.iter().filter(|hunt| hunt.check.is_some()).count();
    let mut checks: Vec<&str> = hunts.iter().filter_map(|hunt| hunt.check.as_deref()).collect();
    checks.sort_unstable();
    checks.dedup();
    out!(
        "{:<28} {:>3}/{:<2} {:>14.0} {:>12.2}  {}",
        bug,
        found,
        hunts.len(),
        median(hunts.iter().map(|hunt| hunt.seeds as f64).collect()),
        median(hunts.iter().map(|hunt| hunt.seconds).collect()),
        checks.join(", ")
    );
}

/// How a bug hunt went over one seed range.
#[derive(Debug, Serialize)]
pub struct Hunt {
    pub first_seed: u64,
    /// Seeds up to and including the first failing one (all seeds run if none failed in time).
    pub seeds: u64,
    pub seconds: f64,
    /// The check that fired, if the bug was found within the time limit.
    pub check: Option<String>,
}

/// Hunts `bug` in `ranges` seed ranges of `preset` (each starting a million seeds after the
/// previous), on `pool`'s threads as `raftsim sweep` does, each hunt stopped after
/// `seconds_max`. Seeds run in rounds of a few per thread; the first failure is the lowest
/// failing seed of the first round with one, so the seed found does not depend on scheduling.
fn hunt(pool: &rayon::ThreadPool, preset: &Scenario, bug: &str, ranges: u64, seconds_max: f64) -> Vec<Hunt> {
    let mut buggy = preset.clone();
    buggy.protocol.bugs = Bugs::only(bug).expect("catalogued");
    (0..ranges).map(|range| hunt_range(pool, &buggy, 1 + range * 1_000_000, seconds_max)).collect()
}

/// One hunt: rounds of seeds from `first_seed` on, until a round has a failing seed or
/// `seconds_max` has passed.
fn hunt_range(pool: &rayon::ThreadPool, scenario: &Scenario, first_seed: u64, seconds_max: f64) -> Hunt {
    let round = 4 * pool.current_num_threads() as u64;
    let started = Instant::now();
    let mut next = first_seed;
    loop {
        let failure = pool.install(|| first_failure(scenario, next..next + round));
        next += round;
        let seconds = started.elapsed().as_secs_f64();
        if failure.is_some() || seconds > seconds_max {
            let last_seed = failure.as_ref().map_or(next - 1, |(seed, _)| *seed);
            return Hunt {
                first_seed,
                seeds: last_seed - first_seed + 1,
                seconds,
                check: failure.map(|(_, check)| check),
            };
        }
    }
}

/// The lowest of `seeds` whose run fails, with the check that fired.
fn first_failure(scenario: &Scenario, seeds: Range<u64>) -> Option<(u64, String)> {
    seeds.into_par_iter().find_map_first(|seed| {
        let violation = Simulation::new(Scenario { seed, ..scenario.clone() }).expect("valid").run_to_end()?;
        Some((seed, violation.invariant.name().to_string()))
    })
}

/// The median of some values (the lower middle for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[(values.len() - 1) / 2]
}
