//! The cost of an event as a run grows: runs seeds `1..=SEEDS` of the default scenario over
//! `SECONDS` simulated (half safety phase, half liveness phase) and prints the events and the
//! wall time per event, split into the run's events, its last one (the end-of-run checks:
//! client liveness, linearizability over the whole history) and the teardown (freeing the
//! world), the two parts whose cost per event is a pass over the whole run's memory. Run it
//! under `valgrind --tool=callgrind` (profile `profiling`) for instruction counts, which the
//! shared machine's noise does not move:
//! `cargo run --release -p raftsim-core --example flat -- SECONDS SEEDS`.

use std::time::{Duration, Instant};

use raftsim_core::scenario::Scenario;
use raftsim_core::sim::{Phase, Simulation};

fn main() {
    let args: Vec<u64> =
        std::env::args().skip(1).map(|arg| arg.parse().expect("arguments: SECONDS SEEDS (integers)")).collect();
    let [seconds, seeds] = args[..] else { panic!("arguments: SECONDS SEEDS") };
    let mut events = 0;
    let (mut running, mut ending, mut freeing) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let started = Instant::now();
    for seed in 1..=seeds {
        let mut scenario = Scenario { seed, ..Scenario::default() };
        scenario.phases.safety_us = seconds * 500_000;
        scenario.phases.liveness_us = seconds * 500_000;
        let mut simulation = Simulation::new(scenario).expect("the default scenario is valid");
        let mut step_started = Instant::now();
        let mut last_step = Duration::ZERO;
        loop {
            let more = simulation.step();
            let now = Instant::now();
            if simulation.phase() == Phase::Finished || !more {
                last_step += now - step_started;
                break;
            }
            running += now - step_started;
            step_started = now;
        }
        while simulation.step() {}
        ending += last_step;
        events += simulation.events();
        let drop_started = Instant::now();
        drop(simulation);
        freeing += drop_started.elapsed();
    }
    let per_event = |time: Duration| time.as_nanos() as f64 / events as f64;
    println!(
        "{seconds} s x {seeds} seeds: {events} events, {:.0} ns/event (running {:.0}, the last event {:.0}, teardown {:.0})",
        per_event(started.elapsed()),
        per_event(running),
        per_event(ending),
        per_event(freeing)
    );
}
