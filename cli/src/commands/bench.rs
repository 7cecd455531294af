//! `raftsim bench`: how fast the simulator runs, with every check on, on one core.

use std::time::{Duration, Instant};

use raftsim_core::scenario::Scenario;
use raftsim_core::sim::World;
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

/// Seed `seed` of the default scenario with `nodes` nodes over `simulated_us`, faults striking
/// in the first `safety_us` (the safety phase), the rest the liveness phase.
fn default_run(seed: u64, nodes: u32, simulated_us: u64, safety_us: u64) -> World {
    assert!(safety_us <= simulated_us, "the safety phase is part of the run");
    let mut scenario = Scenario { seed, nodes, ..Scenario::default() };
    scenario.phases.safety_us = safety_us;
    scenario.phases.liveness_us = simulated_us - safety_us;
    World::new(scenario).expect("the default scenario is valid")
}

/// Runs seeds `1..=seeds` of the default scenario with `nodes` nodes over `simulated_us`
/// (half safety phase, half liveness phase), one after the other on this thread.
fn measure(nodes: u32, simulated_us: u64, seeds: u64) -> Measurement {
    let mut events = 0;
    let mut violations = 0;
    let started = Instant::now();
    for seed in 1..=seeds {
        let mut simulation = default_run(seed, nodes, simulated_us, simulated_us / 2);
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

/// The whole benchmark: the standard workload, then scaling in nodes and in simulated time, and
/// the cost of an event through one long run.
#[derive(Debug, Serialize)]
pub struct Report {
    pub standard: Measurement,
    pub by_nodes: Vec<Measurement>,
    pub by_length: Vec<Measurement>,
    pub through_run: ThroughRun,
}

/// The cost of an event in each tenth of long runs whose mix of events stays the same: faults
/// strike in the first second only, then the cluster is healthy. Runs of different lengths
/// (`by_length`) differ in mix as well as in length (a short run is mostly its first election,
/// a long one mostly replication); here only the run's age changes, so a cost that grows with
/// what a run has accumulated shows as a rise from window to window.
#[derive(Debug, Serialize)]
pub struct ThroughRun {
    pub nodes: u32,
    pub simulated_us: u64,
    pub safety_us: u64,
    pub seeds: u64,
    pub windows: Vec<Window>,
    /// The end of the run (client liveness and linearizability over the whole history), per
    /// event of the run.
    pub end_nanoseconds_per_event: f64,
    /// Freeing the world, per event of the run.
    pub teardown_nanoseconds_per_event: f64,
}

/// One tenth of the runs of [`ThroughRun`], all seeds together.
#[derive(Debug, Serialize)]
pub struct Window {
    pub from_us: u64,
    pub until_us: u64,
    pub events: u64,
    pub nanoseconds_per_event: f64,
}

/// Runs seeds `1..=seeds` over `simulated_us`, faults in the first `safety_us`, timing each tenth
/// of simulated time (the run's last event, its end-of-run checks, apart).
fn through_run(seeds: u64, simulated_us: u64, safety_us: u64) -> ThroughRun {
    const WINDOWS: u64 = 10;
    const NODES: u32 = 5;
    assert!(simulated_us % WINDOWS == 0 && safety_us < simulated_us, "ten whole windows after the faults begin");
    let window_us = simulated_us / WINDOWS;
    let mut times = [(0u64, Duration::ZERO); WINDOWS as usize];
    let (mut ending, mut freeing, mut events) = (Duration::ZERO, Duration::ZERO, 0);
    for seed in 1..=seeds {
        let mut simulation = default_run(seed, NODES, simulated_us, safety_us);
        for (window, (window_events, time)) in times.iter_mut().enumerate() {
            // The run ends with an event at its length: the last window stops just before it.
            let until_us = (window as u64 + 1) * window_us - 1;
            let (started, events_before) = (Instant::now(), simulation.events());
            simulation.run_until(until_us);
            *time += started.elapsed();
            *window_events += simulation.events() - events_before;
        }
        let started = Instant::now();
        simulation.run_to_end();
        ending += started.elapsed();
        events += simulation.events();
        let started = Instant::now();
        drop(simulation);
        freeing += started.elapsed();
    }
    let per_event = |time: Duration, events: u64| time.as_secs_f64() * 1e9 / events.max(1) as f64;
    let windows = (0..WINDOWS)
        .zip(times)
        .map(|(window, (window_events, time))| Window {
            from_us: window * window_us,
            until_us: (window + 1) * window_us,
            events: window_events,
            nanoseconds_per_event: per_event(time, window_events),
        })
        .collect();
    ThroughRun {
        nodes: NODES,
        simulated_us,
        safety_us,
        seeds,
        windows,
        end_nanoseconds_per_event: per_event(ending, events),
        teardown_nanoseconds_per_event: per_event(freeing, events),
    }
}

fn run(seeds: u64) -> Report {
    let standard = measure(5, 10_000_000, seeds);
    let by_nodes = [3, 5, 7, 9].iter().map(|&nodes| measure(nodes, 10_000_000, seeds.div_ceil(2))).collect();
    let by_length = [(1_000_000, seeds), (10_000_000, seeds.div_ceil(2)), (100_000_000, seeds.div_ceil(10).max(2))]
        .iter()
        .map(|&(simulated_us, count)| measure(5, simulated_us, count))
        .collect();
    let through_run = through_run(seeds.div_ceil(10).max(2), 100_000_000, 1_000_000);
    Report { standard, by_nodes, by_length, through_run }
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
    print_through_run(&report.through_run);
}

fn print_through_run(through: &ThroughRun) {
    out!(
        "\n  cost per event through one run ({} nodes, {} s simulated, faults in the first {} s, then healthy; {} seeds):",
        through.nodes,
        through.simulated_us / 1_000_000,
        through.safety_us as f64 / 1e6,
        through.seeds
    );
    out!("       window   events/seed      ns/event");
    for window in &through.windows {
        let span = format!("{}-{} s", window.from_us / 1_000_000, window.until_us / 1_000_000);
        out!("    {span:>9}   {:>11}   {:>11.0}", window.events / through.seeds, window.nanoseconds_per_event);
    }
    out!(
        "    then the end of the run (checks over the whole history) {:.0} ns and freeing the world {:.0} ns per event of the run",
        through.end_nanoseconds_per_event,
        through.teardown_nanoseconds_per_event
    );
}
