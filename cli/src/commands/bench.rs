//! `raftsim bench`: how fast the simulator runs, with every check on, on one core.

use std::time::Instant;

use raftsim_core::scenario::Scenario;
use raftsim_core::sim::Simulation;
use serde::Serialize;

use crate::args::BenchArgs;
use crate::exit::{self, Failure};
use crate::output::out;

/// Measures and prints, then writes the figures to `--json` if given.
pub fn execute(args: &BenchArgs) -> Result<u8, Failure> {
    if args.seeds == 0 {
        return Err(Failure::bad_input("--seeds must be at least 1"));
    }
    let figures = if args.standard_only { standard_only(args.seeds) } else { whole(args.seeds) };
    if let Some(path) = &args.json {
        std::fs::write(path, figures).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    }
    Ok(exit::SUCCESS)
}

/// Measures and prints the standard workload alone; returns its figures as JSON.
fn standard_only(seeds: u64) -> String {
    let measurement = measure(5, 10_000_000, seeds);
    out!(
        "{:.0} events/s, {:.1} ms per seed ({} events, {} violations)",
        measurement.events_per_second,
        measurement.milliseconds_per_seed,
        measurement.events,
        measurement.violations
    );
    serde_json::to_string_pretty(&measurement).expect("the measurement serializes")
}

/// Measures and prints the whole benchmark; returns its figures as JSON.
fn whole(seeds: u64) -> String {
    let report = run(seeds);
    print(&report);
    serde_json::to_string_pretty(&report).expect("the report serializes")
}

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
fn measure(nodes: u32, simulated_us: u64, seeds: u64) -> Measurement {
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

fn run(seeds: u64) -> Report {
    let standard = measure(5, 10_000_000, seeds);
    let by_nodes = [3, 5, 7, 9].iter().map(|&nodes| measure(nodes, 10_000_000, seeds.div_ceil(2))).collect();
    let by_length = [(1_000_000, seeds), (10_000_000, seeds.div_ceil(2)), (100_000_000, seeds.div_ceil(10).max(2))]
        .iter()
        .map(|&(simulated_us, count)| measure(5, simulated_us, count))
        .collect();
    Report { standard, by_nodes, by_length }
}

fn print(report: &Report) {
    let standard = &report.standard;
    out!(
        "raftsim bench: default scenario (5 nodes, swarm faults, 3 clients, 10 s simulated), every check on, one core"
    );
    out!(
        "  {} seeds, {} events in {:.2} s: {:.0} events/s, {:.1} ms per seed, {} violations",
        standard.seeds,
        standard.events,
        standard.wall_seconds,
        standard.events_per_second,
        standard.milliseconds_per_seed,
        standard.violations
    );
    out!("\n  cost per event by cluster size (10 s simulated):");
    out!("    nodes   events/seed      ns/event   ms/seed");
    for measurement in &report.by_nodes {
        out!(
            "    {:>5}   {:>11}   {:>11.0}   {:>7.1}",
            measurement.nodes,
            measurement.events / measurement.seeds,
            measurement.nanoseconds_per_event,
            measurement.milliseconds_per_seed
        );
    }
    out!("\n  cost per event by simulated time (5 nodes):");
    out!("    simulated   events/seed      ns/event   ms/seed");
    for measurement in &report.by_length {
        out!(
            "    {:>7} s   {:>11}   {:>11.0}   {:>7.1}",
            measurement.simulated_us / 1_000_000,
            measurement.events / measurement.seeds,
            measurement.nanoseconds_per_event,
            measurement.milliseconds_per_seed
        );
    }
}
