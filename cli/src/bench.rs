//! `raftsim bench`: how fast the simulator runs, with every check on, on one core.

use std::time::Instant;

use raftsim_core::scenario::Scenario;
use raftsim_core::sim::Simulation;
use rayon::prelude::*;
use serde::Serialize;

/// One measured configuration.
#[derive(Debug, Serialize)]
pub struct Measurement {
    pub nodes: u32,
    pub simulated_us: u64,
    pub seeds: u64,
    pub events: u64,
    pub wall_seconds: f64,
    pub events_per_second: f64,
    pub nanoseconds_per_event: f64,
    pub milliseconds_per_seed: f64,
    pub violations: u64,
}

/// Runs seeds `1..=seeds` of the default scenario with `nodes` nodes over `simulated_us`
/// (half safety phase, half liveness phase), one after the other on this thread.
pub fn measure(nodes: u32, simulated_us: u64, seeds: u64) -> Measurement {
    let mut events = 0;
    let mut violations = 0;
    let started = Instant::now();
    for seed in 1..=seeds {
        let mut scenario = Scenario { seed, nodes, ..Scenario::default() };
        scenario.phases.safety_us = simulated_us / 2;
        scenario.phases.liveness_us = simulated_us - simulated_us / 2;
        let mut simulation = Simulation::new(scenario).expect("the default scenario is valid");
        violations += u64::from(simulation.run_to_end().is_some());
        events += simulation.events();
    }
    let wall_seconds = started.elapsed().as_secs_f64();
    Measurement {
        nodes,
        simulated_us,
        seeds,
        events,
        wall_seconds,
        events_per_second: events as f64 / wall_seconds,
        nanoseconds_per_event: wall_seconds * 1e9 / events as f64,
        milliseconds_per_seed: wall_seconds * 1e3 / seeds as f64,
        violations,
    }
}

/// The whole benchmark: the standard workload, then scaling in nodes and in simulated time.
#[derive(Debug, Serialize)]
pub struct Report {
    pub standard: Measurement,
    pub by_nodes: Vec<Measurement>,
    pub by_length: Vec<Measurement>,
}

pub fn run(seeds: u64) -> Report {
    let standard = measure(5, 10_000_000, seeds);
    let by_nodes = [3, 5, 7, 9].iter().map(|&nodes| measure(nodes, 10_000_000, seeds.div_ceil(2))).collect();
    let by_length = [(1_000_000, seeds), (10_000_000, seeds.div_ceil(2)), (100_000_000, seeds.div_ceil(10).max(2))]
        .iter()
        .map(|&(simulated_us, count)| measure(5, simulated_us, count))
        .collect();
    Report { standard, by_nodes, by_length }
}

pub fn print(report: &Report) {
    let standard = &report.standard;
    println!(
        "raftsim bench: default scenario (5 nodes, swarm faults, 3 clients, 10 s simulated), every check on, one core"
    );
    println!(
        "  {} seeds, {} events in {:.2} s: {:.0} events/s, {:.1} ms per seed, {} violations",
        standard.seeds,
        standard.events,
        standard.wall_seconds,
        standard.events_per_second,
        standard.milliseconds_per_seed,
        standard.violations
    );
    println!("\n  cost per event by cluster size (10 s simulated):");
    println!("    nodes   events/seed      ns/event   ms/seed");
    for measurement in &report.by_nodes {
        println!(
            "    {:>5}   {:>11}   {:>11.0}   {:>7.1}",
            measurement.nodes,
            measurement.events / measurement.seeds,
            measurement.nanoseconds_per_event,
            measurement.milliseconds_per_seed
        );
    }
    println!("\n  cost per event by simulated time (5 nodes):");
    println!("    simulated   events/seed      ns/event   ms/seed");
    for measurement in &report.by_length {
        println!(
            "    {:>7} s   {:>11}   {:>11.0}   {:>7.1}",
            measurement.simulated_us / 1_000_000,
            measurement.events / measurement.seeds,
            measurement.nanoseconds_per_event,
            measurement.milliseconds_per_seed
        );
    }
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
pub fn hunt(pool: &rayon::ThreadPool, preset: &Scenario, bug: &str, ranges: u64, seconds_max: f64) -> Vec<Hunt> {
    let bugs = raftsim_core::raft::Bugs::only(bug).expect("catalogued");
    let round = 4 * pool.current_num_threads() as u64;
    (0..ranges)
        .map(|range| {
            let first_seed = 1 + range * 1_000_000;
            let started = Instant::now();
            let mut next = first_seed;
            loop {
                let failure = pool.install(|| {
                    (next..next + round).into_par_iter().find_map_first(|seed| {
                        let mut scenario = Scenario { seed, ..preset.clone() };
                        scenario.protocol.bugs = bugs;
                        let violation = Simulation::new(scenario).expect("valid").run_to_end()?;
                        Some((seed, violation.invariant.name().to_string()))
                    })
                });
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
        })
        .collect()
}

/// The median of some values (the lower middle for an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[(values.len() - 1) / 2]
}
