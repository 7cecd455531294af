//! The cost of an event as a run grows: runs seeds `1..=SEEDS` of the default scenario over
//! `SECONDS` simulated (half safety phase, half liveness phase) and prints the events and the
//! wall time per event. Run it under `valgrind --tool=callgrind` (profile `profiling`) for
//! instruction counts, which the shared machine's noise does not move:
//! `cargo run --release -p raftsim-core --example flat -- SECONDS SEEDS`.

use raftsim_core::scenario::Scenario;
use raftsim_core::sim::Simulation;

fn main() {
    let args: Vec<u64> =
        std::env::args().skip(1).map(|arg| arg.parse().expect("arguments: SECONDS SEEDS (integers)")).collect();
    let [seconds, seeds] = args[..] else { panic!("arguments: SECONDS SEEDS") };
    let mut events = 0;
    let started = std::time::Instant::now();
    for seed in 1..=seeds {
        let mut scenario = Scenario { seed, ..Scenario::default() };
        scenario.phases.safety_us = seconds * 500_000;
        scenario.phases.liveness_us = seconds * 500_000;
        let mut simulation = Simulation::new(scenario).expect("the default scenario is valid");
        simulation.run_to_end();
        events += simulation.events();
    }
    let nanoseconds_per_event = started.elapsed().as_nanos() as f64 / events as f64;
    println!("{seconds} s x {seeds} seeds: {events} events, {nanoseconds_per_event:.0} ns/event");
}
